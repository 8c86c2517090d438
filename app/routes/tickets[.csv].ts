import type { LoaderFunctionArgs } from '@remix-run/node';
import { csvResponse } from '../.server/csv-export.js';
import { runOperation } from '../.server/graphql.js';
import { urgentTicketsVariables, urgentTicketsView, viewOf } from '../.server/list-query.js';
import { pageRefusal } from '../.server/refusal.js';
import { requireViewer } from '../.server/session.js';
import { URGENT_EXPORT } from './tickets.js';

const PAGE = 500;

/**
 * The whole filtered list of urgent tickets as CSV, streamed page by page through the same GraphQL operation as the
 * page (so the role policy and the read audit apply to every row: the export is recorded as UrgentTicketsExport,
 * with the customers it held).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const view = viewOf(urgentTicketsView, new URL(request.url));
  const read = (after: string | null) => runOperation(viewer, URGENT_EXPORT, urgentTicketsVariables({ ...view, after: after ?? undefined }, PAGE), 'UrgentTicketsExport');
  const first = await read(view.after ?? null);
  if (!first.data) throw pageRefusal(viewer.role, first.errors, { name: 'urgent tickets', group: 'TICKETS' });
  return csvResponse({
    filename: 'panorama-urgent-tickets.csv',
    header: ['ticket_id', 'subject', 'status', 'opened', 'last_updated', 'age_days', 'requester', 'assignee', 'customer_id', 'customer', 'customer_overdue', 'url'],
    first: first.data.urgentTickets,
    totalCount: first.data.urgentTickets.totalCount,
    rows: (page) =>
      page.rows.map((r) => [r.ticket.id, r.ticket.subject, r.ticket.status, r.ticket.createdAt, r.ticket.updatedAt, r.ageDays, r.ticket.requester?.name ?? '', r.ticket.assignee?.name ?? '', r.customer?.id ?? '', r.customer?.name ?? '', r.customer?.accounting?.standing.state === 'OVERDUE', r.ticket.url]),
    next: async (cursor) => (await read(cursor)).data?.urgentTickets ?? null,
  });
}
