/**
 * Operators' signals: readiness (indexes loaded, each source's state) flips as a source goes down and comes back,
 * and the Prometheus gauges report breaker state, rate-limit gate, budget left and index age.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricsRegistry } from '../../sources/kit/metrics.js';
import { readiness } from '../../sources/readiness.js';
import { createSourcesRuntime } from '../../sources/runtime.js';
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
  });

  it('flips as a source fails and comes back, and as it goes down (breaker open)', async () => {
    sandbox.state.setFault('zendesk', { status: 503 });
    const read = () => runtime.createLoaders({ forceRefresh: true }).support.organizationIndex();
    await read();
    expect((await readiness(runtime)).sources.find((s) => s.source === 'zendesk')).toMatchObject({ state: 'FAILING', code: 'UNAVAILABLE', status: 503 });
    sandbox.state.clearFaults('zendesk');
    await read();
    expect((await readiness(runtime)).sources.find((s) => s.source === 'zendesk')).toMatchObject({ state: 'UP', failingSince: null });
    sandbox.state.setFault('zendesk', { status: 503 });
    for (let i = 0; i < 5; i++) await read();
    expect((await readiness(runtime)).sources.find((s) => s.source === 'zendesk')).toMatchObject({ state: 'DOWN', breaker: 'open' });
    expect(await gauge('panorama_source_breaker_state', 'zendesk')).toBe(2);
    sandbox.state.clearFaults('zendesk');
  });

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
