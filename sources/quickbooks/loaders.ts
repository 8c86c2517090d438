import DataLoader from 'dataloader';
import { nameContainsText } from '../kit/names.js';
import { dateOf } from '../kit/clock.js';
import type { AccountingLoaders, LoaderContext, LoaderOptions } from '../kit/contract.js';
import type { AccountingCustomer, AccountingCustomerRecord, Fetched, Invoice } from '../kit/domain.js';
import { SourceError } from '../kit/errors.js';
import { logger } from '../kit/logger.js';
import type { SourceKit } from '../kit/source-kit.js';
import { MAX_PAGE_SIZE, type QuickbooksClient } from './client.server.js';
import { assembleCustomers, descendantsOf, isoDay, mapCustomer, mapInvoice, resolveTopLevel } from './mapping.js';
import { dateLiteral, idList, invalidIdError, isQboId, likeContains, qboQueries, quote } from './query-text.js';
import type { BatchQuery, QboCustomer, QboInvoice, QboPayment } from './types.js';

/** Customer ids per batch request: three IN lists of this many ids stay far below QBO's query length limit. */
export const MAX_IDS_PER_BATCH = 100;
export const MAX_SEARCH_RESULTS = 100;
const MAX_SEARCH_TEXT = 200;

export type QuickbooksLoaders = AccountingLoaders & {
  /** Every customer, active or not (for link rules and review): paged 1000 at a time. */
  customerIndex: () => Promise<Fetched<AccountingCustomerRecord[]>>;
  /** Every invoice with an open balance past its due date, as of `today` (YYYY-MM-DD). */
  overdueInvoices: (today?: string) => Promise<Fetched<Invoice[]>>;
};

export type QuickbooksLoaderOptions = LoaderOptions & {
  /** The day invoices are judged against (YYYY-MM-DD). @default the kit clock's day (UTC) */
  today?: () => string;
};

/**
 * The accounting loaders over QuickBooks Online. Every call passes the kit: cached per the module's policies,
 * timed out, behind the breaker; `forceRefresh` skips the cache.
 */
/**
 * The currency of records that name none (no CurrencyRef): the company's home currency from its Preferences
 * (CurrencyPrefs.HomeCurrency), read once and cached for hours (policy `preferences`). While Preferences cannot
 * be read (and nothing is cached), QUICKBOOKS_HOME_CURRENCY (default USD) stands in, with a warning in the log;
 * the next request asks again. Never forced: a refresh of a customer does not re-read the company's settings.
 */
export async function homeCurrencyOf(client: QuickbooksClient, kit: SourceKit): Promise<string> {
  try {
    const prefs = await kit.read(
      'preferences',
      'currency',
      () => kit.upstream('preferences', (signal) => client.currencyPreferences(signal)),
      { forceRefresh: false },
    );
    if (prefs.value.homeCurrency) return prefs.value.homeCurrency;
    logger.warn({ source: 'quickbooks', fallback: client.config.homeCurrency }, 'QuickBooks Preferences name no home currency; using QUICKBOOKS_HOME_CURRENCY');
  } catch (e) {
    const err = kit.toSourceError(e);
    logger.warn({ source: 'quickbooks', code: err.code, fallback: client.config.homeCurrency }, 'could not read QuickBooks Preferences; amounts without a currency use QUICKBOOKS_HOME_CURRENCY');
  }
  return client.config.homeCurrency;
}

export function createLoaders({ client, kit, ...opts }: LoaderContext<QuickbooksClient>): QuickbooksLoaders {
  const today = opts.today ?? (() => isoDay(dateOf(kit.clock)));
  const read = { forceRefresh: opts.forceRefresh };

  const homeCurrency = () => homeCurrencyOf(client, kit);

  /**
   * N customers in ONE request: a batch of three queries (the customers, their invoices, their payments).
   * Should a list fill a whole page (1000 rows), its next pages follow in further batches.
   */
  // Sub-customers (jobs) below each top-level customer, from the customer index: QBO's query language documents
  // no filter on ParentRef, and the index is loaded anyway (link rules) and kept warm.
  let jobsOf: ReadonlyMap<string, readonly string[]> = new Map();
  const loadCustomers = async (ids: readonly string[], signal: AbortSignal): Promise<Map<string, AccountingCustomer>> => {
    const withJobs = new Set(ids);
    for (const id of ids) for (const j of jobsOf.get(id) ?? []) withJobs.add(j);
    const list = idList([...withJobs]);
    // beside the batch, not before it: cached after the first read, and a failure only means the setting
    const home = homeCurrency();
    const base: BatchQuery[] = [...qboQueries.customersWithActivity(list)];
    const rows = new Map<string, unknown[]>(base.map((b) => [b.bId, []]));
    let pending = base;
    for (let start = 1; pending.length > 0; start += MAX_PAGE_SIZE) {
      const page = pending.map((b) => ({ ...b, query: qboQueries.page(b.query, start, MAX_PAGE_SIZE) }));
      const answer = await client.batch(page, signal);
      for (const b of page) rows.get(b.bId)!.push(...(answer.get(b.bId) ?? []));
      pending = pending.filter((b) => (answer.get(b.bId)?.length ?? 0) === MAX_PAGE_SIZE);
    }
    // unpackBatch validated each item against its entity's schema
    return assembleCustomers(
      rows.get('customers') as QboCustomer[],
      rows.get('invoices') as QboInvoice[],
      rows.get('payments') as QboPayment[],
      today(),
      await home,
      jobsOf,
    );
  };

  const batched = kit.loader<AccountingCustomer>('customer', loadCustomers, { ...read, maxBatchSize: MAX_IDS_PER_BATCH });
  // Malformed ids are refused here, one by one, so they never reach a query nor fail their batch-mates.
  const customer = new DataLoader<string, Fetched<AccountingCustomer>>(async (ids) => {
    const valid = ids.filter(isQboId);
    if (valid.length) {
      // Without the index the customers load without their jobs rather than not at all; refused credentials
      // would refuse the batch too, so they answer at once.
      const index = await treeIndex().catch((e: unknown) => kit.toSourceError(e));
      if (index instanceof SourceError && index.code === 'UNAUTHENTICATED') return ids.map(() => index);
      if (!(index instanceof SourceError)) jobsOf = descendantsOf(index.value);
    }
    const loaded = valid.length ? await batched.loadMany(valid) : [];
    const byId = new Map(valid.map((id, i) => [id, loaded[i]!]));
    return ids.map((id) => byId.get(id) ?? invalidIdError());
  });

  const searchCustomers = async (text: string, limit: number): Promise<Fetched<AccountingCustomerRecord[]>> => {
    const needle = text.trim();
    if (needle.length > MAX_SEARCH_TEXT) throw new SourceError('quickbooks', 'BAD_REQUEST', `Search text is longer than ${MAX_SEARCH_TEXT} characters`);
    const n = Math.min(MAX_SEARCH_RESULTS, Math.max(1, Math.floor(limit) || 1));
    return kit.read(
      'search',
      `${n}:${needle.toLowerCase()}`,
      async () => {
        if (!needle) return [];
        const like = likeContains(needle);
        // A literal `%` is a wildcard to QBO: ask for more and keep only the rows that contain the text.
        const home = homeCurrency();
        const rows = await kit.upstream('search', (signal) =>
          client.query(
            'Customer',
            qboQueries.customersNamed(like.pattern, like.needsRecheck ? MAX_PAGE_SIZE : n),
            signal,
          ),
        );
        const currency = await home;
        const kept = like.needsRecheck ? rows.filter((c) => nameContainsText(c.DisplayName, needle)) : rows;
        return kept.slice(0, n).map((c) => mapCustomer(c, currency));
      },
      read,
    );
  };

  const loadIndex = async (signal: AbortSignal) => {
    const home = homeCurrency();
    const rows = await client.queryAll('Customer', qboQueries.allCustomers, {
      signal,
      runPage: (page) => kit.upstream('customerIndex.page', page),
    });
    const currency = await home;
    return resolveTopLevel(rows.map((c) => mapCustomer(c, currency)));
  };
  const customerIndex = () => kit.read('customerIndex', 'all', loadIndex, read);
  // The tree behind a customer's billing: the cached index even on a forced refresh (jobs are rarely added; the
  // index refreshes in the background), so a refresh costs one batch, not a re-read of every customer.
  const treeIndex = () => kit.read('customerIndex', 'all', loadIndex, { forceRefresh: false });

  const overdueInvoices = async (day: string = today()) => {
    const literal = dateLiteral(day);
    return kit.read(
      'overdueInvoices',
      day,
      async (signal) => {
        const home = homeCurrency();
        const rows = await client.queryAll('Invoice', qboQueries.overdueInvoices(literal), {
          signal,
          runPage: (page) => kit.upstream('overdueInvoices.page', page),
        });
        const currency = await home;
        return rows.map((inv) => mapInvoice(inv, day, currency));
      },
      read,
    );
  };

  const invoicesByNumber = async (number: string): Promise<Fetched<Invoice[]>> => {
    const n = number.trim().replace(/^#/, '');
    if (!n || n.length > 21) throw new SourceError('quickbooks', 'BAD_REQUEST', 'An invoice number has 1 to 21 characters');
    return kit.read(
      'invoiceNumber',
      n,
      async () => {
        const home = homeCurrency();
        const rows = await kit.upstream('invoiceNumber', (signal) => client.query('Invoice', qboQueries.invoicesNumbered(quote(n)), signal));
        const currency = await home;
        return rows.map((inv) => mapInvoice(inv, today(), currency));
      },
      read,
    );
  };

  return { customer, searchCustomers, customerIndex, overdueInvoices, invoicesByNumber };
}
