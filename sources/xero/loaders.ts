import DataLoader from 'dataloader';
import { dateOf } from '../kit/clock.js';
import type { AccountingLoaders, LoaderContext } from '../kit/contract.js';
import type { AccountingCustomer, AccountingCustomerRecord, Fetched, Invoice } from '../kit/domain.js';
import { SourceError } from '../kit/errors.js';
import type { XeroClient } from './client.server.js';
import { assembleCustomers, countsAsSalesInvoice, mapContact, mapInvoice, paymentsOfInvoices } from './mapping.js';
import { customersWhere, invalidIdError, isXeroId, quote, salesInvoicesWhere } from './where.js';

/** Contacts per batch: their ids (and again as ContactIDs for their invoices) stay well inside a URL's length. */
export const MAX_IDS_PER_BATCH = 50;
export const MAX_SEARCH_RESULTS = 100;
const MAX_SEARCH_TEXT = 200;

/** What the module's loaders work with: the client and the currency of a contact that names none. */
export type XeroSource = { api: XeroClient; baseCurrency: string };

/** `DueDate<DateTime(2026,12,03)`: Xero's filter form for a date. */
export function dueBefore(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) throw new SourceError('xero', 'BAD_REQUEST', `Not a day: ${day}`);
  return `DueDate<DateTime(${m[1]},${m[2]},${m[3]})`;
}

/**
 * The accounting loaders over Xero, the same shape as every accounting module's. Every request goes through the
 * kit (cached per the module's policies, timed out, retried, behind the breaker, the budget and the rate-limit
 * gate); `forceRefresh` skips the cache. A customer's billing is two requests per batch of contacts: the contacts
 * by `IDs`, and their sales invoices by `ContactIDs` (each with its payments, which the Invoices answer carries).
 */
export function createLoaders({ client, kit, ...opts }: LoaderContext<XeroSource>): AccountingLoaders {
  const { api, baseCurrency } = client;
  const today = opts.today ?? (() => dateOf(kit.clock).toISOString().slice(0, 10));
  const read = { forceRefresh: opts.forceRefresh };
  const page = (operation: string) => <R>(run: (signal: AbortSignal) => Promise<R>) => kit.upstream(operation, run);

  const loadCustomers = async (ids: readonly string[], signal: AbortSignal): Promise<Map<string, AccountingCustomer>> => {
    const contacts = await api.contacts({ ids, signal });
    const invoices = contacts.length ? await api.invoices({ contactIds: contacts.map((c) => c.ContactID), where: salesInvoicesWhere(), signal }) : [];
    return assembleCustomers(contacts, invoices, paymentsOfInvoices(invoices), today(), baseCurrency);
  };

  const batched = kit.loader<AccountingCustomer>('customer', loadCustomers, { ...read, maxBatchSize: MAX_IDS_PER_BATCH });
  // A malformed id is refused here, before anything is sent, and never fails its batch-mates.
  const customer = new DataLoader<string, Fetched<AccountingCustomer>>(async (ids) => {
    const valid = ids.filter(isXeroId).map((id) => id.toLowerCase());
    const loaded = valid.length ? await batched.loadMany(valid) : [];
    const byId = new Map(valid.map((id, i) => [id, loaded[i]!]));
    return ids.map((id) => byId.get(id.toLowerCase()) ?? invalidIdError());
  });

  const searchCustomers = async (text: string, limit: number): Promise<Fetched<AccountingCustomerRecord[]>> => {
    const needle = text.trim();
    if (needle.length > MAX_SEARCH_TEXT) throw new SourceError('xero', 'BAD_REQUEST', `Search text is longer than ${MAX_SEARCH_TEXT} characters`);
    const n = Math.min(MAX_SEARCH_RESULTS, Math.max(1, Math.floor(limit) || 1));
    // refused (BAD_REQUEST) before the read when the text cannot go into a filter
    const where = needle ? customersWhere(needle) : null;
    return kit.read(
      'search',
      `${n}:${needle.toLowerCase()}`,
      async () => {
        if (!where) return [];
        const rows = await api.contacts({ where, runPage: page('search') });
        return rows.slice(0, n).map((c) => mapContact(c, baseCurrency));
      },
      read,
    );
  };

  const customerIndex = () =>
    kit.read(
      'customerIndex',
      'all',
      async () => (await api.contacts({ where: customersWhere(), runPage: page('customerIndex.page') })).map((c) => mapContact(c, baseCurrency)),
      read,
    );

  const overdueInvoices = async (day: string = today()): Promise<Fetched<Invoice[]>> => {
    const where = salesInvoicesWhere('Status=="AUTHORISED"', dueBefore(day));
    return kit.read(
      'overdueInvoices',
      day,
      async () => {
        const rows = await api.invoices({ where, runPage: page('overdueInvoices.page') });
        return rows
          .filter(countsAsSalesInvoice)
          .map((inv) => mapInvoice(inv, day, baseCurrency))
          .filter((inv) => inv.status === 'OVERDUE');
      },
      read,
    );
  };

  const invoicesByNumber = async (number: string): Promise<Fetched<Invoice[]>> => {
    const n = number.trim().replace(/^#/, '');
    if (!n || n.length > 255) throw new SourceError('xero', 'BAD_REQUEST', 'An invoice number has 1 to 255 characters');
    // the same characters a filter refuses are refused here (a comma would split the parameter)
    quote(n);
    if (n.includes(',')) throw new SourceError('xero', 'BAD_REQUEST', 'An invoice number may not contain a comma');
    return kit.read(
      'invoiceNumber',
      n,
      async () => {
        const rows = await api.invoices({ invoiceNumbers: [n], where: salesInvoicesWhere(), runPage: page('invoiceNumber') });
        return rows.filter(countsAsSalesInvoice).map((inv) => mapInvoice(inv, today(), baseCurrency));
      },
      read,
    );
  };

  return { customer, searchCustomers, customerIndex, overdueInvoices, invoicesByNumber };
}
