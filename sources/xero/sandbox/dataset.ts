import { createHash } from 'node:crypto';
import type { QboCustomer, QboInvoice, QboPayment, QuickBooksData } from '../../quickbooks/sandbox/records.js';
import type { XeroContact, XeroInvoice, XeroPayment } from '../types.js';

/**
 * The sandbox's Xero organisation, derived from the same seeded world as its QuickBooks company: the same
 * customers, invoices and payments, as Xero stores them, so that a Xero contact is found for a CRM account the
 * way its QuickBooks customer is (its name, its e-mail's domain). Xero has no sub-customers: a job's invoices and
 * payments are its top-level customer's. Ids are GUIDs derived from the QuickBooks ids (stable for a seed).
 */
export type XeroOrganisation = {
  tenantId: string;
  tenantName: string;
  contacts: XeroContact[];
  invoices: XeroInvoice[];
  payments: XeroPayment[];
};

export const XERO_SANDBOX_TENANT_ID = '70784a63-d24b-46a9-a4db-0e70a274b056';
export const XERO_SANDBOX_TENANT_NAME = 'Panorama Demo Company';

/** A GUID (v5 form) derived from a name: the same QuickBooks record always becomes the same Xero id. */
export function derivedGuid(name: string): string {
  const h = createHash('sha1').update(`panorama-xero-sandbox:${name}`).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** `/Date(1508976000000+0000)/`, as Xero writes dates in JSON. */
export function dotnetDate(ms: number): string {
  return `/Date(${ms}+0000)/`;
}

const dayMs = (day: string) => Date.parse(`${day.slice(0, 10)}T00:00:00Z`);
const updated = (r: { MetaData: { LastUpdatedTime: string } }) => dotnetDate(Date.parse(r.MetaData.LastUpdatedTime));

function rootOf(byId: Map<string, QboCustomer>, c: QboCustomer): QboCustomer {
  let at = c;
  for (let hops = 0; at.ParentRef && hops < 10; hops++) {
    const parent = byId.get(at.ParentRef.value);
    if (!parent) break;
    at = parent;
  }
  return at;
}

function contactOf(c: QboCustomer, overdue: number): XeroContact {
  const a = c.BillAddr;
  return {
    ContactID: derivedGuid(`contact:${c.Id}`),
    ContactStatus: c.Active ? 'ACTIVE' : 'ARCHIVED',
    Name: c.CompanyName ?? c.DisplayName,
    ...(c.PrimaryEmailAddr?.Address ? { EmailAddress: c.PrimaryEmailAddr.Address } : {}),
    IsCustomer: true,
    IsSupplier: false,
    DefaultCurrency: c.CurrencyRef.value,
    Phones: c.PrimaryPhone?.FreeFormNumber ? [{ PhoneType: 'DEFAULT', PhoneNumber: c.PrimaryPhone.FreeFormNumber }] : [],
    Addresses: a
      ? [
          {
            AddressType: 'POBOX',
            ...(a.Line1 ? { AddressLine1: a.Line1 } : {}),
            ...(a.Line2 ? { AddressLine2: a.Line2 } : {}),
            ...(a.City ? { City: a.City } : {}),
            ...(a.CountrySubDivisionCode ? { Region: a.CountrySubDivisionCode } : {}),
            ...(a.PostalCode ? { PostalCode: a.PostalCode } : {}),
            ...(a.Country ? { Country: a.Country } : {}),
          },
        ]
      : [],
    Balances: { AccountsReceivable: { Outstanding: c.BalanceWithJobs, Overdue: overdue } },
    UpdatedDateUTC: updated(c),
  };
}

function invoiceOf(inv: QboInvoice, contact: XeroContact, payments: NonNullable<XeroInvoice['Payments']>): XeroInvoice {
  const paid = inv.Balance <= 0.005;
  return {
    InvoiceID: derivedGuid(`invoice:${inv.Id}`),
    Type: 'ACCREC',
    InvoiceNumber: inv.DocNumber,
    Reference: inv.CustomerMemo?.value ?? '',
    Status: paid ? 'PAID' : 'AUTHORISED',
    Contact: { ContactID: contact.ContactID, Name: contact.Name },
    DateString: `${inv.TxnDate}T00:00:00`,
    Date: dotnetDate(dayMs(inv.TxnDate)),
    DueDateString: `${inv.DueDate}T00:00:00`,
    DueDate: dotnetDate(dayMs(inv.DueDate)),
    Total: inv.TotalAmt,
    AmountDue: paid ? 0 : inv.Balance,
    AmountPaid: Math.round((inv.TotalAmt - inv.Balance) * 100) / 100,
    CurrencyCode: inv.CurrencyRef.value,
    SentToContact: inv.EmailStatus === 'EmailSent',
    Payments: payments,
    UpdatedDateUTC: updated(inv),
  };
}

const cache = new WeakMap<QuickBooksData, { key: string; org: XeroOrganisation }>();

/** The organisation for this QuickBooks company (recomputed when its records change). */
export function xeroOrganisation(qbo: QuickBooksData, today: string): XeroOrganisation {
  // every change moves a record's SyncToken on, also two within the same millisecond of the sandbox's clock
  const versions = [...qbo.customers, ...qbo.invoices].reduce((n, r) => n + Number(r.SyncToken ?? 0), 0);
  const key = `${today}:${qbo.customers.length}:${qbo.invoices.length}:${qbo.payments.length}:${versions}:${[...qbo.customers, ...qbo.invoices].reduce((m, r) => (r.MetaData.LastUpdatedTime > m ? r.MetaData.LastUpdatedTime : m), '')}`;
  const hit = cache.get(qbo);
  if (hit && hit.key === key) return hit.org;

  const byId = new Map(qbo.customers.map((c) => [c.Id, c]));
  const roots = qbo.customers.filter((c) => !c.ParentRef);
  const overdueOf = new Map<string, number>();
  for (const inv of qbo.invoices) {
    const root = byId.get(inv.CustomerRef.value);
    if (!root || inv.Balance <= 0 || inv.DueDate >= today) continue;
    const id = rootOf(byId, root).Id;
    overdueOf.set(id, (overdueOf.get(id) ?? 0) + inv.Balance);
  }
  const contactByQbo = new Map(roots.map((c) => [c.Id, contactOf(c, Math.round((overdueOf.get(c.Id) ?? 0) * 100) / 100)]));
  const contactFor = (customerId: string) => {
    const c = byId.get(customerId);
    return c ? contactByQbo.get(rootOf(byId, c).Id) : undefined;
  };

  const paymentsOf = new Map<string, { p: QboPayment; amount: number }[]>();
  for (const p of qbo.payments) {
    for (const line of p.Line) {
      for (const t of line.LinkedTxn) {
        const list = paymentsOf.get(t.TxnId) ?? [];
        list.push({ p, amount: line.Amount });
        paymentsOf.set(t.TxnId, list);
      }
    }
  }
  const invoices: XeroInvoice[] = [];
  const payments: XeroPayment[] = [];
  for (const inv of qbo.invoices) {
    const contact = contactFor(inv.CustomerRef.value);
    if (!contact) continue;
    const applied = (paymentsOf.get(inv.Id) ?? []).map(({ p, amount }) => ({
      PaymentID: derivedGuid(`payment:${p.Id}:${inv.Id}`),
      Date: dotnetDate(dayMs(p.TxnDate)),
      Amount: amount,
      Reference: `Payment ${p.Id}`,
    }));
    const xi = invoiceOf(inv, contact, applied);
    invoices.push(xi);
    for (const a of applied) {
      payments.push({
        PaymentID: a.PaymentID,
        Date: a.Date,
        Amount: a.Amount,
        Status: 'AUTHORISED',
        PaymentType: 'ACCRECPAYMENT',
        Invoice: { InvoiceID: xi.InvoiceID, InvoiceNumber: xi.InvoiceNumber, CurrencyCode: xi.CurrencyCode, Contact: { ContactID: contact.ContactID, Name: contact.Name } },
        UpdatedDateUTC: xi.UpdatedDateUTC,
      });
    }
  }
  const org = { tenantId: XERO_SANDBOX_TENANT_ID, tenantName: XERO_SANDBOX_TENANT_NAME, contacts: [...contactByQbo.values()], invoices, payments };
  cache.set(qbo, { key, org });
  return org;
}
