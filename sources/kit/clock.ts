/**
 * Panorama's one notion of "now". Everything that asks what time or what day it is — overdue invoices, aging,
 * flags, section ages, the sandbox's "today" — asks a Clock that the runtime was given, never the wall clock
 * directly. Production uses `systemClock`; tests pin a date with `clockAt`, so the suite passes on any day.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock that starts at `start` (an ISO date or date-time; a bare date means its midnight UTC) and then runs
 * at the speed of real time, so time-to-live, timeouts and ages still behave as they do in production.
 */
export function clockAt(start: string | number): Clock {
  const at = typeof start === 'number' ? start : Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(start) ? `${start}T00:00:00Z` : start);
  if (!Number.isFinite(at)) throw new Error(`clockAt: "${start}" is not a date`);
  const origin = performance.now();
  return { now: () => at + (performance.now() - origin) };
}

/** A clock that stands still until moved: for tests that step through time. */
export function manualClock(start: string | number): Clock & { advance(ms: number): void; set(at: string | number): void } {
  const parse = (v: string | number) => (typeof v === 'number' ? v : Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v));
  let at = parse(start);
  if (!Number.isFinite(at)) throw new Error(`manualClock: "${start}" is not a date`);
  return {
    now: () => at,
    advance: (ms) => {
      at += ms;
    },
    set: (v) => {
      at = parse(v);
    },
  };
}

/** The clock's date as YYYY-MM-DD (UTC). */
export function todayOf(clock: Clock): string {
  return new Date(clock.now()).toISOString().slice(0, 10);
}

/** The clock's time as a Date. */
export function dateOf(clock: Clock): Date {
  return new Date(clock.now());
}
