import type { RecordRef } from './facts.js';
import type { Flag, FlagKind } from './flags.js';
import type { HealthFacts, HealthInput, HealthKey } from './health.js';
import { canRead, type AccessGroup, type Role } from './policy.js';
import type { TimelineEvent, TimelineType } from './timeline.js';

type FactsOf<K extends FlagKind> = Extract<Flag, { kind: K }>['facts'];
type Nullable<T> = { [K in keyof T]: T[K] | null };

/**
 * Per flag kind: the groups a role needs to learn that the rule fired at all (`requires`), and the group each
 * fact needs. A role that may see the flag but not a fact gets the fact as null, named in `withheld`, and the
 * words say what the rule found without it ("An overdue balance while urgent tickets are open").
 *
 * - CONFLICT: the mastered values are identity data every role reads on the page.
 * - WON_DEAL_WITHOUT_PROJECT: the missing project is a delivery gap, and it costs health points for every role,
 *   so its existence is shown to whoever reads projects; which deal, when and for how much stay with DEALS.
 * - MILESTONE_NOT_INVOICED: the milestone is delivery data; the date of the last invoice is BILLING.
 * - ON_HOLD_NOTHING_OVERDUE: projects and the billing standing (no overdue invoice, how many are open and not yet
 *   due), readable by every role; the open amount is BILLING.
 * - RULE_NOT_CHECKED: that the won-deal rule could not check because the projects system failed, for whoever
 *   reads projects.
 * - OVERDUE_WITH_URGENT_TICKETS: that money is overdue, on how many invoices, and how many urgent tickets are
 *   open is standing and counts; the amount is BILLING, the tickets (subjects) TICKETS, the invoices BILLING.
 */
export type FlagPolicy = { [K in FlagKind]: { requires: AccessGroup[]; facts: { [F in keyof FactsOf<K>]-?: AccessGroup } } };
export const FLAG_POLICY: FlagPolicy = {
  CONFLICT: {
    requires: ['IDENTITY'],
    facts: { field: 'IDENTITY', rule: 'IDENTITY', systemOfRecord: 'IDENTITY', recordValue: 'IDENTITY', otherSystem: 'IDENTITY', otherValue: 'IDENTITY' },
  },
  WON_DEAL_WITHOUT_PROJECT: {
    requires: ['PROJECTS'],
    facts: { deal: 'DEALS', dealAmount: 'DEALS', wonOn: 'DEALS', daysSinceWon: 'DEALS', graceDays: 'PROJECTS' },
  },
  MILESTONE_NOT_INVOICED: {
    requires: ['PROJECTS', 'BILLING_STANDING'],
    facts: { milestone: 'PROJECTS', project: 'PROJECTS', completedOn: 'PROJECTS', lastInvoiceOn: 'BILLING' },
  },
  ON_HOLD_NOTHING_OVERDUE: {
    requires: ['PROJECTS', 'BILLING_STANDING'],
    facts: { project: 'PROJECTS', projectStatusText: 'PROJECTS', overdueInvoiceCount: 'BILLING_STANDING', openInvoiceCount: 'BILLING_STANDING', openBalance: 'BILLING' },
  },
  RULE_NOT_CHECKED: {
    requires: ['PROJECTS'],
    facts: { rule: 'PROJECTS', unavailableSystem: 'PROJECTS' },
  },
  OVERDUE_WITH_URGENT_TICKETS: {
    requires: ['BILLING_STANDING', 'TICKET_COUNTS'],
    facts: { overdueAmount: 'BILLING', overdueInvoiceCount: 'BILLING_STANDING', urgentTicketCount: 'TICKET_COUNTS' },
  },
};

/** Every health input is shown to every role (the score is); each fact needs its group. */
export const HEALTH_POLICY: { [K in HealthKey]: { [F in keyof HealthFacts[K]]-?: AccessGroup } } = {
  OVERDUE_BALANCE: { overdueInvoiceCount: 'BILLING_STANDING', oldestDaysOverdue: 'BILLING_STANDING' },
  URGENT_TICKETS: { count: 'TICKET_COUNTS' },
  OPEN_TICKETS: { count: 'TICKET_COUNTS' },
  SATISFACTION: { good: 'TICKET_COUNTS', bad: 'TICKET_COUNTS' },
  PROJECT_STATUS: { troubledProjects: 'PROJECTS' },
  OVERDUE_TASKS: { count: 'PROJECTS' },
  // each gap is redacted as the flag it is
  HANDOFF_GAPS: { gaps: 'IDENTITY' },
};

/** A timeline event is shown to the roles that may read its record; an amount needs the record's group too. */
export const TIMELINE_POLICY: Record<TimelineType, { requires: AccessGroup; facts: { record: AccessGroup; amount: AccessGroup; project: AccessGroup } }> = {
  DEAL_WON: { requires: 'DEALS', facts: { record: 'DEALS', amount: 'DEALS', project: 'PROJECTS' } },
  DEAL_LOST: { requires: 'DEALS', facts: { record: 'DEALS', amount: 'DEALS', project: 'PROJECTS' } },
  INVOICE_ISSUED: { requires: 'BILLING', facts: { record: 'BILLING', amount: 'BILLING', project: 'PROJECTS' } },
  PAYMENT_RECEIVED: { requires: 'BILLING', facts: { record: 'BILLING', amount: 'BILLING', project: 'PROJECTS' } },
  PROJECT_CREATED: { requires: 'PROJECTS', facts: { record: 'PROJECTS', amount: 'PROJECTS', project: 'PROJECTS' } },
  MILESTONE_COMPLETED: { requires: 'PROJECTS', facts: { record: 'PROJECTS', amount: 'PROJECTS', project: 'PROJECTS' } },
  TICKET_OPENED: { requires: 'TICKETS', facts: { record: 'TICKETS', amount: 'TICKETS', project: 'PROJECTS' } },
  TICKET_SOLVED: { requires: 'TICKETS', facts: { record: 'TICKETS', amount: 'TICKETS', project: 'PROJECTS' } },
};

type RedactedOf<F> = F extends Flag ? { kind: F['kind']; severity: F['severity']; facts: Nullable<F['facts']>; withheld: string[]; records: RecordRef[] } : never;
export type RedactedFlag = RedactedOf<Flag>;

type RedactedHealthFacts = {
  [K in HealthKey]: K extends 'HANDOFF_GAPS' ? { gaps: RedactedFlag[] | null; hiddenGaps: number } : Nullable<HealthFacts[K]>;
};
export type RedactedHealthInput = {
  [K in HealthKey]: Omit<Extract<HealthInput, { key: K }>, 'facts'> & { facts: RedactedHealthFacts[K]; withheld: string[] };
}[HealthKey];

export type RedactedTimelineEvent = Omit<TimelineEvent, 'record' | 'amount' | 'project'> & Nullable<Pick<TimelineEvent, 'record' | 'amount' | 'project'>> & { withheld: string[] };

const readableRef = (role: Role, r: RecordRef) => canRead(role, r.group);

/** The facts the role may read; the others become null and are named in `withheld`. */
function redactFacts<F extends object>(role: Role, facts: F, groups: { [K in keyof F]-?: AccessGroup }): { facts: Nullable<F>; withheld: string[] } {
  const out = {} as Nullable<F>;
  const withheld: string[] = [];
  for (const key of Object.keys(groups) as (keyof F)[]) {
    const value = facts[key];
    // a fact that is a record is declared with the record's own group (or a stricter one): the role matrix
    // finds a record's name in the answer of a role that may not read it
    if (canRead(role, groups[key])) out[key] = value;
    else {
      out[key] = null;
      withheld.push(String(key));
    }
  }
  return { facts: out, withheld };
}

/** The flag as the role may read it, or null when the role may not learn that its rule fired. */
export function redactFlag(role: Role, flag: Flag, flagPolicy: FlagPolicy = FLAG_POLICY): RedactedFlag | null {
  const policy = flagPolicy[flag.kind];
  if (!policy.requires.every((g) => canRead(role, g))) return null;
  const { facts, withheld } = redactFacts(role, flag.facts, policy.facts as never);
  return { kind: flag.kind, severity: flag.severity, facts, withheld, records: flag.records.filter((r) => readableRef(role, r)) } as RedactedFlag;
}

export function redactFlags(role: Role, flags: Flag[], flagPolicy: FlagPolicy = FLAG_POLICY): RedactedFlag[] {
  return flags.map((f) => redactFlag(role, f, flagPolicy)).filter((f): f is RedactedFlag => f !== null);
}

export function redactHealthInput(role: Role, input: HealthInput, flagPolicy: FlagPolicy = FLAG_POLICY): RedactedHealthInput {
  const records = input.records.filter((r) => readableRef(role, r));
  if (input.key === 'HANDOFF_GAPS') {
    const visible = redactFlags(role, input.facts.gaps, flagPolicy);
    const allowed = canRead(role, HEALTH_POLICY.HANDOFF_GAPS.gaps);
    return {
      ...input,
      records,
      facts: { gaps: allowed ? visible : null, hiddenGaps: input.facts.gaps.length - (allowed ? visible.length : 0) },
      withheld: allowed ? [] : ['gaps'],
    };
  }
  const { facts, withheld } = redactFacts(role, input.facts, HEALTH_POLICY[input.key] as never);
  return { ...input, records, facts, withheld } as RedactedHealthInput;
}

/** The events the role may see, each with only the facts it may read. */
export function redactTimeline(role: Role, events: TimelineEvent[]): RedactedTimelineEvent[] {
  const out: RedactedTimelineEvent[] = [];
  for (const e of events) {
    const policy = TIMELINE_POLICY[e.type];
    if (!canRead(role, policy.requires)) continue;
    const { record, amount, project, ...rest } = e;
    const { facts, withheld } = redactFacts(role, { record, amount, project }, policy.facts);
    out.push({ ...rest, ...facts, withheld });
  }
  return out;
}
