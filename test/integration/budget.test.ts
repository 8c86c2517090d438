/**
 * Per-source request budgets, counted at the sandbox, for every source the runtime is built from: a burst of 200
 * concurrent reads never sends more requests than the budget allows in the minute; what cannot be sent is answered
 * from the cache, labelled, or refused with when the budget is there again. Other sources are not affected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadersByCategory, SourceCategory } from '../../sources/kit/contract.js';
import type { Fetched } from '../../sources/kit/domain.js';
import { sourceName } from '../../sources/kit/errors.js';
import { readiness } from '../../sources/readiness.js';
import { statusFromFetched } from '../../sources/kit/section-status.js';
import { createSourcesRuntime, SOURCE_MODULES, type SourcesRuntime } from '../../sources/runtime.js';
import { SANDBOX_CREDENTIALS } from '../../sources/sandbox/constants.js';
import { testSandbox } from '../../sources/kit/testing.js';

const BUDGET = 12;
const BURST = 200;
const sandbox = testSandbox({ size: 40, seed: 5 });
const budgetVariable = (id: string) => `PANORAMA_BUDGET_${id.toUpperCase()}_PER_MINUTE`;

/** A runtime of its own (its own budgets), every source with the same small budget, indexes loaded. */
async function runtimeWithBudgets(): Promise<SourcesRuntime> {
  // QuickBooks rotates its refresh token: each runtime's client starts from the configured one.
  sandbox.state.refreshTokens.quickbooks.add(SANDBOX_CREDENTIALS.quickbooks.refreshToken);
  const budgets = Object.fromEntries(SOURCE_MODULES.map((m) => [budgetVariable(m.id), String(BUDGET)]));
  const runtime = createSourcesRuntime({ ...sandbox.env, PANORAMA_SANDBOX_ORIGIN: sandbox.origin, ...budgets }, { clock: sandbox.clock });
  expect((await runtime.warmIndexes()).every((w) => w.ok)).toBe(true);
  return runtime;
}

/**
 * One read per category that the cache cannot answer (each one is a different question) and that costs one
 * upstream call: a search, or for projects a project by id.
 */
const BURST_READ: { [K in SourceCategory]: (l: LoadersByCategory[K], i: number) => Promise<unknown> } = {
  crm: (l, i) => l.searchAccounts(`name ${i}`, 5),
  accounting: (l, i) => l.searchCustomers(`name ${i}`, 5),
  projects: (l, i) => l.projects.load(String(9_000_000_000 + i)),
  support: (l, i) => l.searchOrganizations(`name ${i}`, 5),
};

/** Each category's index, cached by the warm-up. */
const INDEX_READ: { [K in SourceCategory]: (l: LoadersByCategory[K]) => Promise<Fetched<unknown[]>> } = {
  crm: (l) => l.accountIndex(),
  accounting: (l) => l.customerIndex(),
  projects: (l) => l.projectIndex(),
  support: (l) => l.organizationIndex(),
};

const burstRead = (runtime: SourcesRuntime, category: SourceCategory, i: number) =>
  (BURST_READ[category] as (l: unknown, i: number) => Promise<unknown>)(runtime.createLoaders({ forceRefresh: true })[category], i);
const indexRead = (runtime: SourcesRuntime, category: SourceCategory, forceRefresh: boolean) =>
  (INDEX_READ[category] as (l: unknown) => Promise<Fetched<unknown[]>>)(runtime.createLoaders({ forceRefresh })[category]);

beforeAll(() => sandbox.listen());
afterAll(() => sandbox.close());

describe.each(SOURCE_MODULES.map((m) => [sourceName(m.id), m.id] as const))('the %s budget', (name, id) => {
  it(`holds under a burst of ${BURST} concurrent reads (${BUDGET} a minute)`, async () => {
    const runtime = await runtimeWithBudgets();
    const source = runtime.bySource[id];
    const budget = source.kit.budget!;
    expect(budget.perMinute).toBe(BUDGET);
    const spentBefore = BUDGET - (await budget.state()).remaining;
    expect(spentBefore).toBeGreaterThanOrEqual(1); // the index warm-up took its points
    expect(spentBefore).toBeLessThan(BUDGET);
    const others = runtime.list.filter((s) => s.id !== id);
    const othersLeft = await Promise.all(others.map(async (s) => (await s.kit.budget!.state()).remaining));
    const sentBefore = sandbox.state.totalRequests(id);

    const results = await Promise.allSettled(Array.from({ length: BURST }, (_, i) => burstRead(runtime, source.category, i)));
    const sent = sandbox.state.totalRequests(id) - sentBefore;
    expect(sent).toBe(BUDGET - spentBefore); // counted at the sandbox: exactly what was left of the minute
    expect((await budget.state()).remaining).toBe(0);
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as { code: string; budget?: boolean; userMessage: string }] : []));
    const spent = refused.filter((e) => e.code === 'RATE_LIMITED' && e.budget);
    expect(spent).toHaveLength(BURST - sent);
    expect(spent[0]!.userMessage).toMatch(new RegExp(`^Panorama's budget of ${BUDGET} ${name} requests in any 65 seconds is spent until \\d\\d:\\d\\d UTC`));

    // A cached answer is still served, labelled; nothing is sent.
    const index = statusFromFetched(await indexRead(runtime, source.category, true), runtime.clock.now());
    expect(index).toMatchObject({ state: 'STALE', code: 'RATE_LIMITED' });
    expect(index.message).toMatch(new RegExp(`^Panorama's ${name} budget is spent until \\d\\d:\\d\\d UTC; showing data from \\d+ s ago\\.$`));
    expect(sandbox.state.totalRequests(id) - sentBefore).toBe(sent);

    // Readiness says so, with when the budget is there again; the other sources are still up.
    const ready = await readiness(runtime);
    const mine = ready.sources.find((s) => s.source === id)!;
    expect(mine).toMatchObject({ state: 'RATE_LIMITED', budget: { perMinute: BUDGET, remaining: 0 } });
    expect(Date.parse(mine.closedUntil!)).toBeGreaterThan(runtime.clock.now());
    expect(ready.sources.filter((s) => s.source !== id).map((s) => s.state)).toEqual(others.map(() => 'UP'));

    // Other sources: their budgets untouched by the burst, and a forced read still reaches them and answers.
    expect(await Promise.all(others.map(async (s) => (await s.kit.budget!.state()).remaining))).toEqual(othersLeft);
    for (const other of others) {
      const before = sandbox.state.totalRequests(other.id);
      const f = await indexRead(runtime, other.category, true);
      expect(f.freshness).toMatchObject({ fromCache: false, error: null });
      expect(sandbox.state.totalRequests(other.id)).toBeGreaterThan(before);
    }
  });
});
