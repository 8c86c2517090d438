import { ConnectError, refusedCode, tokenCall, type OAuthConnect } from '../kit/connect.js';
import type { SalesforceConfig } from './config.js';

/** Salesforce: the REST API and a refresh token (offline access), nothing more. */
export const SALESFORCE_SCOPE = 'api refresh_token';

/**
 * "Connect Salesforce": the OAuth 2.0 web server flow with PKCE (S256). The admin signs in at
 * `<login URL>/services/oauth2/authorize`; the code is exchanged at `/services/oauth2/token` with the
 * `code_verifier` and the client secret in the body. Salesforce answers a verifier that does not match with
 * `invalid_request` (or `invalid_grant` when none was sent), "invalid code verifier".
 */
export const salesforceConnect: OAuthConnect<SalesforceConfig> = {
  kind: 'oauth',
  pkce: true,
  needs: 'SALESFORCE_INSTANCE_URL, SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET',
  envVariables: 'SALESFORCE_REFRESH_TOKEN',
  tokenVariables: ['SALESFORCE_REFRESH_TOKEN'],
  envToken: (c) => Boolean(c.refreshToken),
  authorizeUrl: (c, redirectUri, { state, codeChallenge }) => {
    const url = new URL(`${c.loginUrl}/services/oauth2/authorize`);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: c.clientId,
      redirect_uri: redirectUri,
      scope: SALESFORCE_SCOPE,
      state,
      code_challenge: codeChallenge ?? '',
      code_challenge_method: 'S256',
      // always the login and consent pages, so an admin sees which Salesforce user they connect as
      prompt: 'login consent',
    }).toString();
    return url.href;
  },
  exchange: async (c, { code, redirectUri, verifier }, fetchFn) => {
    const { status, body } = await tokenCall(
      'Salesforce',
      `${c.loginUrl}/services/oauth2/token`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, client_id: c.clientId, client_secret: c.clientSecret, redirect_uri: redirectUri, code_verifier: verifier ?? '' }),
      },
      fetchFn,
    );
    if (status !== 200) {
      const pkce = typeof body.error_description === 'string' && /verifier|challenge/i.test(body.error_description);
      refusedCode('Salesforce', status, body, pkce ? ' — the PKCE code_verifier does not match the code_challenge it was authorized with' : '');
    }
    if (typeof body.refresh_token !== 'string' || !body.refresh_token) {
      throw new ConnectError(502, 'Salesforce granted no refresh token: give the connected app the "refresh_token" (offline access) scope. Nothing was saved.');
    }
    return body.refresh_token;
  },
};
