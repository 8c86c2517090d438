import { graphql, type ResultOf } from '../../graphql.js';
import type { SectionStatus } from '../source-section.js';

/** A section's status as the customer page reads it (each system's, and the insights' list of them). */
const SECTION = graphql(`
  fragment CustomerSection on SectionStatus {
    system source { system name category } state fetchedAt ageSeconds fromCache stale message code linkRule linkConfidence linkDecision { kind text reason }
  }
`);

/** A profile's own status (no link decision: the section's status says that). */
const STATUS = graphql(`
  fragment ProfileStatus on SectionStatus {
    system source { system name category } state fetchedAt ageSeconds fromCache stale message code linkRule linkConfidence
  }
`);

const CRM_PART = graphql(
  `
    fragment CustomerCrmPart on Customer {
      crmSection: section(category: CRM) { ...CustomerSection }
      crm {
        status { ...ProfileStatus }
        account {
          id name website phone industry tier url
          billingAddress { formatted }
          owner { name email }
        }
        contacts { id name title email phone primary url }
        unmapped { feature message }
        opportunities @include(if: $deals) { id name stage amount currency closeDate outcome url }
      }
    }
  `,
  [SECTION, STATUS],
);

const ACCOUNTING_PART = graphql(
  `
    fragment CustomerAccountingPart on Customer {
      accountingSection: section(category: ACCOUNTING) { ...CustomerSection }
      accounting {
        status { ...ProfileStatus }
        url
        displayName
        email
        billingAddress { formatted }
        standing { state overdueInvoiceCount oldestDaysOverdue }
        currency @include(if: $billing)
        balance @include(if: $billing)
        overdueBalance @include(if: $billing)
        aging @include(if: $billing) { current days1to30 days31to60 days61to90 over90 }
        jobs @include(if: $billing) { id name balance currency url }
        invoiceCount @include(if: $billing)
        invoices(first: $invoices, overdueFirst: true) @include(if: $billing) { id number date dueDate total balance currency status daysOverdue job url }
        payments(first: 8) @include(if: $billing) { id date amount currency invoiceIds job url }
      }
    }
  `,
  [SECTION, STATUS],
);

const PROJECTS_PART = graphql(
  `
    fragment CustomerProjectsPart on Customer {
      projectsSection: section(category: PROJECTS) { ...CustomerSection }
      projects {
        status { ...ProfileStatus }
        projects {
          id name status statusText dueOn progress overdueTaskCount url
          owner { name }
          nextMilestone { name dueOn }
          milestones { id name dueOn completed completedAt url }
        }
        unmapped { feature message }
      }
    }
  `,
  [SECTION, STATUS],
);

const SUPPORT_PART = graphql(
  `
    fragment CustomerSupportPart on Customer {
      supportSection: section(category: SUPPORT) { ...CustomerSection }
      support {
        status { ...ProfileStatus }
        organization { id name url }
        counts { new open pending hold solved closed unsolved urgentOpen total }
        satisfaction { good bad score }
        volume(months: 12) { month opened solved }
        tickets(openOnly: false, first: 15) @include(if: $tickets) {
          id subject status priority type createdAt updatedAt url
          requester { name email }
          assignee { name }
        }
      }
    }
  `,
  [SECTION, STATUS],
);

const INSIGHTS_PART = graphql(
  `
    fragment CustomerInsightsPart on Customer {
      sections { ...CustomerSection }
      links @include(if: $admin) { system recordId rule confidence url }
      ambiguousLinks { system candidates { recordId name rules confidence url } }
      fields { field system value conflicts { system value url why } formattedDifferently { system value url why } }
      flags { kind severity message records { system entity recordId label url } }
      health { score grade missing incompleteMessage incomplete { system reason } inputs { key label system weight impact detail records { system entity recordId label url } } }
      timeline(first: 12) { totalCount events { id at system type title url } }
    }
  `,
  [SECTION],
);

/**
 * The customer page's one operation. Role flags (`$deals`, `$billing`, `$tickets`, `$admin`) come from the role
 * policy, so a page never asks for what its reader may not see; the server enforces the same policy anyway.
 * With `$stream` each system's section is a deferred part (`@defer`) sent the moment that system has answered:
 * the first payload is the page's shell (the customer's id and name), the last the insights drawn from every system
 * (flags, health, timeline).
 */
export const CUSTOMER_PAGE_QUERY = graphql(
  `
    query CustomerPage($id: ID!, $refresh: Boolean!, $refreshSystems: [System!], $deals: Boolean!, $billing: Boolean!, $tickets: Boolean!, $admin: Boolean!, $stream: Boolean! = false, $invoices: Int! = 12) {
      systems { system name category }
      customer(id: $id, refresh: $refresh, refreshSystems: $refreshSystems) {
        id
        name
        ...CustomerCrmPart @defer(if: $stream, label: "crm")
        ...CustomerAccountingPart @defer(if: $stream, label: "accounting")
        ...CustomerProjectsPart @defer(if: $stream, label: "projects")
        ...CustomerSupportPart @defer(if: $stream, label: "support")
        ...CustomerInsightsPart @defer(if: $stream, label: "insights")
      }
    }
  `,
  [CRM_PART, ACCOUNTING_PART, PROJECTS_PART, SUPPORT_PART, INSIGHTS_PART],
);

/** The parts a streamed customer page arrives in, in the order they usually land. */
export const CUSTOMER_PAGE_PARTS = ['crm', 'accounting', 'projects', 'support', 'insights'] as const;
export type CustomerPagePart = (typeof CUSTOMER_PAGE_PARTS)[number];

export type Status = SectionStatus;

/** Each part of the page as it lands: the fields its deferred fragment holds. */
export type CustomerPageParts = {
  crm: ResultOf<typeof CRM_PART>;
  accounting: ResultOf<typeof ACCOUNTING_PART>;
  projects: ResultOf<typeof PROJECTS_PART>;
  support: ResultOf<typeof SUPPORT_PART>;
  insights: ResultOf<typeof INSIGHTS_PART>;
};

/** The operation's answer: each part there or not yet (`@defer`). */
export type CustomerPageData = ResultOf<typeof CUSTOMER_PAGE_QUERY>;

/** The customer with every part landed, as the cards read it. */
export type Customer = { id: string; name: string } & CustomerPageParts['crm'] &
  CustomerPageParts['accounting'] &
  CustomerPageParts['projects'] &
  CustomerPageParts['support'] &
  CustomerPageParts['insights'];

/** A record a flag or a health input points at. */
export type RecordRef = Customer['flags'][number]['records'][number];
/** Another system's value of a mastered field, and the rule that judged it (`why`). */
export type OtherValue = Customer['fields'][number]['conflicts'][number];
