/**
 * The rate-limit gate, counted at the sandbox: a vendor's refusal for its rate limit (in its own form) closes that
 * source until its Retry-After, or its documented wait, has passed. Inside the window nothing reaches the vendor —
 * not a forced refresh, a customer view, a list or the index upkeep — and answers come from the cache, labelled
 * with when the vendor may be asked again. After the window the next read goes out again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPanoramaYoga } from '../../graphql/yoga.js';
import { manualClock } from '../../sources/kit/clock.js';
import type { SourceId } from '../../sources/kit/errors.js';
import { documentedWaitSeconds } from '../../sources/kit/source-facts.js';
import { statusFromFetched } from '../../sources/kit/section-status.js';
import { createSourcesRuntime } from '../../sources/runtime.js';
import { indexRead, testSandbox } from '../../sources/kit/testing.js';
import { gql, viewerFor, type Harness } from '../support/graphql.js';

// Wall-clock start, so the cache (which ages entries by the wall clock) and the gate agree on what "now" is.
const clock = manualClock(Date.now());
const sandbox = testSandbox({ size: 60, seed: 5 });
const runtime = createSourcesRuntime({ ...sandbox.env, PANORAMA_SANDBOX_ORIGIN: sandbox.origin }, { clock });
const h: Harness = { sandbox, runtime, yoga: createPanoramaYoga(runtime) };
const admin = viewerFor('admin');

const VIEW = /* GraphQL */ `
  query ($id: ID!) {
    customer(id: $id, refresh: true) {
      id
      sections { system state message code }
    }
  }
`;
const LIST = /* GraphQL */ `{ customers(search: "", first: 20) { nodes { id name } } }`;

const indexReadOf = (source: SourceId, forceRefresh: boolean) => indexRead(runtime.createLoaders({ forceRefresh }), source);

/** How each vendor refuses, and the window it asks for. */
const CASES: { source: SourceId; retryAfterSeconds: number; windowSeconds: number }[] = [
  { source: 'salesforce', retryAfterSeconds: 30, windowSeconds: documentedWaitSeconds('salesforce') }, // 403 REQUEST_LIMIT_EXCEEDED, no Retry-After
  { source: 'quickbooks', retryAfterSeconds: 30, windowSeconds: documentedWaitSeconds('quickbooks') }, // 429 ThrottleExceeded, no Retry-After
  { source: 'asana', retryAfterSeconds: 30, windowSeconds: 30 }, // 429 with Retry-After
  { source: 'zendesk', retryAfterSeconds: 45, windowSeconds: 45 }, // 429 with Retry-After
];

let customerId = '';
beforeAll(async () => {
  sandbox.listen();
  const warmed = await runtime.warmIndexes();
  expect(warmed.every((w) => w.ok)).toBe(true);
  const list = await gql(h, admin, LIST);
  customerId = list.data!.customers.nodes[0].id;
});
afterAll(() => sandbox.close());

describe.each(CASES)('the $source gate', ({ source, retryAfterSeconds, windowSeconds }) => {
  it(`holds for the whole window (${windowSeconds} s) and opens after it`, async () => {
    const sent = () => sandbox.state.totalRequests(source);
    sandbox.state.setFault(source, { rateLimit: true, retryAfterSeconds });
    const before = sent();
    const refused = statusFromFetched(await indexReadOf(source, true), clock.now());
    expect(sent() - before).toBe(1); // the one request that met the limit (no client retried it)
    const until = clock.now() + windowSeconds * 1000;
    const hhmm = new Date(until).toISOString().slice(11, 16);
    expect(refused).toMatchObject({ state: 'STALE', code: 'RATE_LIMITED', fromCache: true });
    expect(refused.message).toContain(`asked us to wait until ${hhmm} UTC; showing data from`);

    // Inside the window, from its first to its last second: nothing leaves, whatever asks.
    const inside = sent();
    for (const step of [0, (windowSeconds - 1) * 1000]) {
      clock.set(until - windowSeconds * 1000 + step);
      const forced = statusFromFetched(await indexReadOf(source, true), clock.now());
      expect(forced.message).toContain(`asked us to wait until ${hhmm} UTC`);
      const view = await gql(h, admin, VIEW, { id: customerId });
      const section = (view.data!.customer.sections as { system: string; state: string; message: string | null; code: string | null }[]).find(
        (s) => s.system === source.toUpperCase(),
      );
      expect(section?.code).toBe('RATE_LIMITED');
      expect(section?.message).toContain(hhmm);
      await gql(h, admin, LIST);
      const warm = await runtime.warmIndexes();
      expect(warm.find((w) => w.source === source)).toMatchObject({ ok: true, fromCache: true });
      expect(sent()).toBe(inside);
    }
    // Other sources were asked as usual meanwhile.
    const others = (['salesforce', 'quickbooks', 'asana', 'zendesk'] as const).filter((s) => s !== source);
    expect(others.some((s) => sandbox.state.totalRequests(s) > 0)).toBe(true);

    // The vendor is well again and the window is over: the next read goes out and is live.
    sandbox.state.clearFaults(source);
    clock.set(until + 1);
    const after = await indexReadOf(source, true);
    expect(sent()).toBeGreaterThan(inside); // one request, or one per page of the index
    expect(after.freshness).toMatchObject({ fromCache: false, error: null });
  });
});

describe('the gate without anything cached', () => {
  it('fails the read with the window, and sends nothing', async () => {
    sandbox.state.setFault('zendesk', { rateLimit: true, retryAfterSeconds: 20 });
    const refused = await runtime.createLoaders({ forceRefresh: false }).support.ticket('987654321').catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', gated: false });
    const before = sandbox.state.totalRequests('zendesk');
    const again = await runtime.createLoaders({ forceRefresh: false }).support.ticket('987654322').catch((e: unknown) => e);
    expect(again).toMatchObject({ code: 'RATE_LIMITED', gated: true });
    expect((again as Error & { userMessage: string }).userMessage).toMatch(/asked Panorama to wait until \d\d:\d\d UTC/);
    expect(sandbox.state.totalRequests('zendesk')).toBe(before);
    sandbox.state.clearFaults('zendesk');
    clock.advance(21_000);
  });
});
