import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { MinuteLimiter } from '../../sources/kit/sliding-minute.js';

export type LimitVerdict = { ok: true } | { ok: false; retryAfterSeconds: number };

/**
 * A budget of requests a minute per key (a person, or a client address): `limiter` counts them — a sliding minute
 * in Redis shared by every instance when REDIS_URL is set (the sources runtime's `minuteLimiter`), else
 * rate-limiter-flexible's RateLimiterMemory in this process.
 */
export class RequestLimit {
  readonly #limiter: MinuteLimiter;
  readonly perMinute: number;

  constructor(perMinute: number, keyPrefix: string, limiter?: MinuteLimiter) {
    this.perMinute = perMinute;
    this.#limiter = limiter ?? new RateLimiterMemory({ points: perMinute, duration: 60, keyPrefix });
  }

  /** Takes one request from `key`'s budget; when it is spent, says how long until the next one is allowed. */
  async take(key: string): Promise<LimitVerdict> {
    try {
      await this.#limiter.consume(key, 1);
      return { ok: true };
    } catch (e) {
      if (e instanceof RateLimiterRes) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(e.msBeforeNext / 1000)) };
      throw e;
    }
  }
}

/** The words of a refusal: what was limited, and when to try again. */
export function tooManyMessage(what: 'graphql' | 'sign-in', retryAfterSeconds: number): string {
  return what === 'graphql'
    ? `Too many requests to /graphql from your account: Panorama allows a set number a minute per person. Try again in ${retryAfterSeconds} s.`
    : `Too many sign-in requests from your address: Panorama allows a set number a minute per address. Try again in ${retryAfterSeconds} s.`;
}

/** The 429 answer of /graphql: a GraphQL error body with the code RATE_LIMITED, and Retry-After. */
export function graphqlTooMany(retryAfterSeconds: number): Response {
  const body = { errors: [{ message: tooManyMessage('graphql', retryAfterSeconds), extensions: { code: 'RATE_LIMITED', retryAfterSeconds } }] };
  return new Response(JSON.stringify(body), {
    status: 429,
    headers: { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(retryAfterSeconds), 'cache-control': 'no-store' },
  });
}
