import { createHmac } from 'node:crypto';
import type { HttpHandler } from 'msw';
import type { createRouter } from '../../sandbox/router.js';
import { authorizationRequestOf, authorizeErrorPage, consentPage, pkceMatches, redirectBack, validRedirectUri } from '../../sandbox/consent.js';
import { SANDBOX_CREDENTIALS, type SandboxState } from '../../sandbox/state.js';

type Router = ReturnType<typeof createRouter>;
const PREFIX = '/salesforce';
const ACCESS_TOKEN_TTL_S = 7200;

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json;charset=UTF-8', 'cache-control': 'no-cache,no-store' } });
const oauthError = (error: string, description: string, status = 400) => json({ error, error_description: description }, status);

/**
 * Salesforce's authorization endpoint (OAuth 2.0 web server flow): GET shows the consent page, its "Allow" posts
 * back and is redirected to `redirect_uri` with a one-time `code` and the `state`; "Deny" with
 * `error=access_denied`. `code_challenge` (S256 or plain) is kept with the code for the token endpoint.
 */
export function salesforceAuthorize(router: Router, state: SandboxState): HttpHandler[] {
  const check = (params: URLSearchParams): Response | null => {
    if (params.get('response_type') !== 'code') return authorizeErrorPage('Salesforce', 'unsupported_response_type: response_type must be code');
    if (params.get('client_id') !== SANDBOX_CREDENTIALS.salesforce.clientId) return authorizeErrorPage('Salesforce', 'invalid_client_id: client identifier invalid');
    if (!validRedirectUri(params.get('redirect_uri') ?? '')) return authorizeErrorPage('Salesforce', 'redirect_uri_mismatch: redirect_uri must be a URL');
    const method = params.get('code_challenge_method');
    if (method && method !== 'S256' && method !== 'plain') return authorizeErrorPage('Salesforce', 'invalid_request: code_challenge_method must be S256 or plain');
    return null;
  };
  return [
    router.get(
      '/services/oauth2/authorize',
      'authorize',
      ({ request }) => {
        const params = new URL(request.url).searchParams;
        return check(params) ?? consentPage('Salesforce', params, 'integration@panorama-demo.example');
      },
      { auth: false },
    ),
    router.post(
      '/services/oauth2/authorize',
      'authorize',
      async ({ request }) => {
        const params = new URLSearchParams(await request.text());
        const bad = check(params);
        if (bad) return bad;
        const req = authorizationRequestOf(params);
        if (params.get('decision') !== 'allow') return redirectBack(req.redirectUri, { error: 'access_denied', error_description: 'end-user denied authorization', state: req.state });
        return redirectBack(req.redirectUri, { code: state.authorizationCodes.issue(req, 'aPrx'), state: req.state });
      },
      { auth: false },
    ),
  ];
}

/** The token endpoint's authorization_code grant: client, redirect_uri and the PKCE code_verifier are checked. */
export function salesforceCodeGrant(state: SandboxState, form: URLSearchParams, request: Request): Response {
  const creds = SANDBOX_CREDENTIALS.salesforce;
  if (form.get('client_id') !== creds.clientId) return oauthError('invalid_client_id', 'client identifier invalid');
  if (form.get('client_secret') !== creds.clientSecret) return oauthError('invalid_client', 'invalid client credentials');
  const issued = state.authorizationCodes.take(form.get('code'));
  if (!issued || issued.clientId !== creds.clientId) return oauthError('invalid_grant', 'invalid authorization code');
  if (issued.redirectUri !== form.get('redirect_uri')) return oauthError('invalid_grant', 'redirect_uri must match configuration');
  if (!pkceMatches(form.get('code_verifier'), issued.codeChallenge, issued.codeChallengeMethod)) {
    return oauthError(issued.codeChallenge && !form.get('code_verifier') ? 'invalid_grant' : 'invalid_request', 'invalid code verifier');
  }
  const base = `${new URL(request.url).origin}${PREFIX}`;
  const id = `${base}/id/00DPn0000000OrgEAA/005Pn00000IntgrAAA`;
  const issuedAt = String(Date.now());
  return json({
    access_token: state.issueToken('salesforce', ACCESS_TOKEN_TTL_S),
    refresh_token: state.authorize('salesforce'),
    signature: createHmac('sha256', creds.clientSecret).update(id + issuedAt).digest('base64'),
    scope: issued.scope ?? 'api refresh_token',
    instance_url: base,
    id,
    token_type: 'Bearer',
    issued_at: issuedAt,
  });
}
