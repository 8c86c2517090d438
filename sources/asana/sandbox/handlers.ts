import { HttpResponse, type HttpHandler } from 'msw';
import { createRouter, renameField, type VendorStyle } from '../../sandbox/router.js';
import { SANDBOX_CREDENTIALS, bearerToken, type SandboxState } from '../../sandbox/state.js';
import { asanaVariantWorld, tokenMembership } from './variant.js';
import { ERROR_HELP, NO_ROUTE, ROUTES, SANDBOX_TOKEN_USER, asanaError, runBatch, type ApiResult } from './api.js';

export const ASANA_PREFIX = '/asana';
/** Asana's API root under the vendor prefix (https://app.asana.com/api/1.0). */
export const ASANA_API_ROOT = '/api/1.0';

const JSON_TYPE = 'application/json; charset=UTF-8';

// Server-error phrases as node-asana-phrase makes them ("6 sad squid snuggle softly").
const ADJECTIVES = ['sad', 'sleepy', 'grumpy', 'tiny', 'brave', 'fuzzy', 'quiet', 'lucky'];
const NOUNS = ['squid', 'otters', 'pandas', 'geese', 'lemurs', 'walruses', 'moles', 'crabs'];
const VERBS = ['snuggle', 'wander', 'juggle', 'whistle', 'ponder', 'tumble', 'giggle', 'dance'];
const ADVERBS = ['softly', 'boldly', 'slowly', 'wildly', 'neatly', 'sweetly', 'oddly', 'calmly'];
const pick = (list: string[]) => list[Math.floor(Math.random() * list.length)]!;
const phrase = () => `${2 + Math.floor(Math.random() * 20)} ${pick(ADJECTIVES)} ${pick(NOUNS)} ${pick(VERBS)} ${pick(ADVERBS)}`;

function respond(result: ApiResult, pretty = false): Response {
  const headers = { 'content-type': JSON_TYPE, ...result.headers };
  return new HttpResponse(pretty ? JSON.stringify(result.body, null, 2) : JSON.stringify(result.body), { status: result.status, headers });
}

export function asanaStyle(): VendorStyle {
  return {
    source: 'asana',
    prefix: ASANA_PREFIX,
    serverError: (status) => respond({ status, body: { errors: [{ message: 'Server Error', phrase: phrase() }] } }),
    rateLimited: (retryAfterSeconds) =>
      respond({
        status: 429,
        headers: { 'retry-after': String(retryAfterSeconds) },
        body: { errors: [{ message: "You've made too many requests and hit a rate limit. Please retry after the given amount of time.", help: ERROR_HELP }] },
      }),
    unauthenticated: () => respond(asanaError(401, 'Not Authorized')),
    // A personal access token, or an OAuth token the sandbox issued (Asana takes both as a Bearer token).
    authenticate: (request, state) => {
      const token = bearerToken(request);
      return token === SANDBOX_CREDENTIALS.asana.accessToken || state.isValidToken('asana', token);
    },
    // Asana once called `gid` `id`: a drifted API answers with the legacy name.
    drift: (body) => renameField(body, 'gid', 'id'),
    headers: () => ({ 'cache-control': 'no-store', 'x-robots-tag': 'none' }),
  };
}

/** The Asana REST API (read endpoints and POST /batch) over the sandbox's world, in Asana's own shapes. */
export function asanaSandbox(state: SandboxState): HttpHandler[] {
  const router = createRouter(state, asanaStyle());
  const apiBase = (request: Request) => `${new URL(request.url).origin}${ASANA_PREFIX}${ASANA_API_ROOT}`;

  const routes = ROUTES.map((route) =>
    router.get(`${ASANA_API_ROOT}${route.path}`, route.endpoint, ({ request, params }) => {
      const url = new URL(request.url);
      const path = url.pathname.slice(url.pathname.indexOf(ASANA_API_ROOT) + ASANA_API_ROOT.length).replace(/\/$/, '');
      const result = route.handle({
        world: asanaVariantWorld(state.world, state.asanaWorkspace),
        path,
        params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])),
        query: url.searchParams,
        apiBase: apiBase(request),
      });
      return respond(result, url.searchParams.has('opt_pretty'));
    }),
  );

  const batch = router.post(`${ASANA_API_ROOT}/batch`, 'batch', async ({ request }) => {
    let body: unknown;
    try {
      body = await request.json();
    } catch {
      return respond(asanaError(400, 'Could not parse request data, invalid JSON'));
    }
    return respond(runBatch(asanaVariantWorld(state.world, state.asanaWorkspace), body, apiBase(request)), new URL(request.url).searchParams.has('opt_pretty'));
  });

  // GET /users/{user_gid}/workspace_memberships (user "me"): the token user's membership of the one workspace, with
  // the flags the credential scope check reads (WorkspaceMembershipResponse); other users have none here.
  const memberships = router.get(`${ASANA_API_ROOT}/users/:user_gid/workspace_memberships`, 'workspace_memberships.forUser', ({ params }) => {
    const user = String(params.user_gid);
    const ws = state.world.asana.workspace;
    const data =
      user === 'me' || user === SANDBOX_TOKEN_USER.gid
        ? [{ gid: '1200000000000077', resource_type: 'workspace_membership', user: { gid: SANDBOX_TOKEN_USER.gid, resource_type: 'user', name: SANDBOX_TOKEN_USER.name }, workspace: { gid: ws.gid, resource_type: 'workspace', name: ws.name }, ...tokenMembership(state.asanaWorkspace) }]
        : [];
    return respond({ status: 200, body: { data, next_page: null } });
  });

  // Anything else under the API root is answered as Asana answers an unknown route, not left to msw.
  const unknown = [router.get(`${ASANA_API_ROOT}/*`, 'unknown', () => respond(NO_ROUTE())), router.post(`${ASANA_API_ROOT}/*`, 'unknown', () => respond(NO_ROUTE()))];

  return [memberships, ...routes, batch, ...unknown];
}
