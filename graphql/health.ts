import type { AccountingCustomer, ProjectsCustomer, SupportCustomer } from '../sources/kit/domain.js';
import type { SourceId } from '../sources/kit/errors.js';
import type { Flag, FlagRecord } from './flags.js';

export type HealthInput = {
  key: 'OVERDUE_BALANCE' | 'URGENT_TICKETS' | 'OPEN_TICKETS' | 'SATISFACTION' | 'PROJECT_STATUS' | 'OVERDUE_TASKS' | 'HANDOFF_GAPS';
  label: string;
  source: SourceId | null;
  /** The most points this input can take off the score. */
  weight: number;
  /** The points it took off this time (0 … weight). */
  impact: number;
  detail: string;
  records: FlagRecord[];
};

export type HealthScore = {
  /** 0 (in trouble) … 100 (healthy). */
  score: number;
  grade: 'GOOD' | 'FAIR' | 'POOR';
  inputs: HealthInput[];
  /** Systems whose data did not load: the score leaves them out and says so. */
  missing: SourceId[];
};

/** The weights, in one place: each is the most points its input may take off. */
export const HEALTH_WEIGHTS = {
  OVERDUE_BALANCE: 30,
  URGENT_TICKETS: 20,
  OPEN_TICKETS: 10,
  SATISFACTION: 10,
  PROJECT_STATUS: 15,
  OVERDUE_TASKS: 5,
  HANDOFF_GAPS: 10,
} as const;

/**
 * An explainable health score: it starts at 100 and each input takes off up to its weight, with the records
 * that made it do so. Nothing is hidden in a model.
 */
export function healthScore(s: {
  accounting: AccountingCustomer | null;
  projects: ProjectsCustomer | null;
  support: SupportCustomer | null;
  flags: Flag[];
  missing: SourceId[];
}): HealthScore {
  const inputs: HealthInput[] = [];
  const add = (i: Omit<HealthInput, 'weight'>) => inputs.push({ ...i, weight: HEALTH_WEIGHTS[i.key], impact: Math.min(HEALTH_WEIGHTS[i.key], Math.round(i.impact)) });

  if (s.accounting) {
    const overdue = s.accounting.invoices.filter((i) => i.status === 'OVERDUE');
    const oldest = Math.max(0, ...overdue.map((i) => i.daysOverdue));
    add({
      key: 'OVERDUE_BALANCE',
      label: 'Overdue invoices',
      source: 'quickbooks',
      impact: overdue.length ? 15 + Math.min(15, oldest / 6) : 0,
      detail: overdue.length ? `${overdue.length} overdue, the oldest ${oldest} days past due` : 'Nothing overdue',
      records: overdue.map((i) => ({ source: 'quickbooks', entity: 'Invoice', recordId: i.id, label: `Invoice ${i.number ?? i.id}` })),
    });
  }
  if (s.support) {
    const open = s.support.tickets.filter((t) => ['NEW', 'OPEN', 'PENDING', 'HOLD'].includes(t.status));
    const urgent = open.filter((t) => t.priority === 'URGENT');
    add({
      key: 'URGENT_TICKETS',
      label: 'Urgent open tickets',
      source: 'zendesk',
      impact: urgent.length * 10,
      detail: urgent.length ? `${urgent.length} urgent ticket${urgent.length === 1 ? '' : 's'} open` : 'None',
      records: urgent.map((t) => ({ source: 'zendesk', entity: 'Ticket', recordId: t.id, label: `#${t.id} ${t.subject}` })),
    });
    add({
      key: 'OPEN_TICKETS',
      label: 'Open tickets',
      source: 'zendesk',
      impact: Math.max(0, open.length - 2) * 2.5,
      detail: `${open.length} open`,
      records: open.map((t) => ({ source: 'zendesk', entity: 'Ticket', recordId: t.id, label: `#${t.id} ${t.subject}` })),
    });
    const rated = s.support.tickets.filter((t) => t.satisfaction);
    const bad = rated.filter((t) => t.satisfaction === 'BAD');
    add({
      key: 'SATISFACTION',
      label: 'Satisfaction ratings',
      source: 'zendesk',
      impact: rated.length ? (bad.length / rated.length) * 20 : 0,
      detail: rated.length ? `${rated.length - bad.length} good, ${bad.length} bad` : 'No ratings yet',
      records: bad.map((t) => ({ source: 'zendesk', entity: 'Ticket', recordId: t.id, label: `#${t.id} rated bad` })),
    });
  }
  if (s.projects) {
    const troubled = s.projects.projects.filter((p) => p.status === 'OFF_TRACK' || p.status === 'AT_RISK');
    add({
      key: 'PROJECT_STATUS',
      label: 'Projects off track or at risk',
      source: 'asana',
      impact: troubled.reduce((n, p) => n + (p.status === 'OFF_TRACK' ? 10 : 5), 0),
      detail: troubled.length ? troubled.map((p) => `${p.name}: ${p.status === 'OFF_TRACK' ? 'off track' : 'at risk'}`).join('; ') : 'All on track',
      records: troubled.map((p) => ({ source: 'asana', entity: 'Project', recordId: p.id, label: p.name })),
    });
    const overdueTasks = s.projects.projects.reduce((n, p) => n + p.overdueTaskCount, 0);
    add({
      key: 'OVERDUE_TASKS',
      label: 'Overdue tasks',
      source: 'asana',
      impact: overdueTasks,
      detail: `${overdueTasks} overdue task${overdueTasks === 1 ? '' : 's'}`,
      records: s.projects.projects.filter((p) => p.overdueTaskCount).map((p) => ({ source: 'asana', entity: 'Project', recordId: p.id, label: p.name })),
    });
  }
  const gaps = s.flags.filter((f) => f.kind !== 'CONFLICT');
  add({
    key: 'HANDOFF_GAPS',
    label: 'Hand-off gaps',
    source: null,
    impact: gaps.length * 5,
    detail: gaps.length ? gaps.map((g) => g.message).join(' ') : 'None',
    records: gaps.flatMap((g) => g.records),
  });
  const score = Math.max(0, 100 - inputs.reduce((n, i) => n + i.impact, 0));
  return { score, grade: score >= 75 ? 'GOOD' : score >= 50 ? 'FAIR' : 'POOR', inputs, missing: s.missing };
}
