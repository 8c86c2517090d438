import { describe, expect, it } from 'vitest';
import { SourceCache } from './cache.js';
import { manualClock } from './clock.js';
import { mergeById } from './index-feed.js';

const policy = { ttlMs: 10_000, swrMs: 30_000, maxStaleMs: 60_000 };

describe('mergeById', () => {
  it('replaces changed rows in place, drops removed ones, adds new ones at the end; a removal wins over an upsert', () => {
    const index = [{ id: 'a', v: 1 }, { id: 'b', v: 1 }, { id: 'c', v: 1 }];
    const out = mergeById(index, [{ id: 'b', v: 2 }, { id: 'd', v: 1 }, { id: 'c', v: 2 }], ['c', 'x'], (r) => r.id);
    expect(out).toEqual([{ id: 'a', v: 1 }, { id: 'b', v: 2 }, { id: 'd', v: 1 }]);
    expect(index).toHaveLength(3);
  });
});

describe('the cache under a feed', () => {
  it('expires on the clock when asked to, so a manual clock moves expiry', async () => {
    const clock = manualClock('2026-11-27T09:00:00Z');
    const cache = new SourceCache({ maxBytes: 1e6, clock, expireOnClock: true });
    let loads = 0;
    const load = async () => ++loads;
    await cache.get('s:e:1', policy, load);
    clock.advance(11_000);
    const stale = await cache.get('s:e:1', policy, load);
    expect(stale.outcome.stale).toBe(true);
    while (cache.loading > 0) await new Promise((r) => setTimeout(r, 1));
    expect(loads).toBe(2);
  });

  it('a primed value is held `holdMs` past its TTL before a read loads it again', async () => {
    const clock = manualClock('2026-11-27T09:00:00Z');
    const cache = new SourceCache({ maxBytes: 1e6, clock, expireOnClock: true });
    let loads = 0;
    cache.prime('s:e:1', 'fed', clock.now(), policy, { holdMs: 5_000 });
    clock.advance(12_000);
    const held = await cache.get('s:e:1', policy, async () => `loaded ${++loads}`);
    // stale by its TTL, yet not re-read: the feed renews it
    expect(held).toMatchObject({ value: 'fed', outcome: { stale: true, fromCache: true } });
    expect(loads).toBe(0);
    clock.advance(4_000);
    await cache.get('s:e:1', policy, async () => `loaded ${++loads}`);
    while (cache.loading > 0) await new Promise((r) => setTimeout(r, 1));
    expect(loads).toBe(1);
    // an older value never replaces a newer one
    expect(cache.prime('s:e:1', 'older', clock.now() - 60_000, policy)).toBe(false);
  });
});
