/** Salesforce records → Panorama's CRM types. Pure functions; the only place Salesforce field names are read. */
import type { Address, CrmAccount, CrmContact, CrmCustomer, CrmOpportunity, CrmUnmapped, DealOutcome, Person } from '../kit/domain.js';
import { ResponseShapeError } from '../kit/http.js';
import type {
  SfAccountIndexRecord,
  SfAccountRecord,
  SfAccountWithChildren,
  SfContactRecord,
  SfOpportunityRecord,
  SfUserRef,
} from './types.js';
import { sfCustomBooleanSchema, sfCustomTextSchema } from './types.js';

/**
 * The custom field names a query selected (null: not selected, because the mapping is off or missing), and
 * `dealCurrency`: CurrencyIsoCode when the org is multi-currency and the query selected it (else absent or null).
 */
export type SalesforceFieldNames = { accountingId: string | null; tier: string | null; primaryContact: string | null; dealCurrency?: string | null };
export const DEFAULT_FIELD_NAMES: SalesforceFieldNames = { accountingId: 'QuickBooks_Customer_Id__c', tier: 'Tier__c', primaryContact: 'Primary__c' };

/** A custom text (or number) field's value; a value of another type is a changed API, not a blank. */
function customText(r: Record<string, unknown>, field: string | null): string | null {
  if (!field) return null;
  const v = sfCustomTextSchema.safeParse(r[field]);
  if (!v.success) throw new ResponseShapeError('Salesforce record', [`${field}: not text`]);
  return v.data === null || v.data === undefined ? null : blank(String(v.data));
}

function customBoolean(r: Record<string, unknown>, field: string | null): boolean | null {
  if (!field) return null;
  const v = sfCustomBooleanSchema.safeParse(r[field]);
  if (!v.success) throw new ResponseShapeError('Salesforce record', [`${field}: not a checkbox`]);
  return v.data ?? null;
}

/** The features a record was read without. */
export function unmappedOf(fields: SalesforceFieldNames): CrmUnmapped[] {
  const out: CrmUnmapped[] = [];
  if (!fields.tier) out.push('TIER');
  if (!fields.primaryContact) out.push('PRIMARY_CONTACT');
  if (!fields.accountingId) out.push('ACCOUNTING_ID');
  return out;
}

/** For the integration register: what is read from Salesforce and how it becomes Panorama's types. */
export const SALESFORCE_READS = [
  'Account: name, website, phone, industry, tier (Tier__c), billing and shipping address, owner, QuickBooks customer id (QuickBooks_Customer_Id__c), created and modified dates',
  'Contact: name, title, e-mail, phone, primary flag (Primary__c), by account; and, for a search, the contacts whose name or e-mail contains the text or whose phone ends in its last four digits',
  'Opportunity: name, stage, amount and, in a multi-currency org, its currency (CurrencyIsoCode), close date, closed/won flags, owner, by account',
  "Organization: the org's currency (DefaultCurrencyIsoCode), in a single-currency org only, once, cached 6 h",
  'User: name and e-mail of record owners (through the Owner relationship only)',
];
export const SALESFORCE_TRANSFORMS = [
  'Account → CrmAccount: address fields grouped into billing/shipping addresses (null when empty), Tier__c → tier, QuickBooks_Customer_Id__c → accountingCustomerId, Salesforce timestamps → ISO 8601 UTC, blank strings → null',
  'Contact → CrmContact: Primary__c → primary (primary contact first)',
  'Opportunity → CrmOpportunity: IsWon → WON, IsClosed without IsWon → LOST, otherwise OPEN (latest close date first)',
  "Deal amounts carry their currency: CurrencyIsoCode where describe says Opportunity has it (a multi-currency org), else the org's Organization.DefaultCurrencyIsoCode; while that cannot be read, SALESFORCE_DEFAULT_CURRENCY (unset: no currency), and before describe has answered, no currency — never an assumed one",
  'Owner relationship → Person (id, name, e-mail)',
  'Ids normalised to the 18-character form; 15-character and any-case 18-character ids accepted',
];

/** The slice of an account the identity heuristics need (website domain, legal name, accounting id). */
export type { CrmAccountIndexEntry } from '../kit/domain.js';
import type { CrmAccountIndexEntry } from '../kit/domain.js';

const blank = (s: string | null | undefined): string | null => {
  const t = s?.trim();
  return t ? t : null;
};

/** Salesforce writes `2026-01-31T10:00:00.000+0000`; Panorama speaks ISO 8601 in UTC. */
export function toIsoDateTime(value: string): string {
  const ms = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}

export function mapAddress(parts: {
  street: string | null;
  city: string | null;
  region: string | null;
  postalCode: string | null;
  country: string | null;
}): Address | null {
  const a: Address = {
    street: blank(parts.street),
    city: blank(parts.city),
    region: blank(parts.region),
    postalCode: blank(parts.postalCode),
    country: blank(parts.country),
  };
  return Object.values(a).some((v) => v !== null) ? a : null;
}

export function mapOwner(ownerId: string | null, owner: SfUserRef): Person | null {
  if (!ownerId || !owner) return null;
  return { id: ownerId, name: owner.Name, email: blank(owner.Email) };
}

export function mapAccount(r: SfAccountRecord, fields: SalesforceFieldNames = DEFAULT_FIELD_NAMES): CrmAccount {
  return {
    id: r.Id,
    name: r.Name,
    website: blank(r.Website),
    phone: blank(r.Phone),
    industry: blank(r.Industry),
    tier: customText(r, fields.tier),
    billingAddress: mapAddress({
      street: r.BillingStreet,
      city: r.BillingCity,
      region: r.BillingState,
      postalCode: r.BillingPostalCode,
      country: r.BillingCountry,
    }),
    shippingAddress: mapAddress({
      street: r.ShippingStreet,
      city: r.ShippingCity,
      region: r.ShippingState,
      postalCode: r.ShippingPostalCode,
      country: r.ShippingCountry,
    }),
    owner: mapOwner(r.OwnerId, r.Owner),
    accountingCustomerId: customText(r, fields.accountingId),
    createdAt: toIsoDateTime(r.CreatedDate),
    updatedAt: toIsoDateTime(r.LastModifiedDate),
  };
}

export function mapContact(r: SfContactRecord, accountId: string, fields: SalesforceFieldNames = DEFAULT_FIELD_NAMES): CrmContact {
  return {
    id: r.Id,
    accountId: r.AccountId ?? accountId,
    name: r.Name,
    title: blank(r.Title),
    email: blank(r.Email),
    phone: blank(r.Phone),
    primary: customBoolean(r, fields.primaryContact) === true,
  };
}

export function dealOutcome(isClosed: boolean, isWon: boolean): DealOutcome {
  if (isWon) return 'WON';
  return isClosed ? 'LOST' : 'OPEN';
}

/**
 * `orgCurrency`: the currency of a deal whose record names none (a single-currency org's one currency), or null
 * when it is not known.
 */
export function mapOpportunity(r: SfOpportunityRecord, accountId: string, fields: SalesforceFieldNames = DEFAULT_FIELD_NAMES, orgCurrency: string | null = null): CrmOpportunity {
  const own = customText(r, fields.dealCurrency ?? null);
  return {
    id: r.Id,
    accountId: r.AccountId ?? accountId,
    name: r.Name,
    stage: r.StageName,
    amount: r.Amount,
    currency: own ? own.toUpperCase() : orgCurrency,
    closeDate: blank(r.CloseDate),
    outcome: dealOutcome(r.IsClosed, r.IsWon),
    owner: mapOwner(r.OwnerId, r.Owner),
  };
}

/**
 * Without a primary-contact field, the contact added first (earliest CreatedDate, then by id) is the primary one:
 * a stated rule rather than none, so the page still leads with one person.
 */
export function mapCustomer(r: SfAccountWithChildren, fields: SalesforceFieldNames = DEFAULT_FIELD_NAMES, orgCurrency: string | null = null): CrmCustomer {
  const contacts = (r.Contacts?.records ?? []).map((c) => mapContact(c, r.Id, fields));
  if (!fields.primaryContact && contacts.length) {
    const records = r.Contacts!.records;
    const first = [...records].sort((a, b) => toIsoDateTime(a.CreatedDate).localeCompare(toIsoDateTime(b.CreatedDate)) || a.Id.localeCompare(b.Id))[0]!;
    for (const c of contacts) c.primary = c.id === first.Id;
  }
  const unmapped = unmappedOf(fields);
  return {
    account: mapAccount(r, fields),
    contacts,
    opportunities: (r.Opportunities?.records ?? []).map((o) => mapOpportunity(o, r.Id, fields, orgCurrency)),
    ...(unmapped.length ? { unmapped } : {}),
  };
}

export function mapAccountIndexEntry(r: SfAccountIndexRecord, fields: SalesforceFieldNames = DEFAULT_FIELD_NAMES): CrmAccountIndexEntry {
  return { id: r.Id, name: r.Name, website: blank(r.Website), accountingCustomerId: customText(r, fields.accountingId) };
}
