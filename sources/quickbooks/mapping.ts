import type { AccountingCustomer, AccountingCustomerRecord, Address, Invoice, InvoiceStatus, Payment, SubCustomerRef } from '../kit/domain.js';
import { mergeById } from '../kit/index-feed.js';
import type { CdcCustomers, QboCustomer, QboInvoice, QboPayment } from './types.js';

const DAY_MS = 86_400_000;
/** Half a cent: money compared below this is equal. */
const CENT = 0.005;

/** A day as QBO dates are written (YYYY-MM-DD, the company's calendar day; UTC here). */
export function isoDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

const orNull = (s: string | undefined | null): string | null => (s && s.trim() ? s : null);

export function mapAddress(a: QboCustomer['BillAddr']): Address | null {
  if (!a) return null;
  const street = [a.Line1, a.Line2, a.Line3].filter((l): l is string => Boolean(l && l.trim())).join(', ');
  const address: Address = {
    street: orNull(street),
    city: orNull(a.City),
    region: orNull(a.CountrySubDivisionCode),
    postalCode: orNull(a.PostalCode),
    country: orNull(a.Country),
  };
  return Object.values(address).some((v) => v !== null) ? address : null;
}

/** A job's name below its top-level customer: the fully qualified name without its first part ("Job:Sub-job"). */
export function subCustomerNameOf(c: QboCustomer): string {
  const fq = c.FullyQualifiedName;
  const cut = fq ? fq.indexOf(':') : -1;
  return cut >= 0 ? fq!.slice(cut + 1) : c.DisplayName;
}

const isJob = (c: QboCustomer) => Boolean(c.ParentRef?.value) || c.Job === true;

/**
 * `fallbackCurrency` is the currency of a record that names none (no CurrencyRef): the company's home currency
 * (Preferences, see the loaders), never an assumed one.
 *
 * `parentId` as ParentRef says: the IMMEDIATE parent. `resolveTopLevel` then lifts it to the top-level customer
 * where the whole list is known.
 */
export function mapCustomer(c: QboCustomer, fallbackCurrency: string): AccountingCustomerRecord {
  const job = isJob(c);
  return {
    id: c.Id,
    displayName: c.DisplayName,
    companyName: orNull(c.CompanyName),
    email: orNull(c.PrimaryEmailAddr?.Address),
    phone: orNull(c.PrimaryPhone?.FreeFormNumber),
    billingAddress: mapAddress(c.BillAddr),
    balance: c.Balance,
    currency: c.CurrencyRef?.value ?? fallbackCurrency,
    active: c.Active,
    parentId: job ? (c.ParentRef?.value ?? null) : null,
    subCustomerName: job ? subCustomerNameOf(c) : null,
    balanceWithSubCustomers: c.BalanceWithJobs ?? c.Balance,
  };
}

/** Each record's `parentId` lifted from its immediate parent to its top-level customer (the tree is at most 5 deep). */
export function resolveTopLevel(records: AccountingCustomerRecord[]): AccountingCustomerRecord[] {
  const byId = new Map(records.map((r) => [r.id, r]));
  return records.map((r) => {
    let top = r.parentId ?? null;
    for (let hops = 0; top && hops < 10; hops++) {
      const up = byId.get(top)?.parentId;
      if (!up) break;
      top = up;
    }
    return top === (r.parentId ?? null) ? r : { ...r, parentId: top };
  });
}

/** What Change Data Capture reported, as index changes: changed customers mapped, deleted ones by id. */
export function mapCustomerChanges(cdc: CdcCustomers, fallbackCurrency: string): { upserts: AccountingCustomerRecord[]; removals: string[] } {
  return { upserts: cdc.changed.map((c) => mapCustomer(c, fallbackCurrency)), removals: cdc.deleted };
}

/** The customer index with changes applied; sub-customers' parents lifted to the top again, as a full read does. */
export function applyCustomerChanges(index: readonly AccountingCustomerRecord[], changes: { upserts: readonly AccountingCustomerRecord[]; removals: readonly string[] }): AccountingCustomerRecord[] {
  return resolveTopLevel(mergeById(index, changes.upserts, changes.removals, (r) => r.id));
}

/** The ids below each top-level customer, from a whole customer list. */
export function descendantsOf(records: readonly AccountingCustomerRecord[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of records) if (r.parentId) out.set(r.parentId, [...(out.get(r.parentId) ?? []), r.id]);
  return out;
}

/** Whole days from `from` to `to` (both YYYY-MM-DD). */
function daysBetween(from: string, to: string): number {
  return Math.floor((Date.parse(to.slice(0, 10)) - Date.parse(from.slice(0, 10))) / DAY_MS);
}

/**
 * Where an invoice stands on `today`:
 * PAID (nothing owed) · OVERDUE (something owed after the due date) · PARTIALLY_PAID (part paid, not yet due) ·
 * SENT (e-mailed or printed, nothing paid, not yet due) · DRAFT (never sent, nothing paid, not yet due).
 */
export function invoiceStanding(inv: QboInvoice, today: string): { status: InvoiceStatus; daysOverdue: number; sent: boolean } {
  const sent = inv.EmailStatus === 'EmailSent' || inv.PrintStatus === 'PrintComplete';
  const owed = inv.Balance > CENT;
  const late = owed && inv.DueDate !== undefined ? daysBetween(inv.DueDate, today) : 0;
  let status: InvoiceStatus;
  if (!owed) status = 'PAID';
  else if (late > 0) status = 'OVERDUE';
  else if (inv.Balance < inv.TotalAmt - CENT) status = 'PARTIALLY_PAID';
  else if (sent) status = 'SENT';
  else status = 'DRAFT';
  return { status, daysOverdue: Math.max(0, late), sent };
}

/** `fallbackCurrency`: the customer's currency (itself the home currency when the customer names none). */
export function mapInvoice(inv: QboInvoice, today: string, fallbackCurrency: string): Invoice {
  const standing = invoiceStanding(inv, today);
  return {
    id: inv.Id,
    customerId: inv.CustomerRef.value,
    number: orNull(inv.DocNumber),
    date: inv.TxnDate,
    dueDate: orNull(inv.DueDate),
    total: inv.TotalAmt,
    balance: inv.Balance,
    currency: inv.CurrencyRef?.value ?? fallbackCurrency,
    status: standing.status,
    daysOverdue: standing.daysOverdue,
    sent: standing.sent,
    memo: orNull(inv.CustomerMemo?.value),
  };
}

export function mapPayment(p: QboPayment, fallbackCurrency: string): Payment {
  const invoiceIds = new Set<string>();
  for (const line of p.Line ?? []) {
    for (const t of line.LinkedTxn ?? []) if (t.TxnType === 'Invoice') invoiceIds.add(t.TxnId);
  }
  return {
    id: p.Id,
    customerId: p.CustomerRef.value,
    date: p.TxnDate,
    amount: p.TotalAmt,
    currency: p.CurrencyRef?.value ?? fallbackCurrency,
    invoiceIds: [...invoiceIds],
  };
}

const newestFirst = <T extends { date: string; id: string }>(a: T, b: T) =>
  b.date.localeCompare(a.date) || Number(b.id) - Number(a.id);

/**
 * Each requested customer with its invoices and payments, newest first; keyed by the QBO customer id. Rows of
 * the customers in `jobsOf` (its sub-customers, at any depth) are put under it, each marked with the job's name;
 * a customer whose tree is involved reports BalanceWithJobs as its balance. A record without CurrencyRef is in
 * its customer's currency, and a customer without one in `homeCurrency` (the company's).
 */
export function assembleCustomers(
  customers: readonly QboCustomer[],
  invoices: readonly QboInvoice[],
  payments: readonly QboPayment[],
  today: string,
  homeCurrency: string,
  jobsOf: ReadonlyMap<string, readonly string[]> = new Map(),
): Map<string, AccountingCustomer> {
  const rows = new Map(customers.map((c) => [c.Id, c]));
  const out = new Map<string, AccountingCustomer>();
  // the entries an invoice or payment of this QBO customer belongs to (its own, and its top-level customer's)
  const homes = new Map<string, { entry: AccountingCustomer; job: SubCustomerRef | null }[]>();
  const addHome = (id: string, entry: AccountingCustomer, job: SubCustomerRef | null) => homes.set(id, [...(homes.get(id) ?? []), { entry, job }]);
  for (const c of customers) {
    const jobs = (jobsOf.get(c.Id) ?? []).map((id) => rows.get(id)).filter((j): j is QboCustomer => j !== undefined);
    const record = mapCustomer(c, homeCurrency);
    const entry: AccountingCustomer = {
      customer: jobs.length ? { ...record, balance: record.balanceWithSubCustomers ?? record.balance } : record,
      invoices: [],
      payments: [],
      ...(jobs.length ? { subCustomers: jobs.map((j) => ({ ...mapCustomer(j, record.currency), parentId: c.Id })) } : {}),
    };
    out.set(c.Id, entry);
    addHome(c.Id, entry, null);
    for (const j of jobs) addHome(j.Id, entry, { id: j.Id, name: subCustomerNameOf(j) });
  }
  for (const inv of invoices) {
    for (const h of homes.get(inv.CustomerRef.value) ?? []) {
      h.entry.invoices.push({ ...mapInvoice(inv, today, h.entry.customer.currency), ...(h.job ? { subCustomer: h.job } : {}) });
    }
  }
  for (const p of payments) {
    for (const h of homes.get(p.CustomerRef.value) ?? []) {
      h.entry.payments.push({ ...mapPayment(p, h.entry.customer.currency), ...(h.job ? { subCustomer: h.job } : {}) });
    }
  }
  for (const entry of out.values()) {
    entry.invoices.sort(newestFirst);
    entry.payments.sort(newestFirst);
  }
  return out;
}
