import type { AccountingCustomer, AccountingCustomerRecord, Address, Invoice, InvoiceStatus, Payment } from '../kit/domain.js';
import type { XeroContact, XeroInvoice, XeroPayment } from './types.js';

const DAY_MS = 86_400_000;
/** Half a cent: money compared below this is equal. */
const CENT = 0.005;

const DOTNET_DATE = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/;
const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * A Xero date as an instant. Xero writes dates two ways: the .NET JSON form `/Date(1419937200000+0000)/`
 * (milliseconds since the epoch, UTC; the offset is informational) and ISO-8601 (`2023-08-15T14:30:25`, no zone
 * meaning UTC). Anything else is `null`, never a guess.
 */
export function parseXeroDate(value: string | undefined | null): Date | null {
  if (!value) return null;
  const dotnet = DOTNET_DATE.exec(value);
  if (dotnet) return new Date(Number(dotnet[1]));
  if (!ISO.test(value)) return null;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(value) && value.includes('T');
  const t = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : hasZone ? value : `${value}Z`);
  return Number.isNaN(t) ? null : new Date(t);
}

/** The calendar day (YYYY-MM-DD, UTC) of a Xero date, or null. */
export function xeroDay(value: string | undefined | null): string | null {
  const d = parseXeroDate(value);
  return d ? d.toISOString().slice(0, 10) : null;
}

const orNull = (s: string | undefined | null): string | null => (s && s.trim() ? s.trim() : null);

/** The billing address: Xero's POBOX address (its postal/billing address), else STREET. */
export function mapAddress(addresses: XeroContact['Addresses']): Address | null {
  const list = addresses ?? [];
  const a = list.find((x) => x.AddressType === 'POBOX') ?? list.find((x) => x.AddressType === 'STREET') ?? list[0];
  if (!a) return null;
  const street = [a.AddressLine1, a.AddressLine2, a.AddressLine3, a.AddressLine4].filter((l): l is string => Boolean(l && l.trim())).join(', ');
  const address: Address = {
    street: orNull(street),
    city: orNull(a.City),
    region: orNull(a.Region),
    postalCode: orNull(a.PostalCode),
    country: orNull(a.Country),
  };
  return Object.values(address).some((v) => v !== null) ? address : null;
}

/** The DEFAULT phone (else the first with a number), written as country, area and number. */
export function mapPhone(phones: XeroContact['Phones']): string | null {
  const list = (phones ?? []).filter((p) => orNull(p.PhoneNumber));
  const p = list.find((x) => x.PhoneType === 'DEFAULT') ?? list[0];
  if (!p) return null;
  return [p.PhoneCountryCode ? `+${p.PhoneCountryCode.replace(/^\+/, '')}` : null, orNull(p.PhoneAreaCode), orNull(p.PhoneNumber)]
    .filter(Boolean)
    .join(' ');
}

export function mapContact(c: XeroContact, fallbackCurrency: string): AccountingCustomerRecord {
  return {
    id: c.ContactID.toLowerCase(),
    displayName: c.Name,
    companyName: orNull(c.Name),
    email: orNull(c.EmailAddress),
    phone: mapPhone(c.Phones),
    billingAddress: mapAddress(c.Addresses),
    balance: c.Balances?.AccountsReceivable?.Outstanding ?? 0,
    currency: c.DefaultCurrency ?? fallbackCurrency,
    active: c.ContactStatus === undefined || c.ContactStatus === 'ACTIVE',
    parentId: null,
    subCustomerName: null,
  };
}

function daysBetween(from: string, to: string): number {
  return Math.floor((Date.parse(to) - Date.parse(from)) / DAY_MS);
}

/**
 * Where a sales invoice stands on `today` (YYYY-MM-DD), in the same words as every accounting module:
 * PAID (nothing due, or Xero says PAID) · OVERDUE (something due after DueDate) · PARTIALLY_PAID (part paid,
 * not yet due) · SENT (AUTHORISED, or marked sent to the contact) · DRAFT (DRAFT or SUBMITTED for approval).
 */
export function invoiceStanding(inv: XeroInvoice, today: string): { status: InvoiceStatus; daysOverdue: number; sent: boolean } {
  const approved = inv.Status === 'AUTHORISED' || inv.Status === 'PAID';
  const sent = approved || inv.SentToContact === true;
  const owed = inv.Status !== 'PAID' && inv.AmountDue > CENT;
  const due = xeroDay(inv.DueDate);
  const late = owed && approved && due ? daysBetween(due, today) : 0;
  let status: InvoiceStatus;
  if (!owed) status = 'PAID';
  else if (late > 0) status = 'OVERDUE';
  else if (inv.AmountDue < inv.Total - CENT) status = 'PARTIALLY_PAID';
  else if (approved) status = 'SENT';
  else status = 'DRAFT';
  return { status, daysOverdue: Math.max(0, late), sent };
}

/** Only sales invoices (ACCREC) that count: VOIDED and DELETED ones are not money anyone owes. */
export function countsAsSalesInvoice(inv: XeroInvoice): boolean {
  return inv.Type === 'ACCREC' && inv.Status !== 'VOIDED' && inv.Status !== 'DELETED';
}

export function mapInvoice(inv: XeroInvoice, today: string, fallbackCurrency: string): Invoice {
  const standing = invoiceStanding(inv, today);
  return {
    id: inv.InvoiceID.toLowerCase(),
    customerId: inv.Contact.ContactID.toLowerCase(),
    number: orNull(inv.InvoiceNumber),
    date: xeroDay(inv.Date) ?? xeroDay(inv.DateString) ?? today,
    dueDate: xeroDay(inv.DueDate) ?? xeroDay(inv.DueDateString),
    total: inv.Total,
    balance: inv.Status === 'PAID' ? 0 : inv.AmountDue,
    currency: inv.CurrencyCode ?? fallbackCurrency,
    status: standing.status,
    daysOverdue: standing.daysOverdue,
    sent: standing.sent,
    memo: orNull(inv.Reference),
  };
}

/** A payment against one invoice (Xero payments are per invoice); its customer is the invoice's contact. */
export function mapPayment(p: XeroPayment, fallbackCurrency: string): Payment | null {
  const contactId = p.Invoice.Contact?.ContactID;
  const date = xeroDay(p.Date);
  if (!contactId || !date || p.Status === 'DELETED') return null;
  return {
    id: p.PaymentID.toLowerCase(),
    customerId: contactId.toLowerCase(),
    date,
    amount: p.Amount,
    currency: p.Invoice.CurrencyCode ?? fallbackCurrency,
    invoiceIds: [p.Invoice.InvoiceID.toLowerCase()],
  };
}

const newestFirst = <T extends { date: string; id: string }>(a: T, b: T) => b.date.localeCompare(a.date) || b.id.localeCompare(a.id);

/** Each requested contact with its sales invoices and payments, newest first; keyed by the (lower-case) ContactID. */
export function assembleCustomers(
  contacts: readonly XeroContact[],
  invoices: readonly XeroInvoice[],
  payments: readonly XeroPayment[],
  today: string,
  baseCurrency: string,
): Map<string, AccountingCustomer> {
  const out = new Map<string, AccountingCustomer>();
  for (const c of contacts) {
    const record = mapContact(c, baseCurrency);
    out.set(record.id, { customer: record, invoices: [], payments: [] });
  }
  for (const inv of invoices) {
    if (!countsAsSalesInvoice(inv)) continue;
    const entry = out.get(inv.Contact.ContactID.toLowerCase());
    if (entry) entry.invoices.push(mapInvoice(inv, today, entry.customer.currency));
  }
  for (const p of payments) {
    const entry = p.Invoice.Contact ? out.get(p.Invoice.Contact.ContactID.toLowerCase()) : undefined;
    const mapped = entry ? mapPayment(p, entry.customer.currency) : null;
    if (entry && mapped) entry.payments.push(mapped);
  }
  for (const entry of out.values()) {
    entry.invoices.sort(newestFirst);
    entry.payments.sort(newestFirst);
  }
  return out;
}

/**
 * The payments of these invoices, as the Invoices list carries them (each invoice's `Payments`): Xero applies a
 * payment to one invoice, so its customer is that invoice's contact and its currency the invoice's.
 */
export function paymentsOfInvoices(invoices: readonly XeroInvoice[]): XeroPayment[] {
  return invoices.flatMap((inv) =>
    (inv.Payments ?? []).map((p) => ({
      PaymentID: p.PaymentID,
      Date: p.Date,
      Amount: p.Amount,
      Invoice: { InvoiceID: inv.InvoiceID, InvoiceNumber: inv.InvoiceNumber, CurrencyCode: inv.CurrencyCode, Contact: inv.Contact },
    })),
  );
}
