import { describe, expect, it } from 'vitest';
import { SourceCache } from './cache.js';
import { SourceError } from './errors.js';
import { SourceHealth } from './metrics.js';
import { SourceKit } from './source-kit.js';

function kit(timeoutMs = 50, threshold = 3) {
  return new SourceKit({
    source: 'zendesk',
    timeoutMs,
    mapError: (e) => new SourceError('zendesk', 'INTERNAL', String(e)),
    cachePolicies: { default: { ttlMs: 60_000, swrMs: 0, maxStaleMs: 0 } },
    cache: new SourceCache({ maxBytes: 1e6 }),
    health: new SourceHealth(),
    breaker: { threshold, halfOpenAfterMs: 60_000 },
  });
}

describe('SourceKit', () => {
  it('turns a call that outlives its timeout into TIMEOUT and aborts it', async () => {
    const k = kit(30);
    let aborted = false;
    const err = await k
      .upstream('slow', (signal) => {
        signal.addEventListener('abort', () => (aborted = true));
        return new Promise(() => {});
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect((err as SourceError).code).toBe('TIMEOUT');
    expect((err as SourceError).retryable).toBe(true);
    expect(aborted).toBe(true);
  });

  it('runs many calls at once without piling abort listeners on one shared signal (no leak warning)', async () => {
    const k = kit(1000);
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      await Promise.all(Array.from({ length: 30 }, () => k.upstream('x', () => new Promise((r) => setTimeout(r, 10)))));
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });

  it('maps unknown errors through the module and network errors to UNAVAILABLE', async () => {
    const k = kit();
    await expect(k.upstream('x', async () => { throw new Error('weird'); })).rejects.toMatchObject({ code: 'INTERNAL' });
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    await expect(k.upstream('x', async () => { throw reset; })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it("maps a client library's own timeout (a token refresh's axios, undici, AbortSignal.timeout) to TIMEOUT, naming the setting's time", async () => {
    const timeouts = [
      Object.assign(new Error('timeout of 250ms exceeded'), { name: 'AxiosError', code: 'ECONNABORTED' }),
      Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('Connect Timeout Error'), { code: 'UND_ERR_CONNECT_TIMEOUT' }) }),
      new DOMException('The operation was aborted due to timeout', 'TimeoutError'),
    ];
    for (const e of timeouts) {
      const err = await kit(250).upstream('x', async () => { throw e; }).catch((x: unknown) => x);
      expect((err as SourceError).code, String(e)).toBe('TIMEOUT');
      expect((err as SourceError).message).toContain('within 250 ms');
    }
    // an aborted connection that is not a timeout stays a failed connection
    const aborted = Object.assign(new Error('Request aborted'), { code: 'ECONNABORTED' });
    await expect(kit(250).upstream('x', async () => { throw aborted; })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('opens the circuit after consecutive retryable failures and stops calling the source', async () => {
    const k = kit(1000, 3);
    let calls = 0;
    const failing = async () => {
      calls++;
      throw new SourceError('zendesk', 'UNAVAILABLE', '503');
    };
    for (let i = 0; i < 3; i++) await k.upstream('x', failing).catch(() => undefined);
    const err = (await k.upstream('x', failing).catch((e: unknown) => e)) as SourceError;
    expect(err.code).toBe('CIRCUIT_OPEN');
    expect(calls).toBe(3);
  });

  it('batches the misses of one tick into one upstream call and caches each id', async () => {
    const k = kit();
    const batches: string[][] = [];
    const load = () =>
      k.loader<string>('org', async (ids) => {
        batches.push([...ids]);
        return new Map(ids.filter((id) => id !== 'missing').map((id) => [id, `org-${id}`]));
      });
    const l1 = load();
    const [a, b, missing] = await Promise.allSettled([l1.load('1'), l1.load('2'), l1.load('missing')]);
    expect(batches).toEqual([['1', '2', 'missing']]);
    expect(a.status === 'fulfilled' && a.value.value).toBe('org-1');
    expect(b.status === 'fulfilled' && b.value.freshness.fromCache).toBe(false);
    expect(missing.status === 'rejected' && (missing.reason as SourceError).code).toBe('NOT_FOUND');
    // a new request: 1 and 2 come from the cache, only 3 goes upstream
    const l2 = load();
    const again = await Promise.all([l2.load('1'), l2.load('3')]);
    expect(batches).toEqual([['1', '2', 'missing'], ['3']]);
    expect(again[0].freshness.fromCache).toBe(true);
  });
});
