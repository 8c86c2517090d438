import { dateOf } from '../sources/kit/clock.js';
import type { LoadersByCategory, SchemaContext, Systems } from '../sources/kit/contract.js';
import type { CrmAccountIndexEntry } from '../sources/kit/domain.js';
import type { SourcesRuntime } from '../sources/runtime.js';
import type { CustomerView } from './customer-view.js';
import { IdentityMatcher, type LinkedCategory, type MatcherInput } from './identity.js';
import { DecisionIndex, MemoryLinkDecisions, decisionIndexOf, type LinkDecisionStore } from './link-decisions.js';
import { DEFAULT_GRAPHQL_SETTINGS, type GraphqlSettings } from './settings.js';
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
  /**
   * The heuristic matcher over the indexes one system's links need (or all of them), built once per request and
   * only when first needed: a customer linked by exact ids never loads an index it does not use.
   */
  identity: (category?: LinkedCategory) => Promise<IdentityMatcher>;
  /** Drops the answers the response cache holds (a refresh has just read a customer again). */
  forgetReusedAnswers: () => void;
  /** The GraphQL layer's settings (thresholds of the flag rules, …). */
  settings: GraphqlSettings;
  /** When this request began (performance.now()): its view deadline counts from here. */
  startedAt: number;
  /** Where the admins' link decisions are kept (Panorama's own store). */
  decisionStore: LinkDecisionStore;
  /** The link decisions in force, read once per request and applied on every read. */
  decisions: () => Promise<DecisionIndex>;
};

/** Set by the server for each request: the viewer from the signed session. */
export type ServerContext = {
  viewer: Viewer | null;
  /** The CSP nonce of this response, for GraphiQL's inline scripts (the edge's; none in-process). */
  cspNonce?: string;
};

export function createContext(
  runtime: SourcesRuntime,
  viewer: Viewer,
  requestId: string,
  forgetReusedAnswers: () => void = () => undefined,
  settings: GraphqlSettings = DEFAULT_GRAPHQL_SETTINGS,
  decisionStore: LinkDecisionStore = NO_STORE,
): PanoramaContext {
  const loaders = runtime.createLoaders({ forceRefresh: false });
  const matchers = new Map<string, Promise<IdentityMatcher>>();
  let decided: Promise<DecisionIndex> | null = null;
  // a store that cannot be read fails the request's identity (an admin's decision is never silently dropped)
  const decisions = () => (decided ??= decisionStore.active().then(decisionIndexOf));
  const identity = (category?: LinkedCategory) => {
    const key = category ?? 'all';
    let m = matchers.get(key);
    if (!m) {
      m = decisions().then((d) => buildMatcher(runtime.systems, loaders, d, category));
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
    forgetReusedAnswers,
    settings,
    customers: new Map(),
    startedAt: performance.now(),
    decisionStore,
    decisions,
    now: dateOf(runtime.clock),
    deepLink: (source, entity, id) => runtime.bySource[source].deepLink(entity, id),
  };
}

/**
 * The matcher over the indexes `category` needs (all when none is named). A system whose index fails offers no
 * candidates. The CRM's account index is needed except for projects, whose candidates are only projects with no
 * account field at all.
 */
async function buildMatcher(systems: Systems, loaders: LoadersByCategory, decisions: DecisionIndex, category?: LinkedCategory): Promise<IdentityMatcher> {
  const want = (c: LinkedCategory) => !category || category === c;
  const needAccounts = category !== 'projects';
  const none = Promise.resolve(null);
  const [accounts, customers, orgs, projects] = await Promise.allSettled([
    needAccounts ? loaders.crm.accountIndex() : none,
    want('accounting') ? loaders.accounting.customerIndex() : none,
    want('support') ? loaders.support.organizationIndex() : none,
    want('projects') ? loaders.projects.projectIndex() : none,
  ]);
  if (accounts.status === 'rejected') throw accounts.reason;
  const ok = <T>(r: PromiseSettledResult<{ value: T } | null>): T | null => (r.status === 'fulfilled' && r.value ? r.value.value : null);
  const input = { accounts: accounts.value?.value ?? NO_ACCOUNTS, accountingCustomers: ok(customers), organizations: ok(orgs), projects: ok(projects), decisions };
  return sharedMatcher(systems, category ?? 'all', input);
}

const NO_ACCOUNTS: CrmAccountIndexEntry[] = [];
/** Without a store (tests that need none): decisions live in memory for the process. */
const NO_STORE = new MemoryLinkDecisions();
/** Matchers of the last few sets of indexes: the same cached index objects give the same matcher. */
const matchers: { systems: Systems; key: string; input: MatcherInput; matcher: IdentityMatcher }[] = [];

/**
 * Building a matcher normalises every name of the indexes it covers (thousands of rows); the indexes only change
 * when the cache holds a new copy, so the matcher is shared across requests for as long as they are the same
 * objects (compared by identity, never by content).
 */
function sharedMatcher(systems: Systems, key: string, input: MatcherInput): IdentityMatcher {
  const same = (a: MatcherInput) =>
    a.accounts === input.accounts && a.accountingCustomers === input.accountingCustomers && a.organizations === input.organizations && a.projects === input.projects && a.decisions === input.decisions;
  const hit = matchers.find((m) => m.systems === systems && m.key === key && same(m.input));
  if (hit) return hit.matcher;
  const matcher = new IdentityMatcher(systems, input);
  matchers.unshift({ systems, key, input, matcher });
  matchers.length = Math.min(matchers.length, 8);
  return matcher;
}
