import type { Systems } from '../sources/kit/contract.js';
import type { AccountingCustomer, CrmCustomer, ProjectsCustomer, SupportCustomer } from '../sources/kit/domain.js';
import type { SourceId } from '../sources/kit/errors.js';
import { linkedRef, ref, roundMoney, type Money, type RecordRef } from './facts.js';
import type { ConflictRule, Severity } from './conflict-rules.js';
import type { Mastered } from './source-of-truth.js';

export type FlagKind = Flag['kind'];
export type { Severity };
export type ConflictField = Mastered['field'];

/**
 * A flag carries facts, never text: the words a person reads are written from the facts left after the role
 * policy has run (see `redact.ts` for who may read which fact, and `wording.ts` for the words).
 */
export type Flag =
  | {
      kind: 'CONFLICT';
      severity: Severity;
      facts: { field: ConflictField; rule: ConflictRule; systemOfRecord: SourceId; recordValue: string | null; otherSystem: SourceId; otherValue: string };
      records: RecordRef[];
    }
  | {
      kind: 'WON_DEAL_WITHOUT_PROJECT';
      severity: Severity;
      facts: { deal: RecordRef; dealAmount: Money | null; wonOn: string; daysSinceWon: number; graceDays: number };
      records: RecordRef[];
    }
  | {
      kind: 'MILESTONE_NOT_INVOICED';
      severity: Severity;
      facts: { milestone: RecordRef; project: RecordRef; completedOn: string; lastInvoiceOn: string | null };
      records: RecordRef[];
    }
  | {
      kind: 'ON_HOLD_NOTHING_OVERDUE';
      severity: Severity;
      /** Nothing is overdue; money may still be open and not yet due (openBalance, openInvoiceCount), which is not "paid up". */
      facts: { project: RecordRef; projectStatusText: string | null; overdueInvoiceCount: number; openInvoiceCount: number; openBalance: Money };
      records: RecordRef[];
    }
  | {
      /** A rule whose input system failed: it raises no gap and costs no health, it says it could not check. */
      kind: 'RULE_NOT_CHECKED';
      severity: Severity;
      facts: { rule: CheckedRule; unavailableSystem: SourceId };
      records: RecordRef[];
    }
  | {
      kind: 'OVERDUE_WITH_URGENT_TICKETS';
      severity: Severity;
      facts: { overdueAmount: Money; overdueInvoiceCount: number; urgentTicketCount: number };
      records: RecordRef[];
    };

/** The gap rules that can say they could not check. */
export type CheckedRule = 'WON_DEAL_WITHOUT_PROJECT';

export type FlagInput = {
  crm: CrmCustomer | null;
  accounting: AccountingCustomer | null;
  projects: ProjectsCustomer | null;
  support: SupportCustomer | null;
  mastered: Mastered[];
  today: Date;
  /** Days a won deal may go without a project before it is a gap. @default 14 */
  wonDealGraceDays: number;
  systems: Systems;
  /** The systems whose section failed to load (not: answered with nothing for this customer). */
  missing: readonly SourceId[];
};

const DAY = 86_400_000;
const day = (iso: string) => iso.slice(0, 10);

/**
 * The flags of one customer, computed on demand from the live sections: conflicts between systems and the
 * hand-off gaps that otherwise surface only when the client complains. A system that answered with nothing for
 * the customer is a fact ("no project"); a system that failed is unknown: a rule that needs it raises no gap and,
 * where it had something to check, says so (RULE_NOT_CHECKED). Panorama never claims a gap it cannot see.
 */
export function computeFlags(input: FlagInput): Flag[] {
  const flags: Flag[] = [];
  const { crm, accounting, projects, support } = input;
  const sys = input.systems;
  const todayMs = Date.UTC(input.today.getUTCFullYear(), input.today.getUTCMonth(), input.today.getUTCDate());

  for (const m of input.mastered) {
    for (const c of m.conflicts) {
      flags.push({
        kind: 'CONFLICT',
        // only material differences are conflicts; each carries its rule's severity
        severity: c.severity ?? 'LOW',
        facts: { field: m.field, rule: c.rule, systemOfRecord: m.source, recordValue: m.value, otherSystem: c.source, otherValue: c.value },
        records: [linkedRef(sys, m.source, m.recordId, null), linkedRef(sys, c.source, c.recordId, null)],
      });
    }
  }

  // A won deal needs a project created on or after its close date; each project answers for one deal. A
  // projects system that answered with no project for the customer means none was started.
  const projectsFailed = input.missing.includes(sys.projects.id);
  if (crm) {
    const won = crm.opportunities
      .filter((o) => o.outcome === 'WON' && o.closeDate)
      .sort((a, b) => a.closeDate!.localeCompare(b.closeDate!));
    const unused = projectsFailed ? [] : [...(projects?.projects ?? [])].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    let unchecked = false;
    for (const deal of won) {
      const i = unused.findIndex((p) => day(p.createdAt) >= deal.closeDate!);
      if (i >= 0) {
        unused.splice(i, 1);
        continue;
      }
      const daysSince = Math.floor((todayMs - Date.parse(`${deal.closeDate}T00:00:00Z`)) / DAY);
      if (daysSince < input.wonDealGraceDays) continue;
      if (projectsFailed) {
        unchecked = true;
        continue;
      }
      flags.push({
        kind: 'WON_DEAL_WITHOUT_PROJECT',
        severity: 'HIGH',
        facts: {
          deal: ref(sys.crm, 'deal', deal.id, deal.name),
          dealAmount: deal.amount === null ? null : { amount: deal.amount, currency: deal.currency },
          wonOn: deal.closeDate!,
          daysSinceWon: daysSince,
          graceDays: input.wonDealGraceDays,
        },
        records: [ref(sys.crm, 'deal', deal.id, deal.name)],
      });
    }
    if (unchecked) {
      flags.push({ kind: 'RULE_NOT_CHECKED', severity: 'LOW', facts: { rule: 'WON_DEAL_WITHOUT_PROJECT', unavailableSystem: sys.projects.id }, records: [] });
    }
  }

  if (projects && accounting) {
    const lastInvoice = accounting.invoices.reduce<string | null>((max, i) => (!max || i.date > max ? i.date : max), null);
    for (const p of projects.projects) {
      for (const m of p.milestones) {
        if (!m.completed || !m.completedAt) continue;
        const done = day(m.completedAt);
        if (lastInvoice && lastInvoice >= done) continue;
        flags.push({
          kind: 'MILESTONE_NOT_INVOICED',
          severity: 'HIGH',
          facts: { milestone: ref(sys.projects, 'milestone', m.id, m.name), project: ref(sys.projects, 'project', p.id, p.name), completedOn: done, lastInvoiceOn: lastInvoice },
          records: [ref(sys.projects, 'milestone', m.id, m.name), ref(sys.accounting, 'customer', accounting.customer.id, accounting.customer.displayName)],
        });
      }
    }
  }

  const overdue = accounting?.invoices.filter((i) => i.status === 'OVERDUE') ?? [];
  const overdueBalance = overdue.reduce((s, i) => s + i.balance, 0);
  // open but not yet due: sent (or partly paid) and a balance left; a draft is not yet owed
  const open = accounting?.invoices.filter((i) => i.balance > 0 && (i.status === 'SENT' || i.status === 'PARTIALLY_PAID')) ?? [];

  if (projects && accounting && overdue.length === 0) {
    for (const p of projects.projects.filter((x) => x.status === 'ON_HOLD')) {
      flags.push({
        kind: 'ON_HOLD_NOTHING_OVERDUE',
        severity: 'MEDIUM',
        facts: {
          project: ref(sys.projects, 'project', p.id, p.name),
          projectStatusText: p.statusText,
          overdueInvoiceCount: 0,
          openInvoiceCount: open.length,
          openBalance: { amount: roundMoney(open.reduce((s, i) => s + i.balance, 0)), currency: accounting.customer.currency },
        },
        records: [ref(sys.projects, 'project', p.id, p.name), ref(sys.accounting, 'customer', accounting.customer.id, accounting.customer.displayName)],
      });
    }
  }

  if (accounting && support && overdue.length) {
    const urgent = support.tickets.filter((t) => t.priority === 'URGENT' && ['NEW', 'OPEN', 'PENDING', 'HOLD'].includes(t.status));
    if (urgent.length) {
      flags.push({
        kind: 'OVERDUE_WITH_URGENT_TICKETS',
        severity: 'HIGH',
        facts: {
          overdueAmount: { amount: roundMoney(overdueBalance), currency: accounting.customer.currency },
          overdueInvoiceCount: overdue.length,
          urgentTicketCount: urgent.length,
        },
        records: [
          ...urgent.map((t) => ref(sys.support, 'ticket', t.id, t.subject)),
          ...overdue.map((i) => ref(sys.accounting, 'invoice', i.id, i.number)),
        ],
      });
    }
  }
  return flags;
}
