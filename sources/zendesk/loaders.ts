import DataLoader from 'dataloader';
import type { LoaderOptions, SupportLoaders } from '../kit/contract.js';
import type { Fetched, SupportCustomer, SupportOrganization } from '../kit/domain.js';
import { SourceError } from '../kit/errors.js';
import type { SourceKit } from '../kit/source-kit.js';
import {
  URGENT_OPEN_TICKETS_QUERY,
  ZENDESK_MAX_IDS,
  ZENDESK_MAX_PAGE_SIZE,
  ZENDESK_SEARCH_WINDOW,
  searchTerms,
  ticketsOfOrganizationsQuery,
  type ZendeskClient,
} from './client.server.js';
import {
  addSearchPage,
  addUsers,
  emptyTicketSet,
  mapOrganizationSearch,
  mapOrganizationsPage,
  mergeTicketSets,
  missingUserIds,
  nextPageLink,
  organizationIds,
  organizationsByAccount,
  searchTotal,
  supportCustomers,
  uniqueTickets,
  urgentTickets,
  type TicketSet,
  type UrgentTicket,
} from './mapping.js';

export type { UrgentTicket };
export type { UrgentTickets } from '../kit/domain.js';
import type { UrgentTickets } from '../kit/domain.js';

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

/**
 * Support loaders over Zendesk. Request cost of one customer view (`forAccount`, any batch of ≤ 100 account
 * ids): 1 organizations/show_many?external_ids=… + ceil(T / 100) search pages for the T tickets of the found
 * organizations (requesters and assignees come sideloaded with each page) — 2 requests for up to 100 tickets,
 * 1 when no account has an organization. A users/show_many is added only if a sideload missed a user.
 */
export function createLoaders(client: ZendeskClient, kit: SourceKit, opts: LoaderOptions): ZendeskLoaders {
  const read = { forceRefresh: opts.forceRefresh };

  const customers = kit.loader<SupportCustomer | null>('customer', (ids, signal) => loadCustomers(client, ids, signal), {
    ...read,
    maxBatchSize: ZENDESK_MAX_IDS,
    // No organization holds this account id: not an error, the customer simply has no support record.
    notFound: () => null,
  });

  // Malformed ids are refused one by one, before they reach the comma-separated external_ids list.
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

  const searchOrganizations = async (text: string, limit: number): Promise<Fetched<SupportOrganization[]>> => {
    const terms = searchTerms(text);
    const perPage = Math.min(Math.max(1, Math.floor(limit) || 1), ZENDESK_MAX_PAGE_SIZE);
    // Nothing searchable left (e.g. only punctuation): a bare `type:organization` would list every org.
    if (terms.length === 0) {
      return { value: [], freshness: { source: 'zendesk', fetchedAt: new Date().toISOString(), fromCache: false, stale: false, error: null } };
    }
    const query = ['type:organization', ...terms].join(' ');
    return kit.read(
      'organizationSearch',
      `${perPage}:${terms.join(' ').toLowerCase()}`,
      (signal) => kit.upstream('organizationSearch', async (s) => mapOrganizationSearch(await client.searchOrganizations(query, { perPage }, AbortSignal.any([signal, s])))),
      read,
    );
  };

  const organizationIndex = () =>
    kit.read(
      'organizationIndex',
      'all',
      (signal) =>
        kit.upstream('organizationIndex', async (s) => {
          const sig = AbortSignal.any([signal, s]);
          const out: SupportOrganization[] = [];
          let next: string | null = null;
          for (let i = 0; i < MAX_PAGES; i++) {
            const page = await client.organizationsPage(next, sig);
            out.push(...mapOrganizationsPage(page));
            next = nextPageLink(page);
            if (!next) return out;
          }
          throw new SourceError('zendesk', 'INVALID_RESPONSE', `Zendesk organizations did not end within ${MAX_PAGES} pages`);
        }),
      read,
    );

  const urgentOpenTickets = () =>
    kit.read(
      'urgentTickets',
      'all',
      (signal) =>
        kit.upstream('urgentTickets', async (s) => {
          const sig = AbortSignal.any([signal, s]);
          const set = await searchAllTickets(client, URGENT_OPEN_TICKETS_QUERY, [], ['users', 'organizations'], sig);
          await completeUsers(client, set, sig);
          return { tickets: urgentTickets(set), total: set.total, truncated: set.truncated };
        }),
      read,
    );

  // An organization by its own id (a probable link found in the index), with its tickets: 1 + ceil(T/100) requests.
  const byOrganization = kit.loader<SupportCustomer | null>(
    'organization',
    async (orgIds, signal) => {
      const found = (await client.organizationsByIds(orgIds, signal)).organizations;
      const orgs = new Map(found.map((o) => [String(o.id), o]));
      if (orgs.size === 0) return new Map();
      const set = await searchAllTickets(client, null, organizationIds(orgs.values()), ['users'], signal);
      await completeUsers(client, set, signal);
      return supportCustomers(orgs, set);
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

  /** One ticket by id with its organization: for a search by ticket number. */
  const ticket = (id: string): Promise<Fetched<UrgentTicket | null>> => {
    const n = id.trim().replace(/^#/, '');
    if (!/^\d{1,20}$/.test(n)) return Promise.reject(new SourceError('zendesk', 'BAD_REQUEST', 'A ticket number is digits only'));
    return kit.read(
      'ticket',
      n,
      (signal) =>
        kit.upstream('ticket', async (s) => {
          const sig = AbortSignal.any([signal, s]);
          const answer = await client.ticketsByIds([n], sig);
          const set = emptyTicketSet();
          set.tickets = answer.tickets;
          addUsers(set, { users: answer.users ?? [] });
          const orgId = answer.tickets[0]?.organization_id;
          if (orgId !== undefined && orgId !== null) {
            for (const o of (await client.organizationsByIds([String(orgId)], sig)).organizations) set.organizations.set(o.id, o);
          }
          return urgentTickets(set)[0] ?? null;
        }),
      read,
    );
  };

  return { forAccount, forOrganization, searchOrganizations, organizationIndex, urgentOpenTickets, ticket };
}

/** The `loadMany` of `forAccount`: ≤ 100 CRM account ids → their organizations and tickets. */
export async function loadCustomers(client: ZendeskClient, accountIds: readonly string[], signal: AbortSignal): Promise<Map<string, SupportCustomer>> {
  const orgs = organizationsByAccount(accountIds, (await client.organizationsByExternalIds(accountIds, signal)).organizations);
  if (orgs.size === 0) return new Map();
  const set = await searchAllTickets(client, null, organizationIds(orgs.values()), ['users'], signal);
  await completeUsers(client, set, signal);
  return supportCustomers(orgs, set);
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
  for (let page = 2; page <= pages; page++) addSearchPage(set, await client.searchTickets(query, { ...opts, page }, signal));
  set.tickets = uniqueTickets(set.tickets);
  return set;
}

/** One users/show_many per 100 users the sideloads did not carry (normally none: no request at all). */
async function completeUsers(client: ZendeskClient, set: TicketSet, signal: AbortSignal): Promise<void> {
  const missing = missingUserIds(set);
  for (let i = 0; i < missing.length; i += ZENDESK_MAX_IDS) {
    addUsers(set, await client.usersByIds(missing.slice(i, i + ZENDESK_MAX_IDS), signal));
  }
}
