import type { SourceCategory, Systems } from '../sources/kit/contract.js';
import type { AccountingCustomer, Address, CrmCustomer, SupportCustomer } from '../sources/kit/domain.js';
import type { SourceId } from '../sources/kit/errors.js';
import type { CountryCode } from 'libphonenumber-js';
import { domainOf } from '../sources/kit/names.js';
import { compareAddress, compareDomain, compareEmail, compareName, comparePhone, type Comparison, type ConflictRule, type Severity } from './conflict-rules.js';

/**
 * The one table that names the system of record for each field group. A mastered value is always shown from its
 * system of record; what the other systems hold, when it differs, is returned beside it as a conflict.
 */
export const SYSTEM_OF_RECORD = {
  identity: 'crm',
  contacts: 'crm',
  address: 'crm',
  email: 'crm',
  deals: 'crm',
  invoices: 'accounting',
  payments: 'accounting',
  balance: 'accounting',
  projectStatus: 'projects',
  milestones: 'projects',
  tickets: 'support',
} as const satisfies Record<string, SourceCategory>;

export type FieldGroup = keyof typeof SYSTEM_OF_RECORD;

export type MasteredField = 'name' | 'billingAddress' | 'email' | 'phone' | 'domain';

const FIELD_GROUP: Record<MasteredField, FieldGroup> = {
  name: 'identity',
  billingAddress: 'address',
  email: 'email',
  phone: 'contacts',
  domain: 'identity',
};

/** Another system's value for a mastered field, and the rule that compared it with the system of record's. */
export type OtherValue = { source: SourceId; recordId: string; value: string; rule: ConflictRule; severity: Severity | null };

export type Mastered = {
  field: MasteredField;
  group: FieldGroup;
  source: SourceId;
  recordId: string;
  value: string | null;
  /** Values other systems hold that differ materially from the system of record's: each one is a flag. */
  conflicts: OtherValue[];
  /** Values that are the same thing written differently: shown quietly, never a flag, never health. */
  formattedDifferently: OtherValue[];
};

export function formatAddress(a: Address | null): string | null {
  if (!a) return null;
  const s = [a.street, a.city, [a.region, a.postalCode].filter(Boolean).join(' '), a.country].filter((p) => p && p.trim()).join(', ');
  return s || null;
}

export type LinkedRecords = {
  crm: CrmCustomer | null;
  accounting: AccountingCustomer | null;
  support: SupportCustomer | null;
  /** True only for exact-id links: a probable link's name differs by construction, so it is not a conflict. */
  accountingExact: boolean;
};

/**
 * Resolves the mastered fields of one customer from whatever sections loaded, each other system's value compared
 * by its field's rule (`conflict-rules.ts`). Without the system of record (the CRM down), no value is mastered:
 * Panorama does not promote another system's value silently.
 */
export function resolveMastered(r: LinkedRecords, opts: { defaultPhoneRegion: CountryCode; systems: Systems }): Mastered[] {
  const sys = opts.systems;
  if (!r.crm) return [];
  const account = r.crm.account;
  const out: Mastered[] = [];
  const field = (f: MasteredField, value: string | null, others: { source: SourceId; recordId: string; value: string; compared: Comparison }[]) => {
    const material = others.filter((o) => o.compared.difference === 'MATERIAL');
    const cosmetic = others.filter((o) => o.compared.difference === 'COSMETIC');
    const strip = (o: (typeof others)[number]): OtherValue => ({ source: o.source, recordId: o.recordId, value: o.value, rule: o.compared.rule, severity: o.compared.severity });
    out.push({ field: f, group: FIELD_GROUP[f], source: sys[SYSTEM_OF_RECORD[FIELD_GROUP[f]]].id, recordId: account.id, value, conflicts: material.map(strip), formattedDifferently: cosmetic.map(strip) });
  };
  const qbo = r.accounting?.customer ?? null;
  const fromQbo = (value: string | null | undefined, compare: (v: string) => Comparison) =>
    qbo && value ? [{ source: sys.accounting.id, recordId: qbo.id, value, compared: compare(value) }] : [];

  field('name', account.name, r.accountingExact ? fromQbo(qbo?.displayName, (v) => compareName(account.name, v)) : []);

  const qboAddress = qbo?.billingAddress ?? null;
  field(
    'billingAddress',
    formatAddress(account.billingAddress),
    account.billingAddress && qboAddress ? fromQbo(formatAddress(qboAddress), () => compareAddress(account.billingAddress!, qboAddress)) : [],
  );

  const primary = r.crm.contacts.find((c) => c.primary) ?? r.crm.contacts[0] ?? null;
  const crmEmail = primary?.email?.trim() ?? null;
  field('email', crmEmail, crmEmail ? fromQbo(qbo?.email?.trim(), (v) => compareEmail(crmEmail, v)) : []);

  const phone = account.phone?.trim() || null;
  field('phone', phone, phone ? fromQbo(qbo?.phone?.trim(), (v) => comparePhone(phone, v, opts.defaultPhoneRegion)) : []);

  const domain = domainOf(account.website);
  const supportDomains = r.support?.organization.domains.map((d) => d.toLowerCase()) ?? [];
  field(
    'domain',
    domain,
    domain && supportDomains.length
      ? [{ source: sys.support.id, recordId: r.support!.organization.id, value: supportDomains.join(', '), compared: compareDomain(domain, supportDomains) }]
      : [],
  );
  return out;
}
