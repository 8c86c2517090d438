import type { Systems } from '../sources/kit/contract.js';
import type { AccountingCustomer, ProjectsCustomer, SupportCustomer } from '../sources/kit/domain.js';
import type { SourceId } from '../sources/kit/errors.js';
import { ref, type RecordRef } from './facts.js';
import type { Flag } from './flags.js';

export type TroubledProject = { project: RecordRef; status: 'OFF_TRACK' | 'AT_RISK' };

/** What each input found, as facts: its words are written after the role policy has run (`wording.ts`). */
export type HealthFacts = {
  OVERDUE_BALANCE: { overdueInvoiceCount: number; oldestDaysOverdue: number };
  URGENT_TICKETS: { count: number };
  OPEN_TICKETS: { count: number };
  SATISFACTION: { good: number; bad: number };
  PROJECT_STATUS: { troubledProjects: TroubledProject[] };
  OVERDUE_TASKS: { count: number };
  HANDOFF_GAPS: { gaps: Flag[] };
};
export type HealthKey = keyof HealthFacts;

export type HealthInput = {
  [K in HealthKey]: {
    key: K;
    source: SourceId | null;
    /** The most points this input can take off the score. */
    weight: number;
    /** The points it took off this time (0 … weight). */
    impact: number;
    facts: HealthFacts[K];
    records: RecordRef[];
  };
}[HealthKey];

/** An input the score could not read: its system failed, or which of its records is this customer is not certain. */
export type HealthGap = { source: SourceId; reason: 'UNAVAILABLE' | 'AMBIGUOUS' };

export type HealthScore = {
  /** 0 (in trouble) … 100 (healthy); null while an input is missing or ambiguous: a partial sum is no score. */
  score: number | null;
  grade: 'GOOD' | 'FAIR' | 'POOR' | null;
  inputs: HealthInput[];
  /** Systems whose data did not load: the score leaves them out and says so. */
  missing: SourceId[];
  /** Why there is no score: each input missing or ambiguous (empty when the score is complete). */
  incomplete: HealthGap[];
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
  /** Systems where more than one record may be this customer: their data is not read, so the score is not given. */
  ambiguous?: SourceId[];
  systems: Systems;
}): HealthScore {
  const { accounting, projects, support } = s.systems;
  const inputs: HealthInput[] = [];
  const add = <K extends HealthKey>(i: { key: K; source: SourceId | null; impact: number; facts: HealthFacts[K]; records: RecordRef[] }) =>
    inputs.push({ ...i, weight: HEALTH_WEIGHTS[i.key], impact: Math.min(HEALTH_WEIGHTS[i.key], Math.round(i.impact)) } as HealthInput);
  const ticketRef = (t: { id: string; subject: string }) => ref(support, 'ticket', t.id, t.subject);

  if (s.accounting) {
    const overdue = s.accounting.invoices.filter((i) => i.status === 'OVERDUE');
    const oldest = Math.max(0, ...overdue.map((i) => i.daysOverdue));
    add({
      key: 'OVERDUE_BALANCE',
      source: accounting.id,
      impact: overdue.length ? 15 + Math.min(15, oldest / 6) : 0,
      facts: { overdueInvoiceCount: overdue.length, oldestDaysOverdue: oldest },
      records: overdue.map((i) => ref(accounting, 'invoice', i.id, i.number)),
    });
  }
  if (s.support) {
    const open = s.support.tickets.filter((t) => ['NEW', 'OPEN', 'PENDING', 'HOLD'].includes(t.status));
    const urgent = open.filter((t) => t.priority === 'URGENT');
    add({
      key: 'URGENT_TICKETS',
      source: support.id,
      impact: urgent.length * 10,
      facts: { count: urgent.length },
      records: urgent.map(ticketRef),
    });
    add({
      key: 'OPEN_TICKETS',
      source: support.id,
      impact: Math.max(0, open.length - 2) * 2.5,
      facts: { count: open.length },
      records: open.map(ticketRef),
    });
    const rated = s.support.tickets.filter((t) => t.satisfaction);
    const bad = rated.filter((t) => t.satisfaction === 'BAD');
    add({
      key: 'SATISFACTION',
      source: support.id,
      impact: rated.length ? (bad.length / rated.length) * 20 : 0,
      facts: { good: rated.length - bad.length, bad: bad.length },
      records: bad.map(ticketRef),
    });
  }
  if (s.projects) {
    const troubled = s.projects.projects.filter((p) => p.status === 'OFF_TRACK' || p.status === 'AT_RISK');
    add({
      key: 'PROJECT_STATUS',
      source: projects.id,
      impact: troubled.reduce((n, p) => n + (p.status === 'OFF_TRACK' ? 10 : 5), 0),
      facts: { troubledProjects: troubled.map((p) => ({ project: ref(projects, 'project', p.id, p.name), status: p.status as TroubledProject['status'] })) },
      records: troubled.map((p) => ref(projects, 'project', p.id, p.name)),
    });
    const overdueTasks = s.projects.projects.reduce((n, p) => n + p.overdueTaskCount, 0);
    add({
      key: 'OVERDUE_TASKS',
      source: projects.id,
      impact: overdueTasks,
      facts: { count: overdueTasks },
      records: s.projects.projects.filter((p) => p.overdueTaskCount).map((p) => ref(projects, 'project', p.id, p.name)),
    });
  }
  // a rule that could not check is not a gap and costs nothing
  const gaps = s.flags.filter((f) => f.kind !== 'CONFLICT' && f.kind !== 'RULE_NOT_CHECKED');
  add({
    key: 'HANDOFF_GAPS',
    source: null,
    impact: gaps.length * 5,
    facts: { gaps },
    records: gaps.flatMap((g) => g.records),
  });
  const incomplete: HealthGap[] = [
    ...s.missing.map((source) => ({ source, reason: 'UNAVAILABLE' as const })),
    ...(s.ambiguous ?? []).filter((source) => !s.missing.includes(source)).map((source) => ({ source, reason: 'AMBIGUOUS' as const })),
  ];
  if (incomplete.length) return { score: null, grade: null, inputs, missing: s.missing, incomplete };
  const score = Math.max(0, 100 - inputs.reduce((n, i) => n + i.impact, 0));
  return { score, grade: score >= 75 ? 'GOOD' : score >= 50 ? 'FAIR' : 'POOR', inputs, missing: s.missing, incomplete };
}
