import { randomUUID } from 'node:crypto';
import type { LoaderFunctionArgs } from '@remix-run/node';
import { canRead } from '../../graphql/policy.js';
import { MAX_AUDITED_IDS } from '../../graphql/audit.js';
import { auditFilterOf, csvCell } from '../.server/audit-query.js';
import { panorama } from '../.server/runtime.js';
import { forbidden } from '../.server/refusal.js';
import { requireViewer } from '../.server/session.js';

const MAX_ROWS = 50_000;

/** The audit records the filters select, as CSV; the export is itself a record in the audit. */
export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  if (!canRead(viewer.role, 'ADMIN')) throw forbidden(viewer.role, { name: 'audit exports', group: 'ADMIN' });
  const { filter } = auditFilterOf(new URL(request.url));
  const { audit, runtime } = panorama();
  await audit.flushed();
  const { rows, total } = await audit.search(filter, { offset: 0, limit: MAX_ROWS });
  const ids = [...new Set(rows.flatMap((r) => r.customerIds))].sort();
  audit.write({ requestId: randomUUID(), at: runtime.clock.now(), userId: viewer.id, role: viewer.role, operation: 'AuditExport', customerIds: ids.slice(0, MAX_AUDITED_IDS), customerCount: ids.length, fieldGroups: ['ADMIN'], errors: 0, reused: false, ms: 0 });
  const header = ['seq', 'at', 'person', 'role', 'operation', 'customer_ids', 'customer_count', 'field_groups', 'errors', 'reused', 'request_id'];
  const lines = rows.map((r) =>
    [r.seq, new Date(r.at).toISOString(), r.userId, r.role, r.operation, r.customerIds.join(' '), r.customerCount, r.fieldGroups.join(' '), r.errors, r.reused, r.requestId].map(csvCell).join(','),
  );
  return new Response([header.join(','), ...lines].join('\r\n') + '\r\n', {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="panorama-audit.csv"`,
      'cache-control': 'no-store',
      'x-panorama-rows': `${rows.length} of ${total}`,
    },
  });
}
