import { ConnectError, refusedCode, tokenCall, type OAuthConnect } from '../kit/connect.js';
import type { XeroConfig } from './config.js';

/**
 * "Connect Xero": Xero's standard authorization-code flow (developer.xero.com, "OAuth 2.0 — Standard authorization
 * code flow") with PKCE (S256), which Xero's identity server takes beside the client secret. The admin signs in at
 * login.xero.com/identity/connect/authorize and picks the organisation; the code is exchanged at
 * identity.xero.com/connect/token with the client authenticated by HTTP Basic and the `code_verifier`. The
 * organisation (tenant) is not in the callback: the client reads it from GET /connections, as with a pasted token.
 * It asks for XERO_SCOPES: contacts and transactions, read only, and a refresh token (`offline_access`); Xero grants
 * exactly the scopes asked for.
 */
export const xeroConnect: OAuthConnect<XeroConfig> = {
  kind: 'oauth',
  pkce: true,
  needs: 'XERO_CLIENT_ID and XERO_CLIENT_SECRET',
  envVariables: 'XERO_REFRESH_TOKEN',
  tokenVariables: ['XERO_REFRESH_TOKEN'],
  envToken: (c) => Boolean(c.refreshToken),
  authorizeUrl: (c, redirectUri, { state, codeChallenge }) => {
    const url = new URL(c.authorizeUrl);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: c.clientId,
      redirect_uri: redirectUri,
      scope: c.scopes,
      state,
      code_challenge: codeChallenge ?? '',
      code_challenge_method: 'S256',
    }).toString();
    return url.href;
  },
  exchange: async (c, { code, redirectUri, verifier }, fetchFn) => {
    const { status, body } = await tokenCall(
      'Xero',
      c.endpoints.token,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          authorization: `Basic ${Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier ?? '' }),
      },
      fetchFn
    );
    if (status !== 200) refusedCode('Xero', status, body);
    if (typeof body.refresh_token !== 'string' || !body.refresh_token) {
      throw new ConnectError(502, 'Xero granted no refresh token: the app must ask for the offline_access scope. Nothing was saved.');
    }
    return body.refresh_token;
  },
};
