import { DAY, type SandboxCore } from './core.js';

/**
 * The customers every system of the sandbox shares, and the ids that link their records across systems. The
 * core draws who a customer is and which planted cases it carries; each module's part turns that into its
 * own records and hands on what the next part links to.
 */

/** Names that break naive query building, planted first so every size of dataset has them. */
export const TRICKY_NAMES = [
  "O'Brien & Sons",
  'The "Quoted" Company',
  'Back\\slash Engineering',
  '100% Natural Foods',
  'Under_score Labs',
  'Café Müller GmbH',
  'Ångström Øresund AB',
  '東京精密株式会社',
  'Москва Трейдинг',
  "Zoë's Bakery & Café",
];

/** What a customer buys: deals are named after the project they pay for, and projects after the deal's kind. */
export const PROJECT_KINDS = ['Onboarding', 'Website rebuild', 'Data migration', 'Integration rollout', 'Annual audit', 'Training programme', 'Platform upgrade'];

/** Which planted cases (and ordinary situations) a customer carries, across all systems. */
export type Traits = {
  qbo: 'exact' | 'name' | 'domain' | 'ambiguous' | 'none';
  zendesk: 'exact' | 'domain' | 'none';
  prospect: boolean;
  addressConflict: boolean;
  emailConflict: boolean;
  /** The books write the CRM's number as another number: a material phone conflict. */
  phoneConflict: boolean;
  /** The books name the customer otherwise (a rename the CRM never got): a material name conflict. */
  nameConflict: boolean;
  /** The books write the same address with abbreviations and capitals: formatted differently, no conflict. */
  addressCosmetic: boolean;
  /** The books bill the company's payables mailbox at the CRM contact's domain: no conflict. */
  emailSameDomain: boolean;
  /** The books add a legal suffix and write "&" as "and": formatted differently, no conflict. */
  nameCosmetic: boolean;
  wonDealWithoutProject: boolean;
  milestoneWithoutInvoice: boolean;
  onHoldNothingOverdue: boolean;
  overdueWithUrgent: boolean;
  hasOverdue: boolean;
  hasUrgent: boolean;
  asanaByName: boolean;
};

export type Address = { street: string; city: string; state: string; postal: string; country: string };

/** Who a customer is, before any system holds a record of it. */
export type Customer = {
  index: number;
  traits: Traits;
  name: string;
  /** One of TRICKY_NAMES. */
  tricky: boolean;
  domain: string;
  created: number;
  address: Address;
};

export type Person = { name: string; email: string; phone: string | null };
export type WonDeal = { id: string; name: string; closeDate: string; withoutProject: boolean };

/** What the CRM holds of a customer that the other systems link to: the account id is the customer id. */
export type CrmAccount = { accountId: string; tier: string | null; phone: string | null; people: Person[]; wonDeals: WonDeal[] };

export type CompletedMilestone = { id: string; at: number };

/** Deals out the planted cases: each to its share of the customers (at least two), tricky names excepted. */
export function plantTraits(core: SandboxCore): Traits[] {
  const { size } = core;
  const order = core.f.helpers.shuffle([...Array(size).keys()].filter((i) => i >= TRICKY_NAMES.length));
  const take = (share: number) => order.splice(0, Math.max(2, Math.round(size * share)));
  const traits: Traits[] = [...Array(size)].map(() => ({
    qbo: 'exact',
    zendesk: 'exact',
    prospect: false,
    addressConflict: false,
    emailConflict: false,
    phoneConflict: false,
    nameConflict: false,
    addressCosmetic: false,
    emailSameDomain: false,
    nameCosmetic: false,
    wonDealWithoutProject: false,
    milestoneWithoutInvoice: false,
    onHoldNothingOverdue: false,
    overdueWithUrgent: false,
    hasOverdue: false,
    hasUrgent: false,
    asanaByName: false,
  }));
  for (const i of take(0.04)) traits[i]!.prospect = true;
  for (const i of take(0.03)) traits[i]!.qbo = 'name';
  for (const i of take(0.02)) traits[i]!.qbo = 'domain';
  for (const i of take(0.015)) traits[i]!.qbo = 'ambiguous';
  for (const i of take(0.06)) traits[i]!.qbo = 'none';
  for (const i of take(0.04)) traits[i]!.zendesk = 'domain';
  for (const i of take(0.06)) traits[i]!.zendesk = 'none';
  for (const i of take(0.03)) traits[i]!.asanaByName = true;
  for (const i of take(0.03)) traits[i]!.addressConflict = true;
  for (const i of take(0.03)) traits[i]!.emailConflict = true;
  for (const i of take(0.03)) traits[i]!.wonDealWithoutProject = true;
  for (const i of take(0.03)) traits[i]!.milestoneWithoutInvoice = true;
  for (const i of take(0.02)) traits[i]!.onHoldNothingOverdue = true;
  for (const i of take(0.03)) traits[i]!.overdueWithUrgent = true;
  // Ordinary life, not flags on their own: some customers owe money, others have an urgent ticket open.
  for (const i of take(0.15)) traits[i]!.hasOverdue = true;
  for (const i of take(0.06)) traits[i]!.hasUrgent = true;
  // The truthfulness cases: material differences each rule must flag, and cosmetic ones it must not.
  for (const i of take(0.02)) traits[i]!.phoneConflict = true;
  for (const i of take(0.02)) traits[i]!.nameConflict = true;
  for (const i of take(0.02)) traits[i]!.addressCosmetic = true;
  for (const i of take(0.02)) traits[i]!.emailSameDomain = true;
  for (const i of take(0.02)) traits[i]!.nameCosmetic = true;
  return traits;
}

export function drawCustomer(core: SandboxCore, index: number, traits: Traits): Customer {
  const { f } = core;
  const trickyName = TRICKY_NAMES[index];
  const name = trickyName ?? core.companies.unique();
  if (trickyName) core.companies.reserve(trickyName);
  const domain = core.companies.domainFor(name);
  const created = core.dayBetween(core.start, core.today - 200 * DAY);
  const city = f.location.city();
  const state = f.location.state({ abbreviated: true });
  const address = { street: f.location.streetAddress(), city, state, postal: f.location.zipCode('#####'), country: 'USA' };
  return { index, traits, name, tricky: trickyName !== undefined, domain, created, address };
}
