import { RateLimiterRes } from 'rate-limiter-flexible';
import type { SharedState } from './shared-state.js';

/**
 * What a source's budget needs of a limiter: rate-limiter-flexible's `get` and `consume`, its `RateLimiterRes`
 * answers (a rejection is thrown as one). `consumedPoints`: used in the window now; `msBeforeNext`: until one frees.
 */
export interface MinuteLimiter {
  get(key: string): Promise<RateLimiterRes | null>;
  consume(key: string, points?: number): Promise<RateLimiterRes>;
}

/**
 * A sliding window: no `windowMs` ever holds more than `points`. rate-limiter-flexible counts fixed windows, and
 * two of them back to back let twice the points through within one minute — past a vendor's limit however far
 * below it the budget is set, since its minute is not Panorama's (docs/decisions/045-budgets-count-a-sliding-minute.md).
 * In process: each key's send times, oldest first.
 */
export class SlidingMemoryLimiter implements MinuteLimiter {
  readonly #sent = new Map<string, number[]>();
  readonly points: number;
  readonly windowMs: number;
  readonly #now: () => number;

  constructor(points: number, windowMs = 60_000, now: () => number = Date.now) {
    this.points = points;
    this.windowMs = windowMs;
    this.#now = now;
  }

  #consumes = 0;

  #live(key: string, now: number): number[] {
    const sent = this.#sent.get(key) ?? [];
    while (sent.length && sent[0]! <= now - this.windowMs) sent.shift();
    if (!sent.length) this.#sent.delete(key);
    return sent;
  }

  /** How many keys it holds now. */
  get keyCount(): number {
    return this.#sent.size;
  }

  /** Now and then, keys whose window has emptied are dropped: a key seen once (an address) is not kept for ever. */
  #sweep(now: number): void {
    if (++this.#consumes % 1_000 !== 0) return;
    for (const [key, sent] of this.#sent) if (sent[sent.length - 1]! <= now - this.windowMs) this.#sent.delete(key);
  }

  #res(sent: number[], now: number): RateLimiterRes {
    const freesIn = sent.length ? sent[0]! + this.windowMs - now : 0;
    return new RateLimiterRes(Math.max(0, this.points - sent.length), freesIn, sent.length, false);
  }

  async get(key: string): Promise<RateLimiterRes | null> {
    const now = this.#now();
    const sent = this.#live(key, now);
    return sent.length ? this.#res(sent, now) : null;
  }

  async consume(key: string, points = 1): Promise<RateLimiterRes> {
    const now = this.#now();
    const sent = this.#live(key, now);
    this.#sweep(now);
    if (sent.length + points > this.points) throw this.#res(sent, now);
    for (let i = 0; i < points; i++) sent.push(now);
    if (sent.length) this.#sent.set(key, sent);
    return this.#res(sent, now);
  }
}

/**
 * The sliding window in Redis, shared by every instance: a sorted set of send times per key, trimmed and counted
 * in one script on Redis's own clock (the instances' clocks may differ). Redis down: this instance's own window.
 */
const CONSUME = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window, limit, points = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local n = redis.call('ZCARD', KEYS[1])
local taken = 0
if ARGV[4] == '1' and n + points <= limit then
  for i = 1, points do redis.call('ZADD', KEYS[1], now, ARGV[5] .. ':' .. i) end
  redis.call('PEXPIRE', KEYS[1], window)
  n = n + points
  taken = 1
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local frees = 0
if oldest[2] then frees = tonumber(oldest[2]) + window - now end
return {taken, n, frees}
`;

export class SlidingRedisLimiter implements MinuteLimiter {
  readonly #shared: SharedState;
  readonly #prefix: string;
  readonly #local: SlidingMemoryLimiter;
  readonly points: number;
  readonly windowMs: number;
  #seq = 0;

  constructor(shared: SharedState, prefix: string, points: number, windowMs = 60_000) {
    this.#shared = shared;
    this.#prefix = prefix;
    this.points = points;
    this.windowMs = windowMs;
    this.#local = new SlidingMemoryLimiter(points, windowMs);
  }

  async #script(key: string, take: boolean, points: number): Promise<{ taken: boolean; used: number; freesIn: number } | null> {
    const member = `${this.#shared.instanceId}:${Date.now()}:${++this.#seq}`;
    const answer = await this.#shared.run(
      (r) =>
        r.eval(CONSUME, 1, this.#shared.key(`${this.#prefix}:${key}`), this.windowMs, this.points, points, take ? '1' : '0', member) as Promise<
          [number, number, number]
        >,
      () => null
    );
    return answer && { taken: answer[0] === 1, used: answer[1], freesIn: Math.max(0, answer[2]) };
  }

  async get(key: string): Promise<RateLimiterRes | null> {
    const got = await this.#script(key, false, 0);
    if (!got) return this.#local.get(key);
    return got.used ? new RateLimiterRes(Math.max(0, this.points - got.used), got.freesIn, got.used, false) : null;
  }

  async consume(key: string, points = 1): Promise<RateLimiterRes> {
    const got = await this.#script(key, true, points);
    if (!got) return this.#local.consume(key, points);
    const res = new RateLimiterRes(Math.max(0, this.points - got.used), got.freesIn, got.used, false);
    if (!got.taken) throw res;
    return res;
  }
}
