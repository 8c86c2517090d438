import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { RequestLimit, graphqlTooMany } from '../.server/request-limit.js';
import { panorama } from '../.server/runtime.js';
import { getViewer } from '../.server/session.js';
import { settings } from '../.server/settings.js';

declare global {
  // eslint-disable-next-line no-var
  var __panoramaGraphqlLimit: RequestLimit | undefined;
}

/** PANORAMA_RATE_LIMIT_GRAPHQL_PER_MINUTE per person (kept across a dev server's module reloads). */
function graphqlLimit(): RequestLimit {
  globalThis.__panoramaGraphqlLimit ??= new RequestLimit(settings().edge.graphqlPerMinute, 'graphql');
  return globalThis.__panoramaGraphqlLimit;
}

/**
 * /graphql: the same schema the pages use, for other tools; the session cookie decides the role. Each person
 * has a budget of requests a minute (a request without a session counts against its address); past it, 429.
 */
async function handle({ request, context }: LoaderFunctionArgs | ActionFunctionArgs) {
  const viewer = await getViewer(request);
  const verdict = await graphqlLimit().take(viewer ? `person:${viewer.id}` : `address:${context.clientAddress ?? 'unknown'}`);
  if (!verdict.ok) return graphqlTooMany(verdict.retryAfterSeconds);
  return panorama().yoga.handleRequest(request, { viewer, cspNonce: context.cspNonce });
}

export const loader = handle;
export const action = handle;
