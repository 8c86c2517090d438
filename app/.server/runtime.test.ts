import { describe, expect, it } from 'vitest';
import { systemClock, todayOf } from '../../sources/kit/clock.js';
import { clockFor } from './runtime.js';

describe("Panorama's clock in the server", () => {
  it('starts on SANDBOX_TODAY when Panorama runs on its own sandbox, and then runs', async () => {
    const clock = clockFor({ PANORAMA_SANDBOX_ORIGIN: 'http://127.0.0.1:4010', SANDBOX_TODAY: '2031-02-03' });
    expect(todayOf(clock)).toBe('2031-02-03');
    const before = clock.now();
    await new Promise((r) => setTimeout(r, 15));
    expect(clock.now()).toBeGreaterThan(before);
  });

  it('is the system clock on real sources, even with SANDBOX_TODAY set', () => {
    expect(clockFor({ SANDBOX_TODAY: '2031-02-03' })).toBe(systemClock);
    expect(clockFor({ PANORAMA_SANDBOX_ORIGIN: 'http://127.0.0.1:4010' })).toBe(systemClock);
  });
});
