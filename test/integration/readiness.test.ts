/**
 * Operators' signals: readiness (indexes loaded, each source's state) flips as a source goes down and comes back,
 * and the Prometheus gauges report breaker state, rate-limit gate, budget left and index age.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LoadersByCategory, SourceCategory } from '../../sources/kit/contract.js';
import { DEFAULT_BREAKER } from '../../sources/kit/source-kit.js';
import { metricsRegistry } from '../../sources/kit/metrics.js';
import { readiness } from '../../sources/readiness.js';
import { createSourcesRuntime, SOURCE_MODULES } from '../../sources/runtime.js';
import { testSandbox } from '../../sources/kit/testing.js';

const sandbox = testSandbox({ size: 30, seed: 5 });
const runtime = createSourcesRuntime({
  ...sandbox.env,
  PANORAMA_SANDBOX_ORIGIN: sandbox.origin,
  PANORAMA_RETRY_ATTEMPTS: '0',
  PANORAMA_BUDGET_ASANA_PER_MINUTE: '50',
}, { clock: sandbox.clock });
beforeAll(() => sandbox.listen());
afterAll(() => sandbox.close());

const gauge = async (name: string, source: string) =>
  (await metricsRegistry.getMetricsAsJSON()).find((m) => m.name === name)?.values.find((v) => v.labels.source === source)?.value;

describe('readiness and gauges', () => {
  it('is not ready before the indexes are loaded, and ready after', async () => {
    expect((await readiness(runtime)).ready).toBe(false);
    await runtime.warmIndexes();
    const r = await readiness(runtime);
    expect(r.ready).toBe(true);
    expect(r.sources.map((s) => [s.source, s.state, s.index.loaded])).toEqual([
      ['salesforce', 'UP', true],
      ['quickbooks', 'UP', true],
      ['asana', 'UP', true],
      ['zendesk', 'UP', true],
    ]);
    expect(await gauge('panorama_source_index_age_seconds', 'zendesk')).toBeGreaterThanOrEqual(0);
    expect(await gauge('panorama_source_budget_remaining', 'asana')).toBeLessThan(50);
    // what the source cache holds, for an operator watching memory: the four indexes at least
    const held = async (name: string) => (await metricsRegistry.getMetricsAsJSON()).find((m) => m.name === name)?.values[0]?.value;
    expect(runtime.cache.size).toBeGreaterThanOrEqual(4);
    expect(await held('panorama_cache_entries')).toBe(runtime.cache.size);
    expect(await held('panorama_cache_bytes')).toBe(runtime.cache.calculatedBytes);
    expect(runtime.cache.calculatedBytes).toBeGreaterThan(1000);
  });
});

/** Each category's index, read past the cache (what the index upkeep and a forced refresh do). */
const INDEX_READ: { [K in SourceCategory]: (l: LoadersByCategory[K]) => Promise<unknown> } = {
  crm: (l) => l.accountIndex(),
  accounting: (l) => l.customerIndex(),
  projects: (l) => l.projectIndex(),
  support: (l) => l.organizationIndex(),
};

describe.each(SOURCE_MODULES.map((m) => [m.id] as const))('readiness of %s', (id) => {
  const source = () => runtime.bySource[id];
  const read = () => (INDEX_READ[source().category] as (l: unknown) => Promise<unknown>)(runtime.createLoaders({ forceRefresh: true })[source().category]);
  const state = async () => (await readiness(runtime)).sources.find((s) => s.source === id)!;
  const othersUp = async () => (await readiness(runtime)).sources.filter((s) => s.source !== id).every((s) => s.state === 'UP');

  it('flips as the source fails and comes back, and as it goes down (breaker open) and comes back', async () => {
    expect(await state()).toMatchObject({ state: 'UP', breaker: 'closed' });
    sandbox.state.setFault(id, { status: 503 });
    try {
      await read();
      expect(await state()).toMatchObject({ state: 'FAILING', code: 'UNAVAILABLE', status: 503, breaker: 'closed' });
      expect(await othersUp()).toBe(true);
      sandbox.state.clearFaults(id);
      await read();
      expect(await state()).toMatchObject({ state: 'UP', failingSince: null, code: null });

      sandbox.state.setFault(id, { status: 503 });
      for (let i = 0; i < DEFAULT_BREAKER.threshold; i++) await read();
      expect(await state()).toMatchObject({ state: 'DOWN', breaker: 'open', code: 'UNAVAILABLE', status: 503 });
      expect(await gauge('panorama_source_breaker_state', id)).toBe(2);
      expect(await othersUp()).toBe(true);
      sandbox.state.clearFaults(id);
      // Still down until the breaker lets a probe through: the source is not asked meanwhile.
      const sent = sandbox.state.totalRequests(id);
      await read();
      expect(sandbox.state.totalRequests(id)).toBe(sent);
      expect(await state()).toMatchObject({ state: 'DOWN', breaker: 'open' });
      // The breaker (cockatiel) times its half-open wait on Date: step Date past it rather than wait; the next read is its probe.
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + DEFAULT_BREAKER.halfOpenAfterMs + 1_000 });
      try {
        await read();
      } finally {
        vi.useRealTimers();
      }
      expect(sandbox.state.totalRequests(id)).toBeGreaterThan(sent);
      expect(await state()).toMatchObject({ state: 'UP', breaker: 'closed', failingSince: null, code: null });
      expect(await gauge('panorama_source_breaker_state', id)).toBe(0);
    } finally {
      sandbox.state.clearFaults(id);
    }
  });
});

describe('the rate-limit gate', () => {
  it('reports a rate-limit window', async () => {
    sandbox.state.setFault('quickbooks', { rateLimit: true });
    await runtime.createLoaders({ forceRefresh: true }).accounting.customerIndex();
    const q = (await readiness(runtime)).sources.find((s) => s.source === 'quickbooks')!;
    expect(q.state).toBe('RATE_LIMITED');
    expect(Date.parse(q.closedUntil!)).toBeGreaterThan(runtime.clock.now() + 55_000);
    expect(await gauge('panorama_source_closed_until_seconds', 'quickbooks')).toBeGreaterThan(runtime.clock.now() / 1000);
    sandbox.state.clearFaults('quickbooks');
  });
});
