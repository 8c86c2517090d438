/** Salesforce records → Panorama's CRM types. Pure functions; the only place Salesforce field names are read. */
import type { Address, CrmAccount, CrmContact, CrmCustomer, CrmOpportunity, DealOutcome, Person } from '../kit/domain.js';
import type {
  SfAccountIndexRecord,
  SfAccountRecord,
  SfAccountWithChildren,
  SfContactRecord,
  SfOpportunityRecord,
  SfUserRef,
} from './types.js';

/** For the integration register: what is read from Salesforce and how it becomes Panorama's types. */
export const SALESFORCE_READS = [
  'Account: name, website, phone, industry, tier (Tier__c), billing and shipping address, owner, QuickBooks customer id (QuickBooks_Customer_Id__c), created and modified dates',
  'Contact: name, title, e-mail, phone, primary flag (Primary__c), by account',
  'Opportunity: name, stage, amount, close date, closed/won flags, owner, by account',
  'User: name and e-mail of record owners (through the Owner relationship only)',
];
export const SALESFORCE_TRANSFORMS = [
  'Account → CrmAccount: address fields grouped into billing/shipping addresses (null when empty), Tier__c → tier, QuickBooks_Customer_Id__c → accountingCustomerId, Salesforce timestamps → ISO 8601 UTC, blank strings → null',
  'Contact → CrmContact: Primary__c → primary (primary contact first)',
  'Opportunity → CrmOpportunity: IsWon → WON, IsClosed without IsWon → LOST, otherwise OPEN (latest close date first)',
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

export function mapAccount(r: SfAccountRecord): CrmAccount {
  return {
    id: r.Id,
    name: r.Name,
    website: blank(r.Website),
    phone: blank(r.Phone),
    industry: blank(r.Industry),
    tier: blank(r.Tier__c),
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
    accountingCustomerId: blank(r.QuickBooks_Customer_Id__c),
    createdAt: toIsoDateTime(r.CreatedDate),
    updatedAt: toIsoDateTime(r.LastModifiedDate),
  };
}

export function mapContact(r: SfContactRecord, accountId: string): CrmContact {
  return {
    id: r.Id,
    accountId: r.AccountId ?? accountId,
    name: r.Name,
    title: blank(r.Title),
    email: blank(r.Email),
    phone: blank(r.Phone),
    primary: r.Primary__c === true,
  };
}

export function dealOutcome(isClosed: boolean, isWon: boolean): DealOutcome {
  if (isWon) return 'WON';
  return isClosed ? 'LOST' : 'OPEN';
}

export function mapOpportunity(r: SfOpportunityRecord, accountId: string): CrmOpportunity {
  return {
    id: r.Id,
    accountId: r.AccountId ?? accountId,
    name: r.Name,
    stage: r.StageName,
    amount: r.Amount,
    closeDate: blank(r.CloseDate),
    outcome: dealOutcome(r.IsClosed, r.IsWon),
    owner: mapOwner(r.OwnerId, r.Owner),
  };
}

export function mapCustomer(r: SfAccountWithChildren): CrmCustomer {
  return {
    account: mapAccount(r),
    contacts: (r.Contacts?.records ?? []).map((c) => mapContact(c, r.Id)),
    opportunities: (r.Opportunities?.records ?? []).map((o) => mapOpportunity(o, r.Id)),
  };
}

export function mapAccountIndexEntry(r: SfAccountIndexRecord): CrmAccountIndexEntry {
  return { id: r.Id, name: r.Name, website: blank(r.Website), accountingCustomerId: blank(r.QuickBooks_Customer_Id__c) };
}
