/** The admin's source card: DOWN (not DEGRADED) once every recent call failed, with the root cause first and the next step. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, gql, viewerFor, type Harness } from '../support/graphql.js';

let h: Harness;
beforeAll(async () => {
  h = createHarness({ size: 30, seed: 5 });
  h.sandbox.listen();
  await h.runtime.warmIndexes();
});
afterAll(() => h.sandbox.close());

// A new alias each time: the response cache must not hand back an earlier answer.
let n = 0;
const zendesk = async () => ((await gql(h, viewerFor('admin'), `{ s${++n}: sources { system reachability diagnosis } }`)).data![`s${n}`] as { system: string; reachability: string; diagnosis: string | null }[]).find((s) => s.system === 'ZENDESK')!;

describe('admin source card', () => {
  it('says DOWN with root cause and next step when every recent call failed, and UP again after', async () => {
    expect(await zendesk()).toMatchObject({ reachability: 'UP', diagnosis: null });
    h.sandbox.state.setFault('zendesk', { status: 503 });
    for (let i = 0; i < 3; i++) await h.runtime.createLoaders({ forceRefresh: true }).support.organizationIndex();
    const down = await zendesk();
    expect(down.reachability).toBe('DOWN');
    expect(down.diagnosis).toMatch(/^Zendesk answered 503 to every call \(3\) since \d\d:\d\d UTC; Panorama retries on every read; check status\.zendesk\.com\.$/);
    h.sandbox.state.clearFaults('zendesk');
    // "Check now": the source is asked once, and the card answers with what it said
    const before = h.sandbox.state.totalRequests('zendesk');
    const checked = await gql(h, viewerFor('admin'), `query ($s: [System!]) { sources(refreshSystems: $s) { system reachability diagnosis } }`, { s: ['ZENDESK'] });
    expect(h.sandbox.state.totalRequests('zendesk')).toBeGreaterThan(before);
    expect(checked.data!.sources.find((s: { system: string }) => s.system === 'ZENDESK')).toMatchObject({ diagnosis: null });
    // the last call succeeded: no longer DOWN (DEGRADED while failures are still in the recent window)
    expect(checked.data!.sources.find((s: { system: string }) => s.system === 'ZENDESK').reachability).toMatch(/^(UP|DEGRADED)$/);
    expect((await zendesk()).diagnosis).toBeNull();
    const denied = await gql(h, viewerFor('support'), `{ sources(refreshSystems: [ZENDESK]) { system } }`);
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('a rate limit reads as what it is, with its end and the next step; the last error is in words, the system’s own text only in the details', async () => {
    h.sandbox.state.setFault('zendesk', { rateLimit: true, retryAfterSeconds: 90 });
    await h.runtime.createLoaders({ forceRefresh: true }).support.organizationIndex();
    const r = await gql(h, viewerFor('admin'), `{ s${++n}: sources { system diagnosis lastError { code summary message } } }`);
    const z = (r.data![`s${n}`] as { system: string; diagnosis: string | null; lastError: { code: string; summary: string; message: string } | null }[]).find((s) => s.system === 'ZENDESK')!;
    h.sandbox.state.clearFaults('zendesk');
    expect(z.diagnosis).toMatch(/^Zendesk asked Panorama to slow down( since \d\d:\d\d UTC)?; nothing is sent until \d\d:\d\d:\d\d UTC, as asked, and pages show what was read before\./);
    expect(z.lastError).toMatchObject({ code: 'RATE_LIMITED', summary: 'Zendesk asked Panorama to slow down (its rate limit).' });
    // the words are Panorama's own, whatever the system said
    expect(z.lastError!.summary).not.toContain(z.lastError!.message);
  });
});
