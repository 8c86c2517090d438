import { SourceCache } from './kit/cache.js';
import { systemClock, type Clock } from './kit/clock.js';
import { systemsOf, type LoaderOptions, type LoadersByCategory, type SourceCategory, type SourceModule, type Systems } from './kit/contract.js';
import { SourceError, type SourceId } from './kit/errors.js';
import { logger } from './kit/logger.js';
import { SourceHealth } from './kit/metrics.js';
import { MemoryGateStore, type GateStore } from './kit/gate.js';
import { AlertNotifier } from './kit/alerts.js';
import { SourceBudget } from './kit/budget.js';
import { DailyAllowance } from './kit/allowance.js';
import { observeRuntime } from './readiness.js';
import { resilienceSettingsSchema, retrySettingsOf, type ResilienceSettings, type RetrySettings } from './kit/resilience-settings.js';
import { SourceKit } from './kit/source-kit.js';
import { FileTokenStore, MemoryTokenStore, type TokenStore } from './kit/token-store.js';
import { RedisGateStore, SharedState, redisBudgetLimiter, type SharedStatus } from './kit/shared-state.js';
import { SlidingRedisLimiter, type MinuteLimiter } from './kit/sliding-minute.js';
import { RedisTokenStore } from './kit/shared-token-store.js';
import { memoryBudgetLimiter, type BudgetLimiterFactory } from './kit/budget.js';
import { parseFragments, type Env } from './kit/settings.js';
import { SOURCE_MODULES, composeModules } from './modules.js';
import type { FieldMappingReport } from './kit/field-mapping.js';
import { AccessRecord, type AccessReport } from './kit/access.js';
import { sourcesSettings, type SourcesSettings } from './settings.js';
import { MemoryWebhookSecrets, type WebhookRequest, type WebhookSecretStore } from './kit/webhooks.js';
import type { IndexFeed } from './kit/index-feed.js';
import { INDEX_ENTITY, createIndexUpkeep, type FeedState, type IndexWarmth } from './index-upkeep.js';
import { createWebhookReceiver, type WebhookAnswer, type WebhookDelivery, type WebhookState } from './webhook-receiver.js';

export { SOURCE_MODULES };
export { INDEX_ENTITY, type FeedState, type IndexWarmth } from './index-upkeep.js';
export type { WebhookAnswer, WebhookDelivery, WebhookState } from './webhook-receiver.js';

export type BoundSource<C extends SourceCategory = SourceCategory> = {
  id: SourceId;
  category: C;
  displayName: string;
  configured: boolean;
  kit: SourceKit;
  module: SourceModule<C, never, never>;
  createLoaders: (opts: LoaderOptions) => LoadersByCategory[C];
  deepLink: (entity: string, id: string) => string;
  /** Asks the vendor which mapped fields exist (no-op for a source without mapped fields or not configured). */
  checkFields: () => Promise<void>;
  /** The field mapping as last checked; null when the source has none or is not configured. */
  fieldMapping: () => FieldMappingReport | null;
  /** Reads what the credential may do and compares it with what Panorama needs (no-op when not configured). */
  checkAccess: () => Promise<void>;
  /** The credential scope check as last made; null when the module has none or the source is not configured. */
  access: () => AccessReport | null;
  /** The index's change feed, when the module declares one and the source is configured. */
  feed: IndexFeed | null;
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
  /** The module serving each category: its name, entities, link and id rules (what the GraphQL layer resolves). */
  systems: Systems;
  /** The modules this runtime bound, one per category (the GraphQL schema is composed from them). */
  modules: readonly SourceModule[];
  list: BoundSource[];
  bySource: Record<SourceId, BoundSource>;
  createLoaders: (opts: LoaderOptions) => LoadersByCategory;
  /**
   * Loads the index of every connected source through its kit (CRM accounts, accounting customers, projects,
   * support organizations), so that link rules, the Zendesk and QuickBooks shortcuts and project summaries
   * never wait for one on a user's request. A cached index costs nothing; one past its TTL is served and
   * refreshed in the background (its policy's stale-while-revalidate). Never rejects: failures are reported.
   */
  warmIndexes: (intervalMs?: number) => Promise<IndexWarmth[]>;
  /** When a source's index was last loaded from the source (by `warmIndexes`), or null if never. */
  indexLoadedAt: (source: SourceId) => number | null;
  /** Each change feed's state (sources whose module declares one), on this instance. */
  feeds: () => Partial<Record<SourceId, FeedState>>;
  /**
   * Calls `warmIndexes` every `intervalMs` (default: the shortest index TTL), so the indexes are refreshed by
   * stale-while-revalidate before anyone needs them. Returns a function that stops it; the timer never keeps
   * the process alive.
   */
  keepIndexesWarm: (intervalMs?: number) => () => void;
  /**
   * One round of index upkeep. Alone (no REDIS_URL, or Redis down) it is `warmIndexes`. With instances sharing
   * Redis, the one holding the upkeep lease (a lock with expiry, renewed each round) reads the indexes and leaves a
   * copy in Redis; the others copy them from there into their own cache and ask no vendor (`role: 'copied'`).
   */
  upkeep: (intervalMs?: number) => Promise<{ role: 'alone' | 'leader' | 'copied'; results: IndexWarmth[] }>;
  /** Where the state instances share lives now (see ADR 027). */
  sharedState: () => SharedStatus & { instanceId: string | null; tokensPendingWriteBack: number };
  /** Told when another instance refreshed or invalidated cached data, or a vendor's webhook did (the answer reuse drops its answers then). */
  onPeerInvalidation: (fn: () => void) => void;
  /** Whether Redis answers now (null without REDIS_URL). */
  pingShared: () => Promise<boolean | null>;
  /**
   * A limiter of `perMinute` per key for Panorama's own limits (a person's /graphql requests): one sliding minute
   * in Redis for every instance when REDIS_URL is set (its own memory while Redis is down); without Redis, none
   * (the caller keeps its own in memory).
   */
  minuteLimiter: (name: string, perMinute: number) => MinuteLimiter | undefined;
  /**
   * A vendor's push (`/webhooks/<source>`): verified by the source's module, its changed records' cache entries
   * and indexes dropped here and (through Redis) on every instance. 404 for a source without an enabled webhook,
   * 401 for a bad signature, 400 for a payload the vendor would not send; never throws.
   */
  receiveWebhook: (source: string, req: WebhookRequest) => Promise<WebhookAnswer>;
  /** Each source's webhook: on or off, and its last delivery (seen by any instance, while Redis carries it). */
  webhooks: () => WebhookState[];
  /** Closes the Redis connections (tests; a server just exits). */
  close: () => Promise<void>;
};


export { cachePoliciesFromEnv, entityEnvName } from './settings.js';

export type RuntimeOptions = {
  /** Bytes the cross-request cache may hold. @default PANORAMA_CACHE_MAX_MB (200 MB) */
  cacheMaxBytes?: number;
  /** Panorama's one notion of now, handed to every kit, loader and the GraphQL context. @default systemClock */
  clock?: Clock;
  /** Where handshake secrets (Asana's X-Hook-Secret) are kept. @default in memory */
  webhookSecrets?: WebhookSecretStore;
  /** Where rotated refresh tokens are kept instead of PANORAMA_TOKEN_FILE / memory (the own store's connections). */
  tokenStore?: TokenStore;
  /** Cache entries expire on `clock`'s time (simulations stepping a manual clock); production keeps lru-cache's timer. */
  cacheExpiresOnClock?: boolean;
  /** False: no index is kept by its change feed, each is re-read whole when it expires (the measurement's baseline). @default true */
  indexFeeds?: boolean;
};

function bind<C extends SourceCategory, Config, Client>(
  module: SourceModule<C, Config, Client>,
  settings: SourcesSettings,
  cache: SourceCache,
  health: SourceHealth,
  tokens: TokenStore,
  clock: Clock,
  resilience: {
    retry: RetrySettings;
    gateStore: GateStore;
    alerts: AlertNotifier;
    budgetLimiter: BudgetLimiterFactory;
    onBreakerOpened?: (source: SourceId, untilMs: number) => void;
  },
): BoundSource<C> {
  // parsed by the module's own configSchema (see sources/settings.ts)
  const config = settings.configs[module.id] as Config | null;
  const configured = config !== null;
  const client = config ? module.createClient(config, { tokens }) : null;
  const kit = new SourceKit({
    source: module.id,
    // the source's own timeout setting, when it has one, is the kit's per-call timeout
    timeoutMs: config && module.timeoutOf ? module.timeoutOf(config) : module.timeoutMs,
    mapError: module.mapError,
    cachePolicies: settings.cachePolicies[module.id],
    cache,
    health,
    clock,
    retry: resilience.retry,
    gateStore: resilience.gateStore,
    budget: new SourceBudget(module.id, settings.budgets[module.id], clock, resilience.budgetLimiter),
    ...(resilience.onBreakerOpened ? { onBreakerOpened: resilience.onBreakerOpened } : {}),
    ...(client && module.apiUsage
      ? { allowance: new DailyAllowance(module.id, settings.allowanceSharePercent, clock, () => module.apiUsage!(client)) }
      : {}),
    backgroundEntities: [INDEX_ENTITY[module.category]],
    events: resilience.alerts,
  });
  const access = new AccessRecord(module.id);
  return {
    id: module.id,
    category: module.category,
    displayName: module.displayName,
    configured,
    kit,
    module: module as unknown as SourceModule<C, never, never>,
    createLoaders: (opts) => {
      if (!config || !client) return notConfigured(module.id, module.category);
      return module.createLoaders({ client, kit, ...opts });
    },
    deepLink: (entity, id) => (config ? module.deepLink(config, entity, id) : ''),
    checkFields: async () => {
      if (client && module.checkFields) await module.checkFields(client, kit);
    },
    fieldMapping: () => (client && module.fieldMapping ? module.fieldMapping(client) : null),
    checkAccess: async () => {
      if (!client || !module.checkAccess) return;
      try {
        access.checked(await module.checkAccess(client, kit), clock.now());
      } catch (e) {
        access.failed(kit.toSourceError(e).code);
      }
    },
    access: () => (client && module.checkAccess ? access.report() : null),
    feed: client && module.indexFeed ? module.indexFeed(client, kit) : null,
  };
}

/** Loaders of a source nobody connected: every call says so instead of failing obscurely. */
function notConfigured<C extends SourceCategory>(id: SourceId, category: C): LoadersByCategory[C] {
  const err = () => new SourceError(id, 'NOT_CONFIGURED', `${id} is not configured`);
  const fail = () => Promise.reject(err());
  const loader = { load: fail, loadMany: (ids: readonly string[]) => Promise.resolve(ids.map(err)), clear: () => loader, clearAll: () => loader, prime: () => loader };
  const byCategory = {
    crm: { customer: loader, searchAccounts: fail, searchContacts: fail, accountsByOwnerEmail: fail, accountIndex: fail, cachedAccount: () => undefined },
    accounting: { customer: loader, searchCustomers: fail, customerIndex: fail, overdueInvoices: fail, invoicesByNumber: fail },
    projects: { forAccount: loader, projectIndex: fail, projects: loader, summaryForAccount: loader },
    support: { forAccount: loader, organizationIdHint: () => undefined, forOrganization: loader, searchOrganizations: fail, organizationIndex: fail, urgentOpenTickets: fail, ticket: fail },
  } satisfies { [K in SourceCategory]: Record<keyof LoadersByCategory[K], unknown> };
  return byCategory[category] as unknown as LoadersByCategory[C];
}

/**
 * What this instance refreshes or invalidates, the others drop; what they do, this one drops. A breaker opened
 * on another instance is held open here too.
 */
function connectPeers(shared: SharedState, cache: SourceCache, bySourceRef: Partial<Record<SourceId, BoundSource>>, peerListeners: Set<() => void>): void {
  cache.peers = {
    refreshed: (key) => shared.publish('cache', { key }),
    invalidated: (prefix) => shared.publish('cache', { prefix }),
  };
  shared.subscribe('cache', (body) => {
    const m = body as { key?: unknown; prefix?: unknown };
    if (typeof m.key === 'string') cache.drop(m.key);
    else if (typeof m.prefix === 'string') cache.invalidate(m.prefix, { fromPeer: true });
    else return;
    for (const fn of peerListeners) fn();
  });
  shared.subscribe('breaker', (body) => {
    const m = body as { source?: unknown; untilMs?: unknown };
    const s = typeof m.source === 'string' ? bySourceRef[m.source as SourceId] : undefined;
    if (s && typeof m.untilMs === 'number') {
      s.kit.holdBreakerOpen(m.untilMs);
      logger.warn({ source: s.id, until: new Date(m.untilMs).toISOString() }, 'breaker opened on another instance: nothing is sent to the source here either');
    }
  });
}

/** Builds every source from these variables, parsed with the sources' settings schema (a bad one throws ConfigError naming it). */
export function createSourcesRuntime(env: Env, opts: RuntimeOptions = {}): SourcesRuntime {
  return sourcesRuntimeFrom(parseFragments({ sources: sourcesSettings }, env).sources, opts);
}

/** Builds every source from parsed settings (see `sourcesSettings`). */
export function sourcesRuntimeFrom(settings: SourcesSettings, opts: RuntimeOptions = {}): SourcesRuntime {
  const clock = opts.clock ?? systemClock;
  const cache = new SourceCache({ maxBytes: opts.cacheMaxBytes ?? settings.cacheMaxBytes, clock, expireOnClock: opts.cacheExpiresOnClock ?? false });
  const health = new SourceHealth({ clock });
  // Several instances share gates, budgets, breaker openings, invalidations, the upkeep lease and the rotating
  // tokens through Redis when REDIS_URL is set (ADR 027); each falls back to its own memory while Redis is down.
  const shared = settings.redisUrl ? new SharedState(settings.redisUrl, { clock }) : null;
  // Rotated refresh tokens must outlive the process in production: PANORAMA_TOKEN_FILE keeps them.
  const ownTokens: TokenStore = opts.tokenStore ?? (settings.tokenFile ? new FileTokenStore(settings.tokenFile) : new MemoryTokenStore());
  const sharedTokens = shared ? new RedisTokenStore(shared, ownTokens, settings.tokenKey ?? '') : null;
  const tokens: TokenStore = sharedTokens ?? ownTokens;
  // Rate-limit windows live in one store for all sources (in process now; shared by instances when it is shared).
  const alerts = new AlertNotifier({
    webhookUrl: settings.resilience.PANORAMA_ALERT_WEBHOOK_URL,
    consecutiveFailures: settings.resilience.PANORAMA_ALERT_CONSECUTIVE_FAILURES,
    clock,
  });
  const bySourceRef: Partial<Record<SourceId, BoundSource>> = {};
  const resilience = {
    retry: retrySettingsOf(settings.resilience),
    gateStore: shared ? new RedisGateStore(shared) : new MemoryGateStore(),
    alerts,
    budgetLimiter: shared ? redisBudgetLimiter(shared) : memoryBudgetLimiter,
    ...(shared ? { onBreakerOpened: (source: SourceId, untilMs: number) => shared.publish('breaker', { source, untilMs }) } : {}),
  };
  // one module per category: the accounting one as PANORAMA_ACCOUNTING chose it
  const modules = composeModules(settings.accounting) as readonly SourceModule[];
  const systems = systemsOf(modules);
  const bound = modules.map((m) => bind(m as SourceModule<SourceCategory, unknown, unknown>, settings, cache, health, tokens, clock, resilience));
  const inCategory = <C extends SourceCategory>(c: C) => bound.find((s) => s.category === c) as unknown as BoundSource<C>;
  const sources = { crm: inCategory('crm'), accounting: inCategory('accounting'), projects: inCategory('projects'), support: inCategory('support') };
  const list: BoundSource[] = [sources.crm, sources.accounting, sources.projects, sources.support];
  const createLoaders = (o: LoaderOptions): LoadersByCategory => ({
    crm: sources.crm.createLoaders(o),
    accounting: sources.accounting.createLoaders(o),
    projects: sources.projects.createLoaders(o),
    support: sources.support.createLoaders(o),
  });

  const peerListeners = new Set<() => void>();
  if (shared) connectPeers(shared, cache, bySourceRef, peerListeners);

  const upkeep = createIndexUpkeep({ list, cache, clock, shared, fullReadMs: settings.indexFullReadHours * 3_600_000, useFeeds: opts.indexFeeds !== false });

  const hooks = createWebhookReceiver({ list, hooks: settings.webhooks, clock, shared, secrets: opts.webhookSecrets ?? new MemoryWebhookSecrets(), peerListeners });

  const runtime: SourcesRuntime = {
    ...hooks,
    sandboxOrigin: settings.sandboxOrigin,
    clock,
    cache,
    health,
    alerts,
    sources,
    list,
    bySource: Object.fromEntries(list.map((s) => [s.id, s])) as Record<SourceId, BoundSource>,
    systems,
    modules,
    createLoaders,
    ...upkeep,
    sharedState: () =>
      shared
        ? { ...shared.status, instanceId: shared.instanceId, tokensPendingWriteBack: sharedTokens?.pendingWriteBack ?? 0 }
        : { mode: 'memory', since: 0, address: null, reason: null, instanceId: null, tokensPendingWriteBack: 0 },
    onPeerInvalidation: (fn) => void peerListeners.add(fn),
    pingShared: async () => (shared ? shared.ping() : null),
    minuteLimiter: (name, perMinute) => (shared ? new SlidingRedisLimiter(shared, `limit:${name}`, perMinute) : undefined),
    close: async () => {
      await shared?.close();
    },
  };
  Object.assign(bySourceRef, runtime.bySource);
  // The Prometheus gauges (breaker, gate, budget, index age) report this runtime's sources.
  observeRuntime(runtime);
  return runtime;
}
