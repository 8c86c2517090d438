import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { SlidingRedisLimiter } from './sliding-minute.js';
import { BUDGET_WINDOW_MS, type BudgetLimiterFactory } from './budget.js';
import type { Clock } from './clock.js';
import type { SourceId } from './errors.js';
import { MemoryGateStore, type GateStore } from './gate.js';
import { logger } from './logger.js';

/** Where the shared state is kept right now: Redis, or (Redis not configured, not reachable) this process's memory. */
export type SharedMode = 'redis' | 'fallback' | 'memory';

export type SharedStatus = {
  /** `memory`: no REDIS_URL, everything in process as designed; `redis`: shared; `fallback`: Redis configured but down. */
  mode: SharedMode;
  /** Since when (ms since the epoch) the mode holds. */
  since: number;
  /** The Redis address without its credentials, or null without REDIS_URL. */
  address: string | null;
  /** Why Redis is not used, when it is configured and down (an error name and message, never a credential). */
  reason: string | null;
};

/** A message between instances: who sent it (an instance ignores its own) and what it says. */
type Envelope = { from: string; body: unknown };

const CHANNEL = 'panorama:events';

/** `redis://user:pass@host:6379/0` → `redis://host:6379/0`: what the admin page and /readyz may show. */
export function redisAddress(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return 'redis (unparsable address)';
  }
}

/**
 * Panorama's connection to Redis, the state its instances share (ADR 027): rate-limit gates, budgets, breaker
 * openings, cache invalidations, the index-upkeep lease and the rotating OAuth tokens. Every use goes through
 * `run`, which falls back to this process's memory while Redis is unreachable — commands fail fast (no offline
 * queue, a short command timeout) rather than hang a request — and ioredis reconnects on its own; when it is back,
 * the mode returns to `redis` and listeners (the token store's write-back) are told.
 */
export class SharedState {
  readonly instanceId = randomUUID();
  readonly address: string;
  readonly clock: Clock;
  readonly #cmd: Redis;
  readonly #sub: Redis;
  #mode: 'redis' | 'fallback' = 'fallback';
  #since: number;
  #reason: string | null = 'connecting';
  readonly #handlers = new Map<string, Set<(body: unknown) => void>>();
  readonly #onMode = new Set<(mode: 'redis' | 'fallback') => void>();
  #closed = false;

  constructor(url: string, opts: { clock: Clock; commandTimeoutMs?: number }) {
    this.clock = opts.clock;
    this.address = redisAddress(url);
    this.#since = this.clock.now();
    const common = {
      connectTimeout: 2_000,
      // reconnect forever, at most every 2 s: Redis coming back is noticed within that
      retryStrategy: (times: number) => Math.min(times * 200, 2_000),
      lazyConnect: false,
    };
    // Commands fail at once while disconnected (no offline queue) and never wait long: the caller falls back.
    this.#cmd = new Redis(url, { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: opts.commandTimeoutMs ?? 1_000 });
    // The subscriber queues its SUBSCRIBE until connected and ioredis subscribes again after every reconnect.
    this.#sub = new Redis(url, { ...common, maxRetriesPerRequest: null });
    this.#cmd.on('ready', () => this.#setMode('redis', null));
    this.#cmd.on('error', (e: Error) => this.#setMode('fallback', `${e.name}: ${e.message}`));
    this.#cmd.on('close', () => this.#setMode('fallback', this.#reason ?? 'connection closed'));
    this.#sub.on('error', () => undefined); // reported through the command connection
    this.#sub.on('message', (_channel: string, raw: string) => this.#deliver(raw));
    void this.#sub.subscribe(CHANNEL).catch(() => undefined);
  }

  get status(): SharedStatus {
    return { mode: this.#mode, since: this.#since, address: this.address, reason: this.#mode === 'redis' ? null : this.#reason };
  }

  get up(): boolean {
    return this.#mode === 'redis';
  }

  /** Told when the mode changes (after the change). */
  onModeChange(fn: (mode: 'redis' | 'fallback') => void): void {
    this.#onMode.add(fn);
  }

  #setMode(mode: 'redis' | 'fallback', reason: string | null): void {
    if (this.#closed) return;
    if (mode === 'fallback') this.#reason = reason;
    if (this.#mode === mode) return;
    this.#mode = mode;
    this.#since = this.clock.now();
    if (mode === 'redis') this.#reason = null;
    if (mode === 'redis') logger.info({ redis: this.address }, 'shared state: Redis is back; instances share it again');
    else logger.warn({ redis: this.address, reason }, 'shared state: Redis unreachable; this instance keeps its own state in memory until it is back');
    for (const fn of this.#onMode) fn(mode);
  }

  /** A key of Panorama's in Redis. */
  key(name: string): string {
    return `panorama:${name}`;
  }

  /**
   * Runs a Redis operation, or the fallback while Redis is down or when the operation fails (which then marks
   * Redis down until ioredis reconnects).
   */
  async run<T>(op: (redis: Redis) => Promise<T>, fallback: () => T | Promise<T>): Promise<T> {
    if (this.#mode !== 'redis') return fallback();
    try {
      return await op(this.#cmd);
    } catch (e) {
      const err = e as Error;
      logger.warn({ redis: this.address, err: err.name }, 'shared state: a Redis command failed; falling back to memory');
      if (this.#cmd.status !== 'ready') this.#setMode('fallback', `${err.name}: ${err.message}`);
      return fallback();
    }
  }

  /** Tells the other instances (best effort: lost while Redis is down, as they then keep their own state). */
  publish(topic: string, body: unknown): void {
    if (this.#mode !== 'redis') return;
    const envelope: Envelope & { topic: string } = { from: this.instanceId, topic, body };
    this.#cmd.publish(CHANNEL, JSON.stringify(envelope)).catch(() => undefined);
  }

  /** Listens to what other instances publish under a topic. */
  subscribe(topic: string, fn: (body: unknown) => void): void {
    let set = this.#handlers.get(topic);
    if (!set) this.#handlers.set(topic, (set = new Set()));
    set.add(fn);
  }

  #deliver(raw: string): void {
    let msg: Envelope & { topic?: unknown };
    try {
      msg = JSON.parse(raw) as Envelope & { topic?: unknown };
    } catch {
      return;
    }
    if (msg.from === this.instanceId || typeof msg.topic !== 'string') return;
    for (const fn of this.#handlers.get(msg.topic) ?? []) {
      try {
        fn(msg.body);
      } catch (e) {
        logger.warn({ topic: msg.topic, err: (e as Error).name }, 'shared state: a message handler failed');
      }
    }
  }

  /**
   * A lease with expiry: true when this instance holds `name` for the next `ttlMs` (taken now, or renewed because
   * it already held it). While Redis is down each instance leads itself (its own memory is all it shares).
   */
  async lease(name: string, ttlMs: number): Promise<boolean> {
    return this.run(
      async (r) =>
        (await r.eval(
          `local cur = redis.call('GET', KEYS[1])
           if cur == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
           if cur then return 0 end
           redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1`,
          1,
          this.key(`lease:${name}`),
          this.instanceId,
          String(Math.max(1, Math.round(ttlMs))),
        )) === 1,
      () => true,
    );
  }

  /** Gives a lease up (only when this instance holds it). */
  async release(name: string, holder = this.instanceId): Promise<void> {
    await this.run(
      (r) => r.eval(`if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`, 1, this.key(`lease:${name}`), holder),
      () => 0,
    );
  }

  /** Who holds a lease now (an instance id), or null. */
  async holder(name: string): Promise<string | null> {
    return this.run((r) => r.get(this.key(`lease:${name}`)), () => null);
  }

  /** Whether Redis answers a PING now. */
  async ping(): Promise<boolean> {
    if (this.#mode !== 'redis') return false;
    try {
      return (await this.#cmd.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  /** The command connection, for stores that take an ioredis client (rate-limiter-flexible). */
  get client(): Redis {
    return this.#cmd;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#cmd.disconnect();
    this.#sub.disconnect();
  }
}

/**
 * Rate-limit windows in Redis, so that a 429 seen by one instance closes the source for all. Every window is
 * kept in this process's memory too: while Redis is down the instance honours what it saw itself, and the later
 * of the two windows always holds.
 */
export class RedisGateStore implements GateStore {
  readonly #shared: SharedState;
  readonly #memory = new MemoryGateStore();

  constructor(shared: SharedState) {
    this.#shared = shared;
  }

  async closedUntil(source: SourceId): Promise<number | null> {
    const local = await this.#memory.closedUntil(source);
    const remote = await this.#shared.run(async (r) => {
      const v = await r.get(this.#shared.key(`gate:${source}`));
      return v === null ? null : Number(v);
    }, () => null);
    if (local === null) return remote;
    return remote === null ? local : Math.max(local, remote);
  }

  async close(source: SourceId, untilMs: number): Promise<void> {
    await this.#memory.close(source, untilMs);
    const ttl = Math.max(1, Math.round(untilMs - this.#shared.clock.now()));
    await this.#shared.run(
      (r) =>
        r.eval(
          `local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
           if tonumber(ARGV[1]) > cur then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
           return 1`,
          1,
          this.#shared.key(`gate:${source}`),
          String(untilMs),
          String(ttl),
        ),
      () => 0,
    );
  }
}

/**
 * Budgets in Redis (a sliding minute per source, SlidingRedisLimiter): the instances together spend one budget.
 * While Redis is down each instance spends from its own in-memory window of the same size.
 */
export function redisBudgetLimiter(shared: SharedState): BudgetLimiterFactory {
  return (source, perMinute) => new SlidingRedisLimiter(shared, `budget:${source}`, perMinute, BUDGET_WINDOW_MS);
}
