import type { LoaderFunctionArgs } from '@remix-run/node';
import { runOperation } from '../.server/graphql.js';
import { requireViewer } from '../.server/session.js';

const SEARCH = /* GraphQL */ `
  query Spotlight($search: String) {
    customers(search: $search, first: 8) {
      nodes { id name crm { account { website } } }
      matches { customerId system field }
      sources { system state message }
    }
  }
`;

type Data = {
  customers: {
    nodes: { id: string; name: string; crm: { account: { website: string | null } } | null }[];
    matches: { customerId: string; system: string; field: string }[];
    sources: { system: string; state: string; message: string | null }[];
  };
};

/** The spotlight's search: customers across systems, as JSON for the client. */
export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const q = (new URL(request.url).searchParams.get('q') ?? '').trim().slice(0, 200);
  if (!q) return { results: [], failed: [] };
  const r = await runOperation<Data>(viewer, SEARCH, { search: q }, 'Spotlight');
  const c = r.data?.customers;
  return {
    results: (c?.nodes ?? []).map((n) => ({
      id: n.id,
      name: n.name,
      description: [
        n.crm?.account.website?.replace(/^https?:\/\//, ''),
        ...(c?.matches ?? []).filter((m) => m.customerId === n.id).map((m) => `${m.field} (${m.system.toLowerCase()})`),
      ]
        .filter(Boolean)
        .join(' · '),
    })),
    failed: (c?.sources ?? []).filter((s) => s.state === 'FAILED').map((s) => s.message ?? s.system),
  };
}
