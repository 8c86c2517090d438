/**
 * A budget's minute slides: no 60 s ever holds more than the budget — also across the turn of a minute, where two
 * fixed windows back to back let twice the budget through within one minute. In process, and in Redis shared by
 * two instances (a real Redis, started here; skipped where Debian's redis-server is not installed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { manualClock } from './clock.js';
import { BUDGET_WINDOW_MS, memoryBudgetLimiter } from './budget.js';
import { SharedState, redisBudgetLimiter } from './shared-state.js';
import { SlidingMemoryLimiter, SlidingRedisLimiter, type MinuteLimiter } from './sliding-minute.js';
import { redisAvailable, startRedis, until, type TestRedis } from '../../test/support/redis.js';

const take = (l: MinuteLimiter) =>
  l.consume('k').then(
    (r) => ({ taken: true, r }),
    (r: RateLimiterRes) => ({ taken: false, r })
  );

describe('SlidingMemoryLimiter', () => {
  it('lets no more than its points through in any 60 s, across the turn of a minute too', async () => {
    const clock = manualClock('2026-12-01T10:00:00Z');
    const l = new SlidingMemoryLimiter(3, 60_000, () => clock.now());
    clock.advance(50_000);
    expect((await Promise.all([take(l), take(l), take(l)])).map((t) => t.taken)).toEqual([true, true, true]);
    // 10:00:50 + 15 s: a fixed window would have turned at 10:01:00 and let three more through
    clock.advance(15_000);
    const refused = await take(l);
    expect(refused.taken).toBe(false);
    expect(refused.r.msBeforeNext).toBe(45_000);
    expect(await l.get('k')).toMatchObject({ consumedPoints: 3, remainingPoints: 0 });
    // once the oldest is 60 s old, they free again
    clock.advance(45_000);
    expect((await take(l)).taken).toBe(true);
    expect(await l.get('k')).toMatchObject({ consumedPoints: 1, remainingPoints: 2 });
    expect(await l.get('other')).toBeNull();
  });

  it('keeps no key whose minute has passed: 5,000 addresses seen once are dropped a minute later', async () => {
    const clock = manualClock('2026-12-01T10:00:00Z');
    const l = new SlidingMemoryLimiter(3, 60_000, () => clock.now());
    for (let i = 0; i < 5_000; i++) await l.consume(`address:${i}`);
    expect(l.keyCount).toBe(5_000);
    clock.advance(60_001);
    for (let i = 0; i < 1_000; i++) await l.consume('person:1').catch(() => undefined);
    expect(l.keyCount).toBe(1);
    expect(await l.get('address:1')).toBeNull();
  });
});

describe.skipIf(!redisAvailable())('SlidingRedisLimiter: two instances on one Redis', () => {
  let redis: TestRedis;
  let a: SharedState;
  let b: SharedState;
  beforeAll(async () => {
    redis = await startRedis();
    const clock = { now: () => Date.now() };
    a = new SharedState(redis.url, { clock });
    b = new SharedState(redis.url, { clock });
    await until('both on Redis', () => a.up && b.up);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await redis?.close();
  });

  it('spend one window together: 5 points over both, the sixth refused on either; a short window frees again', async () => {
    const la = new SlidingRedisLimiter(a, 'test-window', 5, 1_500);
    const lb = new SlidingRedisLimiter(b, 'test-window', 5, 1_500);
    const got = await Promise.all([la, lb, la, lb, la, lb, la].map(take));
    expect(got.filter((t) => t.taken)).toHaveLength(5);
    const refused = got.find((t) => !t.taken)!;
    expect(refused.r.msBeforeNext).toBeGreaterThan(0);
    expect(refused.r.msBeforeNext).toBeLessThanOrEqual(1_500);
    expect(await lb.get('k')).toMatchObject({ consumedPoints: 5, remainingPoints: 0 });
    await new Promise((r) => setTimeout(r, 1_600));
    expect((await take(lb)).taken).toBe(true);
    expect(await la.get('k')).toMatchObject({ consumedPoints: 1 });
  });

  it('while Redis is down, each instance spends from its own window of the same size', async () => {
    await redis.kill();
    await until('both fell back', () => a.status.mode === 'fallback' && b.status.mode === 'fallback');
    const la = new SlidingRedisLimiter(a, 'down-window', 2);
    expect((await Promise.all([take(la), take(la), take(la)])).map((t) => t.taken)).toEqual([true, true, false]);
    await redis.start();
    await until('both back on Redis', () => a.status.mode === 'redis' && b.status.mode === 'redis', 15_000);
  });
});

describe('the budgets’ window', () => {
  it('counts a minute and 5 s more, in process and in Redis: a request reaches the vendor a little after it is counted', () => {
    expect(BUDGET_WINDOW_MS).toBe(65_000);
    const local = memoryBudgetLimiter('asana', 120) as SlidingMemoryLimiter;
    expect([local.points, local.windowMs]).toEqual([120, 65_000]);
    const shared = redisBudgetLimiter({} as SharedState)('asana', 120) as SlidingRedisLimiter;
    expect([shared.points, shared.windowMs]).toEqual([120, 65_000]);
  });
});
