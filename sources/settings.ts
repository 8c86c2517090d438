import { budgetSettingsOf, budgetVariable, resilienceSettingsSchema, type ResilienceSettings } from './kit/resilience-settings.js';
import type { CachePolicy } from './kit/cache.js';
import { ConfigError } from './kit/config.js';
import type { SourceId } from './kit/errors.js';
import { envKeys, envFragment, envValue, issuesOf, type Env, type SettingIssue, type SettingsFragment } from './kit/settings.js';
import { z } from 'zod';
import { ACCOUNTING_CHOICES, DEFAULT_ACCOUNTING, REGISTERED_MODULES, type AccountingChoice } from './modules.js';

type Policies = Record<string, CachePolicy> & { default: CachePolicy };

/** A source's variables all start with its id: `SALESFORCE_`, `QUICKBOOKS_`, … */
export const envPrefixOf = (source: SourceId) => `${source.toUpperCase()}_`;

/** The sources' settings: each module's own (`configSchema`), the cross-request cache's and the token store's. */
export type SourcesSettings = {
  /** PANORAMA_ACCOUNTING: which accounting module serves the accounting category. */
  accounting: AccountingChoice;
  /** Retries, budgets and alerts, alike for every source (sources/kit/resilience-settings.ts). */
  resilience: ResilienceSettings;
  /** Requests a minute each source may be sent (0: no budget). */
  budgets: Record<SourceId, number>;
  /** The share (percent) of a vendor-reported daily allowance Panorama may use (0: not watched). */
  allowanceSharePercent: number;
  cacheMaxBytes: number;
  /** Where rotated refresh tokens are kept; null keeps them in memory. */
  tokenFile: string | null;
  /** Set by Panorama when it started the built-in sandbox for this process. */
  sandboxOrigin: string | null;
  /** Redis shared by every instance (ADR 027), or null: everything stays in this process. */
  redisUrl: string | null;
  /** PANORAMA_ENCRYPTION_KEY (or its deprecated alias PANORAMA_TOKEN_KEY): tokens in Redis and in the own store are sealed with it. */
  tokenKey: string | null;
  /** PANORAMA_ENCRYPTION_KEY_PREVIOUS: during a key rotation, still tried for decryption; rows are re-sealed at start-up. */
  previousTokenKey: string | null;
  /** Each source's parsed config, or null when none of its variables is set ("not connected"). */
  configs: Record<SourceId, unknown>;
  /** Each source's cache policies with the TTLs the environment asks for. */
  cachePolicies: Record<SourceId, Policies>;
  /** Each source's webhook settings (its module's `webhook.settingsSchema`), or null when it has no webhook. */
  webhooks: Record<SourceId, unknown>;
  /** Hours between full reads of an index its change feed keeps current (PANORAMA_INDEX_FULL_READ_HOURS). */
  indexFullReadHours: number;
};

/** An entity's name in a variable: `accountIndex` → `ACCOUNT_INDEX`, `project-index` → `PROJECT_INDEX`. */
export const entityEnvName = (entity: string) => entity.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();

/**
 * A source's cache policies with the TTLs the environment asks for: `PANORAMA_CACHE_TTL_<SOURCE>_SECONDS` sets
 * the source's default (customer data) TTL and scales its other entries and stale windows with it;
 * `PANORAMA_CACHE_TTL_<SOURCE>_<ENTITY>_SECONDS` then sets one entity's TTL (its stale windows scale with it);
 * `PANORAMA_CACHE_TTL_SCALE` multiplies every policy of the sources without their own setting. A variable naming
 * an entity the source does not cache is refused, with the entities it does.
 */
export function cachePoliciesFromEnv<P extends Policies>(source: SourceId, policies: P, env: Env): P {
  const positive = (name: string): number | null => {
    const raw = env[name];
    if (raw === undefined || raw === '') return null;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`${name} must be a positive number of seconds, got "${raw}"`);
    return n;
  };
  const prefix = `PANORAMA_CACHE_TTL_${source.toUpperCase()}_`;
  const entities = Object.keys(policies).filter((e) => e !== 'default');
  const byEnvName = new Map(entities.map((e) => [entityEnvName(e), e]));
  for (const name of Object.keys(env)) {
    if (!name.startsWith(prefix) || !name.endsWith('_SECONDS') || name === `${prefix}SECONDS` || !env[name]) continue;
    const entity = name.slice(prefix.length, -'_SECONDS'.length);
    if (!byEnvName.has(entity)) {
      throw new ConfigError(`${name}: ${source} caches no "${entity}"; its entities are ${[...byEnvName.keys()].join(', ')}`);
    }
  }
  const scale = positive('PANORAMA_CACHE_TTL_SCALE');
  const seconds = positive(`${prefix}SECONDS`);
  const factor = seconds !== null ? (seconds * 1000) / policies.default.ttlMs : (scale ?? 1);
  // A TTL that grows with the value (ttlFor) is scaled with the rest; an entity's own TTL setting is its TTL, whatever its size.
  const scaled = (p: CachePolicy, f: number, own: boolean): CachePolicy => {
    const ms = (n: number) => Math.max(1, Math.round(n * f));
    const grown = own ? undefined : p.ttlFor;
    return { ttlMs: ms(p.ttlMs), swrMs: ms(p.swrMs), maxStaleMs: ms(p.maxStaleMs), ...(grown ? { ttlFor: (v: unknown) => ms(grown(v)) } : {}) };
  };
  return Object.fromEntries(
    Object.entries(policies).map(([entity, p]) => {
      const own = entity === 'default' ? null : positive(`${prefix}${entityEnvName(entity)}_SECONDS`);
      return [entity, own !== null ? scaled(p, (own * 1000) / p.ttlMs, true) : factor === 1 ? p : scaled(p, factor, false)];
    }),
  ) as P;
}

const runtimeFragment = envFragment(
  z.object({
    PANORAMA_ACCOUNTING: z.preprocess(
      (v) => (v === '' || v === undefined ? undefined : typeof v === 'string' ? v.trim().toLowerCase() : v),
      z
        .enum(ACCOUNTING_CHOICES as [AccountingChoice, ...AccountingChoice[]], {
          errorMap: () => ({ message: `must be the accounting system the books are kept in: ${ACCOUNTING_CHOICES.join(' or ')} (default ${DEFAULT_ACCOUNTING})` }),
        })
        .default(DEFAULT_ACCOUNTING),
    ),
    PANORAMA_CACHE_MAX_MB: envValue.positive('megabytes', 200),
    PANORAMA_INDEX_FULL_READ_HOURS: envValue.positive('hours', 24),
    PANORAMA_TOKEN_FILE: envValue.text(),
    REDIS_URL: envValue.text().pipe(
      z
        .string()
        .refine((u) => /^rediss?:\/\/[^\s]+$/i.test(u), 'must be a redis:// or rediss:// URL (e.g. redis://localhost:6379)')
        .nullable(),
    ),
    PANORAMA_ENCRYPTION_KEY: envValue.text().pipe(z.string().min(32, 'must be at least 32 random characters').nullable()),
    PANORAMA_ENCRYPTION_KEY_PREVIOUS: envValue.text().pipe(z.string().min(32, 'must be at least 32 random characters').nullable()),
    // deprecated alias of PANORAMA_ENCRYPTION_KEY (used when that one is not set)
    PANORAMA_TOKEN_KEY: envValue.text().pipe(z.string().min(32, 'must be at least 32 random characters').nullable()),
    PANORAMA_SANDBOX_ORIGIN: envValue.text().pipe(z.string().url('must be the URL of the built-in sandbox (Panorama sets it)').nullable()),
    // checked, with the per-source ones, by cachePoliciesFromEnv
    PANORAMA_CACHE_TTL_SCALE: z.string().optional(),
    ...Object.fromEntries(REGISTERED_MODULES.map((m) => [`PANORAMA_CACHE_TTL_${m.id.toUpperCase()}_SECONDS`, z.string().optional()])),
  }),
);

const budgetSettingsSchema = budgetSettingsOf(REGISTERED_MODULES);

/** The settings of every source module in REGISTERED_MODULES (chosen or not: a variable set is checked) and of the runtime that binds them. */
export const sourcesSettings: SettingsFragment<SourcesSettings> = {
  variables: [...runtimeFragment.variables, ...envKeys(resilienceSettingsSchema), ...envKeys(budgetSettingsSchema), ...REGISTERED_MODULES.flatMap((m) => envKeys(m.configSchema)), ...new Set(REGISTERED_MODULES.flatMap((m) => (m.webhook ? envKeys(m.webhook.settingsSchema).filter((k) => k.includes('_WEBHOOK_')) : [])))],
  patterns: [{ name: 'PANORAMA_CACHE_TTL_<SOURCE>_<ENTITY>_SECONDS', test: /^PANORAMA_CACHE_TTL_[A-Z]+_[A-Z0-9_]+_SECONDS$/ }],
  parse: (env) => {
    const issues: SettingIssue[] = [];
    const base = runtimeFragment.parse(env);
    if (!base.ok) issues.push(...base.issues);
    const resilience = resilienceSettingsSchema.safeParse(env);
    if (!resilience.success) issues.push(...issuesOf(resilience.error, 'PANORAMA_RETRY_ATTEMPTS'));
    const budgetSettings = budgetSettingsSchema.safeParse(env);
    if (!budgetSettings.success) issues.push(...issuesOf(budgetSettings.error, budgetVariable(REGISTERED_MODULES[0].id)));
    const configs = {} as Record<SourceId, unknown>;
    const cachePolicies = {} as Record<SourceId, Policies>;
    const webhooks = {} as Record<SourceId, unknown>;
    for (const m of REGISTERED_MODULES) {
      const prefix = envPrefixOf(m.id);
      // a webhook's secret alone does not connect a source
      const configured = Object.keys(env).some((k) => k.startsWith(prefix) && !k.startsWith(`${prefix}WEBHOOK_`) && env[k]);
      webhooks[m.id] = null;
      if (m.webhook) {
        const parsed = m.webhook.settingsSchema.safeParse(env);
        if (parsed.success) webhooks[m.id] = parsed.data;
        else issues.push(...issuesOf(parsed.error, `${prefix}WEBHOOK_*`));
      }
      configs[m.id] = null;
      if (configured) {
        const parsed = m.configSchema.safeParse(env);
        if (parsed.success) configs[m.id] = parsed.data;
        else issues.push(...issuesOf(parsed.error, `${prefix}*`));
      }
      try {
        cachePolicies[m.id] = cachePoliciesFromEnv(m.id, m.cachePolicies, env);
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        const variable = e.message.match(/^[A-Z0-9_]+/)?.[0] ?? 'PANORAMA_CACHE_TTL_SCALE';
        if (!issues.some((i) => i.variable === variable)) issues.push({ variable, message: e.message.slice(variable.length).replace(/^[: ]+/, '') });
      }
    }
    if (base.ok) {
      const b = base.value as { REDIS_URL: string | null; PANORAMA_TOKEN_KEY: string | null; PANORAMA_ENCRYPTION_KEY: string | null };
      if (b.REDIS_URL && !b.PANORAMA_ENCRYPTION_KEY && !b.PANORAMA_TOKEN_KEY) {
        issues.push({ variable: 'PANORAMA_ENCRYPTION_KEY', message: 'is required with REDIS_URL (PANORAMA_TOKEN_KEY is its deprecated alias): the OAuth tokens kept in Redis are encrypted with it (at least 32 random characters)' });
      }
    }
    if (!base.ok || !resilience.success || !budgetSettings.success || issues.length > 0) return { ok: false, issues };
    const v = base.value as {
      PANORAMA_ACCOUNTING: AccountingChoice;
      PANORAMA_CACHE_MAX_MB: number;
      PANORAMA_INDEX_FULL_READ_HOURS: number;
      PANORAMA_TOKEN_FILE: string | null;
      PANORAMA_SANDBOX_ORIGIN: string | null;
      REDIS_URL: string | null;
      PANORAMA_TOKEN_KEY: string | null;
      PANORAMA_ENCRYPTION_KEY: string | null;
      PANORAMA_ENCRYPTION_KEY_PREVIOUS: string | null;
    };
    return {
      ok: true,
      value: {
        accounting: v.PANORAMA_ACCOUNTING,
        cacheMaxBytes: Math.round(v.PANORAMA_CACHE_MAX_MB * 1024 * 1024),
        indexFullReadHours: v.PANORAMA_INDEX_FULL_READ_HOURS,
        tokenFile: v.PANORAMA_TOKEN_FILE,
        sandboxOrigin: v.PANORAMA_SANDBOX_ORIGIN,
        redisUrl: v.REDIS_URL,
        tokenKey: v.PANORAMA_ENCRYPTION_KEY ?? v.PANORAMA_TOKEN_KEY,
        previousTokenKey: v.PANORAMA_ENCRYPTION_KEY_PREVIOUS,
        configs,
        cachePolicies,
        webhooks,
        resilience: resilience.data,
        allowanceSharePercent:
          v.PANORAMA_SANDBOX_ORIGIN && !env.PANORAMA_BUDGET_SALESFORCE_DAILY_PERCENT ? 0 : resilience.data.PANORAMA_BUDGET_SALESFORCE_DAILY_PERCENT,
        // The built-in sandbox is no vendor and has no plan: no budget against it unless one is set.
        budgets: Object.fromEntries(
          REGISTERED_MODULES.map((m) => [m.id, v.PANORAMA_SANDBOX_ORIGIN && !env[budgetVariable(m.id)] ? 0 : (budgetSettings.data[budgetVariable(m.id)] as number)]),
        ) as Record<SourceId, number>,
      },
    };
  },
};

/** True when any source has a variable set. */
export const anySourceConfigured = (s: SourcesSettings) => Object.values(s.configs).some((c) => c !== null);
