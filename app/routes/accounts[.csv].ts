import type { LoaderFunctionArgs } from '@remix-run/node';
import { csvResponse } from '../.server/csv-export.js';
import { runOperation } from '../.server/graphql.js';
import { myAccountsOperation, myAccountsView, viewOf } from '../.server/list-query.js';
import { pageRefusal } from '../.server/refusal.js';
import { requireViewer } from '../.server/session.js';
import { MY_ACCOUNTS_EXPORT, accountFigures } from './accounts.js';

const PAGE = 500;

/**
 * The whole filtered list of the signed-in person's accounts as CSV, streamed page by page through the same GraphQL
 * operation as the page (so the role policy and the read audit apply to every row: the export is recorded as
 * MyAccountsExport, with the customers it held). Amounts a role may not read are left empty.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const view = viewOf(myAccountsView, new URL(request.url));
  const read = (after: string | null) => runOperation(viewer, MY_ACCOUNTS_EXPORT, myAccountsOperation(viewer.role, { ...view, after: after ?? undefined }, PAGE), 'MyAccountsExport');
  const first = await read(view.after ?? null);
  const badInput = first.errors.find((e) => e.extensions?.code === 'BAD_USER_INPUT');
  if (badInput) throw new Response(`${badInput.message}`, { status: 400 });
  if (!first.data) throw pageRefusal(viewer.role, first.errors, { name: 'my accounts', group: 'IDENTITY' });
  return csvResponse({
    filename: 'panorama-my-accounts.csv',
    header: [
      'account_id',
      'name',
      'tier',
      'health_score',
      'health_grade',
      'health_incomplete',
      'needs_attention',
      'open_deals',
      'open_deal_amount',
      'billing_standing',
      'overdue_amount',
      'currency',
      'open_tickets',
      'urgent_tickets',
      'worst_project_status',
      'url',
    ],
    first: first.data.myAccountList,
    totalCount: first.data.myAccountList.totalCount,
    rows: (page) =>
      page.rows.map((r) => {
        const f = accountFigures(r);
        return [
          r.id,
          r.name,
          r.crm?.account.tier ?? '',
          r.health.score ?? '',
          r.health.grade ?? 'INCOMPLETE',
          r.health.incompleteMessage ?? '',
          f.attention,
          f.openDeals?.count ?? '',
          // one total per currency ("1200.5 USD; 300 EUR"): amounts in different currencies are never added
          f.openDeals ? f.openDeals.totals.map((t) => (t.currency ? `${t.amount} ${t.currency}` : String(t.amount))).join('; ') : '',
          r.accounting?.standing.state ?? '',
          r.accounting?.overdueBalance ?? '',
          r.accounting?.currency ?? '',
          r.support?.counts.unsolved ?? '',
          r.support?.counts.urgentOpen ?? '',
          f.worstProject ?? '',
          r.crm?.account.url ?? '',
        ];
      }),
    next: async (cursor) => (await read(cursor)).data?.myAccountList ?? null,
  });
}
