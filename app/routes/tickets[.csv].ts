import type { LoaderFunctionArgs } from '@remix-run/node';
import { csvCell } from '../.server/audit-query.js';
import { runOperation } from '../.server/graphql.js';
import { urgentTicketsVariables, urgentTicketsView, viewOf } from '../.server/list-query.js';
import { pageRefusal } from '../.server/refusal.js';
import { requireViewer } from '../.server/session.js';
import { URGENT, type UrgentTicketsData } from './tickets.js';

const PAGE = 500;

/**
 * The whole filtered list of urgent tickets as CSV, streamed page by page through the same GraphQL operation as the
 * page (so the role policy and the read audit apply to every row: the export is recorded as UrgentTicketsExport,
 * with the customers it held).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const view = viewOf(urgentTicketsView, new URL(request.url));
  const read = (after: string | null) => runOperation<UrgentTicketsData>(viewer, URGENT.replace('query UrgentTickets', 'query UrgentTicketsExport'), urgentTicketsVariables({ ...view, after: after ?? undefined }, PAGE), 'UrgentTicketsExport');
  // the first page is read before the answer starts, so a refusal is a proper status, not a broken download
  const first = await read(view.after ?? null);
  if (!first.data) throw pageRefusal(viewer.role, first.errors, { name: 'urgent tickets', group: 'TICKETS' });
  const header = ['ticket_id', 'subject', 'status', 'opened', 'last_updated', 'age_days', 'requester', 'assignee', 'customer_id', 'customer', 'customer_overdue', 'url'];
  const lines = (d: UrgentTicketsData) =>
    d.urgentTickets.rows
      .map((r) =>
        [r.ticket.id, r.ticket.subject, r.ticket.status, r.ticket.createdAt, r.ticket.updatedAt, r.ageDays, r.ticket.requester?.name ?? '', r.ticket.assignee?.name ?? '', r.customer?.id ?? '', r.customer?.name ?? '', r.customer?.accounting?.standing.state === 'OVERDUE', r.ticket.url]
          .map(csvCell)
          .join(','),
      )
      .map((l) => `${l}\r\n`)
      .join('');
  const encoder = new TextEncoder();
  let page: UrgentTicketsData | null = first.data;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`${header.join(',')}\r\n`));
    },
    async pull(controller) {
      if (!page) return controller.close();
      controller.enqueue(encoder.encode(lines(page)));
      const { hasNextPage, endCursor } = page.urgentTickets.pageInfo;
      page = null;
      if (hasNextPage && endCursor) {
        const next = await read(endCursor);
        if (!next.data) return controller.error(new Error('the export stopped: a later page could not be read'));
        page = next.data;
      }
    },
  });
  return new Response(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="panorama-urgent-tickets.csv"',
      'cache-control': 'no-store',
      'x-panorama-rows': String(first.data.urgentTickets.totalCount),
    },
  });
}
