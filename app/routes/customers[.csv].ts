import type { LoaderFunctionArgs } from '@remix-run/node';
import { csvResponse } from '../.server/csv-export.js';
import { runOperation } from '../.server/graphql.js';
import { customerSearchVariables, customerSearchView, viewOf } from '../.server/list-query.js';
import { pageRefusal } from '../.server/refusal.js';
import { requireViewer } from '../.server/session.js';
import { SEARCH_EXPORT } from './customers._index.js';

const PAGE = 100;

/**
 * Everything a customer search found, as CSV: each customer with why it matched, streamed page by page through the
 * page's own GraphQL operation (the role policy and the read audit apply to every row; it is recorded as
 * CustomerSearchExport, with the customers it held).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const view = viewOf(customerSearchView, new URL(request.url));
  const read = (after: string | null) => runOperation(viewer, SEARCH_EXPORT, customerSearchVariables({ ...view, after: after ?? undefined }, PAGE), 'CustomerSearchExport');
  const first = await read(view.after ?? null);
  const badInput = first.errors.find((e) => e.extensions?.code === 'BAD_USER_INPUT');
  if (badInput) throw new Response(badInput.message, { status: 400 });
  if (!first.data) throw pageRefusal(viewer.role, first.errors, { name: 'customers', group: 'IDENTITY' });
  return csvResponse({
    filename: 'panorama-customers.csv',
    header: ['customer_id', 'name', 'website', 'industry', 'tier', 'owner', 'matched_because'],
    first: first.data.customers,
    totalCount: first.data.customers.totalCount,
    rows: (page) =>
      page.nodes.map((c) => [
        c.id,
        c.name,
        c.crm?.account.website ?? '',
        c.crm?.account.industry ?? '',
        c.crm?.account.tier ?? '',
        c.crm?.account.owner?.name ?? '',
        page.matches.filter((m) => m.customerId === c.id).map((m) => `${m.systemName}: ${m.reason}`).join('; '),
      ]),
    next: async (cursor) => (await read(cursor)).data?.customers ?? null,
  });
}
