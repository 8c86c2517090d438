import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { panorama } from '../.server/runtime.js';
import { getViewer } from '../.server/session.js';

/** /graphql: the same schema the pages use, for other tools; the session cookie decides the role. */
async function handle({ request }: LoaderFunctionArgs | ActionFunctionArgs) {
  const viewer = await getViewer(request);
  return panorama().yoga.handleRequest(request, { viewer });
}

export const loader = handle;
export const action = handle;
