import type { AccountingCustomer, AccountingCustomerRecord, Address, Invoice, InvoiceStatus, Payment } from '../kit/domain.js';
import type { QboCustomer, QboInvoice, QboPayment } from './types.js';

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

export function mapCustomer(c: QboCustomer, fallbackCurrency = 'USD'): AccountingCustomerRecord {
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
  };
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

export function mapInvoice(inv: QboInvoice, today: string, fallbackCurrency = 'USD'): Invoice {
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

export function mapPayment(p: QboPayment, fallbackCurrency = 'USD'): Payment {
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

/** Each customer with its own invoices and payments, newest first; keyed by the QBO customer id. */
export function assembleCustomers(
  customers: readonly QboCustomer[],
  invoices: readonly QboInvoice[],
  payments: readonly QboPayment[],
  today: string,
): Map<string, AccountingCustomer> {
  const out = new Map<string, AccountingCustomer>();
  for (const c of customers) out.set(c.Id, { customer: mapCustomer(c), invoices: [], payments: [] });
  for (const inv of invoices) {
    const entry = out.get(inv.CustomerRef.value);
    entry?.invoices.push(mapInvoice(inv, today, entry.customer.currency));
  }
  for (const p of payments) {
    const entry = out.get(p.CustomerRef.value);
    entry?.payments.push(mapPayment(p, entry.customer.currency));
  }
  for (const entry of out.values()) {
    entry.invoices.sort(newestFirst);
    entry.payments.sort(newestFirst);
  }
  return out;
}
