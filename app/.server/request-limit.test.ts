import { describe, expect, it } from 'vitest';
import { RequestLimit, graphqlTooMany } from './request-limit.js';

describe('the per-person request limit', () => {
  it('allows the budget of a minute, then refuses with the seconds to wait; each key has its own budget', async () => {
    const limit = new RequestLimit(3, 'test');
    for (let i = 0; i < 3; i++) expect(await limit.take('person:a')).toEqual({ ok: true });
    const refused = await limit.take('person:a');
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    }
    expect(await limit.take('person:b')).toEqual({ ok: true });
  });

  it("answers /graphql's refusal as 429 with Retry-After and a GraphQL error saying what to do", async () => {
    const r = graphqlTooMany(42);
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('42');
    const body = (await r.json()) as { errors: { message: string; extensions: { code: string; retryAfterSeconds: number } }[] };
    expect(body.errors[0]!.extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: 42 });
    expect(body.errors[0]!.message).toMatch(/Too many requests to \/graphql from your account.*Try again in 42 s/);
  });
});
