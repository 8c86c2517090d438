import type { LoaderFunctionArgs } from '@remix-run/node';
import { csvResponse } from '../.server/csv-export.js';
import { runOperation } from '../.server/graphql.js';
import { overdueInvoicesVariables, overdueInvoicesView, viewOf } from '../.server/list-query.js';
import { pageRefusal } from '../.server/refusal.js';
import { requireViewer } from '../.server/session.js';
import { OVERDUE_EXPORT } from './finance.js';

const PAGE = 500;

/**
 * The whole filtered list of overdue invoices as CSV, streamed page by page through the same GraphQL operation as
 * the page (so the role policy and the read audit apply to every row: the export is recorded as
 * OverdueInvoicesExport, with the customers it held).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const view = viewOf(overdueInvoicesView, new URL(request.url));
  const read = (after: string | null) => runOperation(viewer, OVERDUE_EXPORT, overdueInvoicesVariables({ ...view, after: after ?? undefined }, PAGE), 'OverdueInvoicesExport');
  const first = await read(view.after ?? null);
  const badInput = first.errors.find((e) => e.extensions?.code === 'BAD_USER_INPUT');
  if (badInput) throw new Response(`${badInput.message}`, { status: 400 });
  if (!first.data) throw pageRefusal(viewer.role, first.errors, { name: 'overdue invoices', group: 'BILLING' });
  return csvResponse({
    filename: 'panorama-overdue-invoices.csv',
    header: ['invoice_id', 'invoice_number', 'invoice_date', 'due_date', 'days_overdue', 'total', 'open_balance', 'currency', 'customer_id', 'customer', 'url'],
    first: first.data.overdueInvoices,
    totalCount: first.data.overdueInvoices.totalCount,
    rows: (page) => page.rows.map((r) => [r.invoice.id, r.invoice.number ?? '', r.invoice.date, r.invoice.dueDate ?? '', r.invoice.daysOverdue, r.invoice.total, r.invoice.balance, r.invoice.currency, r.customer?.id ?? '', r.customerName, r.invoice.url]),
    next: async (cursor) => (await read(cursor)).data?.overdueInvoices ?? null,
  });
}
