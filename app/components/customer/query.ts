import type { SectionStatus } from '../source-section.js';

const INVOICE = 'id number date dueDate total balance currency status daysOverdue job url';
const STATUS = 'status { system source { system name category } state fetchedAt ageSeconds fromCache stale message code linkRule linkConfidence }';

const SECTION = 'system source { system name category } state fetchedAt ageSeconds fromCache stale message code linkRule linkConfidence linkDecision { kind text reason }';

/**
 * The customer page's one operation. Role flags (`$deals`, `$billing`, `$tickets`, `$admin`) come from the role
 * policy, so a page never asks for what its reader may not see; the server enforces the same policy anyway.
 * With `$stream` each system's section is a deferred part (`@defer`) sent the moment that system has answered:
 * the first payload is the page's shell (the customer's id and name), the last the insights drawn from every system
 * (flags, health, timeline).
 */
export const CUSTOMER_PAGE_QUERY = /* GraphQL */ `
  query CustomerPage($id: ID!, $refresh: Boolean!, $refreshSystems: [System!], $deals: Boolean!, $billing: Boolean!, $tickets: Boolean!, $admin: Boolean!, $stream: Boolean! = false, $invoices: Int! = 12) {
    systems { system name category }
    customer(id: $id, refresh: $refresh, refreshSystems: $refreshSystems) {
      id
      name
      ... @defer(if: $stream, label: "crm") {
        crmSection: section(category: CRM) { ${SECTION} }
        crm {
          ${STATUS}
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
      ... @defer(if: $stream, label: "accounting") {
        accountingSection: section(category: ACCOUNTING) { ${SECTION} }
        accounting {
          ${STATUS}
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
          invoices(first: $invoices, overdueFirst: true) @include(if: $billing) { ${INVOICE} }
          payments(first: 8) @include(if: $billing) { id date amount currency invoiceIds job url }
        }
      }
      ... @defer(if: $stream, label: "projects") {
        projectsSection: section(category: PROJECTS) { ${SECTION} }
        projects {
          ${STATUS}
          projects {
            id name status statusText dueOn progress overdueTaskCount url
            owner { name }
            nextMilestone { name dueOn }
            milestones { id name dueOn completed completedAt url }
          }
          unmapped { feature message }
        }
      }
      ... @defer(if: $stream, label: "support") {
        supportSection: section(category: SUPPORT) { ${SECTION} }
        support {
          ${STATUS}
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
      ... @defer(if: $stream, label: "insights") {
        sections { ${SECTION} }
        links @include(if: $admin) { system recordId rule confidence url }
        ambiguousLinks { system candidates { recordId name rules confidence url } }
        fields { field system value conflicts { system value url why } formattedDifferently { system value url why } }
        flags { kind severity message records { system entity recordId label url } }
        health { score grade missing incompleteMessage incomplete { system reason } inputs { key label system weight impact detail records { system entity recordId label url } } }
        timeline(first: 12) { totalCount events { id at system type title url } }
      }
    }
  }
`;

/** The parts a streamed customer page arrives in, in the order they usually land. */
export const CUSTOMER_PAGE_PARTS = ['crm', 'accounting', 'projects', 'support', 'insights'] as const;
export type CustomerPagePart = (typeof CUSTOMER_PAGE_PARTS)[number];

export type Status = SectionStatus;
export type RecordRef = { system: string; entity: string; recordId: string; label: string; url: string };
/** Another system's value of a mastered field, and the rule that judged it (`why`). */
export type OtherValue = { system: string; value: string; url: string; why: string };

export type CustomerPageData = {
  systems: { system: string; name: string; category: 'CRM' | 'ACCOUNTING' | 'PROJECTS' | 'SUPPORT' }[];
  customer: {
    id: string;
    name: string;
    sections: Status[];
    crmSection?: Status;
    accountingSection?: Status;
    projectsSection?: Status;
    supportSection?: Status;
    links?: { system: string; recordId: string; rule: string; confidence: number; url: string }[];
    ambiguousLinks: { system: string; candidates: { recordId: string; name: string; rules: string[]; confidence: number; url: string }[] }[];
    fields: { field: string; system: string; value: string | null; conflicts: OtherValue[]; formattedDifferently: OtherValue[] }[];
    flags: { kind: string; severity: 'HIGH' | 'MEDIUM' | 'LOW'; message: string; records: RecordRef[] }[];
    health: {
      score: number | null;
      grade: 'GOOD' | 'FAIR' | 'POOR' | null;
      missing: string[];
      incompleteMessage: string | null;
      incomplete: { system: string; reason: 'UNAVAILABLE' | 'AMBIGUOUS' }[];
      inputs: { key: string; label: string; system: string | null; weight: number; impact: number; detail: string; records: RecordRef[] }[];
    };
    timeline: { totalCount: number; events: { id: string; at: string; system: string; type: string; title: string; url: string | null }[] };
    crm: {
      status: Status;
      account: {
        id: string;
        name: string;
        website: string | null;
        phone: string | null;
        industry: string | null;
        tier: string | null;
        url: string;
        billingAddress: { formatted: string } | null;
        owner: { name: string; email: string | null } | null;
      };
      contacts: { id: string; name: string; title: string | null; email: string | null; phone: string | null; primary: boolean; url: string }[];
      unmapped: { feature: 'TIER' | 'PRIMARY_CONTACT' | 'ACCOUNTING_ID'; message: string }[];
      opportunities?: { id: string; name: string; stage: string; amount: number | null; currency: string | null; closeDate: string | null; outcome: string; url: string }[] | null;
    } | null;
    accounting: {
      status: Status;
      url: string;
      displayName: string;
      email: string | null;
      billingAddress: { formatted: string } | null;
      standing: { state: 'GOOD' | 'OVERDUE' | 'NO_INVOICES'; overdueInvoiceCount: number; oldestDaysOverdue: number | null };
      currency?: string;
      balance?: number | null;
      overdueBalance?: number | null;
      aging?: { current: number; days1to30: number; days31to60: number; days61to90: number; over90: number } | null;
      jobs?: { id: string; name: string; balance: number; currency: string; url: string }[] | null;
      invoiceCount?: number | null;
      invoices?: { id: string; number: string | null; date: string; dueDate: string | null; total: number; balance: number; currency: string; status: string; daysOverdue: number; job: string | null; url: string }[] | null;
      payments?: { id: string; date: string; amount: number; currency: string; invoiceIds: string[]; job: string | null; url: string }[] | null;
    } | null;
    projects: {
      status: Status;
      projects: {
        id: string;
        name: string;
        status: string;
        statusText: string | null;
        dueOn: string | null;
        progress: number;
        overdueTaskCount: number;
        url: string;
        owner: { name: string } | null;
        nextMilestone: { name: string; dueOn: string | null } | null;
        milestones: { id: string; name: string; dueOn: string | null; completed: boolean; completedAt: string | null; url: string }[];
      }[];
      unmapped: { feature: 'ACCOUNT_ID'; message: string }[];
    } | null;
    support: {
      status: Status;
      organization: { id: string; name: string; url: string };
      counts: { new: number; open: number; pending: number; hold: number; solved: number; closed: number; unsolved: number; urgentOpen: number; total: number };
      satisfaction: { good: number; bad: number; score: number | null };
      volume: { month: string; opened: number; solved: number }[];
      tickets?: {
        id: string;
        subject: string;
        status: string;
        priority: string | null;
        type: string | null;
        createdAt: string;
        updatedAt: string;
        url: string;
        requester: { name: string; email: string | null } | null;
        assignee: { name: string } | null;
      }[] | null;
    } | null;
  } | null;
};

export type Customer = NonNullable<CustomerPageData['customer']>;
