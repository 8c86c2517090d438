import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Clock } from './clock.js';
import { clockTime } from './gate.js';
import { SourceError, sourceName, type SourceId } from './errors.js';

/**
 * Each vendor's documented per-minute limit, of which Panorama spends 80 % by default (the rest is left to the
 * vendor's other clients and to bursts). Sources and dates: QuickBooks Online 500 requests a minute per company
 * (developer.intuit.com, "API call limits and throttles"); Zendesk Support 200 a minute on Team, up to 2,500 on
 * Enterprise Plus with the High Volume add-on (developer.zendesk.com, "Rate limits") — the lowest plan is assumed;
 * Xero 60 calls a minute and 5,000 a day per organisation, 10,000 a minute per app (developer.xero.com, "OAuth 2.0 API
 * limits"; the daily one is watched as an allowance, from X-DayLimit-Remaining); Asana 150 a minute on the free plan, 1,500 on paid plans (developers.asana.com, "Rate limits") — the free one is
 * assumed. Salesforce has no per-minute limit (its allowance is per rolling 24 h): no per-minute budget by default.
 * Read 2026-12-02; set PANORAMA_BUDGET_<SOURCE>_PER_MINUTE for a bigger plan.
 */
export const DOCUMENTED_LIMIT_PER_MINUTE: Record<SourceId, number | null> = {
  quickbooks: 500,
  xero: 60,
  zendesk: 200,
  asana: 150,
  salesforce: null,
};

export const defaultBudgetPerMinute = (source: SourceId): number => {
  const limit = DOCUMENTED_LIMIT_PER_MINUTE[source];
  return limit === null ? 0 : Math.floor(limit * 0.8);
};

/** How a budget's store is made: in process now (RateLimiterMemory); RateLimiterRedis shares it between instances. */
export type BudgetLimiterFactory = (source: SourceId, perMinute: number) => RateLimiterAbstract;

export const memoryBudgetLimiter: BudgetLimiterFactory = (source, perMinute) =>
  new RateLimiterMemory({ keyPrefix: `panorama-budget-${source}`, points: perMinute, duration: 60 });

/** The share of a budget that background work (index upkeep) leaves to people. */
export const RESERVED_FOR_PEOPLE = 0.25;

/**
 * A source's per-minute request budget. Every request Panorama sends takes one point; when none is left, nothing
 * more is sent until the minute turns, and reads are served from the cache. Background work stops earlier, while
 * a quarter of the budget is still left for people.
 */
export class SourceBudget {
  readonly source: SourceId;
  readonly perMinute: number;
  readonly #limiter: RateLimiterAbstract;
  readonly #clock: Clock;

  constructor(source: SourceId, perMinute: number, clock: Clock, factory: BudgetLimiterFactory = memoryBudgetLimiter) {
    this.source = source;
    this.perMinute = perMinute;
    this.#clock = clock;
    this.#limiter = factory(source, perMinute);
  }

  /** Points left this minute and when the minute turns (ms since the epoch). */
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
      userMessage: `Panorama's budget of ${this.perMinute} ${name} requests a minute is spent until ${clockTime(resetAt)}; nothing is sent to ${name} before then.`,
    });
  }
}
