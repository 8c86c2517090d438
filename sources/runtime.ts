import { asanaSource } from './asana/index.js';
import { SourceCache } from './kit/cache.js';
import { ConfigError, parseEnv } from './kit/config.js';
import type { LoaderOptions, LoadersByCategory, SourceCategory, SourceModule } from './kit/contract.js';
import { SourceError, type SourceId } from './kit/errors.js';
import { SourceHealth } from './kit/metrics.js';
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

export type SourcesRuntime = {
  sandboxOrigin: string | null;
  cache: SourceCache;
  health: SourceHealth;
  sources: { [K in SourceCategory]: BoundSource<K> };
  list: BoundSource[];
  bySource: Record<SourceId, BoundSource>;
  createLoaders: (opts: LoaderOptions) => LoadersByCategory;
};

export type RuntimeOptions = {
  /** Bytes the cross-request cache may hold. @default 200 MB, or PANORAMA_CACHE_MAX_MB */
  cacheMaxBytes?: number;
};

function bind<C extends SourceCategory, Config, Client>(
  module: SourceModule<C, Config, Client>,
  env: Record<string, string | undefined>,
  cache: SourceCache,
  health: SourceHealth,
  tokens: TokenStore,
): BoundSource<C> {
  const prefix = ENV_PREFIX[module.id];
  const configured = Object.keys(env).some((k) => k.startsWith(prefix) && env[k]);
  const config = configured ? parseEnv(module.configSchema, env, module.displayName) : null;
  const client = config ? module.createClient(config, { tokens }) : null;
  const kit = new SourceKit({
    source: module.id,
    timeoutMs: module.timeoutMs,
    mapError: module.mapError,
    cachePolicies: module.cachePolicies,
    cache,
    health,
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
    crm: { customer: loader, searchAccounts: fail, accountsByOwnerEmail: fail, accountIndex: fail },
    accounting: { customer: loader, searchCustomers: fail, customerIndex: fail, overdueInvoices: fail, invoicesByNumber: fail },
    projects: { forAccount: loader, projectIndex: fail, projects: loader },
    support: { forAccount: loader, forOrganization: loader, searchOrganizations: fail, organizationIndex: fail, urgentOpenTickets: fail, ticket: fail },
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
  const sources = {
    crm: bind(salesforceSource, env, cache, health, tokens),
    accounting: bind(quickbooksSource, env, cache, health, tokens),
    projects: bind(asanaSource, env, cache, health, tokens),
    support: bind(zendeskSource, env, cache, health, tokens),
  };
  const list: BoundSource[] = [sources.crm, sources.accounting, sources.projects, sources.support];
  return {
    sandboxOrigin: env.PANORAMA_SANDBOX_ORIGIN || null,
    cache,
    health,
    sources,
    list,
    bySource: { salesforce: sources.crm, quickbooks: sources.accounting, asana: sources.projects, zendesk: sources.support },
    createLoaders: (o) => ({
      crm: sources.crm.createLoaders(o),
      accounting: sources.accounting.createLoaders(o),
      projects: sources.projects.createLoaders(o),
      support: sources.support.createLoaders(o),
    }),
  };
}
