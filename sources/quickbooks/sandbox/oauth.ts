import type { HttpHandler } from 'msw';
import type { createRouter } from '../../sandbox/router.js';
import { authorizationRequestOf, authorizeErrorPage, consentPage, redirectBack, validRedirectUri } from '../../sandbox/consent.js';
import { SANDBOX_CREDENTIALS, type SandboxState } from '../../sandbox/state.js';

type Router = ReturnType<typeof createRouter>;
const ACCESS_TOKEN_TTL_SECONDS = 3600;
const REFRESH_TOKEN_TTL_SECONDS = 8_726_400;
const ACCOUNTING_SCOPE = 'com.intuit.quickbooks.accounting';

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-cache, no-store', pragma: 'no-cache' } });

/**
 * Intuit's authorization page (appcenter.intuit.com/connect/oauth2) under the sandbox's `/quickbooks`: GET shows
 * the consent page; "Allow" redirects to `redirect_uri` with `code`, `state` and the company's `realmId`, "Deny"
 * with `error=access_denied`. The accounting scope is required.
 */
export function quickbooksAuthorize(r: Router, state: SandboxState): HttpHandler[] {
  const check = (params: URLSearchParams): Response | null => {
    if (params.get('client_id') !== SANDBOX_CREDENTIALS.quickbooks.clientId) return authorizeErrorPage('Intuit', 'invalid_client: the client_id is not an app of this sandbox');
    if (params.get('response_type') !== 'code') return authorizeErrorPage('Intuit', 'unsupported_response_type: response_type must be code');
    if (!(params.get('scope') ?? '').split(/\s+/).includes(ACCOUNTING_SCOPE)) return authorizeErrorPage('Intuit', `invalid_scope: ask for ${ACCOUNTING_SCOPE}`);
    if (!validRedirectUri(params.get('redirect_uri') ?? '')) return authorizeErrorPage('Intuit', 'invalid_request: redirect_uri must be a URL');
    if (!params.get('state')) return authorizeErrorPage('Intuit', 'invalid_request: state is required');
    return null;
  };
  return [
    r.get('/connect/oauth2', 'authorize', ({ request }) => {
      const params = new URL(request.url).searchParams;
      return check(params) ?? consentPage('QuickBooks', params, `the company ${state.world.quickbooks.realmId}`);
    }, { auth: false }),
    r.post('/connect/oauth2', 'authorize', async ({ request }) => {
      const params = new URLSearchParams(await request.text());
      const bad = check(params);
      if (bad) return bad;
      const req = authorizationRequestOf(params);
      if (params.get('decision') !== 'allow') return redirectBack(req.redirectUri, { error: 'access_denied', state: req.state });
      return redirectBack(req.redirectUri, { code: state.authorizationCodes.issue(req, 'AB11'), state: req.state, realmId: state.world.quickbooks.realmId });
    }, { auth: false }),
  ];
}

/** The bearer endpoint's authorization_code grant (the client already authenticated with HTTP Basic). */
export function quickbooksCodeGrant(state: SandboxState, form: URLSearchParams): Response {
  const issued = state.authorizationCodes.take(form.get('code'));
  if (!issued || issued.clientId !== SANDBOX_CREDENTIALS.quickbooks.clientId) return json({ error: 'invalid_grant' }, 400);
  if (issued.redirectUri !== form.get('redirect_uri')) return json({ error: 'invalid_grant', error_description: 'redirect_uri does not match' }, 400);
  return json({
    token_type: 'bearer',
    expires_in: ACCESS_TOKEN_TTL_SECONDS,
    refresh_token: state.authorize('quickbooks'),
    x_refresh_token_expires_in: REFRESH_TOKEN_TTL_SECONDS,
    access_token: state.issueToken('quickbooks', ACCESS_TOKEN_TTL_SECONDS),
  });
}
