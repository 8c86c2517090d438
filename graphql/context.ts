import type { LoadersByCategory, SchemaContext } from '../sources/kit/contract.js';
import type { SourcesRuntime } from '../sources/runtime.js';
import type { CustomerView } from './customer-view.js';
import { IdentityMatcher, type LinkedSystem } from './identity.js';
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
  /**
   * The heuristic matcher over the indexes one system's links need (or all of them), built once per request and
   * only when first needed: a customer linked by exact ids never loads an index it does not use.
   */
  identity: (source?: LinkedSystem) => Promise<IdentityMatcher>;
};

/** Set by the server for each request: the viewer from the signed session. */
export type ServerContext = { viewer: Viewer | null };

export function createContext(runtime: SourcesRuntime, viewer: Viewer, requestId: string): PanoramaContext {
  const loaders = runtime.createLoaders({ forceRefresh: false });
  const matchers = new Map<string, Promise<IdentityMatcher>>();
  const identity = (source?: LinkedSystem) => {
    const key = source ?? 'all';
    let m = matchers.get(key);
    if (!m) {
      m = buildMatcher(loaders, source);
      matchers.set(key, m);
    }
    return m;
  };
  return {
    viewer,
    requestId,
    runtime,
    loaders,
    identity,
    customers: new Map(),
    now: new Date(),
    deepLink: (source, entity, id) => runtime.bySource[source].deepLink(entity, id),
  };
}

/**
 * The matcher over the indexes `source` needs (all when none is named). A system whose index fails offers no
 * candidates. The CRM's account index is needed except for Asana, whose candidates are only projects with no
 * account field at all.
 */
async function buildMatcher(loaders: LoadersByCategory, source?: LinkedSystem): Promise<IdentityMatcher> {
  const want = (s: LinkedSystem) => !source || source === s;
  const needAccounts = source !== 'asana';
  const none = Promise.resolve(null);
  const [accounts, customers, orgs, projects] = await Promise.allSettled([
    needAccounts ? loaders.crm.accountIndex() : none,
    want('quickbooks') ? loaders.accounting.customerIndex() : none,
    want('zendesk') ? loaders.support.organizationIndex() : none,
    want('asana') ? loaders.projects.projectIndex() : none,
  ]);
  if (accounts.status === 'rejected') throw accounts.reason;
  const ok = <T>(r: PromiseSettledResult<{ value: T } | null>): T | null => (r.status === 'fulfilled' && r.value ? r.value.value : null);
  return new IdentityMatcher({ accounts: accounts.value?.value ?? [], accountingCustomers: ok(customers), organizations: ok(orgs), projects: ok(projects) });
}
