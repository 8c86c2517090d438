import { ConnectError, refusedCode, tokenCall, type OAuthConnect } from '../kit/connect.js';
import type { QuickbooksConfig } from './config.js';

/** What Intuit asks for: the accounting API (Panorama only reads; the scope cannot be narrower). */
export const QUICKBOOKS_SCOPE = 'com.intuit.quickbooks.accounting';

/**
 * "Connect QuickBooks": Intuit's authorization-code flow. Intuit documents `state` (no PKCE) for web apps; its
 * callback carries the company's `realmId` beside `code` and `state`, and the code is exchanged at the bearer
 * endpoint with the client authenticated by HTTP Basic. The company is a setting (QUICKBOOKS_REALM_ID): a
 * connection to another company is refused rather than silently re-pointing Panorama.
 */
export const quickbooksConnect: OAuthConnect<QuickbooksConfig> = {
  kind: 'oauth',
  pkce: false,
  needs: 'QUICKBOOKS_BASE_URL, QUICKBOOKS_TOKEN_URL, QUICKBOOKS_CLIENT_ID, QUICKBOOKS_CLIENT_SECRET and QUICKBOOKS_REALM_ID',
  envVariables: 'QUICKBOOKS_REFRESH_TOKEN',
  tokenVariables: ['QUICKBOOKS_REFRESH_TOKEN'],
  envToken: (c) => Boolean(c.refreshToken),
  authorizeUrl: (c, redirectUri, { state }) => {
    const url = new URL(c.authorizeUrl);
    url.search = new URLSearchParams({ client_id: c.clientId, response_type: 'code', scope: QUICKBOOKS_SCOPE, redirect_uri: redirectUri, state }).toString();
    return url.href;
  },
  exchange: async (c, { code, params, redirectUri }, fetchFn) => {
    const realmId = params.get('realmId');
    if (!realmId) throw new ConnectError(400, 'The QuickBooks callback carries no realmId (the company id): nothing was saved.');
    if (realmId !== c.realmId) {
      throw new ConnectError(400, `QuickBooks connected the company with realmId ${realmId.slice(0, 32)}, but QUICKBOOKS_REALM_ID is ${c.realmId}: connect that company, or change the setting. Nothing was saved.`);
    }
    const { status, body } = await tokenCall(
      'QuickBooks',
      c.tokenUrl,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          authorization: `Basic ${Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }),
      },
      fetchFn,
    );
    if (status !== 200) refusedCode('QuickBooks', status, body);
    if (typeof body.refresh_token !== 'string' || !body.refresh_token) throw new ConnectError(502, 'QuickBooks granted no refresh token: nothing was saved.');
    return body.refresh_token;
  },
};
