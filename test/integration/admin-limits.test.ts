/**
 * The admin's view of limits and incidents through GraphQL: each source's budget used this minute (counted as the
 * kit counts it), and the recent incidents with when they began, why in words, and when they ended. Admins only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, gql, viewerFor } from '../support/graphql.js';

const h = createHarness({ size: 40, yoga: { responseCache: { ttlMs: 0, maxEntries: 1, maxBytes: 1 } }, env: { PANORAMA_BUDGET_QUICKBOOKS_PER_MINUTE: '50', PANORAMA_ALERT_CONSECUTIVE_FAILURES: '3', PANORAMA_RETRY_ATTEMPTS: '0' } });
const admin = viewerFor('admin');
const Q = /* GraphQL */ `
  {
    sources { system budget { perMinute used remaining resetsAt } dailyAllowance { used } }
    incidents { kind system name startedAt endedAt durationSeconds reason text }
  }
`;
type Incident = { kind: string; system: string; name: string; startedAt: string; endedAt: string | null; durationSeconds: number; reason: string; text: string };

beforeAll(async () => {
  h.sandbox.listen();
  expect((await h.runtime.warmIndexes()).every((w) => w.ok)).toBe(true);
});
afterAll(() => h.sandbox.close());

describe('admin: request limits and incidents', () => {
  it("shows each budget's use this minute as the kit counts it; sources without one have none", async () => {
    const before = await h.runtime.bySource.quickbooks.kit.budget!.state();
    await h.runtime.createLoaders({ forceRefresh: true }).accounting.searchCustomers('a', 5);
    const r = await gql(h, admin, Q);
    const q = r.data!.sources.find((s: { system: string }) => s.system === 'QUICKBOOKS');
    expect(q.budget).toMatchObject({ perMinute: 50, used: 50 - before.remaining + 1, remaining: before.remaining - 1 });
    expect(Date.parse(q.budget.resetsAt)).toBeGreaterThan(h.runtime.clock.now());
    const z = r.data!.sources.find((s: { system: string }) => s.system === 'ZENDESK');
    expect(z.budget).toBeNull(); // none against the built-in sandbox unless set
    expect(z.dailyAllowance).toBeNull();
  });

  it('lists an incident from its start, with the reason in words, and its end once the source answers again', async () => {
    h.sandbox.state.setFault('zendesk', { status: 503 });
    for (let i = 0; i < 3; i++) await h.runtime.createLoaders({ forceRefresh: true }).support.organizationIndex().catch(() => null);
    const during = (await gql(h, admin, Q)).data!.incidents as Incident[];
    const down = during.find((i) => i.kind === 'SOURCE_DOWN' && i.system === 'ZENDESK')!;
    expect(down).toMatchObject({ name: 'Zendesk', endedAt: null, reason: 'HTTP 503 (unavailable); 3 calls in a row failed' });
    expect(down.text).toMatch(/^Zendesk is down: 3 calls in a row failed \(HTTP 503/);
    expect(down.durationSeconds).toBeGreaterThanOrEqual(0);

    h.sandbox.state.clearFaults('zendesk');
    await h.runtime.createLoaders({ forceRefresh: true }).support.organizationIndex();
    const after = (await gql(h, admin, Q)).data!.incidents as Incident[];
    const ended = after.find((i) => i.kind === 'SOURCE_DOWN' && i.system === 'ZENDESK')!;
    expect(ended.startedAt).toBe(down.startedAt);
    expect(Date.parse(ended.endedAt!)).toBeGreaterThanOrEqual(Date.parse(down.startedAt));
    expect(ended.durationSeconds).toBe(Math.round((Date.parse(ended.endedAt!) - Date.parse(ended.startedAt)) / 1000));
  });

  it('a rate-limit incident ends by itself when its window has passed', async () => {
    h.sandbox.state.setFault('asana', { rateLimit: true, retryAfterSeconds: 1 });
    await h.runtime.createLoaders({ forceRefresh: true }).projects.projectIndex().catch(() => null);
    h.sandbox.state.clearFaults('asana');
    const open = ((await gql(h, admin, Q)).data!.incidents as Incident[]).find((i) => i.kind === 'RATE_LIMITED' && i.system === 'ASANA')!;
    expect(open.endedAt).toBeNull();
    await new Promise((r) => setTimeout(r, 1100));
    const closed = ((await gql(h, admin, Q)).data!.incidents as Incident[]).find((i) => i.kind === 'RATE_LIMITED' && i.system === 'ASANA')!;
    expect(closed.endedAt).not.toBeNull();
    expect(closed.durationSeconds).toBe(1);
  });

  it('is for admins only', async () => {
    const r = await gql(h, viewerFor('support'), '{ incidents { kind } }');
    expect(r.data?.incidents ?? null).toBeNull();
    expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
