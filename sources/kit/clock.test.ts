import { describe, expect, it } from 'vitest';
import { SourceCache } from './cache.js';
import { clockAt, manualClock, todayOf } from './clock.js';
import { SourceError, parseRetryAfter } from './errors.js';
import { SourceHealth } from './metrics.js';
import { statusFromFetched } from './section-status.js';
import { SourceKit } from './source-kit.js';

// A day far from any real calendar day: every time below must come from the clock, never the wall clock.
const DAY = '2031-06-15';
const AT = Date.parse(`${DAY}T00:00:00Z`);

function kitOn(clock: ReturnType<typeof manualClock>) {
  const health = new SourceHealth({ clock });
  const kit = new SourceKit({
    source: 'zendesk',
    timeoutMs: 1_000,
    mapError: (e, c) => new SourceError('zendesk', 'RATE_LIMITED', String(e), { retryAfterSeconds: parseRetryAfter('Sun, 15 Jun 2031 00:02:00 GMT', c) }),
    cachePolicies: { default: { ttlMs: 60_000, swrMs: 30_000, maxStaleMs: 0 } },
    cache: new SourceCache({ maxBytes: 1e6, clock }),
    health,
    clock,
  });
  return { kit, health };
}

describe('one clock', () => {
  it('clockAt starts on the day given and runs; manualClock stands still until moved', async () => {
    const running = clockAt(DAY);
    expect(todayOf(running)).toBe(DAY);
    const t0 = running.now();
    await new Promise((r) => setTimeout(r, 15));
    expect(running.now()).toBeGreaterThan(t0);
    const still = manualClock(DAY);
    expect(still.now()).toBe(AT);
    still.advance(86_400_000);
    expect(todayOf(still)).toBe('2031-06-16');
    expect(() => clockAt('soon')).toThrow(/not a date/);
  });

  it("stamps fetchedAt, measures ages and staleness, and dates health on the kit's clock", async () => {
    const clock = manualClock(DAY);
    const { kit, health } = kitOn(clock);
    const first = await kit.read('org', '1', async () => 'v');
    expect(first.freshness.fetchedAt).toBe(`${DAY}T00:00:00.000Z`);
    clock.advance(45_000);
    expect(kit.peek('org', '1')).toMatchObject({ ageMs: 45_000, fresh: true, usable: true });
    expect(statusFromFetched(first, clock.now())).toMatchObject({ ageSeconds: 45, state: 'LIVE' });
    clock.advance(30_000);
    expect(kit.peek('org', '1')).toMatchObject({ ageMs: 75_000, fresh: false, usable: true });
    await kit.upstream('ok', async () => 1);
    expect(health.snapshot('zendesk').lastSuccessAt).toBe(`${DAY}T00:01:15.000Z`);
  });

  it("reads a Retry-After HTTP date against the clock's now", async () => {
    const clock = manualClock(`${DAY}T00:01:00Z`);
    const { kit } = kitOn(clock);
    const err = await kit.upstream('limited', async () => Promise.reject(new Error('429'))).catch((e: unknown) => e as SourceError);
    expect(err.retryAfterSeconds).toBe(60);
    expect(parseRetryAfter('Sun, 15 Jun 2031 00:02:00 GMT', manualClock(`${DAY}T00:00:00Z`))).toBe(120);
    expect(parseRetryAfter('7', clock)).toBe(7);
  });
});
