import type { AccountingCustomer, Address, CrmCustomer, SupportCustomer } from '../sources/kit/domain.js';
import type { SourceId } from '../sources/kit/errors.js';
import { domainOf } from '../sources/kit/names.js';

/**
 * The one table that names the system of record for each field group. A mastered value is always shown from its
 * system of record; what the other systems hold, when it differs, is returned beside it as a conflict.
 */
export const SYSTEM_OF_RECORD = {
  identity: 'salesforce',
  contacts: 'salesforce',
  address: 'salesforce',
  email: 'salesforce',
  deals: 'salesforce',
  invoices: 'quickbooks',
  payments: 'quickbooks',
  balance: 'quickbooks',
  projectStatus: 'asana',
  milestones: 'asana',
  tickets: 'zendesk',
} as const satisfies Record<string, SourceId>;

export type FieldGroup = keyof typeof SYSTEM_OF_RECORD;

export type MasteredField = 'name' | 'billingAddress' | 'email' | 'domain';

const FIELD_GROUP: Record<MasteredField, FieldGroup> = {
  name: 'identity',
  billingAddress: 'address',
  email: 'email',
  domain: 'identity',
};

export type OtherValue = { source: SourceId; recordId: string; value: string };

export type Mastered = {
  field: MasteredField;
  group: FieldGroup;
  source: SourceId;
  recordId: string;
  value: string | null;
  /** Values other systems hold for the same field that differ from the system of record's. */
  conflicts: OtherValue[];
};

export function formatAddress(a: Address | null): string | null {
  if (!a) return null;
  const s = [a.street, a.city, [a.region, a.postalCode].filter(Boolean).join(' '), a.country].filter((p) => p && p.trim()).join(', ');
  return s || null;
}

const COUNTRY_ALIASES: Record<string, string> = { usa: 'us', 'united states': 'us', 'united states of america': 'us', uk: 'gb', 'united kingdom': 'gb' };

/** Two addresses are the same when they differ only in case, spacing, punctuation or the country's spelling. */
export function sameAddress(a: Address, b: Address): boolean {
  const norm = (s: string | null) => (s ?? '').toLowerCase().replace(/[.,#]/g, ' ').replace(/\s+/g, ' ').trim();
  const country = (s: string | null) => COUNTRY_ALIASES[norm(s)] ?? norm(s);
  return (
    norm(a.street) === norm(b.street) &&
    norm(a.city) === norm(b.city) &&
    norm(a.region) === norm(b.region) &&
    norm(a.postalCode).replace(/\s/g, '') === norm(b.postalCode).replace(/\s/g, '') &&
    country(a.country) === country(b.country)
  );
}

export type LinkedRecords = {
  crm: CrmCustomer | null;
  accounting: AccountingCustomer | null;
  support: SupportCustomer | null;
  /** True only for exact-id links: a probable link's name differs by construction, so it is not a conflict. */
  accountingExact: boolean;
};

/**
 * Resolves the mastered fields of one customer from whatever sections loaded. Without the system of record
 * (the CRM down), no value is mastered: Panorama does not promote another system's value silently.
 */
export function resolveMastered(r: LinkedRecords, normaliseName: (s: string) => string): Mastered[] {
  if (!r.crm) return [];
  const account = r.crm.account;
  const out: Mastered[] = [];
  const push = (field: MasteredField, value: string | null, conflicts: OtherValue[]) =>
    out.push({ field, group: FIELD_GROUP[field], source: SYSTEM_OF_RECORD[FIELD_GROUP[field]], recordId: account.id, value, conflicts });

  const nameConflicts: OtherValue[] = [];
  if (r.accounting && r.accountingExact && normaliseName(r.accounting.customer.displayName) !== normaliseName(account.name)) {
    nameConflicts.push({ source: 'quickbooks', recordId: r.accounting.customer.id, value: r.accounting.customer.displayName });
  }
  push('name', account.name, nameConflicts);

  const addressConflicts: OtherValue[] = [];
  const qboAddress = r.accounting?.customer.billingAddress;
  if (account.billingAddress && qboAddress && !sameAddress(account.billingAddress, qboAddress)) {
    addressConflicts.push({ source: 'quickbooks', recordId: r.accounting!.customer.id, value: formatAddress(qboAddress)! });
  }
  push('billingAddress', formatAddress(account.billingAddress), addressConflicts);

  const primary = r.crm.contacts.find((c) => c.primary) ?? r.crm.contacts[0] ?? null;
  const crmEmail = primary?.email?.toLowerCase() ?? null;
  const qboEmail = r.accounting?.customer.email?.toLowerCase() ?? null;
  push(
    'email',
    crmEmail,
    crmEmail && qboEmail && crmEmail !== qboEmail ? [{ source: 'quickbooks', recordId: r.accounting!.customer.id, value: qboEmail }] : [],
  );

  const domain = domainOf(account.website);
  const supportDomains = r.support?.organization.domains.map((d) => d.toLowerCase()) ?? [];
  push(
    'domain',
    domain,
    domain && supportDomains.length && !supportDomains.includes(domain)
      ? [{ source: 'zendesk', recordId: r.support!.organization.id, value: supportDomains.join(', ') }]
      : [],
  );
  return out;
}
