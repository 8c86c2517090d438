import { HttpResponse, type HttpHandler } from 'msw';
import type { createRouter } from '../../sandbox/router.js';
import { authorizationRequestOf, authorizeErrorPage, consentPage, pkceMatches, redirectBack, validRedirectUri } from '../../sandbox/consent.js';
import { SANDBOX_CREDENTIALS, type SandboxState } from '../../sandbox/state.js';

type Router = ReturnType<typeof createRouter>;
const ACCESS_TOKEN_TTL_SECONDS = 1800;
const json = (body: unknown, status = 200) => HttpResponse.json(body as never, { status });

/**
 * Xero's authorization page (login.xero.com/identity/connect/authorize) under the sandbox's `/xero`: GET shows the
 * consent page for the sandbox's organisation; "Allow" redirects to `redirect_uri` with `code` and `state`, "Deny"
 * with `error=access_denied`. `offline_access` is needed for a refresh token; PKCE (S256) is taken when sent.
 */
export function xeroAuthorize(r: Router, state: SandboxState, organisationName: () => string): HttpHandler[] {
  const check = (params: URLSearchParams): Response | null => {
    if (params.get('response_type') !== 'code') return authorizeErrorPage('Xero', 'unsupported_response_type: response_type must be code');
    if (params.get('client_id') !== SANDBOX_CREDENTIALS.xero.clientId)
      return authorizeErrorPage('Xero', 'unauthorized_client: unknown client or client not enabled');
    if (!validRedirectUri(params.get('redirect_uri') ?? '')) return authorizeErrorPage('Xero', 'invalid_request: redirect_uri must be a URL');
    if (!(params.get('scope') ?? '').trim()) return authorizeErrorPage('Xero', 'invalid_scope: ask for at least one scope');
    const method = params.get('code_challenge_method');
    if (method && method !== 'S256' && method !== 'plain')
      return authorizeErrorPage('Xero', 'invalid_request: code_challenge_method must be S256 or plain');
    return null;
  };
  return [
    r.get(
      '/identity/connect/authorize',
      'identity.authorize',
      ({ request }) => {
        const params = new URL(request.url).searchParams;
        return check(params) ?? consentPage('Xero', params, `the organisation ${organisationName()}`);
      },
      { auth: false }
    ),
    r.post(
      '/identity/connect/authorize',
      'identity.authorize',
      async ({ request }) => {
        const params = new URLSearchParams(await request.text());
        const bad = check(params);
        if (bad) return bad;
        const req = authorizationRequestOf(params);
        if (params.get('decision') !== 'allow') return redirectBack(req.redirectUri, { error: 'access_denied', state: req.state });
        return redirectBack(req.redirectUri, { code: state.authorizationCodes.issue(req, 'xro'), state: req.state });
      },
      { auth: false }
    ),
  ];
}

/** The token endpoint's authorization_code grant (the client already authenticated with HTTP Basic): code, redirect_uri and the PKCE verifier are checked. */
export function xeroCodeGrant(state: SandboxState, form: URLSearchParams): Response {
  const issued = state.authorizationCodes.take(form.get('code'));
  if (!issued || issued.clientId !== SANDBOX_CREDENTIALS.xero.clientId) return json({ error: 'invalid_grant' }, 400);
  if (issued.redirectUri !== form.get('redirect_uri')) return json({ error: 'invalid_grant', error_description: 'redirect_uri does not match' }, 400);
  if (!pkceMatches(form.get('code_verifier'), issued.codeChallenge, issued.codeChallengeMethod))
    return json({ error: 'invalid_grant', error_description: 'invalid code_verifier' }, 400);
  const scopes = (issued.scope ?? '').split(/\s+/).filter(Boolean);
  return json({
    access_token: state.issueToken('xero', ACCESS_TOKEN_TTL_SECONDS),
    expires_in: ACCESS_TOKEN_TTL_SECONDS,
    token_type: 'Bearer',
    // a refresh token only with offline_access, as Xero grants it
    ...(scopes.includes('offline_access') ? { refresh_token: state.authorize('xero') } : {}),
    scope: scopes.join(' '),
  });
}
