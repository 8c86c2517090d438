/**
 * Per-source request budgets, counted at the sandbox: a burst of 200 concurrent reads never sends more requests
 * than the budget allows in the minute; what cannot be sent is answered from the cache, labelled, or refused with
 * when the budget is there again. Other sources are not affected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusFromFetched } from '../../sources/kit/section-status.js';
import { createSourcesRuntime } from '../../sources/runtime.js';
import { testSandbox } from '../../sources/kit/testing.js';

const BUDGET = 12;
const sandbox = testSandbox({ size: 40, seed: 5 });
const runtime = createSourcesRuntime({ ...sandbox.env, PANORAMA_SANDBOX_ORIGIN: sandbox.origin, PANORAMA_BUDGET_QUICKBOOKS_PER_MINUTE: String(BUDGET) }, { clock: sandbox.clock });

beforeAll(async () => {
  sandbox.listen();
  expect((await runtime.warmIndexes()).every((w) => w.ok)).toBe(true);
});
afterAll(() => sandbox.close());

describe('the QuickBooks budget', () => {
  it(`holds under a burst of 200 concurrent reads (${BUDGET} a minute)`, async () => {
    const spentBefore = BUDGET - (await runtime.bySource.quickbooks.kit.budget!.state()).remaining;
    const sentBefore = sandbox.state.totalRequests('quickbooks');
    expect(spentBefore).toBeGreaterThanOrEqual(1); // the index warm-up took its point (its token refresh rode on it)
    const loaders = runtime.createLoaders({ forceRefresh: true });
    const results = await Promise.allSettled(Array.from({ length: 200 }, (_, i) => loaders.accounting.searchCustomers(`name ${i}`, 5)));
    const sent = sandbox.state.totalRequests('quickbooks') - sentBefore;
    expect(sent).toBe(BUDGET - spentBefore);
    const refused = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as { code: string; budget: boolean; userMessage: string });
    expect(refused).toHaveLength(200 - sent);
    expect(refused.every((e) => e.code === 'RATE_LIMITED' && e.budget)).toBe(true);
    expect(refused[0]!.userMessage).toMatch(new RegExp(`^Panorama's budget of ${BUDGET} QuickBooks requests a minute is spent until \\d\\d:\\d\\d UTC`));

    // A cached answer is still served, labelled; nothing is sent.
    const index = statusFromFetched(await loaders.accounting.customerIndex(), runtime.clock.now());
    expect(index).toMatchObject({ state: 'STALE', code: 'RATE_LIMITED' });
    expect(index.message).toMatch(/^Panorama's QuickBooks budget is spent until \d\d:\d\d UTC; showing data from \d+ s ago\.$/);
    expect(sandbox.state.totalRequests('quickbooks') - sentBefore).toBe(sent);

    // Other sources still answer.
    const zd = await loaders.support.organizationIndex();
    expect(zd.freshness.error).toBeNull();
  });
});
