import { SourceCache } from './kit/cache.js';
import { systemClock, type Clock } from './kit/clock.js';
import { systemsOf, type LoaderOptions, type LoadersByCategory, type SourceCategory, type SourceModule, type Systems } from './kit/contract.js';
import { SourceError, isSourceError, type SourceId } from './kit/errors.js';
import { logger } from './kit/logger.js';
import { SourceHealth } from './kit/metrics.js';
import { MemoryGateStore, type GateStore } from './kit/gate.js';
import { AlertNotifier } from './kit/alerts.js';
import { SourceBudget } from './kit/budget.js';
import { DailyAllowance } from './kit/allowance.js';
import { observeRuntime } from './readiness.js';
import { budgetPerMinuteOf, resilienceSettingsSchema, retrySettingsOf, type ResilienceSettings, type RetrySettings } from './kit/resilience-settings.js';
import { SourceKit } from './kit/source-kit.js';
import { FileTokenStore, MemoryTokenStore, type TokenStore } from './kit/token-store.js';
import { RedisGateStore, SharedState, redisBudgetLimiter, type SharedStatus } from './kit/shared-state.js';
import { RedisTokenStore } from './kit/shared-token-store.js';
import { memoryBudgetLimiter, type BudgetLimiterFactory } from './kit/budget.js';
import { parseFragments, type Env } from './kit/settings.js';
import { SOURCE_MODULES, composeModules } from './modules.js';
import type { FieldMappingReport } from './kit/field-mapping.js';
import { sourcesSettings, type SourcesSettings } from './settings.js';
import { MemoryWebhookSecrets, type WebhookRequest, type WebhookSecretStore } from './kit/webhooks.js';
import { FEED_OVERLAP_MS, type IndexFeed } from './kit/index-feed.js';
import type { Fetched } from './kit/domain.js';

/** What Panorama did with one webhook delivery: kept (in memory and the store's audit), never the body. */
export type WebhookDelivery = {
  at: number;
  source: SourceId;
  /** `invalidated`: verified, its records' cache entries dropped; `handshake`: a subscription confirmed. */
  outcome: 'invalidated' | 'handshake' | 'refused' | 'malformed';
  verified: boolean;
  /** Why it was refused or malformed (never a secret, never the body). */
  reason: string | null;
  /** The records the vendor said changed, by entity (ids only: vendor record ids, no personal data; at most 50 each). */
  entities: { entity: string; ids: string[]; count: number }[];
  /** Cache entries dropped on this instance (the others drop theirs through Redis). */
  dropped: number;
};

/** A source's webhook as the admin page shows it. */
export type WebhookState = { source: SourceId; mechanism: string; enabled: boolean; path: string; last: WebhookDelivery | null };

/** The answer the route sends. */
export type WebhookAnswer = { status: number; headers: Record<string, string>; body: string; delivery: WebhookDelivery | null };

export { SOURCE_MODULES };

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
  /** The index's change feed, when the module declares one and the source is configured. */
  feed: IndexFeed | null;
};

/** Where an index's change feed stands (per source, on the instance doing the upkeep). */
export type FeedState = {
  mechanism: string;
  /** Where the next round reads from; null until a full read gave one (or after the feed asked for a full read). */
  cursor: string | null;
  /** When the index was last read whole (its data's time). */
  fullReadAt: number | null;
  /** When changes were last applied (the round's start), or null. */
  changesAt: number | null;
  /** Why the last full read happened: 'first', 'interval', 'feed: <reason>', 'not cached'. */
  lastFullRead: string | null;
  /** The last round's failure (the index was left as it was), or null. */
  error: string | null;
};

/** How loading one index went (see `warmIndexes`). */
export type IndexWarmth = {
  source: SourceId;
  index: string;
  /** The index is there to be used (read now, or held from before: then `code` says why this round did not renew it). */
  ok: boolean;
  /** Rows the index holds. */
  rows: number | null;
  ms: number;
  /** True when the cache already held it (fresh, or stale and now being refreshed in the background). */
  fromCache: boolean;
  stale: boolean;
  code: string | null;
  /**
   * How this round kept it: `read` (the index loaded as its cache policy says), `full-read` (read whole: the first
   * time, the long interval or the feed asked), `changes` (its change feed's changes applied), `copied` (from the
   * upkeep instance), `fresh` (a fed index fresh beyond the next round: nothing asked).
   */
  via: 'read' | 'full-read' | 'changes' | 'copied' | 'fresh';
  /** The changes applied this round (`via: 'changes'`). */
  changes?: { upserts: number; removals: number };
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

/** The index each category keeps, as `<entity>` of its cache policies. */
const INDEX_ENTITY: Record<SourceCategory, string> = {
  crm: 'accountIndex',
  accounting: 'customerIndex',
  projects: 'project-index',
  support: 'organizationIndex',
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
  if (shared) {
    // what this instance refreshes or invalidates, the others drop; what they do, this one drops
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

  const indexLoaded = new Map<SourceId, number>();
  /** One source's index through its loaders (forced: read whole again). */
  const readIndex = (s: BoundSource, forceRefresh: boolean): Promise<Fetched<unknown[]>> => {
    const l = s.createLoaders({ forceRefresh }) as unknown as Record<string, () => Promise<Fetched<unknown[]>>>;
    const fn = { crm: 'accountIndex', accounting: 'customerIndex', projects: 'projectIndex', support: 'organizationIndex' }[s.category];
    return l[fn]!();
  };
  const feedStates = new Map<SourceId, FeedState>();
  const fullReadMs = settings.indexFullReadHours * 3_600_000;

  /** The index read through its loaders, as a warmth report (never rejects). */
  const loadIndex = async (s: BoundSource, forceRefresh: boolean, via: IndexWarmth['via']): Promise<IndexWarmth & { fetchedAt: number | null; failed: boolean }> => {
    const started = performance.now();
    const index = INDEX_ENTITY[s.category];
    try {
      const f = await readIndex(s, forceRefresh);
      const at = Date.parse(f.freshness.fetchedAt);
      if (Number.isFinite(at)) indexLoaded.set(s.id, at);
      // a forced read the source failed is served from the cache (stale-on-error): it read nothing whole
      const failed = Boolean(f.freshness.error) && f.freshness.fromCache;
      // (an index read as its policy says counts as warm even when served stale: it is there)
      const reportFailure = failed && via === 'full-read';
      const out = { source: s.id, index, ok: true, rows: f.value.length, ms: Math.round(performance.now() - started), fromCache: f.freshness.fromCache, stale: f.freshness.stale, code: reportFailure ? f.freshness.error!.code : null, via, fetchedAt: Number.isFinite(at) ? at : null, failed };
      if (!out.fromCache) logger.info({ source: s.id, index, rows: out.rows, ms: out.ms, via }, 'index loaded');
      return out;
    } catch (e) {
      const code = isSourceError(e) ? e.code : 'INTERNAL';
      logger.warn({ source: s.id, index, code }, 'index could not be loaded; it is loaded when first needed');
      return { source: s.id, index, ok: false, rows: null, ms: Math.round(performance.now() - started), fromCache: false, stale: false, code, via, fetchedAt: null, failed: true };
    }
  };

  /**
   * One round of a fed index: read whole the first time, on the long interval, when the feed says so or when the
   * cache no longer holds it; else the feed's changes since the cursor, applied to the cached index. A failed
   * round leaves the index as it was (stale once past its TTL, and marked so by the kit's failure), never blank.
   */
  const keepFed = async (s: BoundSource, feed: IndexFeed, roundMs: number): Promise<IndexWarmth> => {
    const index = INDEX_ENTITY[s.category];
    const policy = s.kit.policyFor(index);
    const st: FeedState = feedStates.get(s.id) ?? { mechanism: feed.mechanism, cursor: null, fullReadAt: null, changesAt: null, lastFullRead: null, error: null };
    feedStates.set(s.id, st);
    const full = async (why: string, force: boolean): Promise<IndexWarmth> => {
      const w = await loadIndex(s, force, 'full-read');
      const { fetchedAt, failed, ...out } = w;
      if (failed || fetchedAt === null) {
        st.error = w.code;
        return out;
      }
      // A first read may find the index cached (read by a person, or copied from the upkeep instance): its time is the cursor's.
      if (!w.fromCache || st.fullReadAt === null) {
        st.fullReadAt = fetchedAt;
        st.lastFullRead = why;
      }
      try {
        // (a feed whose cursor is a token the vendor hands out asks for it through its kit)
        st.cursor = await feed.cursorAt(fetchedAt - FEED_OVERLAP_MS, new AbortController().signal);
        st.error = null;
      } catch (e) {
        st.cursor = null;
        st.error = isSourceError(e) ? e.code : 'INTERNAL';
      }
      return out.fromCache ? { ...out, via: 'read' } : out;
    };
    const now = clock.now();
    if (st.cursor === null) return full(st.fullReadAt === null ? 'first' : 'no cursor', st.fullReadAt !== null);
    if (st.fullReadAt !== null && now - st.fullReadAt >= fullReadMs) return full('interval', true);
    const held = s.kit.peek<unknown[]>(index, feed.indexId());
    if (!held) return full('not cached', false);
    const started = performance.now();
    const rows = held.value.length;
    // Asked when it would be stale by the next round, not every round: as often as its TTL, at one request or so
    // where a re-read costs every page.
    if (held.ageMs + roundMs <= policy.ttlMs) return { source: s.id, index, ok: true, rows, ms: 0, fromCache: true, stale: false, code: null, via: 'fresh' };
    const failedRound = (code: string): IndexWarmth => {
      st.error = code;
      logger.warn({ source: s.id, index, code }, 'index changes could not be read; the index is kept as it was');
      return { source: s.id, index, ok: true, rows, ms: Math.round(performance.now() - started), fromCache: true, stale: !s.kit.peek(index, feed.indexId())?.fresh, code, via: 'changes' };
    };
    const refusal = await s.kit.backgroundRefusal(index);
    if (refusal) return failedRound(refusal.code);
    let changes;
    try {
      changes = await feed.changes(st.cursor, { now, signal: new AbortController().signal });
    } catch (e) {
      return failedRound(isSourceError(e) ? e.code : 'INTERNAL');
    }
    if (changes.kind === 'full-read') {
      logger.info({ source: s.id, index, reason: changes.reason }, 'the change feed asks for a full read of the index');
      st.cursor = null;
      return full(`feed: ${changes.reason}`, true);
    }
    const next = feed.apply(held.value, changes);
    // fresh for its TTL from this round's start; held one more round before a read would re-read it whole
    s.kit.replace(index, feed.indexId(), next, now, roundMs);
    st.cursor = changes.next;
    st.changesAt = now;
    st.error = null;
    indexLoaded.set(s.id, now);
    const counted = { upserts: changes.upserts.length, removals: changes.removals.length };
    if (counted.upserts + counted.removals > 0) logger.info({ source: s.id, index, ...counted }, 'index changes applied');
    return { source: s.id, index, ok: true, rows: next.length, ms: Math.round(performance.now() - started), fromCache: false, stale: false, code: null, via: 'changes', changes: counted };
  };

  /** One round; `intervalMs` is how long until the next (default: the shortest index TTL, as `keepIndexesWarm`). */
  const warmIndexes = async (intervalMs?: number): Promise<IndexWarmth[]> => {
    const roundMs = upkeepInterval(intervalMs);
    // The field mapping first: the indexes' queries then leave out fields the vendor does not have.
    await Promise.all(list.filter((s) => s.configured && s.fieldMapping()?.checkedAt == null).map((s) => s.checkFields()));
    return Promise.all(
      list
        .filter((s) => s.configured)
        .map(async (s): Promise<IndexWarmth> => {
          if (s.feed && opts.indexFeeds !== false) return keepFed(s, s.feed, roundMs);
          const { fetchedAt: _at, failed: _failed, ...out } = await loadIndex(s, false, 'read');
          return out;
        }),
    );
  };

  const upkeepInterval = (intervalMs?: number): number => {
    const shortest = Math.min(...list.filter((s) => s.configured).map((s) => s.kit.policyFor(INDEX_ENTITY[s.category]).ttlMs));
    return Math.max(1000, intervalMs ?? (Number.isFinite(shortest) ? shortest : 60_000));
  };

  /** Index cache keys of a source (`<source>:<index entity>:<id>`). */
  const indexKeys = (s: BoundSource) => cache.keysWith(`${s.id}:${INDEX_ENTITY[s.category]}:`);

  const upkeep: SourcesRuntime['upkeep'] = async (intervalMs) => {
    if (!shared || !shared.up) return { role: 'alone', results: await warmIndexes(intervalMs) };
    // The lease outlives two rounds: if its holder dies, another instance takes the upkeep over within that.
    const leader = await shared.lease('index-upkeep', upkeepInterval(intervalMs) * 2 + 1000);
    if (leader) {
      const results = await warmIndexes(intervalMs);
      for (const s of list.filter((x) => x.configured)) {
        for (const key of indexKeys(s)) {
          const hit = cache.peek<unknown>(key);
          if (!hit) continue;
          const ttl = Math.max(1000, s.kit.policyFor(INDEX_ENTITY[s.category]).maxStaleMs);
          await shared.run((r) => r.set(shared.key(`index:${key}`), JSON.stringify({ fetchedAt: hit.fetchedAt, value: hit.value }), 'PX', ttl), () => null);
        }
      }
      return { role: 'leader', results };
    }
    // Not the upkeep instance: copy what it read. A source with no copy yet (the leader is starting) is read here.
    const results: IndexWarmth[] = [];
    let missing = false;
    for (const s of list.filter((x) => x.configured)) {
      const started = performance.now();
      const index = INDEX_ENTITY[s.category];
      const keys = await shared.run((r) => r.keys(shared.key(`index:${s.id}:${index}:*`)), () => [] as string[]);
      let rows: number | null = null;
      let at: number | null = null;
      for (const k of keys) {
        const raw = await shared.run((r) => r.get(k), () => null);
        if (!raw) continue;
        const copy = JSON.parse(raw) as { fetchedAt: number; value: unknown };
        cache.prime(k.slice(shared.key('index:').length), copy.value, copy.fetchedAt, s.kit.policyFor(index));
        rows = Array.isArray(copy.value) ? copy.value.length : null;
        at = Math.max(at ?? 0, copy.fetchedAt);
      }
      if (at === null) {
        missing = true;
        continue;
      }
      indexLoaded.set(s.id, at);
      results.push({ source: s.id, index, ok: true, rows, ms: Math.round(performance.now() - started), fromCache: true, stale: clock.now() - at > s.kit.policyFor(index).ttlMs, code: null, via: 'copied' });
    }
    if (missing) {
      const own = await warmIndexes(intervalMs);
      return { role: 'copied', results: [...results, ...own.filter((w) => !results.some((r) => r.source === w.source))] };
    }
    return { role: 'copied', results };
  };

  const keepIndexesWarm = (intervalMs?: number): (() => void) => {
    const every = upkeepInterval(intervalMs);
    const timer = setInterval(() => void upkeep(every).catch((e: unknown) => logger.warn({ err: (e as Error).name }, 'index upkeep failed')), every);
    timer.unref();
    return () => clearInterval(timer);
  };

  const webhookSecrets = opts.webhookSecrets ?? new MemoryWebhookSecrets();
  const lastDelivery = new Map<SourceId, WebhookDelivery>();
  const noted = (d: WebhookDelivery) => {
    const held = lastDelivery.get(d.source);
    if (!held || held.at <= d.at) lastDelivery.set(d.source, d);
  };
  shared?.subscribe('webhook', (body) => {
    const d = body as WebhookDelivery;
    if (d && typeof d.source === 'string' && typeof d.at === 'number' && bySourceRef[d.source]) noted(d);
  });
  const receiveWebhook: SourcesRuntime['receiveWebhook'] = async (source, req) => {
    const s = bySourceRef[source as SourceId];
    const spec = s?.module.webhook;
    const hookSettings = s ? settings.webhooks[s.id] : null;
    const json = (status: number, body: unknown, delivery: WebhookDelivery | null): WebhookAnswer => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), delivery });
    if (!s || !spec || hookSettings == null || !spec.enabled(hookSettings)) return json(404, { error: `no webhook is received for "${source.slice(0, 40)}"` }, null);
    const at = clock.now();
    const base = { at, source: s.id, entities: [], dropped: 0 };
    const finish = (d: WebhookDelivery, answer: Omit<WebhookAnswer, 'delivery'>): WebhookAnswer => {
      noted(d);
      shared?.publish('webhook', d);
      if (d.verified) logger.info({ source: s.id, outcome: d.outcome, entities: d.entities.map((e) => ({ entity: e.entity, count: e.count })), dropped: d.dropped }, 'webhook received');
      else logger.warn({ source: s.id, outcome: d.outcome, reason: d.reason }, 'webhook refused');
      return { ...answer, delivery: d };
    };
    let verdict;
    try {
      verdict = await spec.receive(req, hookSettings, { clock, secrets: webhookSecrets, source: s.id });
    } catch (e) {
      return finish({ ...base, outcome: 'malformed', verified: false, reason: 'the delivery could not be read' }, json(400, { error: 'the delivery could not be read' }, null));
    }
    switch (verdict.kind) {
      case 'refused':
        return finish({ ...base, outcome: 'refused', verified: false, reason: verdict.reason }, json(401, { error: `refused: ${verdict.reason}` }, null));
      case 'malformed':
        return finish({ ...base, outcome: 'malformed', verified: true, reason: verdict.reason }, json(400, { error: `malformed: ${verdict.reason}` }, null));
      case 'handshake':
        await webhookSecrets.set(s.id, verdict.secret);
        return finish({ ...base, outcome: 'handshake', verified: true, reason: null }, { status: 200, headers: verdict.headers, body: '' });
      case 'changes': {
        const prefixes = new Set(verdict.changes.flatMap((c) => spec.invalidates(c)));
        let dropped = 0;
        for (const p of prefixes) dropped += s.kit.invalidate(p);
        if (prefixes.size > 0) for (const fn of peerListeners) fn();
        const byEntity = new Map<string, Set<string>>();
        for (const c of verdict.changes) {
          let ids = byEntity.get(c.entity);
          if (!ids) byEntity.set(c.entity, (ids = new Set()));
          ids.add(c.id);
        }
        const entities = [...byEntity].map(([entity, ids]) => ({ entity, ids: [...ids].slice(0, 50), count: ids.size }));
        const d: WebhookDelivery = { ...base, outcome: 'invalidated', verified: true, reason: null, entities, dropped };
        return finish(d, verdict.reply ? { status: 200, headers: { 'content-type': verdict.reply.contentType }, body: verdict.reply.body } : json(200, { ok: true, changes: verdict.changes.length, dropped }, null));
      }
    }
  };

  const runtime: SourcesRuntime = {
    receiveWebhook,
    webhooks: () =>
      list.map((s) => {
        const spec = s.module.webhook;
        const hs = settings.webhooks[s.id];
        return { source: s.id, mechanism: spec?.mechanism ?? 'none', enabled: Boolean(spec && hs != null && spec.enabled(hs)), path: `/webhooks/${s.id}`, last: lastDelivery.get(s.id) ?? null };
      }),
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
    warmIndexes,
    indexLoadedAt: (source) => indexLoaded.get(source) ?? null,
    feeds: () => Object.fromEntries([...feedStates].map(([id, st]) => [id, { ...st }])),
    keepIndexesWarm,
    upkeep,
    sharedState: () =>
      shared
        ? { ...shared.status, instanceId: shared.instanceId, tokensPendingWriteBack: sharedTokens?.pendingWriteBack ?? 0 }
        : { mode: 'memory', since: 0, address: null, reason: null, instanceId: null, tokensPendingWriteBack: 0 },
    onPeerInvalidation: (fn) => void peerListeners.add(fn),
    pingShared: async () => (shared ? shared.ping() : null),
    close: async () => {
      await shared?.close();
    },
  };
  Object.assign(bySourceRef, runtime.bySource);
  // The Prometheus gauges (breaker, gate, budget, index age) report this runtime's sources.
  observeRuntime(runtime);
  return runtime;
}
