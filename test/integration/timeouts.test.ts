/**
 * Timeouts from settings, per source: each source's `<SOURCE>_TIMEOUT_MS` is its kit's per-call timeout, and a
 * source that hangs is given up after it — for every source, with its own setting (the others are left at theirs).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testSandbox } from '../../sources/kit/testing.js';
import { SOURCE_MODULES, createSourcesRuntime } from '../../sources/runtime.js';

const sandbox = testSandbox({ size: 30, seed: 3 });
beforeAll(() => sandbox.listen());
afterAll(() => sandbox.close());

describe.each(SOURCE_MODULES.map((m) => [m.id, m] as const))('%s', (id, module) => {
  it(`${id.toUpperCase()}_TIMEOUT_MS is its kit's timeout, and a hang ends after it`, async () => {
    const runtime = createSourcesRuntime({ ...sandbox.env, PANORAMA_SANDBOX_ORIGIN: sandbox.origin, PANORAMA_RETRY_ATTEMPTS: '0', [`${id.toUpperCase()}_TIMEOUT_MS`]: '300' }, { clock: sandbox.clock });
    expect(runtime.bySource[id].kit.timeoutMs).toBe(300);
    for (const other of SOURCE_MODULES.filter((m) => m.id !== id)) expect(runtime.bySource[other.id].kit.timeoutMs).toBe(other.timeoutMs);
    const index = () => indexOf(runtime.createLoaders({ forceRefresh: true }))();
    const indexOf = (l: ReturnType<typeof runtime.createLoaders>) => ({ crm: () => l.crm.accountIndex(), accounting: () => l.accounting.customerIndex(), projects: () => l.projects.projectIndex(), support: () => l.support.organizationIndex() })[module.category];
    await index(); // tokens fetched beforehand: the hang meets the read itself
    sandbox.state.setFault(id, { hang: true });
    try {
      const started = performance.now();
      // served from the cache, marked with the timeout (or failed with it)
      const r = await index().then((f) => f.freshness.error, (err: unknown) => err);
      const took = performance.now() - started;
      expect(r).toMatchObject({ code: 'TIMEOUT', message: `${id} did not answer within 300 ms` });
      expect(took).toBeGreaterThanOrEqual(280);
      expect(took).toBeLessThan(1500);
    } finally {
      sandbox.state.clearFaults(id);
    }
  });
});
