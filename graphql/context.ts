import type { LoadersByCategory, SchemaContext } from '../sources/kit/contract.js';
import type { SourcesRuntime } from '../sources/runtime.js';
import type { CustomerView } from './customer-view.js';
import { IdentityMatcher } from './identity.js';
import type { Viewer } from './viewer.js';

/** What every resolver receives: who is asking, this request's DataLoaders, and the process-wide sources. */
export type PanoramaContext = SchemaContext & {
  viewer: Viewer;
  requestId: string;
  runtime: SourcesRuntime;
  /** Built per request: batching and de-duplication live for one request only. */
  loaders: LoadersByCategory;
  /** One view per customer id per request, so links and sections are resolved once. */
  customers: Map<string, CustomerView>;
  now: Date;
  /** The heuristic matcher over the systems' indexes, built once per request when first needed. */
  identity: () => Promise<IdentityMatcher>;
};

/** Set by the server for each request: the viewer from the signed session. */
export type ServerContext = { viewer: Viewer | null };

export function createContext(runtime: SourcesRuntime, viewer: Viewer, requestId: string): PanoramaContext {
  const loaders = runtime.createLoaders({ forceRefresh: false });
  let identity: Promise<IdentityMatcher> | null = null;
  return {
    viewer,
    requestId,
    runtime,
    loaders,
    identity: () => (identity ??= buildMatcher(loaders)),
    customers: new Map(),
    now: new Date(),
    deepLink: (source, entity, id) => runtime.bySource[source].deepLink(entity, id),
  };
}

/** Indexes of every system; a system whose index fails offers no heuristic candidates (the CRM's is required). */
async function buildMatcher(loaders: LoadersByCategory): Promise<IdentityMatcher> {
  const [accounts, customers, orgs, projects] = await Promise.allSettled([
    loaders.crm.accountIndex(),
    loaders.accounting.customerIndex(),
    loaders.support.organizationIndex(),
    loaders.projects.projectIndex(),
  ]);
  if (accounts.status === 'rejected') throw accounts.reason;
  const ok = <T>(r: PromiseSettledResult<{ value: T }>): T | null => (r.status === 'fulfilled' ? r.value.value : null);
  return new IdentityMatcher({ accounts: accounts.value.value, accountingCustomers: ok(customers), organizations: ok(orgs), projects: ok(projects) });
}
