import DataLoader from 'dataloader';
import type { z } from 'zod';
import type { ContactSearch, CrmLoaders, LoaderContext, LoaderOptions } from '../kit/contract.js';
import type { CrmAccount, CrmContact, CrmCustomer, Fetched } from '../kit/domain.js';
import { SourceError } from '../kit/errors.js';
import { logger } from '../kit/logger.js';
import { ResponseShapeError } from '../kit/http.js';
import type { SourceKit } from '../kit/source-kit.js';
import type { SalesforceClient } from './client.server.js';
import { normalizeIdOf } from './ids.js';
import { salesforceQueries } from './soql.js';
import { DEFAULT_FIELD_NAMES, mapAccount, mapAccountIndexEntry, mapContact, mapCustomer, type CrmAccountIndexEntry, type SalesforceFieldNames } from './mapping.js';
import { sfAccountIndexSchema, sfAccountSchema, sfOrganizationCurrencySchema, sfAccountWithChildrenSchema, sfContactSchema, sfOpportunitySchema, type SfAccountWithChildren, type SfQueryResult } from './types.js';
import { mergedSignal } from '../kit/request-meter.js';

export type { CrmAccountIndexEntry } from './mapping.js';
export { salesforceQueries } from './soql.js';

/** The CRM contract plus what identity matching needs from Salesforce. */
export type SalesforceLoaders = CrmLoaders & {
  /** Accounts owned by the Salesforce user with this e-mail (an account manager's book), by name. */
  accountsByOwnerEmail: (email: string) => Promise<Fetched<CrmAccount[]>>;
  /** Every account's id, name, website and accounting id, for the identity heuristics. */
  accountIndex: () => Promise<Fetched<CrmAccountIndexEntry[]>>;
};

/** Ids per customer query: 100 × 21 characters keeps the SOQL far below its 100,000-character limit. */
const MAX_BATCH = 100;
const MAX_SEARCH_RESULTS = 200;
const MAX_SEARCH_CHARS = 200;
/** A runaway cursor (or a locator loop) stops here: 100 batches = up to 200,000 records. */
const MAX_PAGES = 100;

const badRequest = (message: string) => new SourceError('salesforce', 'BAD_REQUEST', message);

export type SalesforceLoaderTuning = {
  /** Records per batch for the paged reads (Sforce-Query-Options hint, 200–2,000). @default 2000 */
  batchSize?: number;
};

/**
 * The Salesforce loaders. Every call passes the source kit (cache, timeout, breaker, metrics); a batch of
 * customer ids costs one SOQL query (Account + owner + Contacts and Opportunities subqueries), a search one
 * query, and the paged reads one request per batch of up to 2,000 records.
 */
export function createLoaders({ client, kit, tuning = {}, ...opts }: LoaderContext<SalesforceClient> & { tuning?: SalesforceLoaderTuning }): SalesforceLoaders {
  const read = { forceRefresh: opts.forceRefresh };
  const batchSize = tuning.batchSize;
  // The field mapping as it stands when the request starts: every query of this request agrees on it.
  const fields: SalesforceFieldNames = {
    accountingId: client.fields.field('accountingId'),
    tier: client.fields.field('tier'),
    primaryContact: client.fields.field('primaryContact'),
    // selected only once describe has said Opportunity has it (a multi-currency org)
    dealCurrency: client.currency.field('dealCurrency'),
  };
  const queries = salesforceQueries(fields);
  const paged: PagedRead = { client, kit, batchSize };

  /**
   * The currency of deals whose record names none. A multi-currency org's deals name their own (null here); a
   * single-currency org's are in its Organization.DefaultCurrencyIsoCode, read once and cached for hours (policy
   * `orgCurrency`), or, while that cannot be read, SALESFORCE_DEFAULT_CURRENCY (unset: null), with a warning.
   * Before describe has answered the org may be either, so no currency is assumed (null).
   */
  async function orgCurrency(): Promise<string | null> {
    if (fields.dealCurrency || client.currency.state('dealCurrency') !== 'MISSING') return null;
    try {
      return (await readOrgCurrency(client, kit)).value;
    } catch (e) {
      const err = kit.toSourceError(e);
      logger.warn({ source: 'salesforce', code: err.code, fallback: client.config.defaultCurrency }, "could not read the Salesforce org's currency; deal amounts use SALESFORCE_DEFAULT_CURRENCY");
      return client.config.defaultCurrency;
    }
  }

  const customers = kit.loader<CrmCustomer>(
    'customer',
    async (ids, signal) => {
      const soql = queries.customers(ids);
      // beside the accounts, not before them: cached after the first read
      const currency = orgCurrency();
      // Already inside one kit.upstream call; a batch of ≤ 100 accounts fits one batch of results, and an account
      // with more contacts or opportunities than Salesforce sends inline (200) costs one more request per batch of
      // them. Each account's child batches are read before the parent's next batch: Salesforce drops child cursors
      // once the parent cursor moves on.
      let page = await client.query(soql, sfAccountWithChildrenSchema, { signal });
      const records = await Promise.all(page.records.map((r) => withAllChildren(client, r, signal)));
      while (!page.done && page.nextRecordsUrl) {
        page = await client.queryMore(page.nextRecordsUrl, sfAccountWithChildrenSchema, { signal });
        records.push(...(await Promise.all(page.records.map((r) => withAllChildren(client, r, signal)))));
      }
      const fallback = await currency;
      return new Map(records.map((r) => [r.Id, mapCustomer(r, fields, fallback)]));
    },
    { ...read, maxBatchSize: MAX_BATCH },
  );

  // Ids are checked (and put in their canonical 18-character form, the cache key) before anything is sent.
  const customer = new DataLoader<string, Fetched<CrmCustomer>>(
    async (keys) => {
      const ids = keys.map((k) => normalizeIdOf('Account', k));
      const valid = [...new Set(ids.filter((id): id is string => id !== null))];
      const found = await customers.loadMany(valid);
      const byId = new Map(valid.map((id, i) => [id, found[i]!]));
      return ids.map((id) => (id === null ? new SourceError('salesforce', 'BAD_REQUEST', 'Not a Salesforce Account id', { invalidInput: true }) : byId.get(id)!));
    },
    { maxBatchSize: MAX_BATCH },
  );

  async function searchAccounts(text: string, limit: number): Promise<Fetched<CrmAccount[]>> {
    const q = text.trim();
    if (q.length > MAX_SEARCH_CHARS) throw badRequest(`Search text is longer than ${MAX_SEARCH_CHARS} characters`);
    const n = Math.min(MAX_SEARCH_RESULTS, Math.max(1, Math.floor(Number.isFinite(limit) ? limit : 20)));
    const soql = queries.search(q, n);
    // LIKE ignores case in Salesforce, so the cache key may too.
    return kit.read(
      'search',
      `${n}:${q.toLowerCase()}`,
      (signal) =>
        kit.upstream('searchAccounts', async (s) => {
          const page = await client.query(soql, sfAccountSchema, { signal: mergedSignal([s, signal]) });
          return page.records.map((r) => mapAccount(r, fields));
        }),
      read,
    );
  }

  async function searchContacts(query: ContactSearch, limit: number): Promise<Fetched<CrmContact[]>> {
    const q: ContactSearch = 'phoneTail' in query ? { phoneTail: query.phoneTail.replace(/\D/g, '') } : { text: query.text.trim() };
    const key = 'phoneTail' in q ? q.phoneTail : q.text;
    if (!key) throw badRequest('Contact search needs some text or phone digits');
    if (key.length > MAX_SEARCH_CHARS) throw badRequest(`Search text is longer than ${MAX_SEARCH_CHARS} characters`);
    const n = Math.min(MAX_SEARCH_RESULTS, Math.max(1, Math.floor(Number.isFinite(limit) ? limit : 20)));
    const soql = queries.searchContacts(q, n);
    return kit.read(
      'search',
      `contacts:${n}:${'phoneTail' in q ? `phone:${key}` : `text:${key.toLowerCase()}`}`,
      (signal) =>
        kit.upstream('searchContacts', async (s) => {
          const page = await client.query(soql, sfContactSchema, { signal: mergedSignal([s, signal]) });
          return page.records.filter((r) => r.AccountId).map((r) => mapContact(r, r.AccountId!, fields));
        }),
      read,
    );
  }

  async function accountsByOwnerEmail(email: string): Promise<Fetched<CrmAccount[]>> {
    const e = email.trim();
    if (e.length > 254 || !/^[^\s@]+@[^\s@]+$/.test(e)) throw badRequest('Not an e-mail address');
    const soql = queries.byOwnerEmail(e);
    return kit.read(
      'accountsByOwner',
      e.toLowerCase(),
      async (signal) => (await queryAll(paged, 'accountsByOwnerEmail', soql, sfAccountSchema, signal)).map((r) => mapAccount(r, fields)),
      read,
    );
  }

  async function accountIndex(): Promise<Fetched<CrmAccountIndexEntry[]>> {
    const soql = queries.index;
    return kit.read(
      'accountIndex',
      'all',
      async (signal) => (await queryAll(paged, 'accountIndex', soql, sfAccountIndexSchema, signal)).map((r) => mapAccountIndexEntry(r, fields)),
      read,
    );
  }

  const cachedAccount = (accountId: string): CrmAccountIndexEntry | null | undefined => {
    const index = kit.peek<CrmAccountIndexEntry[]>('accountIndex', 'all');
    if (!index?.usable) return undefined;
    const id = normalizeIdOf('Account', accountId);
    return id ? (accountsById(index.value).get(id) ?? null) : null;
  };

  return { customer, searchAccounts, searchContacts, accountsByOwnerEmail, accountIndex, cachedAccount };
}

/** What a paged read needs: the client, the kit its batches go through, and the batch size hint. */
type PagedRead = { client: SalesforceClient; kit: SourceKit; batchSize: number | undefined };

/** All batches of a query; each batch is its own upstream call (own timeout, own metrics). */
async function queryAll<S extends z.ZodTypeAny>(
  { client, kit, batchSize }: PagedRead,
  operation: string,
  soql: string,
  record: S,
  signal: AbortSignal,
): Promise<z.infer<S>[]> {
  let page: SfQueryResult<z.infer<S>> = await kit.upstream(operation, (s) =>
    client.query(soql, record, { signal: mergedSignal([s, signal]), batchSize }),
  );
  const records = [...page.records];
  for (let n = 1; !page.done; n++) {
    const next = page.nextRecordsUrl;
    if (!next) throw kit.toSourceError(new ResponseShapeError('Salesforce query', ['done is false but nextRecordsUrl is missing']));
    if (n >= MAX_PAGES) throw kit.toSourceError(new ResponseShapeError('Salesforce query', [`more than ${MAX_PAGES} batches`]));
    page = await kit.upstream(`${operation}.more`, (s) => client.queryMore(next, record, { signal: mergedSignal([s, signal]), batchSize }));
    records.push(...page.records);
  }
  return records;
}

/** An account with every batch of its Contacts and Opportunities subqueries, following their `nextRecordsUrl`. */
async function withAllChildren(client: SalesforceClient, account: SfAccountWithChildren, signal: AbortSignal): Promise<SfAccountWithChildren> {
  const [contacts, opportunities] = await Promise.all([
    allChildren(client, account.Contacts, sfContactSchema, signal),
    allChildren(client, account.Opportunities, sfOpportunitySchema, signal),
  ]);
  return { ...account, Contacts: contacts, Opportunities: opportunities };
}

async function allChildren<S extends z.ZodTypeAny>(client: SalesforceClient, first: SfQueryResult<z.infer<S>> | null, record: S, signal: AbortSignal) {
  if (!first || first.done) return first;
  let batch: SfQueryResult<z.infer<S>> = first;
  const records = [...first.records];
  for (let n = 1; !batch.done; n++) {
    const next = batch.nextRecordsUrl;
    if (!next) throw new ResponseShapeError('Salesforce subquery', ['done is false but nextRecordsUrl is missing']);
    if (n >= MAX_PAGES) throw new ResponseShapeError('Salesforce subquery', [`more than ${MAX_PAGES} batches`]);
    batch = await client.queryMore(next, record, { signal });
    records.push(...batch.records);
  }
  return { ...first, done: true, nextRecordsUrl: undefined, records };
}

/**
 * A single-currency org's currency, `SELECT DefaultCurrencyIsoCode FROM Organization`, through the kit's cache
 * (policy `orgCurrency`, hours); also read at start-up once describe has shown the org is single-currency.
 */
export function readOrgCurrency(client: SalesforceClient, kit: SourceKit): Promise<Fetched<string>> {
  return kit.read(
    'orgCurrency',
    'default',
    () =>
      kit.upstream('orgCurrency', async (signal) => {
        const page = await client.query(salesforceQueries(DEFAULT_FIELD_NAMES).orgCurrency, sfOrganizationCurrencySchema, { signal });
        const code = page.records[0]?.DefaultCurrencyIsoCode;
        if (!code) throw new ResponseShapeError('Salesforce Organization', ['records[0].DefaultCurrencyIsoCode: Required']);
        return code.toUpperCase();
      }),
    { forceRefresh: false },
  );
}

/** The account index by id, built once per cached index. */
const byIdOfIndex = new WeakMap<readonly CrmAccountIndexEntry[], Map<string, CrmAccountIndexEntry>>();
function accountsById(index: readonly CrmAccountIndexEntry[]): Map<string, CrmAccountIndexEntry> {
  let m = byIdOfIndex.get(index);
  if (!m) {
    m = new Map(index.map((a) => [a.id, a]));
    byIdOfIndex.set(index, m);
  }
  return m;
}
