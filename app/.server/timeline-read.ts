import { graphql, renamed, type ResultOf } from '../graphql.js';
import { runOperation } from './graphql.js';
import { timelineVariables, timelineView, viewOf } from './list-query.js';
import { pageRefusal } from './refusal.js';
import { requireViewer } from './session.js';

export const TIMELINE = graphql(`
  query CustomerTimeline($id: ID!, $first: Int, $after: String, $systems: [System!], $types: [TimelineType!]) {
    systems { system name category }
    customer(id: $id) {
      id
      name
      timeline(first: $first, after: $after, systems: $systems, types: $types) {
        totalCount
        allCount
        pageInfo { endCursor hasNextPage firstIndex }
        events { id at system type title url }
      }
    }
  }
`);

/** The CSV export's operation: the same timeline, audited under its own name. */
const TIMELINE_EXPORT = renamed(TIMELINE, 'CustomerTimelineExport');

export type TimelineData = ResultOf<typeof TIMELINE>;

/** Reads one page of a customer's timeline for a view; a wrong address is a 400, an unknown customer a 404. */
export async function readTimeline(request: Request, id: string, operationName: 'CustomerTimeline' | 'CustomerTimelineExport', first?: number, after?: string | null) {
  const viewer = await requireViewer(request);
  const view = viewOf(timelineView, new URL(request.url));
  const query = operationName === 'CustomerTimeline' ? TIMELINE : TIMELINE_EXPORT;
  const read = (cursor: string | null) => runOperation(viewer, query, timelineVariables(id, { ...view, after: cursor ?? undefined }, first), operationName);
  const r = await read(after === undefined ? (view.after ?? null) : after);
  const badInput = r.errors.find((e) => e.extensions?.code === 'BAD_USER_INPUT' || /got invalid value|does not exist in "System" enum/.test(e.message));
  if (badInput) throw new Response(`This timeline's address is not valid (${badInput.message.replace(/^Variable "\$\w+" got invalid value /, '')}). Pick the filters again from the page.`, { status: 400 });
  if (!r.data) throw pageRefusal(viewer.role, r.errors, { name: 'this customer', group: 'IDENTITY' });
  if (!r.data.customer) throw new Response(`No customer has the id ${id}.`, { status: 404 });
  return { viewer, view, data: { ...r.data, customer: r.data.customer }, read };
}

