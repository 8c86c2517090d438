/**
 * Retries stop at the deadline (PANORAMA_RETRY_DEADLINE_MS), for every source the runtime is built from: a source
 * that hangs is asked again after each timeout only until the deadline, never the full number of retries, and
 * nothing more is sent once the deadline has passed. The read is answered from the cache, with the timeout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadersByCategory, SourceCategory } from '../../sources/kit/contract.js';
import type { Fetched } from '../../sources/kit/domain.js';
import { createSourcesRuntime, SOURCE_MODULES } from '../../sources/runtime.js';
import { testSandbox } from '../../sources/kit/testing.js';

const TIMEOUT_MS = 100;
const ATTEMPTS = 5;
const DEADLINE_MS = 250;
const sandbox = testSandbox({ size: 30, seed: 5 });
const runtime = createSourcesRuntime(
  {
    ...sandbox.env,
    PANORAMA_SANDBOX_ORIGIN: sandbox.origin,
    // each source's own timeout setting
    ...Object.fromEntries(SOURCE_MODULES.map((m) => [`${m.id.toUpperCase()}_TIMEOUT_MS`, String(TIMEOUT_MS)])),
    PANORAMA_RETRY_ATTEMPTS: String(ATTEMPTS),
    PANORAMA_RETRY_INITIAL_DELAY_MS: '10',
    PANORAMA_RETRY_MAX_DELAY_MS: '20',
    PANORAMA_RETRY_DEADLINE_MS: String(DEADLINE_MS),
  },
  { clock: sandbox.clock },
);

/** Each category's index, read past the cache. */
const INDEX_READ: { [K in SourceCategory]: (l: LoadersByCategory[K]) => Promise<Fetched<unknown[]>> } = {
  crm: (l) => l.accountIndex(),
  accounting: (l) => l.customerIndex(),
  projects: (l) => l.projectIndex(),
  support: (l) => l.organizationIndex(),
};

beforeAll(async () => {
  sandbox.listen();
  expect((await runtime.warmIndexes()).every((w) => w.ok)).toBe(true);
});
afterAll(() => sandbox.close());

describe.each(SOURCE_MODULES.map((m) => [m.id] as const))('%s', (id) => {
  it(`a hung source is asked again only until the ${DEADLINE_MS} ms deadline, not ${ATTEMPTS} more times`, async () => {
    const source = runtime.bySource[id];
    expect(source.kit.timeoutMs).toBe(TIMEOUT_MS);
    sandbox.state.setFault(id, { hang: true });
    try {
      const before = sandbox.state.totalRequests(id);
      const started = performance.now();
      const r = await (INDEX_READ[source.category] as (l: unknown) => Promise<Fetched<unknown[]>>)(runtime.createLoaders({ forceRefresh: true })[source.category]);
      const took = performance.now() - started;
      expect(took).toBeGreaterThanOrEqual(DEADLINE_MS - 20);
      expect(took).toBeLessThan(DEADLINE_MS + 150);
      const sent = sandbox.state.totalRequests(id) - before;
      expect(sent).toBeGreaterThanOrEqual(2); // retried after the first timeout
      // 100 ms a try: the deadline ends the third; one more when a try ends before its timeout (seen once on a loaded
      // machine), against the 1 + 5 the retries alone would send
      expect(sent).toBeLessThanOrEqual(Math.ceil(DEADLINE_MS / TIMEOUT_MS) + 1);
      expect(r.freshness).toMatchObject({ fromCache: true, stale: true, error: { code: 'TIMEOUT' } });
      expect(r.freshness.error!.message).toContain(`${TIMEOUT_MS} ms a try, ${DEADLINE_MS} ms in all`);
      await new Promise((res) => setTimeout(res, DEADLINE_MS));
      expect(sandbox.state.totalRequests(id) - before).toBe(sent); // nothing more is sent after the deadline
    } finally {
      sandbox.state.clearFaults(id);
    }
  });
});
