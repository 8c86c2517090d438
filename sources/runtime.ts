import { asanaSource } from './asana/index.js';
import { SourceCache, type CachePolicy } from './kit/cache.js';
import { systemClock, type Clock } from './kit/clock.js';
import { ConfigError, parseEnv } from './kit/config.js';
import type { LoaderOptions, LoadersByCategory, SourceCategory, SourceModule } from './kit/contract.js';
import { SourceError, isSourceError, type SourceId } from './kit/errors.js';
import { logger } from './kit/logger.js';
import { SourceHealth } from './kit/metrics.js';
import { MemoryGateStore, type GateStore } from './kit/gate.js';
import { AlertNotifier } from './kit/alerts.js';
import { SourceBudget } from './kit/budget.js';
import { observeRuntime } from './readiness.js';
import { budgetPerMinuteOf, resilienceSettingsSchema, retrySettingsOf, type ResilienceSettings, type RetrySettings } from './kit/resilience-settings.js';
import { SourceKit } from './kit/source-kit.js';
import { FileTokenStore, MemoryTokenStore, type TokenStore } from './kit/token-store.js';
import { quickbooksSource } from './quickbooks/index.js';
import { salesforceSource } from './salesforce/index.js';
import { zendeskSource } from './zendesk/index.js';

/** Every source module, in the order sections appear. The GraphQL layer and the admin pages read this list. */
export const SOURCE_MODULES = [salesforceSource, quickbooksSource, asanaSource, zendeskSource] as const;

/** The env prefix of each source; a source none of whose variables are set is "not connected". */
const ENV_PREFIX: Record<SourceId, string> = {
  salesforce: 'SALESFORCE_',
  quickbooks: 'QUICKBOOKS_',
  asana: 'ASANA_',
  zendesk: 'ZENDESK_',
};

export type BoundSource<C extends SourceCategory = SourceCategory> = {
  id: SourceId;
  category: C;
  displayName: string;
  configured: boolean;
  kit: SourceKit;
  module: SourceModule<C, never, never>;
  createLoaders: (opts: LoaderOptions) => LoadersByCategory[C];
  deepLink: (entity: string, id: string) => string;
};

/** How loading one index went (see `warmIndexes`). */
export type IndexWarmth = {
  source: SourceId;
  index: string;
  ok: boolean;
  /** Rows the index holds. */
  rows: number | null;
  ms: number;
  /** True when the cache already held it (fresh, or stale and now being refreshed in the background). */
  fromCache: boolean;
  stale: boolean;
  code: string | null;
};

export type SourcesRuntime = {
  sandboxOrigin: string | null;
  /** Panorama's one notion of now. */
  clock: Clock;
  cache: SourceCache;
  health: SourceHealth;
  /** Alerts to the operators' webhook, and the recent incidents. */
  alerts: AlertNotifier;
  sources: { [K in SourceCategory]: BoundSource<K> };
  list: BoundSource[];
  bySource: Record<SourceId, BoundSource>;
  createLoaders: (opts: LoaderOptions) => LoadersByCategory;
  /**
   * Loads the index of every connected source through its kit (CRM accounts, accounting customers, projects,
   * support organizations), so that link rules, the Zendesk and QuickBooks shortcuts and project summaries
   * never wait for one on a user's request. A cached index costs nothing; one past its TTL is served and
   * refreshed in the background (its policy's stale-while-revalidate). Never rejects: failures are reported.
   */
  warmIndexes: () => Promise<IndexWarmth[]>;
  /** When a source's index was last loaded from the source (by `warmIndexes`), or null if never. */
  indexLoadedAt: (source: SourceId) => number | null;
  /**
   * Calls `warmIndexes` every `intervalMs` (default: the shortest index TTL), so the indexes are refreshed by
   * stale-while-revalidate before anyone needs them. Returns a function that stops it; the timer never keeps
   * the process alive.
   */
  keepIndexesWarm: (intervalMs?: number) => () => void;
};

/** The index each category keeps, as `<entity>` of its cache policies. */
const INDEX_ENTITY: Record<SourceCategory, string> = {
  crm: 'accountIndex',
  accounting: 'customerIndex',
  projects: 'project-index',
  support: 'organizationIndex',
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
export function cachePoliciesFromEnv<P extends Record<string, CachePolicy> & { default: CachePolicy }>(
  source: SourceId,
  policies: P,
  env: Record<string, string | undefined>,
): P {
  const positive = (name: string): number | null => {
    const raw = env[name];
    if (raw === undefined || raw === '') return null;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`${name} must be a positive number, got "${raw}"`);
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
  const scaled = (p: CachePolicy, f: number): CachePolicy => {
    const ms = (n: number) => Math.max(1, Math.round(n * f));
    return { ttlMs: ms(p.ttlMs), swrMs: ms(p.swrMs), maxStaleMs: ms(p.maxStaleMs) };
  };
  return Object.fromEntries(
    Object.entries(policies).map(([entity, p]) => {
      const own = entity === 'default' ? null : positive(`${prefix}${entityEnvName(entity)}_SECONDS`);
      return [entity, own !== null ? scaled(p, (own * 1000) / p.ttlMs) : factor === 1 ? p : scaled(p, factor)];
    }),
  ) as P;
}

export type RuntimeOptions = {
  /** Bytes the cross-request cache may hold. @default 200 MB, or PANORAMA_CACHE_MAX_MB */
  cacheMaxBytes?: number;
  /** Panorama's one notion of now, handed to every kit, loader and the GraphQL context. @default systemClock */
  clock?: Clock;
};

function bind<C extends SourceCategory, Config, Client>(
  module: SourceModule<C, Config, Client>,
  env: Record<string, string | undefined>,
  cache: SourceCache,
  health: SourceHealth,
  tokens: TokenStore,
  clock: Clock,
  resilience: { settings: ResilienceSettings; retry: RetrySettings; gateStore: GateStore; alerts: AlertNotifier },
): BoundSource<C> {
  const prefix = ENV_PREFIX[module.id];
  const configured = Object.keys(env).some((k) => k.startsWith(prefix) && env[k]);
  const config = configured ? parseEnv(module.configSchema, env, module.displayName) : null;
  const client = config ? module.createClient(config, { tokens }) : null;
  const kit = new SourceKit({
    source: module.id,
    timeoutMs: module.timeoutMs,
    mapError: module.mapError,
    cachePolicies: cachePoliciesFromEnv(module.id, module.cachePolicies, env),
    cache,
    health,
    clock,
    retry: resilience.retry,
    gateStore: resilience.gateStore,
    // The built-in sandbox is no vendor and has no plan: no budget against it unless one is set.
    budget: new SourceBudget(
      module.id,
      env.PANORAMA_SANDBOX_ORIGIN && !env[`PANORAMA_BUDGET_${module.id.toUpperCase()}_PER_MINUTE`] ? 0 : budgetPerMinuteOf(resilience.settings, module.id),
      clock,
    ),
    backgroundEntities: [INDEX_ENTITY[module.category]],
    events: resilience.alerts,
  });
  return {
    id: module.id,
    category: module.category,
    displayName: module.displayName,
    configured,
    kit,
    module: module as unknown as SourceModule<C, never, never>,
    createLoaders: (opts) => {
      if (!config || !client) return notConfigured(module.id, module.category);
      return module.createLoaders(client, kit, opts);
    },
    deepLink: (entity, id) => (config ? module.deepLink(config, entity, id) : ''),
  };
}

/** Loaders of a source nobody connected: every call says so instead of failing obscurely. */
function notConfigured<C extends SourceCategory>(id: SourceId, category: C): LoadersByCategory[C] {
  const err = () => new SourceError(id, 'NOT_CONFIGURED', `${id} is not configured`);
  const fail = () => Promise.reject(err());
  const loader = { load: fail, loadMany: (ids: readonly string[]) => Promise.resolve(ids.map(err)), clear: () => loader, clearAll: () => loader, prime: () => loader };
  const byCategory = {
    crm: { customer: loader, searchAccounts: fail, accountsByOwnerEmail: fail, accountIndex: fail, cachedAccount: () => undefined },
    accounting: { customer: loader, searchCustomers: fail, customerIndex: fail, overdueInvoices: fail, invoicesByNumber: fail },
    projects: { forAccount: loader, projectIndex: fail, projects: loader, summaryForAccount: loader },
    support: { forAccount: loader, organizationIdHint: () => undefined, forOrganization: loader, searchOrganizations: fail, organizationIndex: fail, urgentOpenTickets: fail, ticket: fail },
  } satisfies { [K in SourceCategory]: Record<keyof LoadersByCategory[K], unknown> };
  return byCategory[category] as unknown as LoadersByCategory[C];
}

/** Builds every source from the environment. Bad settings stop start-up with a message naming the variable. */
export function createSourcesRuntime(env: Record<string, string | undefined> = process.env, opts: RuntimeOptions = {}): SourcesRuntime {
  const maxMb = Number(env.PANORAMA_CACHE_MAX_MB ?? 200);
  if (!Number.isFinite(maxMb) || maxMb <= 0) throw new ConfigError(`PANORAMA_CACHE_MAX_MB must be a positive number of megabytes, got "${env.PANORAMA_CACHE_MAX_MB}"`);
  const cache = new SourceCache({ maxBytes: opts.cacheMaxBytes ?? Math.round(maxMb * 1024 * 1024) });
  const health = new SourceHealth();
  // Rotated refresh tokens must outlive the process in production: PANORAMA_TOKEN_FILE keeps them.
  const tokens: TokenStore = env.PANORAMA_TOKEN_FILE ? new FileTokenStore(env.PANORAMA_TOKEN_FILE) : new MemoryTokenStore();
  const clock = opts.clock ?? systemClock;
  // Rate-limit windows live in one store for all sources (in process now; shared by instances when it is shared).
  const settings = parseEnv(resilienceSettingsSchema, env, 'Failure handling');
  const alerts = new AlertNotifier({
    webhookUrl: settings.PANORAMA_ALERT_WEBHOOK_URL,
    consecutiveFailures: settings.PANORAMA_ALERT_CONSECUTIVE_FAILURES,
    clock,
  });
  const resilience = { settings, retry: retrySettingsOf(settings), gateStore: new MemoryGateStore(), alerts };
  const sources = {
    crm: bind(salesforceSource, env, cache, health, tokens, clock, resilience),
    accounting: bind(quickbooksSource, env, cache, health, tokens, clock, resilience),
    projects: bind(asanaSource, env, cache, health, tokens, clock, resilience),
    support: bind(zendeskSource, env, cache, health, tokens, clock, resilience),
  };
  const list: BoundSource[] = [sources.crm, sources.accounting, sources.projects, sources.support];
  const createLoaders = (o: LoaderOptions): LoadersByCategory => ({
    crm: sources.crm.createLoaders(o),
    accounting: sources.accounting.createLoaders(o),
    projects: sources.projects.createLoaders(o),
    support: sources.support.createLoaders(o),
  });

  const indexLoaded = new Map<SourceId, number>();
  const warmIndexes = async (): Promise<IndexWarmth[]> => {
    const loaders = createLoaders({ forceRefresh: false });
    const reads: Record<SourceCategory, () => Promise<{ value: unknown[]; freshness: { fromCache: boolean; stale: boolean } }>> = {
      crm: () => loaders.crm.accountIndex(),
      accounting: () => loaders.accounting.customerIndex(),
      projects: () => loaders.projects.projectIndex(),
      support: () => loaders.support.organizationIndex(),
    };
    return Promise.all(
      list
        .filter((s) => s.configured)
        .map(async (s): Promise<IndexWarmth> => {
          const started = performance.now();
          const index = INDEX_ENTITY[s.category];
          try {
            const f = await reads[s.category]();
            const out = { source: s.id, index, ok: true, rows: f.value.length, ms: Math.round(performance.now() - started), fromCache: f.freshness.fromCache, stale: f.freshness.stale, code: null };
            const at = Date.parse((f.freshness as { fetchedAt?: string }).fetchedAt ?? '');
            if (Number.isFinite(at)) indexLoaded.set(s.id, at);
            if (!out.fromCache) logger.info({ source: s.id, index, rows: out.rows, ms: out.ms }, 'index loaded');
            return out;
          } catch (e) {
            const code = isSourceError(e) ? e.code : 'INTERNAL';
            logger.warn({ source: s.id, index, code }, 'index could not be loaded; it is loaded when first needed');
            return { source: s.id, index, ok: false, rows: null, ms: Math.round(performance.now() - started), fromCache: false, stale: false, code };
          }
        }),
    );
  };

  const keepIndexesWarm = (intervalMs?: number): (() => void) => {
    const shortest = Math.min(...list.filter((s) => s.configured).map((s) => s.kit.policyFor(INDEX_ENTITY[s.category]).ttlMs));
    const every = Math.max(1000, intervalMs ?? (Number.isFinite(shortest) ? shortest : 60_000));
    const timer = setInterval(() => void warmIndexes(), every);
    timer.unref();
    return () => clearInterval(timer);
  };

  const runtime: SourcesRuntime = {
    sandboxOrigin: env.PANORAMA_SANDBOX_ORIGIN || null,
    clock,
    cache,
    health,
    alerts,
    sources,
    list,
    bySource: { salesforce: sources.crm, quickbooks: sources.accounting, asana: sources.projects, zendesk: sources.support },
    createLoaders,
    warmIndexes,
    indexLoadedAt: (source) => indexLoaded.get(source) ?? null,
    keepIndexesWarm,
  };
  // The Prometheus gauges (breaker, gate, budget, index age) report this runtime's sources.
  observeRuntime(runtime);
  return runtime;
}
