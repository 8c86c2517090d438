import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestLimit, graphqlTooMany } from './request-limit.js';
import { panorama } from './runtime.js';
import { viewerOfCookie } from './session.js';
import { settings } from './settings.js';
import type { Viewer } from '../../graphql/viewer.js';

declare global {
  // eslint-disable-next-line no-var
  var __panoramaLimits: Map<string, RequestLimit> | undefined;
}

/** What the edge knows of a request: its CSP nonce and the client's address. */
export type EndpointContext = { cspNonce?: string; clientAddress?: string };

/**
 * One of Panorama's request limits: spent together on every instance when they share Redis, else this process's
 * (kept across a dev server's module reloads).
 */
function limitOf(name: 'graphql' | 'sign-in', perMinute: number): RequestLimit {
  const limits = (globalThis.__panoramaLimits ??= new Map());
  let limit = limits.get(name);
  if (!limit) limits.set(name, (limit = new RequestLimit(perMinute, name, panorama().runtime.minuteLimiter(name, perMinute))));
  return limit;
}

/** PANORAMA_RATE_LIMIT_GRAPHQL_PER_MINUTE per person. */
const graphqlLimit = () => limitOf('graphql', settings().edge.graphqlPerMinute);

/** PANORAMA_RATE_LIMIT_SIGN_IN_PER_MINUTE per client address on the sign-in pages (the edge spends it, app/server/edge.ts). */
export async function signInLimit(): Promise<RequestLimit> {
  return limitOf('sign-in', settings().edge.signInPerMinute);
}

/** The request's budget: a person's, or (without a session) its address's. */
const verdictFor = (viewer: Viewer | null, context: EndpointContext) =>
  graphqlLimit().take(viewer ? `person:${viewer.id}` : `address:${context.clientAddress ?? 'unknown'}`);

/**
 * /graphql: the same schema the pages use, for other tools; the session cookie decides the role. Each person has
 * a budget of requests a minute (a request without a session counts against its address); past it, 429.
 *
 * The server mounts it ahead of Remix (app/server/start.ts, through the server build's entry): yoga reads Node's
 * request and writes its answer (streamed parts included) straight to the socket, with no route matching and no
 * Fetch `Request`/`Response` made and copied for Remix (docs/performance.md, "/graphql before Remix").
 */
export async function serveGraphql(req: IncomingMessage, res: ServerResponse, context: EndpointContext): Promise<void> {
  const viewer = await viewerOfCookie(req.headers.cookie ?? null);
  const verdict = await verdictFor(viewer, context);
  if (!verdict.ok) {
    const refusal = graphqlTooMany(verdict.retryAfterSeconds);
    res.writeHead(refusal.status, Object.fromEntries(refusal.headers));
    res.end(await refusal.text());
    return;
  }
  await panorama().yoga.handle(req, res, { viewer, cspNonce: context.cspNonce });
}
