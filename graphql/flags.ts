import type { AccountingCustomer, CrmCustomer, ProjectsCustomer, SupportCustomer } from '../sources/kit/domain.js';
import type { SourceId } from '../sources/kit/errors.js';
import { money } from './money.js';
import type { Mastered } from './source-of-truth.js';

export type FlagKind =
  | 'CONFLICT'
  | 'WON_DEAL_WITHOUT_PROJECT'
  | 'MILESTONE_NOT_INVOICED'
  | 'ON_HOLD_WHILE_PAID_UP'
  | 'OVERDUE_WITH_URGENT_TICKETS';

export type FlagRecord = { source: SourceId; entity: string; recordId: string; label: string };

export type Flag = {
  kind: FlagKind;
  severity: 'HIGH' | 'MEDIUM' | 'LOW';
  /** Why, in words a person acts on. */
  message: string;
  records: FlagRecord[];
};

export type FlagInput = {
  crm: CrmCustomer | null;
  accounting: AccountingCustomer | null;
  projects: ProjectsCustomer | null;
  support: SupportCustomer | null;
  mastered: Mastered[];
  today: Date;
  /** Days a won deal may go without a project before it is a gap. @default 14 */
  wonDealGraceDays: number;
};

const DAY = 86_400_000;
const day = (iso: string) => iso.slice(0, 10);
const FIELD_LABEL = { name: 'Name', billingAddress: 'Billing address', email: 'Billing e-mail', domain: 'Web domain' } as const;
const SYSTEM = { salesforce: 'Salesforce', quickbooks: 'QuickBooks', asana: 'Asana', zendesk: 'Zendesk' } as const;

/**
 * The flags of one customer, computed on demand from the live sections: conflicts between systems and the
 * hand-off gaps that otherwise surface only when the client complains. A rule whose inputs did not load (the
 * system is down or not linked) raises nothing: Panorama never claims a gap it cannot see.
 */
export function computeFlags(input: FlagInput): Flag[] {
  const flags: Flag[] = [];
  const { crm, accounting, projects, support } = input;
  const todayMs = Date.UTC(input.today.getUTCFullYear(), input.today.getUTCMonth(), input.today.getUTCDate());

  for (const m of input.mastered) {
    for (const c of m.conflicts) {
      flags.push({
        kind: 'CONFLICT',
        severity: m.field === 'billingAddress' || m.field === 'email' ? 'MEDIUM' : 'LOW',
        message: `${FIELD_LABEL[m.field]} differs: ${SYSTEM[m.source]} (the system of record) has “${m.value ?? '—'}”, ${SYSTEM[c.source]} has “${c.value}”.`,
        records: [
          { source: m.source, entity: 'Account', recordId: m.recordId, label: `${SYSTEM[m.source]} account` },
          { source: c.source, entity: c.source === 'quickbooks' ? 'Customer' : 'Organization', recordId: c.recordId, label: `${SYSTEM[c.source]} record` },
        ],
      });
    }
  }

  // A won deal needs a project created on or after its close date; each project answers for one deal.
  if (crm && projects) {
    const won = crm.opportunities
      .filter((o) => o.outcome === 'WON' && o.closeDate)
      .sort((a, b) => a.closeDate!.localeCompare(b.closeDate!));
    const unused = [...projects.projects].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    for (const deal of won) {
      const i = unused.findIndex((p) => day(p.createdAt) >= deal.closeDate!);
      if (i >= 0) {
        unused.splice(i, 1);
        continue;
      }
      const daysSince = Math.floor((todayMs - Date.parse(`${deal.closeDate}T00:00:00Z`)) / DAY);
      if (daysSince < input.wonDealGraceDays) continue;
      flags.push({
        kind: 'WON_DEAL_WITHOUT_PROJECT',
        severity: 'HIGH',
        message: `Deal “${deal.name}” was won ${daysSince} days ago (${deal.closeDate}) and no project has been started for it in Asana.`,
        records: [{ source: 'salesforce', entity: 'Opportunity', recordId: deal.id, label: deal.name }],
      });
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
          message: `Milestone “${m.name}” of ${p.name} was completed on ${done}, and QuickBooks has no invoice dated on or after it${
            lastInvoice ? ` (the last one is from ${lastInvoice})` : ''
          }.`,
          records: [
            { source: 'asana', entity: 'Task', recordId: m.id, label: m.name },
            { source: 'quickbooks', entity: 'Customer', recordId: accounting.customer.id, label: accounting.customer.displayName },
          ],
        });
      }
    }
  }

  const overdue = accounting?.invoices.filter((i) => i.status === 'OVERDUE') ?? [];
  const overdueBalance = overdue.reduce((s, i) => s + i.balance, 0);

  if (projects && accounting && overdue.length === 0) {
    for (const p of projects.projects.filter((x) => x.status === 'ON_HOLD')) {
      flags.push({
        kind: 'ON_HOLD_WHILE_PAID_UP',
        severity: 'MEDIUM',
        message: `Project ${p.name} is on hold${p.statusText ? ` (“${p.statusText}”)` : ''}, but the customer has no overdue invoices in QuickBooks.`,
        records: [
          { source: 'asana', entity: 'Project', recordId: p.id, label: p.name },
          { source: 'quickbooks', entity: 'Customer', recordId: accounting.customer.id, label: accounting.customer.displayName },
        ],
      });
    }
  }

  if (accounting && support && overdue.length) {
    const urgent = support.tickets.filter((t) => t.priority === 'URGENT' && ['NEW', 'OPEN', 'PENDING', 'HOLD'].includes(t.status));
    if (urgent.length) {
      flags.push({
        kind: 'OVERDUE_WITH_URGENT_TICKETS',
        severity: 'HIGH',
        message: `${money(overdueBalance)} is overdue on ${overdue.length} invoice${overdue.length === 1 ? '' : 's'} while ${urgent.length} urgent ticket${
          urgent.length === 1 ? ' is' : 's are'
        } open: handle the support issue before chasing payment.`,
        records: [
          ...urgent.map((t) => ({ source: 'zendesk' as const, entity: 'Ticket', recordId: t.id, label: `#${t.id} ${t.subject}` })),
          ...overdue.map((i) => ({ source: 'quickbooks' as const, entity: 'Invoice', recordId: i.id, label: `Invoice ${i.number ?? i.id}` })),
        ],
      });
    }
  }
  return flags;
}
