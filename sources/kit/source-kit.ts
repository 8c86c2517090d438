import DataLoader from 'dataloader';
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  TaskCancelledError,
  TimeoutStrategy,
  circuitBreaker,
  handleWhen,
  type CircuitBreakerPolicy,
  retry,
  timeout,
  wrap,
  type IPolicy,
} from 'cockatiel';
import { ttlOf, type CachePolicy, type SourceCache } from './cache.js';
import { systemClock, type Clock } from './clock.js';
import type { Fetched } from './domain.js';
import { SourceError, isNetworkError, isSourceError, isTimeoutError, type SourceId } from './errors.js';
import type { KitEvents } from './alerts.js';
import type { SourceBudget } from './budget.js';
import type { DailyAllowance } from './allowance.js';
import { MemoryGateStore, SourceGate, clockTime, type GateStore } from './gate.js';
import { logger } from './logger.js';
import { meterRequests } from './request-meter.js';
import { cacheLookups, upstreamDuration, upstreamRequests, upstreamRetries, type SourceHealth } from './metrics.js';
import type { RetrySettings } from './resilience-settings.js';

export type KitOptions = {
  source: SourceId;
  /** Per upstream call. */
  timeoutMs: number;
  /** Vendor error → shared error. Runs on everything a client library throws. */
  mapError: (e: unknown, clock?: Clock) => SourceError;
  cachePolicies: Record<string, CachePolicy>;
  cache: SourceCache;
  health: SourceHealth;
  /** Consecutive retryable failures before the breaker opens, and how long it stays open. */
  breaker?: { threshold: number; halfOpenAfterMs: number };
  /** Panorama's one notion of now (the runtime's). @default systemClock */
  clock?: Clock;
  /**
   * Retries of idempotent reads (every upstream call Panorama makes is one) on 5xx, dropped connections and
   * timeouts, with exponential backoff and jitter, all within one deadline. @default none
   */
  retry?: RetrySettings;
  /** The source's per-minute request budget (none, or 0 a minute: unlimited). */
  budget?: SourceBudget;
  /** The vendor's own daily allowance, read from its answers: Panorama stops at its share of it. */
  allowance?: DailyAllowance;
  /** Entities read by background upkeep (the source's index): they yield to people as the budget runs low. */
  backgroundEntities?: readonly string[];
  /** Told of every call's outcome, the breaker opening, rate limits and budget use (the alert notifier). */
  events?: KitEvents;
  /** Where rate-limit windows are kept (shared by instances when it is shared). @default one of this kit's own */
  gateStore?: GateStore;
  /** Seconds to stay away after a rate limit that names no Retry-After. @default the vendor's documented wait */
  rateLimitWaitSeconds?: number;
  /** Told when this kit's breaker opens, with until when it stays open (shared state tells the other instances). */
  onBreakerOpened?: (source: SourceId, untilMs: number) => void;
};

export type ReadOptions = { forceRefresh?: boolean };

/** How long the pages of an index read wait, in all, for the budget's next points before the read fails. */
export const PACED_WAIT_MS = 5 * 60_000;

/** The breaker every source gets unless told otherwise: open after 5 failed calls in a row, probe again after 10 s. */
export const DEFAULT_BREAKER = { threshold: 5, halfOpenAfterMs: 10_000 } as const;

/** Failures that mean the source itself is failing (not that one request was wrong or one record is missing). */
const FAILING_CODES: ReadonlySet<string> = new Set(['TIMEOUT', 'UNAVAILABLE', 'CIRCUIT_OPEN', 'INVALID_RESPONSE', 'UNAUTHENTICATED', 'FORBIDDEN', 'INTERNAL']);

/**
 * The one door every upstream call passes through: cross-request cache, timeout, circuit breaker, error
 * mapping to shared codes, metrics and the health record. Source modules never call their vendor otherwise.
 */
export class SourceKit {
  readonly source: SourceId;
  /** The runtime's clock: loaders ask it what day it is (overdue, aging), never the wall clock. */
  readonly clock: Clock;
  readonly #opts: KitOptions;
  readonly #policy: IPolicy;
  /** One call and its retries end by then; null without retries. */
  readonly #deadlineMs: number | null = null;
  readonly gate: SourceGate;
  readonly #breaker: CircuitBreakerPolicy;
  /** Since the first of the current run of failed calls, with the failure that says most (not CIRCUIT_OPEN); null once a call succeeds. */
  #failing: { since: number; error: SourceError; count: number } | null = null;
  /** Until when another instance's breaker opening holds this one open too (ms), or 0. */
  #heldOpenUntil = 0;

  constructor(opts: KitOptions) {
    this.source = opts.source;
    this.clock = opts.clock ?? systemClock;
    this.#opts = opts;
    this.gate = new SourceGate(opts.source, opts.gateStore ?? new MemoryGateStore(), this.clock, opts.rateLimitWaitSeconds);
    const breaker = circuitBreaker(
      handleWhen((e) => e instanceof TaskCancelledError || (isSourceError(e) && e.retryable && e.code !== 'RATE_LIMITED')),
      {
        halfOpenAfter: opts.breaker?.halfOpenAfterMs ?? DEFAULT_BREAKER.halfOpenAfterMs,
        breaker: new ConsecutiveBreaker(opts.breaker?.threshold ?? DEFAULT_BREAKER.threshold),
      },
    );
    this.#breaker = breaker;
    // (an isolation is this kit letting an admin's probe through, see letProbeThrough: not a new outage)
    breaker.onBreak((reason) => {
      if ('isolated' in reason) return;
      opts.events?.breakerOpened(opts.source, this.#failing?.error ?? null);
      opts.onBreakerOpened?.(opts.source, this.clock.now() + this.breakerRetryMs);
    });
    const attemptTimeout = timeout(opts.timeoutMs, TimeoutStrategy.Aggressive);
    const r = opts.retry;
    if (!r || r.attempts === 0) {
      this.#policy = wrap(breaker, attemptTimeout);
    } else {
      // Only failures that say nothing about the request itself: never a refusal, a rate limit, a bad answer or
      // an open breaker. The breaker sits outside: it counts a call once, with the outcome of its last attempt.
      const retries = retry(
        handleWhen((e) => e instanceof TaskCancelledError || (isSourceError(e) && (e.code === 'UNAVAILABLE' || e.code === 'TIMEOUT'))),
        { maxAttempts: r.attempts, backoff: new ExponentialBackoff({ initialDelay: r.initialDelayMs, maxDelay: r.maxDelayMs }) },
      );
      retries.onRetry(() => upstreamRetries.inc({ source: opts.source }));
      this.#deadlineMs = Math.max(r.deadlineMs, opts.timeoutMs);
      this.#policy = wrap(timeout(this.#deadlineMs, TimeoutStrategy.Aggressive), breaker, retries, attemptTimeout);
    }
  }

  /** The budget in force, if the source has one with a limit. */
  get #budget(): SourceBudget | null {
    const b = this.#opts.budget;
    return b && b.perMinute > 0 ? b : null;
  }

  get budget(): SourceBudget | null {
    return this.#budget;
  }

  /** The vendor's daily allowance as last reported, if the source reports one and Panorama watches it. */
  get allowance(): DailyAllowance | null {
    const a = this.#opts.allowance;
    return a && a.sharePercent > 0 ? a : null;
  }

  /**
   * An admin's "check now": an open breaker lets the next call through at once instead of after its wait. The
   * breaker's count of failures is kept, so if that call fails too the breaker opens again straight away.
   */
  letProbeThrough(): void {
    this.#heldOpenUntil = 0;
    if (this.#breaker.state === CircuitState.Open) this.#breaker.isolate().dispose();
  }

  /** How long an open breaker waits before it lets a probe through. */
  get breakerRetryMs(): number {
    return this.#opts.breaker?.halfOpenAfterMs ?? DEFAULT_BREAKER.halfOpenAfterMs;
  }

  /** The circuit breaker's state: closed (calls pass), open (none pass), half-open (one probe passes). */
  get breakerState(): 'closed' | 'open' | 'half-open' | 'isolated' {
    if (this.#heldOpen) return 'open';
    const s = this.#breaker.state;
    return s === CircuitState.Closed ? 'closed' : s === CircuitState.Open ? 'open' : s === CircuitState.HalfOpen ? 'half-open' : 'isolated';
  }

  /**
   * Another instance's breaker for this source opened: this one counts as open too, and sends nothing, until
   * then (its own breaker's count is untouched; after the window the next call is the probe, as after its own).
   */
  holdBreakerOpen(untilMs: number): void {
    if (untilMs > this.#heldOpenUntil) this.#heldOpenUntil = untilMs;
  }

  get #heldOpen(): boolean {
    return this.#heldOpenUntil > this.clock.now();
  }

  /** The current run of failed calls (since when, and its root cause), or null when the last call succeeded. */
  get failing(): { since: number; error: SourceError; count: number } | null {
    return this.#failing;
  }

  /** The per-call timeout this kit enforces, in ms. */
  get timeoutMs(): number {
    return this.#opts.timeoutMs;
  }

  policyFor(entity: string): CachePolicy {
    const p = this.#opts.cachePolicies[entity] ?? this.#opts.cachePolicies.default;
    if (!p) throw new Error(`${this.source}: no cache policy for "${entity}"`);
    return p;
  }

  /**
   * One point of the budget for a call about to be sent. A page of an index read (an operation of a background
   * entity) is paced instead of failed: it leaves the quarter kept for people alone and waits for the budget's next
   * point to free (up to PACED_WAIT_MS in all), so a read of more pages than a minute's budget spans minutes rather than
   * failing with the pages read so far lost.
   */
  async #takeBudget(budget: SourceBudget, operation: string): Promise<{ taken: boolean; remaining: number; resetAt: number; kept: boolean }> {
    const paced = Boolean(this.#opts.backgroundEntities?.some((e) => operation === e || operation.startsWith(`${e}.`)));
    const waitUntil = performance.now() + PACED_WAIT_MS;
    for (;;) {
      const kept = paced ? await budget.reservedForPeople() : null;
      const took = kept ? { taken: false, remaining: 0, resetAt: kept.resetAt } : await budget.take();
      if (took.taken) return { ...took, kept: false };
      const wait = Math.max(50, took.resetAt - this.clock.now());
      if (!paced || performance.now() + wait > waitUntil) return { ...took, kept: Boolean(kept) };
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  /**
   * One point of the budget for a request about to be sent: each attempt of a call takes one, and a call that
   * sends several requests (a search's pages, a batch sent in chunks) takes one more before each after its first
   * (request-meter.ts). Throws the budget's error when none is left (nothing may then be sent).
   */
  async spend(operation: string): Promise<void> {
    const budget = this.#budget;
    if (!budget) return;
    const took = await this.#takeBudget(budget, operation);
    if (!took.taken) {
      upstreamRequests.inc({ source: this.source, operation, outcome: 'BUDGET' });
      throw budget.spentError(took.resetAt, took.kept);
    }
    this.#opts.events?.budgetUsed(this.source, budget.perMinute - took.remaining, budget.perMinute, took.resetAt);
  }

  /** One upstream call, uncached: timeout, breaker, error mapping, metrics. */
  async upstream<T>(operation: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    // Inside a rate-limit window nothing leaves, whoever asks (a person, a list, a refresh, the index upkeep).
    const closedUntil = await this.gate.closedUntil();
    if (closedUntil !== null) {
      upstreamRequests.inc({ source: this.source, operation, outcome: 'GATED' });
      throw this.gate.closedError(closedUntil);
    }
    const allowance = this.allowance;
    const allowanceUntil = allowance?.blockedUntil(false) ?? null;
    if (allowance && allowanceUntil !== null) {
      upstreamRequests.inc({ source: this.source, operation, outcome: 'BUDGET' });
      throw allowance.spentError(allowanceUntil);
    }
    // every attempt is a request: a retry takes a point of its own (and is not sent when none is left)
    await this.spend(operation);
    let attempts = 0;
    const started = performance.now();
    const end = upstreamDuration.startTimer({ source: this.source, operation });
    try {
      // Each call gets a signal of its own: without one, cockatiel hangs every call's abort listener on one shared
      // never-aborted signal, which warns of a leak past ten concurrent calls.
      if (this.#heldOpen) throw new BrokenCircuitError();
      const value = await this.#policy.execute(async ({ signal }) => {
        if (attempts++ > 0) await this.spend(operation);
        try {
          // the attempt's point pays for its first request; each further one takes its own (request-meter.ts)
          meterRequests(signal, () => this.spend(operation));
          return await fn(signal);
        } catch (e) {
          throw this.toSourceError(e);
        }
      }, new AbortController().signal);
      upstreamRequests.inc({ source: this.source, operation, outcome: 'ok' });
      this.#failing = null;
      this.#opts.events?.callSucceeded(this.source);
      this.#opts.health.record(this.source, performance.now() - started);
      return value;
    } catch (e) {
      let err = this.toSourceError(e);
      const until = await this.gate.observe(err);
      if (until !== null) {
        err = new SourceError(this.source, err.code, err.message, {
          status: err.status,
          vendorCode: err.vendorCode,
          retryAfterSeconds: err.retryAfterSeconds,
          retryAt: new Date(until).toISOString(),
          cause: err,
        });
        logger.warn({ source: this.source, operation, until: new Date(until).toISOString() }, `rate limit: nothing is sent to ${this.source} until ${clockTime(until)}`);
        this.#opts.events?.rateLimited(this.source, until);
      }
      upstreamRequests.inc({ source: this.source, operation, outcome: err.code });
      if (FAILING_CODES.has(err.code)) {
        const rootCause = err.code === 'CIRCUIT_OPEN' && this.#failing ? this.#failing.error : err;
        this.#failing = { since: this.#failing?.since ?? this.clock.now(), error: rootCause, count: (this.#failing?.count ?? 0) + 1 };
      }
      if (err.code !== 'CIRCUIT_OPEN') this.#opts.events?.callFailed(this.source, err);
      this.#opts.health.record(this.source, performance.now() - started, { code: err.code, message: err.message });
      logger.warn({ source: this.source, operation, code: err.code, status: err.status, vendorCode: err.vendorCode }, 'upstream call failed');
      throw err;
    } finally {
      end();
      // the usage the vendor's answer reported (a failed call's answer reports it too)
      allowance?.observe();
    }
  }

  toSourceError(e: unknown): SourceError {
    if (isSourceError(e)) return e;
    if (e instanceof TaskCancelledError || isTimeoutError(e)) {
      const within = this.#deadlineMs ? `${this.#opts.timeoutMs} ms a try, ${this.#deadlineMs} ms in all` : `${this.#opts.timeoutMs} ms`;
      return new SourceError(this.source, 'TIMEOUT', `${this.source} did not answer within ${within}`, { cause: e });
    }
    if (e instanceof BrokenCircuitError) {
      return new SourceError(this.source, 'CIRCUIT_OPEN', `${this.source} circuit is open after repeated failures`, { cause: e });
    }
    if (isNetworkError(e)) return new SourceError(this.source, 'UNAVAILABLE', `${this.source} connection failed`, { cause: e });
    return this.#opts.mapError(e, this.clock);
  }

  /** A cached read of one entity: `<source>:<entity>:<id>`. */
  async read<T>(entity: string, id: string, load: (signal: AbortSignal) => Promise<T>, opts: ReadOptions = {}): Promise<Fetched<T>> {
    const key = `${this.source}:${entity}:${id}`;
    const closedUntil = await this.gate.closedUntil();
    if (closedUntil !== null) return this.#readGated<T>(key, entity, this.gate.closedError(closedUntil), opts);
    const allowance = this.allowance;
    if (allowance) {
      const background = !opts.forceRefresh && Boolean(this.#opts.backgroundEntities?.includes(entity));
      const until = allowance.blockedUntil(background);
      if (until !== null) return this.#readGated<T>(key, entity, allowance.spentError(until, background && allowance.blockedUntil(false) === null), opts);
    }
    const budget = this.#budget;
    if (budget) {
      const { remaining, resetAt } = await budget.state();
      if (remaining === 0) return this.#readGated<T>(key, entity, budget.spentError(resetAt), opts);
      if (!opts.forceRefresh && this.#opts.backgroundEntities?.includes(entity)) {
        const kept = await budget.reservedForPeople();
        if (kept) return this.#readGated<T>(key, entity, budget.spentError(kept.resetAt, true), opts);
      }
    }
    const { value, outcome } = await this.#opts.cache.get(key, this.policyFor(entity), load, {
      forceRefresh: opts.forceRefresh,
      statsKey: this.source,
      // a customer's data is held packed (deflated JSON), an index (read in the background) as the object it was read as
      packed: !this.#opts.backgroundEntities?.includes(entity),
    });
    cacheLookups.inc({ source: this.source, result: outcome.error ? 'stale-on-error' : outcome.fromCache ? (outcome.stale ? 'stale' : 'hit') : 'miss' });
    // Stale data served while the source is failing says so from the first failed call on, not only once this
    // read's own refresh has failed: a background re-read that failed a moment ago is the truth about it.
    const failing = this.#failing;
    const error = outcome.error ? this.toSourceError(outcome.error) : outcome.stale && failing ? failing.error : null;
    return {
      value,
      freshness: {
        source: this.source,
        fetchedAt: new Date(outcome.fetchedAt).toISOString(),
        fromCache: outcome.fromCache,
        stale: outcome.stale,
        error,
        ...(error ? { failingSince: new Date(failing?.since ?? this.clock.now()).toISOString() } : {}),
      },
    };
  }

  /**
   * A read inside a rate-limit window (or with the budget spent): what the cache holds, never a request. Data within its TTL is served as
   * usual; older data (or any data on a forced refresh) carries the gate's error, which names when the vendor
   * may be asked again. With nothing usable cached the read fails with that error.
   */
  #readGated<T>(key: string, entity: string, err: SourceError, opts: ReadOptions): Fetched<T> {
    const policy = this.policyFor(entity);
    const hit = this.#opts.cache.peek<T>(key);
    const ageMs = hit ? this.clock.now() - hit.fetchedAt : Infinity;
    const ttlMs = hit ? ttlOf(policy, hit.value) : policy.ttlMs;
    if (!hit || ageMs > Math.max(policy.maxStaleMs, ttlMs + policy.swrMs)) {
      cacheLookups.inc({ source: this.source, result: 'gated-miss' });
      throw err;
    }
    const fresh = ageMs <= ttlMs && !opts.forceRefresh;
    cacheLookups.inc({ source: this.source, result: fresh ? 'hit' : 'gated-stale' });
    return {
      value: hit.value,
      freshness: {
        source: this.source,
        fetchedAt: new Date(hit.fetchedAt).toISOString(),
        fromCache: true,
        stale: !fresh,
        error: fresh ? null : err,
      },
    };
  }

  /**
   * What the cache holds for one entity, without asking the source: for data that is only worth using when it
   * is already there (an index kept warm in the background). `fresh` within the policy's TTL; `usable` within
   * TTL + stale-while-revalidate. Null when nothing is cached.
   */
  peek<T>(entity: string, id: string): { value: T; fetchedAt: number; ageMs: number; fresh: boolean; usable: boolean } | null {
    const hit = this.#opts.cache.peek<T>(`${this.source}:${entity}:${id}`);
    if (!hit) return null;
    const policy = this.policyFor(entity);
    const ageMs = this.clock.now() - hit.fetchedAt;
    const ttlMs = ttlOf(policy, hit.value);
    return { ...hit, ageMs, fresh: ageMs <= ttlMs, usable: ageMs <= ttlMs + policy.swrMs };
  }

  /**
   * A DataLoader for one entity, built per request: each key is looked up in the cross-request cache, and
   * the misses go upstream together in a single `loadMany` call. The upstream batch is dispatched with
   * `setImmediate`, after every promise job and `nextTick` of the current turn: the misses of a whole list
   * (whose rows reach this loader through links resolved a few promise hops apart) share one request.
   */
  loader<T>(
    entity: string,
    loadMany: (ids: readonly string[], signal: AbortSignal) => Promise<Map<string, T>>,
    opts: ReadOptions & { maxBatchSize?: number; notFound?: (id: string) => T } = {},
  ): DataLoader<string, Fetched<T>> {
    const upstream = new DataLoader<string, T>(
      async (ids) => {
        const found = await this.upstream(`${entity}.batch`, (signal) => loadMany(ids, signal));
        return ids.map((id) => {
          const v = found.get(id);
          if (v !== undefined) return v;
          if (opts.notFound) return opts.notFound(id);
          return new SourceError(this.source, 'NOT_FOUND', `${this.source} has no ${entity} ${id}`);
        });
      },
      { cache: false, maxBatchSize: opts.maxBatchSize ?? 100, batchScheduleFn: (dispatch) => setImmediate(dispatch) },
    );
    return new DataLoader<string, Fetched<T>>(
      (ids) =>
        Promise.all(
          ids.map((id) => this.read(entity, id, () => upstream.load(id), opts).catch((e: unknown) => this.toSourceError(e))),
        ),
      { maxBatchSize: opts.maxBatchSize ?? 100 },
    );
  }

  /**
   * Whether background upkeep may send anything now (its index's change feed): null when it may, else the error
   * that says why not — a rate-limit window, the vendor's daily allowance or the budget's share kept for people.
   */
  async backgroundRefusal(entity: string): Promise<SourceError | null> {
    const closedUntil = await this.gate.closedUntil();
    if (closedUntil !== null) return this.gate.closedError(closedUntil);
    const allowance = this.allowance;
    const until = allowance?.blockedUntil(this.#opts.backgroundEntities?.includes(entity) ?? false) ?? null;
    if (allowance && until !== null) return allowance.spentError(until, allowance.blockedUntil(false) === null);
    const budget = this.#budget;
    if (budget) {
      const { remaining, resetAt } = await budget.state();
      if (remaining === 0) return budget.spentError(resetAt);
      const kept = await budget.reservedForPeople();
      if (kept) return budget.spentError(kept.resetAt, true);
    }
    return null;
  }

  /**
   * Puts a new value of one entity in the cache as read at `fetchedAt` (an index with its feed's changes applied):
   * fresh for the entity's TTL from then, held `holdMs` longer before a read loads it again. False when the cache
   * already holds a value as new or newer (a full read that finished meanwhile).
   */
  replace<T>(entity: string, id: string, value: T, fetchedAt: number, holdMs = 0): boolean {
    return this.#opts.cache.prime(`${this.source}:${entity}:${id}`, value, fetchedAt, this.policyFor(entity), { holdMs });
  }

  invalidate(prefix = ''): number {
    return this.#opts.cache.invalidate(`${this.source}:${prefix}`);
  }
}
