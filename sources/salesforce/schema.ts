import type { CustomerParent, SchemaContext, SourceSchema } from '../kit/contract.js';
import type { CrmAccount, CrmContact, CrmCustomer, CrmOpportunity, CrmUnmapped, Fetched } from '../kit/domain.js';
import { statusFromFetched } from '../kit/section-status.js';


const UNMAPPED_MESSAGES: Record<CrmUnmapped, string> = {
  TIER: 'Tier: not mapped in Salesforce',
  PRIMARY_CONTACT: 'Primary contact: not marked in Salesforce; the contact added first is shown as primary',
  // whichever accounting system serves (PANORAMA_ACCOUNTING), so it is not named here
  ACCOUNTING_ID: 'Accounting id: not mapped in Salesforce; billing is linked by website and name only',
};

/** The CRM's slice of the schema: the account, its people and its deals. */
export const salesforceSchema: SourceSchema = {
  typeDefs: /* GraphQL */ `
    extend type Customer {
      "The customer as the CRM (Salesforce) knows it."
      crm: CrmProfile @access(group: IDENTITY)
    }

    type CrmProfile {
      status: SectionStatus!
      account: CrmAccount!
      contacts: [Contact!]!
      "Deals, with amounts: account managers and admins only."
      opportunities: [Opportunity!] @access(group: DEALS)
      "Features read without their Salesforce field (not set, or not in this org): said where the feature appears."
      unmapped: [UnmappedFeature!]!
    }

    enum CrmFeature { TIER PRIMARY_CONTACT ACCOUNTING_ID }

    type UnmappedFeature {
      feature: CrmFeature!
      "What a person reads where the feature would be, e.g. Tier: not mapped in Salesforce."
      message: String!
    }

    type CrmAccount {
      id: ID!
      name: String!
      website: String
      phone: String
      industry: String
      tier: String
      billingAddress: Address
      shippingAddress: Address
      owner: Person
      url: String!
    }

    type Contact {
      id: ID!
      name: String!
      title: String
      email: String
      phone: String
      primary: Boolean!
      url: String!
    }

    enum DealOutcome { OPEN WON LOST }

    type Opportunity {
      id: ID!
      name: String!
      stage: String!
      amount: Float
      "The amount's currency (ISO 4217): the deal's own in a multi-currency org, else the org's; null when Salesforce does not say."
      currency: String
      closeDate: String
      outcome: DealOutcome!
      owner: Person
      url: String!
    }
  `,
  resolvers: {
    Customer: {
      crm: (c: CustomerParent) => c.section('crm'),
    },
    CrmProfile: {
      status: (f: Fetched<CrmCustomer>, _: unknown, ctx: SchemaContext) => statusFromFetched(f, ctx.now.getTime()),
      account: (f: Fetched<CrmCustomer>) => f.value.account,
      unmapped: (f: Fetched<CrmCustomer>) => (f.value.unmapped ?? []).map((feature) => ({ feature, message: UNMAPPED_MESSAGES[feature] })),
      // primary contact first, then by name
      contacts: (f: Fetched<CrmCustomer>) =>
        [...f.value.contacts].sort((a, b) => Number(b.primary) - Number(a.primary) || a.name.localeCompare(b.name)),
      // open deals first, then the most recent
      opportunities: (f: Fetched<CrmCustomer>) =>
        [...f.value.opportunities].sort(
          (a, b) => Number(b.outcome === 'OPEN') - Number(a.outcome === 'OPEN') || (b.closeDate ?? '').localeCompare(a.closeDate ?? ''),
        ),
    },
    CrmAccount: {
      url: (a: CrmAccount, _: unknown, ctx: SchemaContext) => ctx.deepLink('salesforce', 'Account', a.id),
    },
    Contact: {
      url: (c: CrmContact, _: unknown, ctx: SchemaContext) => ctx.deepLink('salesforce', 'Contact', c.id),
    },
    Opportunity: {
      url: (o: CrmOpportunity, _: unknown, ctx: SchemaContext) => ctx.deepLink('salesforce', 'Opportunity', o.id),
    },
  },
};
