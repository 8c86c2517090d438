import { describe, expect, it } from 'vitest';
import { SourceCache, approximateBytes, ttlOf, type CachePolicy } from './cache.js';
import { manualClock } from './clock.js';

const policy: CachePolicy = { ttlMs: 1_000, swrMs: 5_000, maxStaleMs: 60_000 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('SourceCache', () => {
  it('serves a second read from the cache without calling the source', async () => {
    const cache = new SourceCache({ maxBytes: 1e6 });
    let calls = 0;
    const load = async () => ++calls;
    const first = await cache.get('s:e:1', policy, load);
    const second = await cache.get('s:e:1', policy, load);
    expect(calls).toBe(1);
    expect(first.outcome.fromCache).toBe(false);
    expect(second.outcome.fromCache).toBe(true);
    expect(second.value).toBe(1);
  });

  it('shares one upstream call between concurrent misses for the same key', async () => {
    const cache = new SourceCache({ maxBytes: 1e6 });
    let calls = 0;
    const load = async () => {
      calls++;
      await sleep(30);
      return 'v';
    };
    const results = await Promise.all(Array.from({ length: 10 }, () => cache.get('s:e:1', policy, load)));
    expect(calls).toBe(1);
    expect(results.every((r) => r.value === 'v')).toBe(true);
  });

  it('hands back a value too large for its bound without keeping it', async () => {
    const cache = new SourceCache({ maxBytes: 2_000 });
    let calls = 0;
    const big = async () => {
      calls++;
      await sleep(5);
      return 'x'.repeat(5_000);
    };
    const [a, b] = await Promise.all([cache.get('s:e:big', policy, big), cache.get('s:e:big', policy, big)]);
    expect(a.value).toHaveLength(5_000);
    expect(b.value).toHaveLength(5_000);
    expect(a.outcome.fromCache).toBe(false);
    expect(cache.size).toBe(0);
    expect(cache.calculatedBytes).toBeLessThanOrEqual(cache.maxBytes);
    // the two concurrent reads still share one call to the source
    expect(calls).toBe(1);
  });

  it('never caches a failure: the next read asks the source again', async () => {
    const cache = new SourceCache({ maxBytes: 1e6 });
    let calls = 0;
    const failing = async () => {
      calls++;
      throw new Error('boom');
    };
    await expect(cache.get('s:e:1', policy, failing)).rejects.toThrow('boom');
    await expect(cache.get('s:e:1', policy, failing)).rejects.toThrow('boom');
    expect(calls).toBe(2);
    expect(cache.size).toBe(0);
  });

  it('serves a stale value with the error when the source fails after the revalidate window', async () => {
    const cache = new SourceCache({ maxBytes: 1e6 });
    const short: CachePolicy = { ttlMs: 10, swrMs: 10, maxStaleMs: 60_000 };
    await cache.get('s:e:1', short, async () => 'old');
    await sleep(40);
    const r = await cache.get('s:e:1', short, async () => {
      throw new Error('down');
    });
    expect(r.value).toBe('old');
    expect(r.outcome.stale).toBe(true);
    expect(r.outcome.fromCache).toBe(true);
    expect((r.outcome.error as Error).message).toBe('down');
  });

  it('does not serve a value older than maxStale when the source fails', async () => {
    const cache = new SourceCache({ maxBytes: 1e6 });
    const tiny: CachePolicy = { ttlMs: 5, swrMs: 5, maxStaleMs: 15 };
    await cache.get('s:e:1', tiny, async () => 'old');
    await sleep(40);
    await expect(
      cache.get('s:e:1', tiny, async () => {
        throw new Error('down');
      }),
    ).rejects.toThrow('down');
  });

  it('within the revalidate window answers stale at once and refreshes in the background', async () => {
    const cache = new SourceCache({ maxBytes: 1e6 });
    const p: CachePolicy = { ttlMs: 10, swrMs: 10_000, maxStaleMs: 60_000 };
    await cache.get('s:e:1', p, async () => 'v1');
    await sleep(25);
    let refreshed = false;
    const r = await cache.get('s:e:1', p, async () => {
      await sleep(20);
      refreshed = true;
      return 'v2';
    });
    expect(r.value).toBe('v1');
    expect(r.outcome.stale).toBe(true);
    await sleep(40);
    expect(refreshed).toBe(true);
    expect((await cache.get('s:e:1', p, async () => 'v3')).value).toBe('v2');
  });

  it('forceRefresh skips a fresh value', async () => {
    const cache = new SourceCache({ maxBytes: 1e6 });
    await cache.get('s:e:1', policy, async () => 'a');
    const r = await cache.get('s:e:1', policy, async () => 'b', { forceRefresh: true });
    expect(r.value).toBe('b');
    expect(r.outcome.fromCache).toBe(false);
  });

  it('stays within its byte bound, evicting the least recently used', async () => {
    const cache = new SourceCache({ maxBytes: 50_000 });
    const big = 'x'.repeat(2_000); // ~4 kB each
    for (let i = 0; i < 100; i++) await cache.get(`s:e:${i}`, policy, async () => big);
    expect(cache.calculatedBytes).toBeLessThanOrEqual(50_000);
    expect(cache.size).toBeLessThan(100);
    expect(cache.size).toBeGreaterThan(5);
  });

  it('invalidates by key prefix', async () => {
    const cache = new SourceCache({ maxBytes: 1e6 });
    await cache.get('salesforce:customer:1', policy, async () => 1);
    await cache.get('salesforce:customer:2', policy, async () => 2);
    await cache.get('zendesk:org:1', policy, async () => 3);
    expect(cache.invalidate('salesforce:')).toBe(2);
    expect(cache.size).toBe(1);
  });

  it('estimates sizes of nested values', () => {
    expect(approximateBytes({ a: 'abc', b: [1, 2, 3] })).toBeGreaterThan(approximateBytes({ a: 'abc' }));
  });
});

describe('a TTL that grows with the value (ttlFor)', () => {
  const grown: CachePolicy = { ttlMs: 1_000, swrMs: 1_000, maxStaleMs: 60_000, ttlFor: (v) => (Array.isArray(v) ? v.length * 1_000 : 0) };

  it('keeps a larger value fresh for longer, and a small one for the policy TTL; ages are told as they are', async () => {
    const clock = manualClock('2026-12-01T00:00:00Z');
    const cache = new SourceCache({ maxBytes: 1e6, clock, expireOnClock: true });
    const calls = { big: 0, small: 0 };
    const big = async () => (calls.big++, [1, 2, 3, 4, 5]);
    const small = async () => (calls.small++, [1]);
    await cache.get('s:index:big', grown, big);
    await cache.get('s:index:small', grown, small);
    clock.advance(4_000);
    const held = await cache.get('s:index:big', grown, big);
    expect(held.outcome).toMatchObject({ fromCache: true, stale: false, fetchedAt: Date.parse('2026-12-01T00:00:00Z') });
    expect(calls.big).toBe(1);
    // the small one is past its 1 s TTL and its 1 s of stale-while-revalidate: read again
    await cache.get('s:index:small', grown, small);
    expect(calls.small).toBe(2);
    clock.advance(1_500);
    const stale = await cache.get('s:index:big', grown, big);
    expect(stale.outcome.stale).toBe(true);
  });

  it('never shortens the policy TTL, and a primed copy is fresh for the grown TTL too', () => {
    const clock = manualClock('2026-12-01T00:00:00Z');
    const cache = new SourceCache({ maxBytes: 1e6, clock, expireOnClock: true });
    expect(ttlOf(grown, [])).toBe(1_000);
    expect(ttlOf(grown, [1, 2, 3])).toBe(3_000);
    expect(ttlOf({ ttlMs: 1_000, swrMs: 0, maxStaleMs: 0 }, [1, 2, 3])).toBe(1_000);
    cache.prime('s:index:copy', [1, 2, 3], clock.now() - 2_000, grown);
    clock.advance(900);
    expect(cache.peek('s:index:copy')).toBeDefined();
  });
});

describe('values held packed (a customer\'s data: deflated JSON)', () => {
  const value = { id: '001', name: 'Acme — Zoë', invoices: Array.from({ length: 50 }, (_, i) => ({ id: String(i), amount: i * 10.5, paid: i % 2 === 0, due: null })) };

  it('come back equal, each reader its own copy, non-Latin-1 text intact; counted at their packed size, a fraction of their JSON', async () => {
    const packed = new SourceCache({ maxBytes: 1e6 });
    const asObject = new SourceCache({ maxBytes: 1e6 });
    let calls = 0;
    const load = async () => (calls++, structuredClone(value));
    const first = await packed.get('s:customer:1', policy, load, { packed: true });
    const second = await packed.get('s:customer:1', policy, load, { packed: true });
    expect(calls).toBe(1);
    expect(second.value).toEqual(value);
    expect(second.value).not.toBe(first.value);
    expect(packed.peek('s:customer:1')?.value).toEqual(value);
    await asObject.get('s:customer:1', policy, load);
    const json = JSON.stringify(value);
    const entryBytes = packed.calculatedBytes - 's:customer:1'.length * 2 - 64;
    // its deflated bytes and their buffer's bookkeeping
    expect(entryBytes).toBeLessThan(json.length / 3);
    expect(entryBytes).toBeGreaterThan(100);
    expect(asObject.calculatedBytes).toBeGreaterThan(10 * packed.calculatedBytes);
  });

  it('a value with no JSON (undefined) is held as it is', async () => {
    const cache = new SourceCache({ maxBytes: 1e6 });
    let calls = 0;
    const load = async () => (calls++, undefined);
    await cache.get('s:customer:none', policy, load, { packed: true });
    expect((await cache.get('s:customer:none', policy, load, { packed: true })).value).toBeUndefined();
    expect(calls).toBe(1);
  });

  it('an index stays the object it was read as (structures built on it are kept per object)', async () => {
    const cache = new SourceCache({ maxBytes: 1e6 });
    const rows = [{ id: '1' }];
    await cache.get('s:index:all', policy, async () => rows);
    expect((await cache.get('s:index:all', policy, async () => rows)).value).toBe(rows);
    expect(cache.peek('s:index:all')?.value).toBe(rows);
  });
});
