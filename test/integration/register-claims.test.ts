/**
 * The integration register says how each source fails (`register.failure` in sources/<system>/index.ts). Every
 * number it states about failure handling — timeouts, the breaker, retries, rate-limit waits, cache windows — is
 * checked here against the settings the kit and the module actually use, so the register cannot drift from them.
 */
import { describe, expect, it } from 'vitest';
import { sourceName } from '../../sources/kit/errors.js';
import { ALLOWANCE_BACKGROUND_MARGIN, ALLOWANCE_RECHECK_SECONDS } from '../../sources/kit/allowance.js';
import { resilienceSettingsSchema } from '../../sources/kit/resilience-settings.js';
import { DEFAULT_BREAKER } from '../../sources/kit/source-kit.js';
import { SOURCE_MODULES } from '../../sources/runtime.js';
import { salesforceConfigSchema } from '../../sources/salesforce/config.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const defaults = resilienceSettingsSchema.parse({});

describe.each(SOURCE_MODULES.map((m) => [m.id, m] as const))('the %s register', (_id, m) => {
  const text = m.register.failure.join('\n');
  const policies = m.cachePolicies as Record<string, { ttlMs: number; swrMs: number; maxStaleMs: number }>;
  // the cache policy of the index each category keeps
  const index = { crm: 'accountIndex', accounting: 'customerIndex', projects: 'project-index', support: 'organizationIndex' }[m.category];

  it('states the retries every source gets, with their real default', () => {
    const n = text.match(/PANORAMA_RETRY_ATTEMPTS, default (\d+)/);
    expect(n, 'the register must say how reads are retried').not.toBeNull();
    expect(Number(n![1])).toBe(defaults.PANORAMA_RETRY_ATTEMPTS);
  });

  it('states how it obeys a rate limit, with the real wait', () => {
    const wait = text.match(new RegExp(`nothing is sent to ${sourceName(m.id)} for (\\d+) (s|min)`));
    if (wait) expect(Number(wait[1]) * (wait[2] === 'min' ? 60 : 1)).toBe(m.limits.waitSeconds);
    else expect(text).toMatch(new RegExp(`honours Retry-After: nothing is sent to ${sourceName(m.id)} until it has passed`));
  });

  it('states timeouts and the breaker as the kit has them', () => {
    for (const t of text.matchAll(/(\d+) s timeout|timeout \((\d+) s\)/g)) expect(Number(t[1] ?? t[2]) * 1000).toBe(m.timeoutMs);
    for (const b of text.matchAll(/breaker after (\d+) consecutive/g)) expect(Number(b[1])).toBe(DEFAULT_BREAKER.threshold);
  });

  it('states cache windows as its policies have them', () => {
    let checked = 0;
    for (const c of text.matchAll(/TTL (\d+) min, stale-while-revalidate (\d+) min/g)) {
      expect([Number(c[1]) * MIN, Number(c[2]) * MIN]).toEqual([policies[index]!.ttlMs, policies[index]!.swrMs]);
      checked++;
    }
    for (const c of text.matchAll(/cached (\d+) min \(served stale while refreshing for (\d+) min more\)/g)) {
      expect([Number(c[1]) * MIN, Number(c[2]) * MIN]).toEqual([policies[index]!.ttlMs, policies[index]!.swrMs]);
      checked++;
    }
    for (const c of text.matchAll(/up to (\d+) h for project details, (\d+) h for the index/g)) {
      expect([Number(c[1]) * HOUR, Number(c[2]) * HOUR]).toEqual([policies.default!.maxStaleMs, policies[index]!.maxStaleMs]);
      checked++;
    }
    for (const c of text.matchAll(/last cached value \(up to (\d+) h\)/g)) {
      expect(Number(c[1]) * HOUR).toBe(policies.default!.maxStaleMs);
      checked++;
    }
    expect(checked + (/max-stale age|stale limit/.test(text) ? 1 : 0), 'the register must say what is served when the source fails').toBeGreaterThan(0);
  });

  if (m.id === 'salesforce') {
    it("states the daily allowance's share, its upkeep margin and its wait as the kit has them", () => {
      const c = text.match(/upkeep stops at (\d+) % of it and every read at (\d+) % \(PANORAMA_BUDGET_SALESFORCE_DAILY_PERCENT, default (\d+)\); then nothing is sent for (\d+) min before one call reads the usage again/);
      expect(c, 'the register must say how the daily allowance is kept').not.toBeNull();
      const share = defaults.PANORAMA_BUDGET_SALESFORCE_DAILY_PERCENT;
      expect(c!.slice(1).map(Number)).toEqual([share - ALLOWANCE_BACKGROUND_MARGIN, share, share, ALLOWANCE_RECHECK_SECONDS / 60]);
    });

    it("states jsforce's own retries as its config has them", () => {
      const n = text.match(/SALESFORCE_HTTP_RETRIES, default (\d+)/);
      expect(n).not.toBeNull();
      expect(Number(n![1])).toBe(
        salesforceConfigSchema.parse({ SALESFORCE_INSTANCE_URL: 'https://x.my.salesforce.com', SALESFORCE_CLIENT_ID: 'a', SALESFORCE_CLIENT_SECRET: 'b', SALESFORCE_REFRESH_TOKEN: 'c' }).httpRetries,
      );
    });
  }
});
