import { describe, expect, it } from 'vitest';
import { SourceCache } from './cache.js';
import { SourceError, type SourceErrorCode } from './errors.js';
import { SourceHealth } from './metrics.js';
import { budgetSettingsOf, resilienceSettingsSchema, retrySettingsOf } from './resilience-settings.js';
import { SourceKit } from './source-kit.js';
import { ConfigError, parseEnv } from './config.js';

function kit(retry: { attempts: number; initialDelayMs?: number; maxDelayMs?: number; deadlineMs: number }, timeoutMs = 40) {
  return new SourceKit({
    source: 'asana',
    timeoutMs,
    mapError: (e) => new SourceError('asana', 'INTERNAL', String(e)),
    cachePolicies: { default: { ttlMs: 60_000, swrMs: 0, maxStaleMs: 0 } },
    cache: new SourceCache({ maxBytes: 1e6 }),
    health: new SourceHealth(),
    breaker: { threshold: 100, halfOpenAfterMs: 60_000 },
    retry: { initialDelayMs: 5, maxDelayMs: 20, ...retry },
  });
}

describe('SourceKit retries', () => {
  it('retries a hung read after each timeout, and stops at the deadline', async () => {
    const k = kit({ attempts: 5, deadlineMs: 100 }, 40);
    let calls = 0;
    const started = performance.now();
    const err = (await k.upstream('hang', () => (calls++, new Promise(() => {}))).catch((e: unknown) => e)) as SourceError;
    const ms = performance.now() - started;
    expect(err.code).toBe('TIMEOUT');
    expect(err.message).toContain('100 ms in all');
    expect(ms).toBeLessThan(160);
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(calls).toBeLessThanOrEqual(3); // 40 ms a try: the deadline ends the third
    await new Promise((r) => setTimeout(r, 120));
    expect(calls).toBeLessThanOrEqual(3); // nothing more is sent after the deadline
  });

  it.each<[SourceErrorCode, number]>([
    ['UNAVAILABLE', 4],
    ['TIMEOUT', 4],
    ['RATE_LIMITED', 1],
    ['UNAUTHENTICATED', 1],
    ['INVALID_RESPONSE', 1],
    ['BAD_REQUEST', 1],
  ])('%s: %i attempt(s) with 3 retries allowed', async (code, expected) => {
    const k = kit({ attempts: 3, deadlineMs: 5_000 });
    let calls = 0;
    const err = await k.upstream('x', async () => {
      calls++;
      throw new SourceError('asana', code, code, code === 'RATE_LIMITED' ? { retryAfterSeconds: 1 } : {});
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code });
    expect(calls).toBe(expected);
  });

  it('a success after failures is a success, and the breaker counts the call once', async () => {
    const k = kit({ attempts: 2, deadlineMs: 5_000 });
    let calls = 0;
    const v = await k.upstream('x', async () => {
      if (++calls < 3) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      return 'ok';
    });
    expect(v).toBe('ok');
    expect(calls).toBe(3);
  });
});

describe('resilience settings', () => {
  it('has defaults, and names the variable it refuses', () => {
    expect(retrySettingsOf(parseEnv(resilienceSettingsSchema, {}, 'Failure handling'))).toEqual({
      attempts: 2,
      initialDelayMs: 200,
      maxDelayMs: 2000,
      deadlineMs: 10_000,
    });
    expect(() => parseEnv(resilienceSettingsSchema, { PANORAMA_RETRY_ATTEMPTS: 'lots' }, 'Failure handling')).toThrow(ConfigError);
    expect(() => parseEnv(resilienceSettingsSchema, { PANORAMA_RETRY_ATTEMPTS: '9' }, 'Failure handling')).toThrow(
      /PANORAMA_RETRY_ATTEMPTS must be a whole number from 0 to 5/,
    );
    expect(() => parseEnv(resilienceSettingsSchema, { PANORAMA_RETRY_DEADLINE_MS: '-1' }, 'Failure handling')).toThrow(/PANORAMA_RETRY_DEADLINE_MS/);
    for (const bad of ['not a url', 'ftp://hooks.example.com/x']) {
      expect(() => parseEnv(resilienceSettingsSchema, { PANORAMA_ALERT_WEBHOOK_URL: bad }, 'Failure handling')).toThrow(/PANORAMA_ALERT_WEBHOOK_URL must be an http\(s\) URL/);
    }
    expect(parseEnv(resilienceSettingsSchema, { PANORAMA_ALERT_WEBHOOK_URL: '' }, 'x')).toMatchObject({
      PANORAMA_ALERT_WEBHOOK_URL: undefined,
      PANORAMA_ALERT_CONSECUTIVE_FAILURES: 5,
    });
    // each source's budget is a setting of its own, defaulting to 80 % of the limit its module declares
    const budgets = budgetSettingsOf([
      { id: 'zendesk', displayName: 'Zendesk', category: 'support', limits: { perMinute: 200, waitSeconds: 60 } },
      { id: 'salesforce', displayName: 'Salesforce', category: 'crm', limits: { perMinute: null, waitSeconds: 900 } },
    ]);
    expect(parseEnv(budgets, { PANORAMA_BUDGET_ZENDESK_PER_MINUTE: '2000' }, 'x')).toEqual({ PANORAMA_BUDGET_ZENDESK_PER_MINUTE: 2000, PANORAMA_BUDGET_SALESFORCE_PER_MINUTE: 0 });
    expect(parseEnv(budgets, {}, 'x')).toEqual({ PANORAMA_BUDGET_ZENDESK_PER_MINUTE: 160, PANORAMA_BUDGET_SALESFORCE_PER_MINUTE: 0 });
    expect(() => parseEnv(budgets, { PANORAMA_BUDGET_ZENDESK_PER_MINUTE: 'lots' }, 'x')).toThrow(/PANORAMA_BUDGET_ZENDESK_PER_MINUTE must be a whole number from 0 to 100000/);
  });
});
