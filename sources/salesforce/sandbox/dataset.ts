import { DAY, ymd, type SandboxCore } from '../../sandbox/core.js';
import { PROJECT_KINDS, type CrmAccount, type Customer } from '../../sandbox/customers.js';
import { DEMO_USERS } from '../../sandbox/demo-users.js';
import { normalizeSalesforceId } from '../ids.js';
import type { SalesforceData, SfAccount, SfContact, SfOpportunity, SfUser } from './records.js';

/** Salesforce's part of the sandbox dataset: the business's users, and each customer's account, contacts and deals. */

const INDUSTRIES = ['Technology', 'Manufacturing', 'Retail', 'Healthcare', 'Finance', 'Education', 'Hospitality', 'Construction', 'Media'];
const TIERS = ['Gold', 'Silver', 'Bronze'];
const OPEN_STAGES = ['Prospecting', 'Qualification', 'Needs Analysis', 'Proposal/Price Quote', 'Negotiation/Review'];

const sfUserNames = [
  ['Alex', 'Morgan', 'Account Manager'],
  ['Priya', 'Natarajan', 'Account Manager'],
  ['Sam', 'Okafor', 'Account Manager'],
  ['Jordan', 'Lee', 'Senior Account Manager'],
  ['Maria', 'Fernández', 'Account Manager'],
  ['Chris', 'Walker', 'Sales Director'],
] as const;

/** Salesforce's 18-character, case-safe id: 15 characters plus a 3-character checksum of their case. */
export function salesforceId(prefix: string, n: number): string {
  const chars = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  let body = '';
  let v = n;
  for (let i = 0; i < 9; i++) {
    body = chars[v % 62] + body;
    v = Math.floor(v / 62);
  }
  const id15 = `${prefix}Pn0${body}`.slice(0, 15).padEnd(15, '0');
  return normalizeSalesforceId(id15)!;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '.000+0000');

export type SalesforcePart = {
  core: SandboxCore;
  data: SalesforceData;
  accountById: Map<string, SfAccount>;
  n: { account: number; contact: number; opportunity: number };
};

export function createSalesforcePart(core: SandboxCore): SalesforcePart {
  const users: SfUser[] = sfUserNames.map(([first, last, title], i) => ({
    Id: salesforceId('005', i + 1),
    Name: `${first} ${last}`,
    Email: `${first.toLowerCase()}.${last.toLowerCase().normalize('NFKD').replace(/[^a-z]/g, '')}@panorama-demo.example`,
    Title: title,
    IsActive: true,
  }));
  core.manifest.demoUsers = DEMO_USERS.map((u) => ({
    role: u.role,
    name: u.name,
    email: u.email,
    salesforceUserId: users.find((s) => s.Email === u.email)?.Id ?? null,
  }));
  return { core, data: { users, accounts: [], contacts: [], opportunities: [] }, accountById: new Map(), n: { account: 0, contact: 0, opportunity: 0 } };
}

/** The customer's account, contacts and deals; a prospect gets one open deal and nothing in the other systems. */
export function addSalesforceCustomer(s: SalesforcePart, c: Customer): CrmAccount {
  const owner = s.data.users.slice(0, 5)[c.index % 5]!;
  const account = addAccount(s, c, owner.Id);
  const contacts = addContacts(s, account, c.domain);
  const crm: CrmAccount = {
    accountId: account.Id,
    tier: account.Tier__c,
    phone: account.Phone,
    people: contacts.map((p) => ({ name: p.Name, email: p.Email!, phone: p.Phone })),
    wonDeals: [],
  };
  if (c.traits.prospect) {
    s.data.opportunities.push(openDeal(s, account.Id, owner.Id, c.created));
    s.core.manifest.unlinked.push({ system: 'salesforce', recordId: account.Id });
    return crm;
  }
  const opps = addDeals(s, c, account.Id, owner.Id);
  crm.wonDeals = opps
    .filter((o) => o.IsWon)
    .map((o) => ({ id: o.Id, name: o.Name, closeDate: o.CloseDate, withoutProject: s.core.manifest.wonDealsWithoutProject.some((w) => w.opportunityId === o.Id) }));
  return crm;
}

/** The account's link to its QuickBooks customer, where the business keeps one. */
export function linkQuickBooksCustomer(s: SalesforcePart, accountId: string, customerId: string): void {
  s.accountById.get(accountId)!.QuickBooks_Customer_Id__c = customerId;
}

function addAccount(s: SalesforcePart, c: Customer, ownerId: string): SfAccount {
  const { f, chance, timeOn, dayBetween, today } = s.core;
  const { address, created, traits: t } = c;
  const accountId = salesforceId('001', ++s.n.account);
  const account: SfAccount = {
    Id: accountId,
    Name: c.name,
    Website: `https://www.${c.domain}`,
    Phone: f.phone.number({ style: 'national' }),
    Industry: f.helpers.arrayElement(INDUSTRIES),
    Type: t.prospect ? 'Prospect' : 'Customer',
    Tier__c: t.prospect ? null : f.helpers.arrayElement(TIERS),
    BillingStreet: address.street,
    BillingCity: address.city,
    BillingState: address.state,
    BillingPostalCode: address.postal,
    BillingCountry: address.country,
    ShippingStreet: chance(0.7) ? address.street : f.location.streetAddress(),
    ShippingCity: address.city,
    ShippingState: address.state,
    ShippingPostalCode: address.postal,
    ShippingCountry: address.country,
    OwnerId: ownerId,
    QuickBooks_Customer_Id__c: null,
    CreatedDate: iso(timeOn(created)),
    LastModifiedDate: iso(timeOn(dayBetween(created, today - DAY))),
  };
  s.data.accounts.push(account);
  s.accountById.set(accountId, account);
  if (c.tricky) s.core.manifest.trickyNames.push({ accountId, name: c.name });
  return account;
}

function addContacts(s: SalesforcePart, account: SfAccount, domain: string): SfContact[] {
  const { f, int } = s.core;
  const contacts: SfContact[] = [];
  const nContacts = int(2, 5);
  for (let c = 0; c < nContacts; c++) {
    const first = f.person.firstName();
    const last = f.person.lastName();
    contacts.push({
      Id: salesforceId('003', ++s.n.contact),
      AccountId: account.Id,
      FirstName: first,
      LastName: last,
      Name: `${first} ${last}`,
      Title: f.person.jobTitle(),
      Email: `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, '') + `@${domain}`,
      Phone: f.phone.number({ style: 'national' }),
      Primary__c: c === 0,
      CreatedDate: account.CreatedDate,
      LastModifiedDate: account.LastModifiedDate,
    });
  }
  s.data.contacts.push(...contacts);
  return contacts;
}

/** At least one won deal, some lost, maybe one open. */
function addDeals(s: SalesforcePart, c: Customer, accountId: string, ownerId: string): SfOpportunity[] {
  const { int, chance, dayBetween, today, manifest } = s.core;
  const { created, traits: t } = c;
  const opps: SfOpportunity[] = [];
  const nWon = int(1, 3);
  for (let d = 0; d < nWon; d++) {
    // where a recent win is planted without a project, the earlier wins (and their projects) come well before it
    const close = dayBetween(created + 20 * DAY, today - (t.wonDealWithoutProject ? 90 : 30) * DAY);
    opps.push(deal(s, accountId, ownerId, close, 'Closed Won'));
  }
  if (t.wonDealWithoutProject) {
    // A recent win that nobody turned into a project.
    const won = deal(s, accountId, ownerId, today - int(20, 60) * DAY, 'Closed Won');
    opps.push(won);
    manifest.wonDealsWithoutProject.push({ accountId, opportunityId: won.Id, closeDate: won.CloseDate });
  }
  if (chance(0.4)) opps.push(deal(s, accountId, ownerId, dayBetween(created, today - 10 * DAY), 'Closed Lost'));
  if (chance(0.5)) opps.push(openDeal(s, accountId, ownerId, created));
  s.data.opportunities.push(...opps);
  return opps;
}

function deal(s: SalesforcePart, accountId: string, ownerId: string, close: number, stage: 'Closed Won' | 'Closed Lost'): SfOpportunity {
  const { f, int, timeOn } = s.core;
  const createdAt = close - int(20, 90) * DAY;
  return {
    Id: salesforceId('006', ++s.n.opportunity),
    AccountId: accountId,
    Name: `${f.helpers.arrayElement(PROJECT_KINDS)} ${new Date(close).getUTCFullYear()}`,
    StageName: stage,
    Amount: int(20, 400) * 250,
    CloseDate: ymd(close),
    IsClosed: true,
    IsWon: stage === 'Closed Won',
    OwnerId: ownerId,
    CreatedDate: iso(timeOn(createdAt)),
    LastModifiedDate: iso(timeOn(close)),
  };
}

function openDeal(s: SalesforcePart, accountId: string, ownerId: string, created: number): SfOpportunity {
  const { f, int, chance, timeOn, today } = s.core;
  const close = today + int(10, 120) * DAY;
  return {
    Id: salesforceId('006', ++s.n.opportunity),
    AccountId: accountId,
    Name: `${f.helpers.arrayElement(PROJECT_KINDS)} ${new Date(close).getUTCFullYear()}`,
    StageName: f.helpers.arrayElement(OPEN_STAGES),
    Amount: chance(0.9) ? int(20, 400) * 250 : null,
    CloseDate: ymd(close),
    IsClosed: false,
    IsWon: false,
    OwnerId: ownerId,
    CreatedDate: iso(timeOn(Math.max(created, today - 60 * DAY))),
    LastModifiedDate: iso(timeOn(today - int(1, 10) * DAY)),
  };
}

/** The phone as a caller reads it out, in another format than stored: "(415) 555-0134" → "+1 415.555.0134". */
function otherPhoneFormat(stored: string): string | null {
  const d = stored.replace(/\D/g, '');
  const national = d.length === 11 && d.startsWith('1') ? d.slice(1) : d;
  if (national.length !== 10) return null;
  return `+1 ${national.slice(0, 3)}.${national.slice(3, 6)}.${national.slice(6)}`;
}

/**
 * Records the searches the manifest lists (`searchCases`), from the records already generated: nothing is drawn,
 * so the rest of the world stays as it was. Called once every customer has been added.
 */
export function plantSearchCases(s: SalesforcePart): void {
  const { manifest } = s.core;
  const accounts = s.data.accounts;
  const lower = (x: string) => x.toLowerCase();
  const names = new Map<string, number>();
  for (const c of s.data.contacts) names.set(lower(c.Name), (names.get(lower(c.Name)) ?? 0) + 1);
  const tricky = new Set(manifest.trickyNames.map((t) => t.accountId));
  // a contact whose name is its own: no other contact shares it, no account name or website holds it
  const contact = s.data.contacts.find(
    (c) =>
      c.AccountId &&
      !tricky.has(c.AccountId) &&
      names.get(lower(c.Name)) === 1 &&
      c.Phone &&
      otherPhoneFormat(c.Phone) &&
      !accounts.some((a) => lower(a.Name).includes(lower(c.Name)) || lower(a.Website ?? '').includes(lower(c.LastName ?? c.Name))),
  );
  if (contact) {
    manifest.searchCases.push({ kind: 'CONTACT_NAME', query: contact.Name, accountId: contact.AccountId!, expects: contact.Name });
    if (contact.Email) manifest.searchCases.push({ kind: 'CONTACT_EMAIL', query: contact.Email, accountId: contact.AccountId!, expects: contact.Name });
    manifest.searchCases.push({ kind: 'CONTACT_PHONE', query: otherPhoneFormat(contact.Phone!)!, accountId: contact.AccountId!, expects: contact.Name, stored: contact.Phone! });
  }
  const folded: [RegExp, string][] = [
    [/^O'Brien/, 'obrien'],
    [/^Café Müller/, 'Cafe Muller'],
  ];
  for (const [pattern, query] of folded) {
    const t = manifest.trickyNames.find((x) => pattern.test(x.name));
    if (t) manifest.searchCases.push({ kind: 'FOLDED_NAME', query, accountId: t.accountId, expects: t.name });
  }
}

/**
 * Accounts whose QuickBooks id names no customer in QuickBooks (a customer merged or deleted there, a typo): the
 * link is broken, which is neither an exact link nor an outage. Planted on accounts that have no QuickBooks
 * customer at all, so nothing else about them changes; ids well above any the books use.
 */
export function plantDanglingQuickBooksIds(s: SalesforcePart, accountIds: readonly string[]): void {
  accountIds.forEach((accountId, k) => {
    const storedId = String(4711 + 900000 + k);
    s.accountById.get(accountId)!.QuickBooks_Customer_Id__c = storedId;
    s.core.manifest.linkCases.push({ rule: 'DANGLING_ID', system: 'quickbooks', accountId, recordId: storedId, storedId, expected: 'BROKEN' });
  });
}

/** An Account Id that looks real but names no account: deleted ones (ids beyond the dataset's), or one never issued. */
export function missingAccountId(s: SalesforcePart, k: number, deleted: boolean): string {
  const id = salesforceId('001', s.core.size + 5000 + k);
  // a mistyped id: the right shape, a checksum that matches no 15 characters
  return deleted ? id : `${id.slice(0, 15)}${id.slice(15) === 'ZZZ' ? 'YYY' : 'ZZZ'}`;
}
