import { createGraphQLError } from 'graphql-yoga';
import type { SourceId } from '../sources/kit/errors.js';
import { isSourceError } from '../sources/kit/errors.js';
import { statusFromError, statusFromFetched, type SectionStatus } from '../sources/kit/section-status.js';
import type { PanoramaContext } from './context.js';
import type { Fetched } from '../sources/kit/domain.js';
import { noteServedStale } from './served-stale.js';
import { singleCurrencyTotal, totalsByCurrency } from './money.js';
import { CustomerView } from './customer-view.js';
import { SOURCE_CATEGORIES, linkedEntity, linkedEntityOf, systemName } from '../sources/kit/contract.js';
import type { SearchMatch } from './search.js';
import type { RecordRef } from './facts.js';
import { computeFlags, type Flag } from './flags.js';
import { healthScore, type HealthScore } from './health.js';
import { canonicalAccountId, supportOwner, type IdentityMatcher, type LinkedCategory } from './identity.js';
import type { LinkDecision } from './link-decisions.js';
import { ROLE_LABELS, canRead, type AccessGroup } from './policy.js';
import { redactFlags, redactHealthInput, redactTimeline, type RedactedFlag, type RedactedHealthInput, type RedactedTimelineEvent } from './redact.js';
import { SYSTEM_OF_RECORD, resolveMastered, type OtherValue } from './source-of-truth.js';
import { TIMELINE_TYPES, buildTimeline, pageTimeline, type TimelineType } from './timeline.js';
import { pageOf } from './paging.js';
import { foldForSearch, nameContainsText } from '../sources/kit/names.js';
import { HEALTH_LABEL, RULE_TEXT, flagMessage, healthIncomplete, formattedDifferently, healthDetail, recordLabel, timelineTitle } from './wording.js';

/**
 * What Panorama knows that no single system does: identity across systems, the mastered value of each field
 * with its conflicts, hand-off gaps, one timeline, an explainable health score, and lists across customers.
 */
export const insightsTypeDefs = /* GraphQL */ `
  extend type Query {
    "Accounts the signed-in person owns in the CRM (every one, unsorted)."
    myAccounts: [Customer!]! @access(group: IDENTITY) @deprecated(reason: "Use myAccountList: true counts, filters, sorts and cursor paging.")
    "Accounts the signed-in person owns in the CRM: filtered, sorted (least healthy first by default) and paged by cursor."
    myAccountList(first: Int = 50, after: String, filter: MyAccountFilter, sort: MyAccountSort = LEAST_HEALTHY): MyAccountList! @access(group: IDENTITY)
    "Overdue invoices across customers: filtered, sorted (most days past due first by default) and paged by cursor, with each customer's totals and aging."
    overdueInvoices(first: Int = 100, after: String, filter: OverdueInvoiceFilter, sort: OverdueInvoiceSort = MOST_OVERDUE): OverdueInvoiceList! @access(group: BILLING)
    "Open urgent tickets across customers: filtered, sorted (newest first by default) and paged by cursor."
    urgentTickets(first: Int = 50, after: String, filter: UrgentTicketFilter, sort: UrgentTicketSort = NEWEST): UrgentTicketList! @access(group: TICKETS)
    "The system of record of each field group."
    sourceOfTruth: [SourceOfTruthRow!]!
  }

  extend type Customer {
    "Each mastered field from its system of record, with differing values other systems hold."
    fields: [MasteredField!]!
    "Conflicts between systems and hand-off gaps, computed now from live data."
    flags: [Flag!]!
    "Several records in one system could be this customer: none is shown until someone decides."
    ambiguousLinks: [AmbiguousLink!]!
    "What happened, across systems, newest first."
    timeline(first: Int = 20, after: String, systems: [System!], types: [TimelineType!]): TimelineConnection!
    health: HealthScore!
  }

  extend type SectionStatus {
    "How the section's records were tied to the customer: EXACT_ID, or a heuristic for a probable link."
    linkRule: LinkRule
    linkConfidence: Float
    "The admin's decision behind the link, when one was made: confirmed by Morgan on 2 Dec."
    linkDecision: LinkDecision
  }

  extend type CustomerConnection {
    "How each searched system answered; a system that failed leaves the results incomplete, and says so."
    sources: [SectionStatus!]!
    matches: [SearchMatch!]!
    "Null when every searched system answered; else which did not, and which results are below."
    incomplete: String
  }

  "What put a customer in the results."
  enum SearchMatchKind { CUSTOMER_NAME WEBSITE EMAIL_DOMAIN CONTACT_NAME CONTACT_EMAIL CONTACT_PHONE ACCOUNTING_CUSTOMER_NAME INVOICE_NUMBER ORGANIZATION_NAME TICKET_ID }
  type SearchMatch {
    customerId: ID!
    system: System!
    "The system's name as people read it."
    systemName: String!
    kind: SearchMatchKind!
    "The matched record in that system (the contact, invoice, ticket, account …)."
    recordId: ID!
    "Why, in words: contact Noel Upton, invoice #1318, ticket #139."
    reason: String!
    "The same as reason (kept for older clients)."
    field: String!
  }

  type SourceOfTruthRow { group: String! system: System! }

  type MasteredField {
    field: String!
    group: String!
    system: System!
    recordId: ID!
    value: String
    "Values that differ materially: each is also a CONFLICT flag, with the rule's severity."
    conflicts: [ConflictingValue!]!
    "Values that are the same thing written differently (cosmetic): shown quietly, never a flag, never health."
    formattedDifferently: [ConflictingValue!]!
  }
  type ConflictingValue {
    system: System!
    recordId: ID!
    value: String!
    url: String!
    "The comparison rule that judged the values (EMAIL_COMPANY_DOMAIN, ADDRESS_STREET, PHONE_E164, LEGAL_NAME …)."
    rule: String!
    "The rule's severity for a material difference; null for a cosmetic one."
    severity: Severity
    "The rule in words, or the quiet note for a cosmetic difference."
    why: String!
  }

  "RULE_NOT_CHECKED: a gap rule whose input system failed; it raises no gap and costs no health."
  enum FlagKind { CONFLICT WON_DEAL_WITHOUT_PROJECT MILESTONE_NOT_INVOICED ON_HOLD_NOTHING_OVERDUE OVERDUE_WITH_URGENT_TICKETS RULE_NOT_CHECKED }
  enum Severity { HIGH MEDIUM LOW }
  "An amount of money. currency (ISO 4217) is null when the system does not say."
  type Money { amount: Float! currency: String }
  type Flag {
    kind: FlagKind!
    severity: Severity!
    "Why, in words a person acts on, written from the facts the viewer may read."
    message: String!
    "What the rule found, as data. Facts of other kinds are null, and so is each fact the viewer's role may not read (named in withheld)."
    facts: FlagFacts!
    "The facts of this flag the viewer's role may not read."
    withheld: [String!]!
    "The records behind the flag that the viewer's role may read."
    records: [RecordRef!]!
  }
  type FlagFacts {
    "CONFLICT: the mastered field, the comparison rule, the system of record and its value, the other system and its value."
    field: String
    rule: String
    systemOfRecord: System
    recordValue: String
    otherSystem: System
    otherValue: String
    "WON_DEAL_WITHOUT_PROJECT: the deal (DEALS), its amount, when it was won, and the grace days in force."
    deal: RecordRef
    dealAmount: Money
    wonOn: String
    daysSinceWon: Int
    graceDays: Int
    "MILESTONE_NOT_INVOICED: the milestone, its project, when it was completed, and the last invoice's date (BILLING)."
    milestone: RecordRef
    project: RecordRef
    completedOn: String
    lastInvoiceOn: String
    "ON_HOLD_NOTHING_OVERDUE: the project's status text, and the money open but not yet due (count; amount is BILLING)."
    projectStatusText: String
    openInvoiceCount: Int
    openBalance: Money
    "RULE_NOT_CHECKED: the rule (in rule) that could not check, and the system that failed."
    unavailableSystem: System
    "ON_HOLD_NOTHING_OVERDUE, OVERDUE_WITH_URGENT_TICKETS: overdue invoices (billing standing)."
    overdueInvoiceCount: Int
    "OVERDUE_WITH_URGENT_TICKETS: the overdue amount (BILLING) and the urgent open tickets (a count)."
    overdueAmount: Money
    urgentTicketCount: Int
  }
  type RecordRef {
    system: System!
    entity: String!
    recordId: ID!
    label: String!
    url: String!
    "The access group a role needs to see this record."
    group: AccessGroup!
  }

  type AmbiguousLink { system: System! candidates: [LinkCandidate!]! }
  type LinkCandidate { recordId: ID! name: String! rules: [LinkRule!]! confidence: Float! url: String! }

  enum TimelineType { ${TIMELINE_TYPES.join(' ')} }
  type TimelineEvent {
    id: ID!
    at: String!
    system: System!
    type: TimelineType!
    "Written from the facts the viewer may read."
    title: String!
    "The record's page in its system; null when the record is withheld."
    url: String
    "The deal, invoice, payment, project, milestone or ticket."
    record: RecordRef
    "The deal's (DEALS), invoice's or payment's (BILLING) amount."
    amount: Money
    "The project a milestone belongs to."
    project: RecordRef
    withheld: [String!]!
  }
  type TimelineConnection {
    events: [TimelineEvent!]!
    "Events matching the filters."
    totalCount: Int!
    "Events this reader may see, before filters."
    allCount: Int!
    pageInfo: PageInfo!
    endCursor: String @deprecated(reason: "Use pageInfo.endCursor.")
    hasNextPage: Boolean! @deprecated(reason: "Use pageInfo.hasNextPage.")
  }

  enum HealthGrade { GOOD FAIR POOR }
  enum HealthGapReason { UNAVAILABLE AMBIGUOUS }
  "An input the score could not read: its system failed, or more than one of its records may be this customer."
  type HealthGap { system: System! reason: HealthGapReason! }
  type HealthScore {
    "0 to 100; null while an input is missing or ambiguous (see incomplete)."
    score: Int
    "Null while an input is missing or ambiguous."
    grade: HealthGrade
    inputs: [HealthInput!]!
    missing: [System!]!
    incomplete: [HealthGap!]!
    "Why there is no score, in words (Incomplete: billing unavailable); null when the score is complete."
    incompleteMessage: String
  }
  type HealthInput {
    key: String!
    label: String!
    system: System
    weight: Int!
    impact: Int!
    "Written from the facts the viewer may read."
    detail: String!
    "What the input found, as data; null where it does not apply or the viewer's role may not read it."
    facts: HealthFacts!
    withheld: [String!]!
    records: [RecordRef!]!
  }
  type HealthFacts {
    "URGENT_TICKETS, OPEN_TICKETS, OVERDUE_TASKS."
    count: Int
    "OVERDUE_BALANCE."
    overdueInvoiceCount: Int
    oldestDaysOverdue: Int
    "SATISFACTION: rated tickets."
    good: Int
    bad: Int
    "PROJECT_STATUS."
    troubledProjects: [TroubledProject!]
    "HANDOFF_GAPS: the gaps as flags, and how many the viewer's role may not see."
    gaps: [Flag!]
    hiddenGaps: Int
  }
  type TroubledProject { project: RecordRef! status: ProjectStatus! }

  type OverdueInvoiceList {
    rows: [OverdueInvoiceRow!]!
    "Invoices that pass the filter, across all pages. 0 when status is FAILED: not known, not none."
    totalCount: Int!
    "Overdue invoices before any filter."
    allCount: Int!
    pageInfo: PageInfo!
    "What is overdue among the invoices that pass the filter, one total per currency (largest first): amounts in different currencies are never added."
    totals: [Money!]!
    "Per customer (the invoices that pass the filter, every page): count, totals per currency and aging; most days past due first."
    byCustomer: [OverdueCustomer!]!
    "The total when every overdue invoice is in one currency; null when they are in several."
    totalOverdue: Float @deprecated(reason: "Use totals: one total per currency.")
    status: SectionStatus!
  }
  type OverdueInvoiceRow { invoice: Invoice! customerName: String! customer: Customer link: SourceLinkSummary }
  type OverdueCustomer {
    customerName: String!
    customer: Customer
    invoiceCount: Int!
    oldestDaysOverdue: Int!
    totals: [Money!]!
    "What is overdue by days past due, one line per currency."
    aging: [OverdueAging!]!
  }
  type OverdueAging { currency: String days1to30: Float! days31to60: Float! days61to90: Float! over90: Float! }
  input OverdueInvoiceFilter {
    "At least this many days past due."
    minDaysOverdue: Int
    "Only invoices in this currency (ISO 4217, e.g. EUR)."
    currency: String
    "Only invoices whose customer Panorama links (true) or does not (false)."
    linked: Boolean
  }
  "MOST_OVERDUE and LEAST_OVERDUE by days past due; LARGEST by open balance; CUSTOMER by customer name."
  enum OverdueInvoiceSort { MOST_OVERDUE LEAST_OVERDUE LARGEST CUSTOMER }
  type UrgentTicketList {
    rows: [UrgentTicketRow!]!
    "Tickets that pass the filter, across all pages. 0 when status is FAILED: not known, not none."
    totalCount: Int!
    "Urgent open tickets before any filter."
    allCount: Int!
    pageInfo: PageInfo!
    status: SectionStatus!
  }
  type UrgentTicketRow {
    ticket: Ticket!
    customer: Customer
    link: SourceLinkSummary
    "Whole days since the ticket was opened, by Panorama's clock."
    ageDays: Int!
  }
  input UrgentTicketFilter {
    "ANY (default), UNASSIGNED: nobody is working it, ASSIGNED."
    assignee: AssigneeFilter = ANY
    "Only tickets whose customer Panorama links (true) or does not (false)."
    linked: Boolean
  }
  enum AssigneeFilter { ANY UNASSIGNED ASSIGNED }
  "NEWEST and OLDEST by when the ticket was opened; STALEST by when it last changed, longest untouched first."
  enum UrgentTicketSort { NEWEST OLDEST STALEST }
  type SourceLinkSummary { rule: LinkRule! confidence: Float! }
  type MyAccountList {
    rows: [Customer!]!
    "Accounts that pass the filter, across all pages. 0 when status is FAILED: not known, not none."
    totalCount: Int!
    "Accounts the signed-in person owns, before any filter."
    allCount: Int!
    pageInfo: PageInfo!
    "The tiers among the accounts owned (A–Z), for a tier filter."
    tiers: [String!]!
    "How the CRM answered for the book of accounts."
    status: SectionStatus!
  }
  input MyAccountFilter {
    "Text within the account's name (case and accents ignored)."
    name: String
    "Only accounts with (true) or without (false) something that needs attention: a conflict or hand-off gap this role may see (a rule that could not check does not count)."
    needsAttention: Boolean
    "Only accounts of this health grade, or whose score is incomplete."
    health: AccountHealthFilter
    "Only accounts whose billing is overdue (true) or not (false); an account not linked to accounting is not overdue."
    overdue: Boolean
    "Only accounts of this tier in the CRM (case ignored)."
    tier: String
  }
  enum AccountHealthFilter { GOOD FAIR POOR INCOMPLETE }
  "LEAST_HEALTHY by health score (incomplete scores last); NAME A–Z; MOST_OVERDUE by overdue balance, largest first (each account's in its own currency; needs BILLING). Ties by name."
  enum MyAccountSort { LEAST_HEALTHY NAME MOST_OVERDUE }

`;

const SYSTEM = (s: SourceId) => s.toUpperCase();

/** A list's status from what it read; data served stale because its source failed also becomes an error entry of the answer. */
function listStatus(ctx: PanoramaContext, fetched: Fetched<unknown>): SectionStatus {
  noteServedStale(ctx, fetched.freshness);
  return statusFromFetched(fetched, ctx.now.getTime());
}
const fromSystem = (s: string) => s.toLowerCase() as SourceId;

type Insights = { flags: Flag[]; mastered: ReturnType<typeof resolveMastered>; sections: Awaited<ReturnType<CustomerView['loadedSections']>> };

/** Flags, mastered fields and the loaded sections of one customer, computed once per request. */
const insightsCache = new WeakMap<CustomerView, Promise<Insights>>();
function insights(view: CustomerView, ctx: PanoramaContext): Promise<Insights> {
  let p = insightsCache.get(view);
  if (!p) {
    p = view.loadedSections().then((sections) => {
      const mastered = resolveMastered(
        { crm: sections.crm, accounting: sections.accounting, support: sections.support, accountingExact: sections.accountingExact },
        { defaultPhoneRegion: ctx.settings.defaultPhoneRegion, systems: ctx.runtime.systems },
      );
      const flags = computeFlags({ ...sections, mastered, missing: sections.missing, today: ctx.now, wonDealGraceDays: ctx.settings.wonDealGraceDays, systems: ctx.runtime.systems });
      return { flags, mastered, sections };
    });
    insightsCache.set(view, p);
  }
  return p;
}

/**
 * One customer's health score from its loaded sections and flags, before the role policy redacts its inputs:
 * computed once per request, for the customer's own health field and for a list that sorts or filters by it.
 */
const healthCache = new WeakMap<CustomerView, Promise<HealthScore>>();
export function healthOf(view: CustomerView, ctx: PanoramaContext): Promise<HealthScore> {
  let p = healthCache.get(view);
  if (!p) {
    p = insights(view, ctx).then(async ({ sections, flags }) => {
      const ambiguous = (await view.ambiguities().catch(() => [])).map((l) => l.source);
      return healthScore({ accounting: sections.accounting, projects: sections.projects, support: sections.support, flags, missing: sections.missing, ambiguous, systems: ctx.runtime.systems });
    });
    healthCache.set(view, p);
  }
  return p;
}

/** The flags of a customer that ask someone to act, as this role sees them: a rule that could not check asks nothing. */
async function attentionCount(view: CustomerView, ctx: PanoramaContext): Promise<number> {
  return redactFlags(ctx.viewer.role, (await insights(view, ctx)).flags).filter((f) => f.kind !== 'RULE_NOT_CHECKED').length;
}

/** What a customer has overdue in its own currency; known: false when accounting could not be read. */
async function overdueOf(view: CustomerView): Promise<{ known: boolean; count: number; amount: number }> {
  try {
    const f = await view.section('accounting');
    const overdue = f?.value.invoices.filter((i) => i.status === 'OVERDUE') ?? [];
    return { known: true, count: overdue.length, amount: overdue.reduce((s, i) => s + i.balance, 0) };
  } catch {
    return { known: false, count: 0, amount: 0 };
  }
}

type MyAccountArgs = {
  first?: number | null;
  after?: string | null;
  filter?: { name?: string | null; needsAttention?: boolean | null; health?: 'GOOD' | 'FAIR' | 'POOR' | 'INCOMPLETE' | null; overdue?: boolean | null; tier?: string | null } | null;
  sort?: 'LEAST_HEALTHY' | 'NAME' | 'MOST_OVERDUE' | null;
};

function textFilter(value: string | null | undefined, name: string): string | null {
  const v = value?.trim() || null;
  if (v && v.length > 100) throw createGraphQLError(`filter.${name} must be at most 100 characters, got ${v.length}.`, { extensions: { code: 'BAD_USER_INPUT' } });
  return v;
}

type OverdueInvoiceArgs = {
  first?: number | null;
  after?: string | null;
  filter?: { minDaysOverdue?: number | null; currency?: string | null; linked?: boolean | null } | null;
  sort?: 'MOST_OVERDUE' | 'LEAST_OVERDUE' | 'LARGEST' | 'CUSTOMER' | null;
};

type OverdueRowLike = { invoice: { balance: number; currency: string | null; daysOverdue: number }; customerName: string; customer: CustomerView | null };

/** Days past due into the aging columns finance reads (1–30, 31–60, 61–90, over 90). */
function agingColumn(days: number): 'days1to30' | 'days31to60' | 'days61to90' | 'over90' {
  return days <= 30 ? 'days1to30' : days <= 60 ? 'days31to60' : days <= 90 ? 'days61to90' : 'over90';
}

/** Each customer's overdue invoices summed per currency (never across), with aging; the longest overdue first. */
export function overdueByCustomer<R extends OverdueRowLike>(rows: readonly R[]) {
  const groups = new Map<string, R[]>();
  for (const r of rows) {
    const key = r.customer ? `c:${r.customer.id}` : `n:${r.customerName}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()]
    .map((rs) => {
      const aging = new Map<string, { currency: string | null; days1to30: number; days31to60: number; days61to90: number; over90: number }>();
      for (const r of rs) {
        const cur = r.invoice.currency ?? null;
        const line = aging.get(cur ?? '') ?? { currency: cur, days1to30: 0, days31to60: 0, days61to90: 0, over90: 0 };
        line[agingColumn(r.invoice.daysOverdue)] += r.invoice.balance;
        aging.set(cur ?? '', line);
      }
      return {
        customerName: rs[0]!.customerName,
        customer: rs[0]!.customer,
        invoiceCount: rs.length,
        oldestDaysOverdue: Math.max(...rs.map((r) => r.invoice.daysOverdue)),
        totals: totalsByCurrency(rs.map((r) => ({ amount: r.invoice.balance, currency: r.invoice.currency }))),
        aging: [...aging.values()],
      };
    })
    .sort((a, b) => b.oldestDaysOverdue - a.oldestDaysOverdue || a.customerName.localeCompare(b.customerName, 'en'));
}

type UrgentTicketArgs = {
  first?: number | null;
  after?: string | null;
  filter?: { assignee?: 'ANY' | 'UNASSIGNED' | 'ASSIGNED' | null; linked?: boolean | null } | null;
  sort?: 'NEWEST' | 'OLDEST' | 'STALEST' | null;
};

function firstOf(first: number | null | undefined, max: number, name = 'first'): number {
  const n = first ?? 20;
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw createGraphQLError(`${name} must be between 1 and ${max}, got ${n}.`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return n;
}

export const insightsResolvers = {
  Query: {
    sourceOfTruth: (_: unknown, __: unknown, ctx: PanoramaContext) =>
      Object.entries(SYSTEM_OF_RECORD).map(([group, category]) => ({ group, system: SYSTEM(ctx.runtime.systems[category].id) })),
    myAccounts: async (_: unknown, __: unknown, ctx: PanoramaContext) => {
      const owned = await ctx.loaders.crm.accountsByOwnerEmail(ctx.viewer.email);
      noteServedStale(ctx, owned.freshness);
      return owned.value.map((a) => {
        const view = CustomerView.for(ctx, a.id);
        view.knownName = a.name;
        return view;
      });
    },
    myAccountList: async (_: unknown, args: MyAccountArgs, ctx: PanoramaContext) => {
      const name = textFilter(args.filter?.name, 'name');
      const tier = textFilter(args.filter?.tier, 'tier');
      const f = args.filter;
      const view = {
        filter: { name: name && foldForSearch(name), needsAttention: f?.needsAttention ?? null, health: f?.health ?? null, overdue: f?.overdue ?? null, tier: tier?.toLowerCase() ?? null },
        sort: args.sort ?? 'LEAST_HEALTHY',
      };
      // the order of overdue balances tells how much each account owes: a role without billing may not sort by it
      if (view.sort === 'MOST_OVERDUE' && !canRead(ctx.viewer.role, 'BILLING')) {
        throw createGraphQLError(`${ROLE_LABELS[ctx.viewer.role]} users may not sort accounts by overdue balance (billing).`, { extensions: { code: 'FORBIDDEN', group: 'BILLING' } });
      }
      pageOf([], args, view); // bad paging arguments are the caller's error, even while the CRM is down
      let owned;
      try {
        owned = await ctx.loaders.crm.accountsByOwnerEmail(ctx.viewer.email);
      } catch (e) {
        if (isSourceError(e)) return { rows: [], totalCount: 0, allCount: 0, pageInfo: { endCursor: null, hasNextPage: false, firstIndex: 0 }, tiers: [], status: statusFromError(ctx.runtime.systems.crm.id, e) };
        throw e;
      }
      // Only what the filters and the sort need is read, for every account at once (the loaders batch them: one
      // request per system for the whole book, not one per account). By name or tier alone: the CRM's answer only.
      const { filter } = view;
      const needHealth = view.sort === 'LEAST_HEALTHY' || filter.health !== null;
      const needBilling = view.sort === 'MOST_OVERDUE' || filter.overdue !== null;
      const all = await Promise.all(
        owned.value.map(async (account) => {
          const customer = CustomerView.for(ctx, account.id);
          customer.knownName = account.name;
          const [health, attention, overdue] = await Promise.all([
            needHealth ? healthOf(customer, ctx) : null,
            filter.needsAttention !== null ? attentionCount(customer, ctx) : 0,
            needBilling ? overdueOf(customer) : null,
          ]);
          return { account, customer, health, attention, overdue };
        }),
      );
      const kept = all.filter(
        (r) =>
          (filter.name === null || nameContainsText(r.account.name, filter.name)) &&
          (filter.tier === null || (r.account.tier ?? '').toLowerCase() === filter.tier) &&
          (filter.needsAttention === null || filter.needsAttention === r.attention > 0) &&
          (filter.health === null || (filter.health === 'INCOMPLETE' ? r.health!.score === null : r.health!.grade === filter.health)) &&
          // an account whose billing could not be read is neither overdue nor known not to be
          (filter.overdue === null || (r.overdue!.known && filter.overdue === r.overdue!.count > 0)),
      );
      type Row = (typeof all)[number];
      const byName = (a: Row, b: Row) => a.account.name.localeCompare(b.account.name, 'en') || a.account.id.localeCompare(b.account.id, 'en');
      const order = {
        LEAST_HEALTHY: (a: Row, b: Row) => (a.health!.score ?? Infinity) - (b.health!.score ?? Infinity) || 0,
        NAME: () => 0,
        // each account's overdue balance in its own currency (amounts are compared, never added across currencies)
        MOST_OVERDUE: (a: Row, b: Row) => (b.overdue!.known ? b.overdue!.amount : -1) - (a.overdue!.known ? a.overdue!.amount : -1),
      }[view.sort];
      const sorted = [...kept].sort((a, b) => order(a, b) || byName(a, b));
      const page = pageOf(sorted, args, view);
      const tiers = [...new Set(owned.value.flatMap((a) => (a.tier ? [a.tier] : [])))].sort((a, b) => a.localeCompare(b, 'en'));
      return { ...page, rows: page.rows.map((r) => r.customer), allCount: all.length, tiers, status: listStatus(ctx, owned) };
    },
    overdueInvoices: async (_: unknown, args: OverdueInvoiceArgs, ctx: PanoramaContext) => {
      const currency = args.filter?.currency?.trim().toUpperCase() || null;
      if (currency && !/^[A-Z]{3}$/.test(currency)) throw createGraphQLError(`filter.currency must be an ISO 4217 code such as EUR, got "${currency.slice(0, 20)}".`, { extensions: { code: 'BAD_USER_INPUT' } });
      const minDays = args.filter?.minDaysOverdue ?? null;
      if (minDays !== null && (!Number.isInteger(minDays) || minDays < 0 || minDays > 36_500)) throw createGraphQLError(`filter.minDaysOverdue must be a whole number of days from 0, got ${minDays}.`, { extensions: { code: 'BAD_USER_INPUT' } });
      const view = { filter: { minDays, currency, linked: args.filter?.linked ?? null }, sort: args.sort ?? 'MOST_OVERDUE' };
      const empty = { rows: [], totalCount: 0, allCount: 0, pageInfo: { endCursor: null, hasNextPage: false, firstIndex: 0 }, totals: [], byCustomer: [], totalOverdue: 0 };
      pageOf([], args, view); // bad paging arguments are the caller's error, even while the source is down
      let fetched;
      try {
        fetched = await ctx.loaders.accounting.overdueInvoices();
      } catch (e) {
        if (isSourceError(e)) return { ...empty, status: statusFromError(ctx.runtime.systems.accounting.id, e) };
        throw e;
      }
      const matcher = await ctx.identity('accounting').catch(() => null);
      const names = new Map((await ctx.loaders.accounting.customerIndex().catch(() => null))?.value.map((c) => [c.id, c.displayName]) ?? []);
      const all = fetched.value.map((invoice) => {
        const owner = matcher?.ownerOf('accounting', invoice.customerId) ?? null;
        const customer = owner ? CustomerView.for(ctx, owner.accountId) : null;
        if (customer && owner) customer.knownName = owner.accountName;
        return {
          invoice,
          customerName: owner?.accountName ?? names.get(invoice.customerId) ?? `${ctx.runtime.systems.accounting.name} customer ${invoice.customerId}`,
          customer,
          link: owner ? { rule: owner.rule, confidence: owner.confidence } : null,
        };
      });
      const { linked } = view.filter;
      const kept = all.filter(
        (r) => (minDays === null || r.invoice.daysOverdue >= minDays) && (currency === null || (r.invoice.currency ?? '').toUpperCase() === currency) && (linked == null || linked === (r.customer != null)),
      );
      type Row = (typeof all)[number];
      const order = {
        MOST_OVERDUE: (a: Row, b: Row) => b.invoice.daysOverdue - a.invoice.daysOverdue,
        LEAST_OVERDUE: (a: Row, b: Row) => a.invoice.daysOverdue - b.invoice.daysOverdue,
        LARGEST: (a: Row, b: Row) => b.invoice.balance - a.invoice.balance,
        CUSTOMER: (a: Row, b: Row) => a.customerName.localeCompare(b.customerName, 'en'),
      }[view.sort];
      // ties by invoice id, so a page boundary never moves between two requests
      const sorted = [...kept].sort((a, b) => order(a, b) || a.invoice.id.localeCompare(b.invoice.id, 'en', { numeric: true }));
      const totals = totalsByCurrency(kept.map((r) => ({ amount: r.invoice.balance, currency: r.invoice.currency })));
      return {
        ...pageOf(sorted, args, view),
        allCount: all.length,
        totals,
        totalOverdue: singleCurrencyTotal(totals),
        byCustomer: overdueByCustomer(kept),
        status: listStatus(ctx, fetched),
      };
    },
    urgentTickets: async (_: unknown, args: UrgentTicketArgs, ctx: PanoramaContext) => {
      const view = { filter: { assignee: args.filter?.assignee ?? 'ANY', linked: args.filter?.linked ?? null }, sort: args.sort ?? 'NEWEST' };
      pageOf([], args, view); // bad paging arguments are the caller's error, even while the source is down
      let fetched;
      try {
        fetched = await ctx.loaders.support.urgentOpenTickets();
      } catch (e) {
        if (isSourceError(e)) return { rows: [], totalCount: 0, allCount: 0, pageInfo: { endCursor: null, hasNextPage: false, firstIndex: 0 }, status: statusFromError(ctx.runtime.systems.support.id, e) };
        throw e;
      }
      const matcher = await ctx.identity('support').catch(() => null);
      const now = ctx.runtime.clock.now();
      const all = fetched.value.tickets.map((t) => {
        const owner = supportOwner(ctx, matcher, t.organizationId, t.crmAccountId);
        const customer = owner ? CustomerView.for(ctx, owner.accountId) : null;
        if (customer && owner?.accountName) customer.knownName = owner.accountName;
        const ageDays = Math.max(0, Math.floor((now - Date.parse(t.ticket.createdAt)) / 86_400_000));
        return { ticket: t.ticket, customer, link: owner ? { rule: owner.rule, confidence: owner.confidence } : null, ageDays };
      });
      const { assignee, linked } = view.filter;
      const kept = all.filter(
        (r) => (assignee === 'ANY' || (assignee === 'UNASSIGNED') === (r.ticket.assignee == null)) && (linked == null || linked === (r.customer != null)),
      );
      type Row = (typeof all)[number];
      const at = (iso: string) => Date.parse(iso);
      const order = { NEWEST: (a: Row, b: Row) => at(b.ticket.createdAt) - at(a.ticket.createdAt), OLDEST: (a: Row, b: Row) => at(a.ticket.createdAt) - at(b.ticket.createdAt), STALEST: (a: Row, b: Row) => at(a.ticket.updatedAt) - at(b.ticket.updatedAt) }[view.sort];
      // ties by ticket id, so a page boundary never moves between two requests
      const sorted = [...kept].sort((a, b) => order(a, b) || a.ticket.id.localeCompare(b.ticket.id, 'en', { numeric: true }));
      const page = pageOf(sorted, args, view);
      return { ...page, allCount: Math.max(all.length, fetched.value.total), status: listStatus(ctx, fetched) };
    },
  },
  Customer: {
    fields: async (c: CustomerView, _: unknown, ctx: PanoramaContext) => {
      const { mastered } = await insights(c, ctx);
      const other = (x: OtherValue, why: string) => ({
        system: SYSTEM(x.source),
        recordId: x.recordId,
        value: x.value,
        url: ctx.deepLink(x.source, linkedEntityOf(ctx.runtime.systems, x.source), x.recordId),
        rule: x.rule,
        severity: x.severity,
        why,
      });
      return mastered.map((m) => ({
        field: m.field,
        group: m.group,
        system: SYSTEM(m.source),
        recordId: m.recordId,
        value: m.value,
        conflicts: m.conflicts.map((x) => other(x, RULE_TEXT[x.rule])),
        formattedDifferently: m.formattedDifferently.map((x) => other(x, formattedDifferently(x.rule))),
      }));
    },
    flags: async (c: CustomerView, _: unknown, ctx: PanoramaContext) => redactFlags(ctx.viewer.role, (await insights(c, ctx)).flags),
    ambiguousLinks: async (c: CustomerView, _: unknown, ctx: PanoramaContext) => {
      return (await c.ambiguities()).map((l) => ({
        system: SYSTEM(l.source),
        candidates: l.candidates.map((x) => ({ recordId: x.recordId, name: x.name, rules: x.rules, confidence: x.confidence, url: ctx.deepLink(l.source, linkedEntity(ctx.runtime.systems, l.category), x.recordId) })),
      }));
    },
    timeline: async (
      c: CustomerView,
      args: { first?: number; after?: string | null; systems?: string[] | null; types?: TimelineType[] | null },
      ctx: PanoramaContext,
    ) => {
      const first = firstOf(args.first, 200);
      const { sections } = await insights(c, ctx);
      const events = redactTimeline(ctx.viewer.role, buildTimeline({ ...sections, today: ctx.now, systems: ctx.runtime.systems }));
      try {
        return pageTimeline(events, { first, after: args.after, systems: args.systems?.map(fromSystem), types: args.types });
      } catch (e) {
        throw createGraphQLError((e as Error).message, { extensions: { code: 'BAD_USER_INPUT' } });
      }
    },
    health: async (c: CustomerView, _: unknown, ctx: PanoramaContext) => {
      const h = await healthOf(c, ctx);
      return {
        ...h,
        missing: h.missing.map(SYSTEM),
        incomplete: h.incomplete.map((g) => ({ system: SYSTEM(g.source), reason: g.reason })),
        incompleteMessage: healthIncomplete(h.incomplete, ctx.runtime.systems),
        inputs: h.inputs.map((i) => redactHealthInput(ctx.viewer.role, i)),
      };
    },
  },
  // Text is written here, from facts the policy has already redacted; nothing upstream builds any.
  Flag: {
    message: (f: RedactedFlag, _: unknown, ctx: PanoramaContext) => flagMessage(f, ctx.runtime.systems),
  },
  FlagFacts: {
    systemOfRecord: (x: { systemOfRecord?: SourceId | null }) => (x.systemOfRecord ? SYSTEM(x.systemOfRecord) : null),
    otherSystem: (x: { otherSystem?: SourceId | null }) => (x.otherSystem ? SYSTEM(x.otherSystem) : null),
    unavailableSystem: (x: { unavailableSystem?: SourceId | null }) => (x.unavailableSystem ? SYSTEM(x.unavailableSystem) : null),
  },
  RecordRef: {
    system: (r: RecordRef) => SYSTEM(r.source),
    label: (r: RecordRef, _: unknown, ctx: PanoramaContext) => recordLabel(r, ctx.runtime.systems),
    url: (r: RecordRef, _: unknown, ctx: PanoramaContext) => ctx.deepLink(r.source, r.entity, r.recordId),
  },
  TimelineEvent: {
    system: (e: RedactedTimelineEvent) => SYSTEM(e.source),
    title: (e: RedactedTimelineEvent) => timelineTitle(e),
    url: (e: RedactedTimelineEvent, _: unknown, ctx: PanoramaContext) => (e.record ? ctx.deepLink(e.record.source, e.record.entity, e.record.recordId) : null),
  },
  HealthInput: {
    system: (i: RedactedHealthInput) => (i.source ? SYSTEM(i.source) : null),
    label: (i: RedactedHealthInput) => HEALTH_LABEL[i.key],
    detail: (i: RedactedHealthInput, _: unknown, ctx: PanoramaContext) => healthDetail(i, ctx.runtime.systems),
  },
  SectionStatus: {
    linkRule: (s: { linkRule?: string | null }) => s.linkRule ?? null,
    linkDecision: (s: { linkDecision?: LinkDecision | null }) => s.linkDecision ?? null,
    linkConfidence: (s: { linkConfidence?: number | null }) => s.linkConfidence ?? null,
  },
  CustomerConnection: {
    sources: (c: { sources?: SectionStatus[] }) => c.sources ?? [],
    matches: (c: { matches?: SearchMatch[] }) => c.matches ?? [],
    incomplete: (c: { incomplete?: string | null }) => c.incomplete ?? null,
  },
  SearchMatch: {
    system: (m: SearchMatch) => SYSTEM(m.source),
    systemName: (m: SearchMatch, _: unknown, ctx: PanoramaContext) => systemName(ctx.runtime.systems, m.source),
    field: (m: SearchMatch) => m.reason,
  },
};


export type { AccessGroup };

