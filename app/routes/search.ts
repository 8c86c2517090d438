import type { LoaderFunctionArgs } from '@remix-run/node';
import { runOperation } from '../.server/graphql.js';
import { graphql } from '../graphql.js';
import { requireViewer } from '../.server/session.js';

const SEARCH = graphql(`
  query Spotlight($search: String) {
    customers(search: $search, first: 8) {
      nodes { id name crm { account { website } } }
      matches { customerId systemName reason }
      incomplete
    }
  }
`);

/** One row of the spotlight: the customer, and each system that matched it with why. */
export type SpotlightResult = { id: string; name: string; website: string | null; reasons: { system: string; reason: string }[] };
/** The spotlight's answer, tagged with the query it answers: the client shows rows only under that query. */
export type SpotlightAnswer = { q: string; results: SpotlightResult[]; incomplete: string | null };

/** The spotlight's search: customers across systems, as JSON for the client. */
export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const q = (new URL(request.url).searchParams.get('q') ?? '').trim().slice(0, 200);
  if (!q) return Response.json({ q, results: [], incomplete: null } satisfies SpotlightAnswer);
  const r = await runOperation(viewer, SEARCH, { search: q }, 'Spotlight');
  const c = r.data?.customers;
  const answer: SpotlightAnswer = {
    q,
    results: (c?.nodes ?? []).map((n) => ({
      id: n.id,
      name: n.name,
      website: n.crm?.account.website?.replace(/^https?:\/\//, '').replace(/\/$/, '') ?? null,
      reasons: (c?.matches ?? []).filter((m) => m.customerId === n.id).map((m) => ({ system: m.systemName, reason: m.reason })),
    })),
    incomplete: c ? c.incomplete : 'Incomplete: the search could not be run; try again in a moment',
  };
  return Response.json(answer, { headers: { 'cache-control': 'no-store' } });
}
