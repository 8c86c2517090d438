import DataLoader from 'dataloader';
import { dateOf } from '../kit/clock.js';
import type { LoaderContext, LoaderOptions, SupportLoaders } from '../kit/contract.js';
import type { Fetched, SupportCustomer, SupportOrganization } from '../kit/domain.js';
import type { ZdOrganization } from './types.js';
import { SourceError } from '../kit/errors.js';
import { foldForSearch, nameContainsText } from '../kit/names.js';
import type { SourceKit } from '../kit/source-kit.js';
import {
  URGENT_OPEN_TICKETS_QUERY,
  ZENDESK_MAX_IDS,
  ZENDESK_MAX_PAGE_SIZE,
  ZENDESK_SEARCH_WINDOW,
  searchTerms,
  ticketsOfOrganizationsQuery,
  type ZendeskClient,
  organizationsMatchingQuery,
} from './client.server.js';
import {
  addSearchPage,
  addUsers,
  currentOrganization,
  emptyTicketSet,
  mapOrganization,
  mapOrganizationSearch,
  mapOrganizationsPage,
  mergeTicketSets,
  missingUserIds,
  nextPageLink,
  organizationIds,
  organizationsByAccount,
  searchTotal,
  supportCustomers,
  supportCustomersOf,
  uniqueTickets,
  urgentTickets,
  type TicketSet,
  type UrgentTicket,
  type OrgLink,
} from './mapping.js';
import { linkFieldOf } from './fields.js';

export type { UrgentTicket };
export type { UrgentTickets } from '../kit/domain.js';
import type { UrgentTickets } from '../kit/domain.js';
import { mergedSignal } from '../kit/request-meter.js';

export type ZendeskLoaders = SupportLoaders & {
  /** Every organization (id, name, CRM account id, domains), cursor-paged; for heuristic linking and review. */
  organizationIndex: () => Promise<Fetched<SupportOrganization[]>>;
  /** Open (status below solved) urgent tickets across the account, newest first, up to search's 1,000. */
  urgentOpenTickets: () => Promise<Fetched<UrgentTickets>>;
};

/** Salesforce Account ids: 15 case-sensitive or 18 case-safe letters and digits. */
const CRM_ACCOUNT_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;
/** A guard against a cursor that never ends (100,000 organizations at 100 a page). */
const MAX_PAGES = 1000;

/** The index holds each organization's account id as the link read it, so each link has its own entry. */
export function organizationIndexKey(link: ReturnType<typeof linkFieldOf>): string {
  return link === null ? 'all:unlinked' : link.kind === 'external_id' ? 'all' : `all:${link.key}`;
}

/**
 * Support loaders over Zendesk. Request cost of one customer view (`forAccount`, any batch of ≤ 100 account
 * ids), with the organization index cached (kept warm by the runtime): ceil(T / 100) search pages for the T
 * tickets of the organizations the index links to the accounts, with requesters, assignees and the
 * organizations themselves sideloaded — 1 request for up to 100 tickets. Accounts the index does not know are
 * looked up by the link field (organizations/show_many?external_ids=…, or for a custom organization field a
 * `type:organization <key>:"…"` search per 40 ids; in parallel) only while the index is older than its TTL or
 * on a forced refresh (which re-checks every account); with a fresh index they have no organization.
 * Without a cached index: 1 such lookup + ceil(T / 100) searches; with the link field off or missing, none. A users/show_many is added only
 * if a sideload missed a user.
 */
export function createLoaders({ client, kit, ...opts }: LoaderContext<ZendeskClient>): ZendeskLoaders {
  const read = { forceRefresh: opts.forceRefresh };
  // The organization field holding the CRM account id (ZENDESK_ORGANIZATION_LINK_FIELD), or null when it is off,
  // missing or not text in this account: then no organization is linked exactly, and nothing is looked up by it.
  const link = linkFieldOf(client);
  const indexKey = organizationIndexKey(link);

  /** The organization index when it is cached and within its stale-while-revalidate window; never loaded here. */
  const cachedIndex = (): OrganizationLookup | null => {
    const hit = kit.peek<SupportOrganization[]>('organizationIndex', indexKey);
    return hit?.usable ? { ...lookupOf(hit.value), fresh: hit.fresh } : null;
  };

  const ticketsOf = batchedTicketSearch(client);

  const customers = kit.loader<SupportCustomer | null>(
    'customer',
    (ids, signal) => {
      const index = cachedIndex();
      return index
        ? loadCustomersWithIndex(client, ids, index, { forceRefresh: opts.forceRefresh, tickets: ticketsOf, link }, signal)
        : loadCustomers(client, ids, signal, link);
    },
    {
    ...read,
    maxBatchSize: ZENDESK_MAX_IDS,
    // No organization holds this account id: not an error, the customer simply has no support record.
    notFound: () => null,
  });

  // Malformed ids are refused one by one, before they reach the comma-separated external_ids list (or a search).
  const forAccount = new DataLoader<string, Fetched<SupportCustomer | null>>(
    (ids) =>
      Promise.all(
        ids.map((id) =>
          CRM_ACCOUNT_ID.test(id)
            ? customers.load(id).catch((e: unknown) => kit.toSourceError(e))
            : new SourceError('zendesk', 'BAD_REQUEST', 'Not a CRM account id (expected 15 or 18 letters and digits)'),
        ),
      ),
    { maxBatchSize: ZENDESK_MAX_IDS },
  );

  const { searchOrganizations, ticket } = searchReaders({ client, kit, link, read });

  const organizationIndex = () =>
    kit.read(
      'organizationIndex',
      indexKey,
      async (signal) => {
        // each page a call of its own: at 10,000 organizations a read is 100 pages, each with its timeout and budget point
        const out: SupportOrganization[] = [];
        let next: string | null = null;
        for (let i = 0; i < MAX_PAGES; i++) {
          const at = next;
          const page = await kit.upstream('organizationIndex', (s) => client.organizationsPage(at, mergedSignal([s, signal])));
          out.push(...mapOrganizationsPage(page, link));
          next = nextPageLink(page);
          if (!next) return out;
        }
        throw new SourceError('zendesk', 'INVALID_RESPONSE', `Zendesk organizations did not end within ${MAX_PAGES} pages`);
      },
      read,
    );

  const urgentOpenTickets = () =>
    kit.read(
      'urgentTickets',
      'all',
      (signal) =>
        kit.upstream('urgentTickets', async (s) => {
          const sig = mergedSignal([s, signal]);
          const set = await searchAllTickets(client, URGENT_OPEN_TICKETS_QUERY, [], ['users', 'organizations'], sig);
          await Promise.all([completeUsers(client, set, sig), completeOrganizations(client, set, sig)]);
          return { tickets: urgentTickets(set, link), total: set.total, truncated: set.truncated };
        }),
      read,
    );

  // An organization by its own id (a probable link found in the index), with its tickets: ceil(T/100) searches
  // when the cached index holds every organization asked for, else 1 organizations/show_many more.
  const byOrganization = kit.loader<SupportCustomer | null>(
    'organization',
    async (orgIds, signal) => {
      const index = opts.forceRefresh ? null : cachedIndex();
      const indexed = index ? orgIds.map((id) => index.byId.get(id)) : [];
      if (index && indexed.every((o) => o !== undefined)) {
        const orgs = indexed as SupportOrganization[];
        const set = await ticketsOf(orgs.map((o) => o.id), signal);
        await completeUsers(client, set, signal);
        return supportCustomersOf(new Map(orgs.map((o) => [o.id, currentOrganization(set, o, link)])), set);
      }
      const found = (await client.organizationsByIds(orgIds, signal)).organizations;
      const orgs = new Map(found.map((o) => [String(o.id), o]));
      if (orgs.size === 0) return new Map();
      const set = await searchAllTickets(client, null, organizationIds(orgs.values()), ['users'], signal);
      await completeUsers(client, set, signal);
      return supportCustomers(orgs, set, link);
    },
    { ...read, maxBatchSize: ZENDESK_MAX_IDS, notFound: () => null },
  );
  const forOrganization = new DataLoader<string, Fetched<SupportCustomer | null>>(
    (ids) =>
      Promise.all(
        ids.map((id) =>
          /^\d{1,20}$/.test(id)
            ? byOrganization.load(id).catch((e: unknown) => kit.toSourceError(e))
            : new SourceError('zendesk', 'BAD_REQUEST', 'Not a Zendesk organization id (expected digits)'),
        ),
      ),
    { maxBatchSize: ZENDESK_MAX_IDS },
  );

  const organizationIdHint = (accountId: string): string | null | undefined => {
    if (opts.forceRefresh) return undefined;
    const index = cachedIndex();
    if (!index?.fresh) return undefined;
    return index.byAccount.get(accountId.toLowerCase())?.id ?? null;
  };

  return { forAccount, organizationIdHint, forOrganization, searchOrganizations, organizationIndex, urgentOpenTickets, ticket };
}

/**
 * The tickets of organizations, with users and organizations sideloaded: one search (per 100 tickets) for all
 * the organizations this request's loaders ask for in one turn of the event loop — the exact links of a list
 * and the probable links started beside them share it.
 */
function batchedTicketSearch(client: ZendeskClient): (orgIds: readonly string[], signal: AbortSignal) => Promise<TicketSet> {
  const callers = new Set<AbortSignal>();
  const ticketSearch = new DataLoader<string, TicketSet>(
    async (orgIds) => {
      // the callers' reads merged: counted on the first caller's call (request-meter.ts)
      const signal = mergedSignal(callers);
      callers.clear();
      const set = await searchAllTickets(client, null, [...new Set(orgIds)].map(Number), ['users', 'organizations'], signal);
      return orgIds.map(() => set);
    },
    { cache: false, maxBatchSize: ZENDESK_MAX_IDS, batchScheduleFn: (dispatch) => setImmediate(dispatch) },
  );
  return async (orgIds: readonly string[], signal: AbortSignal): Promise<TicketSet> => {
    if (orgIds.length === 0) return emptyTicketSet();
    callers.add(signal);
    const sets = await ticketSearch.loadMany(orgIds);
    const failed = sets.find((s): s is Error => s instanceof Error);
    if (failed) throw failed;
    const unique = [...new Set(sets as TicketSet[])];
    return unique.length === 1 ? unique[0]! : mergeTicketSets(unique);
  };
}

/** What the readers outside createLoaders need: the client, the kit, the link field and this request's options. */
type ReaderContext = { client: ZendeskClient; kit: SourceKit; link: OrgLink; read: LoaderOptions };

/** The searches: organizations by name, and one ticket by its number. */
function searchReaders({ client, kit, link, read }: ReaderContext): Pick<ZendeskLoaders, 'searchOrganizations' | 'ticket'> {
  const searchOrganizations = async (text: string, limit: number): Promise<Fetched<SupportOrganization[]>> => {
    const terms = searchTerms(text);
    const perPage = Math.min(Math.max(1, Math.floor(limit) || 1), ZENDESK_MAX_PAGE_SIZE);
    // Nothing searchable left (e.g. only punctuation): a bare `type:organization` would list every org.
    if (terms.length === 0) {
      return { value: [], freshness: { source: 'zendesk', fetchedAt: dateOf(kit.clock).toISOString(), fromCache: false, stale: false, error: null } };
    }
    const query = organizationsMatchingQuery(terms);
    return kit.read(
      'organizationSearch',
      `${perPage}:${foldForSearch(text)}`,
      (signal) => kit.upstream('organizationSearch', async (s) =>
          // Zendesk's index drops punctuation such as `%` and `_`, so what it returns is kept only when its name holds the text literally.
          mapOrganizationSearch(await client.searchOrganizations(query, { perPage }, mergedSignal([s, signal])), link).filter((o) => nameContainsText(o.name, text)),
        ),
      read,
    );
  };

  /** One ticket by id with its organization: for a search by ticket number. */
  const ticket = (id: string): Promise<Fetched<UrgentTicket | null>> => {
    const n = id.trim().replace(/^#/, '');
    if (!/^\d{1,20}$/.test(n)) return Promise.reject(new SourceError('zendesk', 'BAD_REQUEST', 'A ticket number is digits only'));
    return kit.read(
      'ticket',
      n,
      (signal) =>
        kit.upstream('ticket', async (s) => {
          const sig = mergedSignal([s, signal]);
          const answer = await client.ticketsByIds([n], sig);
          const set = emptyTicketSet();
          set.tickets = answer.tickets;
          addUsers(set, { users: answer.users ?? [] });
          const orgId = answer.tickets[0]?.organization_id;
          if (orgId !== undefined && orgId !== null) {
            for (const o of (await client.organizationsByIds([String(orgId)], sig)).organizations) set.organizations.set(o.id, o);
          }
          return urgentTickets(set, link)[0] ?? null;
        }),
      read,
    );
  };

  return { searchOrganizations, ticket };
}

/**
 * ≤ 100 CRM account ids → the organizations whose link field holds them, keyed by the id asked for: one
 * organizations/show_many?external_ids for `external_id`; for a custom field, searches
 * `type:organization <key>:"<id>" …` (ceil(ids / 40) of them). No link: no request, no organization.
 */
export async function organizationsForAccounts(client: ZendeskClient, accountIds: readonly string[], link: OrgLink, signal: AbortSignal): Promise<Map<string, ZdOrganization>> {
  if (!link || accountIds.length === 0) return new Map();
  const found =
    link.kind === 'external_id'
      ? (await client.organizationsByExternalIds(accountIds, signal)).organizations
      : (await client.organizationsByField(link.key, accountIds, signal)).organizations;
  return organizationsByAccount(accountIds, found, link);
}

/** The `loadMany` of `forAccount`: ≤ 100 CRM account ids → their organizations and tickets. */
export async function loadCustomers(client: ZendeskClient, accountIds: readonly string[], signal: AbortSignal, link: OrgLink): Promise<Map<string, SupportCustomer>> {
  const orgs = await organizationsForAccounts(client, accountIds, link, signal);
  if (orgs.size === 0) return new Map();
  const set = await searchAllTickets(client, null, organizationIds(orgs.values()), ['users'], signal);
  await completeUsers(client, set, signal);
  return supportCustomers(orgs, set, link);
}

/** The organization index, keyed for the lookups the loaders make. */
export type OrganizationLookup = {
  /** By CRM account id, lower-cased (Zendesk compares external ids case-insensitively); the first per account. */
  byAccount: Map<string, SupportOrganization>;
  byId: Map<string, SupportOrganization>;
  /** Within its TTL: an account it does not know has no organization. */
  fresh: boolean;
};

const lookups = new WeakMap<readonly SupportOrganization[], Omit<OrganizationLookup, 'fresh'>>();
/** Built once per cached index. */
export function lookupOf(index: readonly SupportOrganization[]): Omit<OrganizationLookup, 'fresh'> {
  let l = lookups.get(index);
  if (!l) {
    const byAccount = new Map<string, SupportOrganization>();
    for (const o of index) if (o.crmAccountId && !byAccount.has(o.crmAccountId.toLowerCase())) byAccount.set(o.crmAccountId.toLowerCase(), o);
    l = { byAccount, byId: new Map(index.map((o) => [o.id, o])) };
    lookups.set(index, l);
  }
  return l;
}

/**
 * The `loadMany` of `forAccount` with the organization index cached: the index maps account ids to
 * organizations, and one search (per 100 tickets) brings their tickets, users and current organization records.
 * Accounts the index does not know are looked up by the link field (organizationsForAccounts) — in parallel
 * with the search — when the index is past its TTL; on a forced refresh every account does, and its answer wins over the index.
 * An organization relinked since the index was built (its sideloaded link field no longer matches) is looked
 * up again the same way; organizations found only by show_many get their tickets in a follow-up search.
 */
export async function loadCustomersWithIndex(
  client: ZendeskClient,
  accountIds: readonly string[],
  index: OrganizationLookup,
  opts: { forceRefresh: boolean; tickets: (orgIds: readonly string[], signal: AbortSignal) => Promise<TicketSet>; link: OrgLink },
  signal: AbortSignal,
): Promise<Map<string, SupportCustomer>> {
  const known = new Map<string, SupportOrganization>();
  const unknown: string[] = [];
  for (const id of accountIds) {
    const org = index.byAccount.get(id.toLowerCase());
    if (org) known.set(id, org);
    else unknown.push(id);
  }
  const { link } = opts;
  // No link field: nothing can be looked up by account id, the index (no account ids either) knows none.
  const lookup = !link ? [] : opts.forceRefresh ? [...accountIds] : index.fresh ? [] : unknown;
  const lookUp = (ids: readonly string[]) => organizationsForAccounts(client, ids, link, signal);
  const searched = [...new Set([...known.values()].map((o) => o.id))];
  const [found, first] = await Promise.all([lookUp(lookup), opts.tickets(searched, signal)]);
  let set = first;
  const orgs = new Map<string, SupportOrganization>();
  const relinked: string[] = [];
  const asked = new Set(lookup);
  for (const id of accountIds) {
    const answer = found.get(id);
    if (answer) {
      orgs.set(id, mapOrganization(answer, link));
      continue;
    }
    const indexed = known.get(id);
    if (asked.has(id) || !indexed) continue; // looked up and none holds the id, or unknown to a fresh index
    const current = currentOrganization(set, indexed, link);
    if (current.crmAccountId?.toLowerCase() === id.toLowerCase()) orgs.set(id, current);
    else relinked.push(id);
  }
  for (const [id, org] of await lookUp(relinked)) orgs.set(id, mapOrganization(org, link));
  const done = new Set(searched);
  const more = [...new Set([...orgs.values()].map((o) => o.id))].filter((id) => !done.has(id));
  if (more.length) set = mergeTicketSets([set, await opts.tickets(more, signal)]);
  await completeUsers(client, set, signal);
  return supportCustomersOf(orgs, set);
}

/**
 * Every ticket a search finds, newest first, 100 a page. Search reaches 1,000 results only: a set of
 * organizations with more tickets than that is split in halves and searched again; one organization (or a
 * fixed query) with more keeps its newest 1,000 and says it was truncated — page 11 is never asked for.
 */
async function searchAllTickets(
  client: ZendeskClient,
  fixedQuery: string | null,
  orgIds: number[],
  include: ('users' | 'organizations')[],
  signal: AbortSignal,
): Promise<TicketSet> {
  const query = fixedQuery ?? ticketsOfOrganizationsQuery(orgIds);
  const opts = { perPage: ZENDESK_MAX_PAGE_SIZE, sortBy: 'created_at', sortOrder: 'desc', include } as const;
  const first = await client.searchTickets(query, { ...opts, page: 1 }, signal);
  const total = searchTotal(first);
  if (total > ZENDESK_SEARCH_WINDOW && fixedQuery === null && orgIds.length > 1) {
    const half = Math.ceil(orgIds.length / 2);
    return mergeTicketSets(
      await Promise.all([
        searchAllTickets(client, null, orgIds.slice(0, half), include, signal),
        searchAllTickets(client, null, orgIds.slice(half), include, signal),
      ]),
    );
  }
  const set = emptyTicketSet();
  set.total = total;
  set.truncated = total > ZENDESK_SEARCH_WINDOW;
  addSearchPage(set, first);
  const pages = Math.ceil(Math.min(total, ZENDESK_SEARCH_WINDOW) / ZENDESK_MAX_PAGE_SIZE);
  // The first page told how many there are: the others are asked for together, not one after another.
  const rest = await Promise.all(Array.from({ length: Math.max(0, pages - 1) }, (_, i) => client.searchTickets(query, { ...opts, page: i + 2 }, signal)));
  for (const page of rest) addSearchPage(set, page);
  set.tickets = uniqueTickets(set.tickets);
  return set;
}

/**
 * One organizations/show_many?ids per 100 organizations the search's `organizations` sideload did not carry
 * (normally none): a search that does not honour `include=` still links each urgent ticket to its customer.
 */
async function completeOrganizations(client: ZendeskClient, set: TicketSet, signal: AbortSignal): Promise<void> {
  const missing = [...new Set(set.tickets.map((t) => t.organization_id).filter((id): id is number => id !== null && !set.organizations.has(id)))].map(String);
  for (let i = 0; i < missing.length; i += ZENDESK_MAX_IDS) {
    for (const org of (await client.organizationsByIds(missing.slice(i, i + ZENDESK_MAX_IDS), signal)).organizations) set.organizations.set(org.id, org);
  }
}

/** One users/show_many per 100 users the sideloads did not carry (normally none: no request at all). */
async function completeUsers(client: ZendeskClient, set: TicketSet, signal: AbortSignal): Promise<void> {
  const missing = missingUserIds(set);
  for (let i = 0; i < missing.length; i += ZENDESK_MAX_IDS) {
    addUsers(set, await client.usersByIds(missing.slice(i, i + ZENDESK_MAX_IDS), signal));
  }
}
