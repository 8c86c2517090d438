/**
 * Retries where they are safe, counted at the sandbox: every source's reads are retried alike on a 5xx (in the
 * vendor's own form) with backoff, never on a bad answer or a refusal, and a short burst of 503s is ridden out.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SourceId } from '../../sources/kit/errors.js';
import { metricsRegistry } from '../../sources/kit/metrics.js';
import { createSourcesRuntime } from '../../sources/runtime.js';
import { indexRead, testSandbox } from '../../sources/kit/testing.js';

const ATTEMPTS = 2;
const sandbox = testSandbox({ size: 40, seed: 5 });
const runtime = createSourcesRuntime({
  ...sandbox.env,
  PANORAMA_SANDBOX_ORIGIN: sandbox.origin,
  PANORAMA_RETRY_ATTEMPTS: String(ATTEMPTS),
  PANORAMA_RETRY_INITIAL_DELAY_MS: '10',
  PANORAMA_RETRY_MAX_DELAY_MS: '40',
}, { clock: sandbox.clock });

const indexReadOf = (source: SourceId) => indexRead(runtime.createLoaders({ forceRefresh: true }), source);

async function retriesCounted(source: SourceId): Promise<number> {
  const m = (await metricsRegistry.getMetricsAsJSON()).find((x) => x.name === 'panorama_upstream_retries_total');
  return Number(m?.values.find((v) => v.labels.source === source)?.value ?? 0);
}

beforeAll(async () => {
  sandbox.listen();
  expect((await runtime.warmIndexes()).every((w) => w.ok)).toBe(true);
});
afterEach(() => sandbox.state.clearFaults());
afterAll(() => sandbox.close());

describe.each(['salesforce', 'quickbooks', 'asana', 'zendesk'] as const)('%s', (source) => {
  it(`a persistent 503 is asked ${1 + ATTEMPTS} times in all, then served stale with its error`, async () => {
    sandbox.state.setFault(source, { status: 503 });
    const before = sandbox.state.totalRequests(source);
    const retried = await retriesCounted(source);
    const r = await indexReadOf(source);
    expect(sandbox.state.totalRequests(source) - before).toBe(1 + ATTEMPTS);
    expect(await retriesCounted(source)).toBe(retried + ATTEMPTS);
    expect(r.freshness.error).toMatchObject({ code: 'UNAVAILABLE', status: 503 });
  });

  it('a burst of one 503 is ridden out: the read is live', async () => {
    sandbox.state.setFault(source, { status: 503 });
    const clear = ({ request, response }: { request: Request; response: Response }) => {
      if (response.status === 503 && new URL(request.url).pathname.startsWith(`/${source}`)) sandbox.state.clearFaults(source);
    };
    sandbox.server.events.on('response:mocked', clear);
    try {
      const retried = await retriesCounted(source);
      const r = await indexReadOf(source);
      expect(r.freshness).toMatchObject({ fromCache: false, error: null });
      expect(await retriesCounted(source)).toBe(retried + 1);
    } finally {
      sandbox.server.events.removeListener('response:mocked', clear);
    }
  });

  it('a malformed answer is not retried (one request)', async () => {
    sandbox.state.setFault(source, { malformed: true });
    const before = sandbox.state.totalRequests(source);
    const r = await indexReadOf(source);
    expect(sandbox.state.totalRequests(source) - before).toBe(1);
    expect(r.freshness.error).toMatchObject({ code: 'INVALID_RESPONSE' });
  });
});
