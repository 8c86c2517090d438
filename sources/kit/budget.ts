import { RateLimiterRes } from 'rate-limiter-flexible';
import { SlidingMemoryLimiter, type MinuteLimiter } from './sliding-minute.js';
import type { Clock } from './clock.js';
import { clockTime } from './gate.js';
import { SourceError, sourceName, type SourceId } from './errors.js';

/**
 * How a budget's store is made: a sliding window (BUDGET_WINDOW_MS), in process (SlidingMemoryLimiter) or in Redis
 * shared by the instances (SlidingRedisLimiter): no minute ever sees more requests than the budget.
 */
export type BudgetLimiterFactory = (source: SourceId, perMinute: number) => MinuteLimiter;

/**
 * The span a budget counts: a minute, and 5 s more. A request is counted when the budget lets it go, and reaches the
 * vendor a little later — under load, seconds later; the vendor's minute then still sees no more than the budget.
 */
export const BUDGET_WINDOW_MS = 65_000;

export const memoryBudgetLimiter: BudgetLimiterFactory = (_source, perMinute) => new SlidingMemoryLimiter(perMinute, BUDGET_WINDOW_MS);

/** The share of a budget that background work (index upkeep) leaves to people. */
export const RESERVED_FOR_PEOPLE = 0.25;

/**
 * A source's per-minute request budget. Every request Panorama sends takes one point; no minute ever holds more than
 * the budget (a sliding window, BUDGET_WINDOW_MS): when none is left, nothing more is sent until the window's oldest
 * point frees, and reads are served from the cache. Background work stops earlier, while
 * a quarter of the budget is still left for people.
 */
export class SourceBudget {
  readonly source: SourceId;
  readonly perMinute: number;
  readonly #limiter: MinuteLimiter;
  readonly #clock: Clock;

  constructor(source: SourceId, perMinute: number, clock: Clock, factory: BudgetLimiterFactory = memoryBudgetLimiter) {
    this.source = source;
    this.perMinute = perMinute;
    this.#clock = clock;
    this.#limiter = factory(source, perMinute);
  }

  /** Points left in the window, and when the next one frees (ms since the epoch). */
  async state(): Promise<{ remaining: number; resetAt: number }> {
    const res = await this.#limiter.get(this.source);
    if (!res) return { remaining: this.perMinute, resetAt: this.#clock.now() + 60_000 };
    return { remaining: Math.max(0, this.perMinute - res.consumedPoints), resetAt: this.#clock.now() + res.msBeforeNext };
  }

  /** Whether a background read should leave what is left to people. */
  async reservedForPeople(): Promise<{ resetAt: number } | null> {
    const s = await this.state();
    return s.remaining <= Math.ceil(this.perMinute * RESERVED_FOR_PEOPLE) ? { resetAt: s.resetAt } : null;
  }

  /** Takes one point for a request about to be sent: whether it was taken, what is left and when the minute turns. */
  async take(): Promise<{ taken: boolean; remaining: number; resetAt: number }> {
    try {
      const res = await this.#limiter.consume(this.source, 1);
      return { taken: true, remaining: res.remainingPoints, resetAt: this.#clock.now() + res.msBeforeNext };
    } catch (e) {
      if (e instanceof RateLimiterRes) return { taken: false, remaining: 0, resetAt: this.#clock.now() + e.msBeforeNext };
      throw e;
    }
  }

  /** The error of a read not sent because the budget is spent (or, for background work, kept for people). */
  spentError(resetAt: number, background = false): SourceError {
    const name = sourceName(this.source);
    return new SourceError(this.source, 'RATE_LIMITED', `${this.source} budget of ${this.perMinute}/min ${background ? 'kept for people' : 'spent'}`, {
      retryAt: new Date(resetAt).toISOString(),
      retryAfterSeconds: Math.max(1, Math.ceil((resetAt - this.#clock.now()) / 1000)),
      gated: true,
      budget: true,
      userMessage: `Panorama's budget of ${this.perMinute} ${name} requests in any ${BUDGET_WINDOW_MS / 1000} seconds is spent until ${clockTime(resetAt)}; nothing is sent to ${name} before then.`,
    });
  }
}
