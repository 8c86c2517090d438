import type { LoaderFunctionArgs } from '@remix-run/node';
import { csvResponse } from '../.server/csv-export.js';
import { readTimeline } from '../.server/timeline-read.js';

/**
 * A customer's whole filtered timeline as CSV, streamed page by page through the timeline's own GraphQL operation
 * (recorded in the read audit as CustomerTimelineExport; the role policy applies to every row).
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = params.id ?? '';
  const { data, read } = await readTimeline(request, id, 'CustomerTimelineExport', 200, null);
  const nameOf = (system: string) => data.systems.find((s) => s.system === system)?.name ?? system;
  return csvResponse({
    filename: `panorama-activity-${id.replace(/[^A-Za-z0-9_-]/g, '')}.csv`,
    header: ['at', 'system', 'type', 'what', 'url'],
    first: data.customer.timeline,
    totalCount: data.customer.timeline.totalCount,
    rows: (page) => page.events.map((e) => [e.at, nameOf(e.system), e.type, e.title, e.url]),
    next: async (cursor) => (await read(cursor)).data?.customer?.timeline ?? null,
  });
}
