import type { Systems } from '../sources/kit/contract.js';
import type { AccountingCustomer, CrmCustomer, ProjectsCustomer, SupportCustomer } from '../sources/kit/domain.js';
import type { SourceId } from '../sources/kit/errors.js';
import { ref, type Money, type RecordRef } from './facts.js';
import { pageOf, type PageInfo } from './paging.js';

export const TIMELINE_TYPES = [
  'DEAL_WON',
  'DEAL_LOST',
  'INVOICE_ISSUED',
  'PAYMENT_RECEIVED',
  'PROJECT_CREATED',
  'MILESTONE_COMPLETED',
  'TICKET_OPENED',
  'TICKET_SOLVED',
] as const;
export type TimelineType = (typeof TIMELINE_TYPES)[number];

/** What happened, as facts: the title is written after the role policy has run (`wording.ts`). */
export type TimelineEvent = {
  id: string;
  /** ISO date or date-time. */
  at: string;
  source: SourceId;
  type: TimelineType;
  /** The record the event is about (deal, invoice, payment, project, milestone, ticket). */
  record: RecordRef;
  /** The deal's, invoice's or payment's amount. */
  amount: Money | null;
  /** The project a milestone belongs to. */
  project: RecordRef | null;
};


/** One chronological stream of what happened with a customer, across the systems that loaded. */
export function buildTimeline(s: {
  crm: CrmCustomer | null;
  accounting: AccountingCustomer | null;
  projects: ProjectsCustomer | null;
  support: SupportCustomer | null;
  today: Date;
  systems: Systems;
}): TimelineEvent[] {
  const events: TimelineEvent[] = [];
  const { crm, accounting, projects, support } = s.systems;
  const todayIso = s.today.toISOString();
  for (const o of s.crm?.opportunities ?? []) {
    if (o.outcome === 'OPEN' || !o.closeDate || o.closeDate > todayIso) continue;
    events.push({
      id: `${crm.id}:${o.id}`,
      at: o.closeDate,
      source: crm.id,
      type: o.outcome === 'WON' ? 'DEAL_WON' : 'DEAL_LOST',
      record: ref(crm, 'deal', o.id, o.name),
      amount: o.amount === null ? null : { amount: o.amount, currency: o.currency },
      project: null,
    });
  }
  for (const i of s.accounting?.invoices ?? []) {
    events.push({
      id: `${accounting.id}:invoice:${i.id}`,
      at: i.date,
      source: accounting.id,
      type: 'INVOICE_ISSUED',
      record: ref(accounting, 'invoice', i.id, i.number),
      amount: { amount: i.total, currency: i.currency },
      project: null,
    });
  }
  for (const p of s.accounting?.payments ?? []) {
    events.push({
      id: `${accounting.id}:payment:${p.id}`,
      at: p.date,
      source: accounting.id,
      type: 'PAYMENT_RECEIVED',
      record: ref(accounting, 'payment', p.id, null),
      amount: { amount: p.amount, currency: p.currency },
      project: null,
    });
  }
  for (const p of s.projects?.projects ?? []) {
    const project = ref(projects, 'project', p.id, p.name);
    events.push({ id: `${projects.id}:${p.id}`, at: p.createdAt, source: projects.id, type: 'PROJECT_CREATED', record: project, amount: null, project: null });
    for (const m of p.milestones) {
      if (!m.completed || !m.completedAt) continue;
      events.push({ id: `${projects.id}:${m.id}`, at: m.completedAt, source: projects.id, type: 'MILESTONE_COMPLETED', record: ref(projects, 'milestone', m.id, m.name), amount: null, project });
    }
  }
  for (const t of s.support?.tickets ?? []) {
    const ticket = ref(support, 'ticket', t.id, t.subject);
    events.push({ id: `${support.id}:${t.id}:opened`, at: t.createdAt, source: support.id, type: 'TICKET_OPENED', record: ticket, amount: null, project: null });
    if (t.status === 'SOLVED' || t.status === 'CLOSED') {
      events.push({ id: `${support.id}:${t.id}:solved`, at: t.updatedAt, source: support.id, type: 'TICKET_SOLVED', record: ticket, amount: null, project: null });
    }
  }
  // newest first; a bare date sorts as the start of its day
  return events.sort((a, b) => b.at.localeCompare(a.at) || a.id.localeCompare(b.id));
}

type Pageable = Pick<TimelineEvent, 'id' | 'source' | 'type'>;
export type TimelinePage<E extends Pageable = TimelineEvent> = { events: E[]; endCursor: string | null; hasNextPage: boolean; totalCount: number; allCount: number; pageInfo: PageInfo };

/** Filters and pages the stream with the lists' cursor paging: a cursor belongs to the filters it was made under. */
export function pageTimeline<E extends Pageable>(
  all: E[],
  opts: { first: number; after?: string | null; systems?: SourceId[] | null; types?: TimelineType[] | null },
): TimelinePage<E> {
  const systems = [...(opts.systems ?? [])].sort();
  const types = [...(opts.types ?? [])].sort();
  const filtered = all.filter((e) => (!systems.length || systems.includes(e.source)) && (!types.length || types.includes(e.type)));
  const page = pageOf(filtered, { first: opts.first, after: opts.after }, { list: 'timeline', systems, types }, 500);
  return { events: page.rows, endCursor: page.pageInfo.endCursor, hasNextPage: page.pageInfo.hasNextPage, totalCount: page.totalCount, allCount: all.length, pageInfo: page.pageInfo };
}
