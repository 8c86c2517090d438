import * as oauth from 'openid-client';
import type { AsanaConfig } from '../../sources/asana/config.js';
import type { QuickbooksConfig } from '../../sources/quickbooks/config.js';
import type { SalesforceConfig } from '../../sources/salesforce/config.js';
import type { ZendeskConfig } from '../../sources/zendesk/config.js';
import { encodeZendeskCredential } from '../../sources/kit/connected-token.js';

/**
 * The connect flows of /admin/connections (ADR 042). Salesforce and QuickBooks: the vendor's OAuth 2.0
 * authorization-code flow — Salesforce with PKCE (S256) and `state`, Intuit with `state` and the `realmId` its
 * callback carries. Asana and Zendesk: a pasted token, checked against the vendor before anything is kept.
 * Nothing here stores anything: the routes hand what a flow returns to the connections store.
 */

export type OAuthSource = 'salesforce' | 'quickbooks';
export type TokenSource = 'asana' | 'zendesk';
export const OAUTH_SOURCES: readonly OAuthSource[] = ['salesforce', 'quickbooks'];
export const TOKEN_SOURCES: readonly TokenSource[] = ['asana', 'zendesk'];

/** What Intuit asks for: the accounting API only (Panorama reads; the scope cannot be narrower). */
export const QUICKBOOKS_SCOPE = 'com.intuit.quickbooks.accounting';
/** Salesforce: the REST API and a refresh token (offline access), nothing more. */
export const SALESFORCE_SCOPE = 'api refresh_token';

/** A flow that cannot finish: its HTTP status (4xx: the request or what it carried; 502: the vendor) and why. */
export class ConnectError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'ConnectError';
    this.status = status;
  }
}

/** What travels in the signed, short-lived cookie between the redirect out and the callback. */
export type PendingFlow = { source: OAuthSource; state: string; verifier: string | null; startedAt: number };

export type OAuthConfigs = { salesforce: SalesforceConfig; quickbooks: QuickbooksConfig };

/** The vendor's authorization URL for a new connection, and the checks the callback must find again. */
export async function startOAuth<S extends OAuthSource>(source: S, config: OAuthConfigs[S], redirectUri: string, now: number): Promise<{ url: string; pending: PendingFlow }> {
  const state = oauth.randomState();
  if (source === 'salesforce') {
    const c = config as SalesforceConfig;
    const verifier = oauth.randomPKCECodeVerifier();
    const url = new URL(`${c.loginUrl}/services/oauth2/authorize`);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: c.clientId,
      redirect_uri: redirectUri,
      scope: SALESFORCE_SCOPE,
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      // always the consent page, so an admin sees which Salesforce user they connect as
      prompt: 'login consent',
    }).toString();
    return { url: url.href, pending: { source, state, verifier, startedAt: now } };
  }
  const c = config as QuickbooksConfig;
  const url = new URL(c.authorizeUrl);
  url.search = new URLSearchParams({ client_id: c.clientId, response_type: 'code', scope: QUICKBOOKS_SCOPE, redirect_uri: redirectUri, state }).toString();
  // Intuit documents no PKCE for its web-server apps: `state` is the check (and the client secret, on the token call)
  return { url: url.href, pending: { source, state, verifier: null, startedAt: now } };
}

export type Granted = { refreshToken: string; realmId: string | null };

const MAX_FLOW_MS = 10 * 60_000;

/**
 * The vendor's callback: checks `state` against the pending flow, takes the `code` (and Intuit's `realmId`) and
 * exchanges it for tokens. Throws ConnectError naming what was wrong; never returns without a refresh token.
 */
export async function finishOAuth<S extends OAuthSource>(
  source: S,
  config: OAuthConfigs[S],
  pending: PendingFlow | null,
  params: URLSearchParams,
  redirectUri: string,
  now: number,
  fetchFn: typeof fetch = fetch,
): Promise<Granted> {
  const name = source === 'salesforce' ? 'Salesforce' : 'QuickBooks';
  if (!pending || pending.source !== source) {
    throw new ConnectError(400, `No ${name} connect flow is in progress in this browser (its state cookie is missing or expired): start again on /admin/connections.`);
  }
  if (now - pending.startedAt > MAX_FLOW_MS) throw new ConnectError(400, `The ${name} connect flow was started more than 10 minutes ago: start again on /admin/connections.`);
  const state = params.get('state');
  if (!state || state !== pending.state) {
    throw new ConnectError(400, `The callback's state parameter does not match the ${name} connect flow this browser started: nothing was saved. Start again on /admin/connections.`);
  }
  const vendorError = params.get('error');
  if (vendorError) {
    const why = params.get('error_description');
    throw new ConnectError(400, `${name} did not authorize Panorama: ${vendorError}${why ? ` (${why})` : ''}. Nothing was saved.`);
  }
  const code = params.get('code');
  if (!code) throw new ConnectError(400, `The ${name} callback carries no authorization code: nothing was saved.`);
  if (source === 'salesforce') return salesforceGrant(config as SalesforceConfig, code, pending, redirectUri, fetchFn);
  const realmId = params.get('realmId');
  if (!realmId) throw new ConnectError(400, 'The QuickBooks callback carries no realmId (the company id): nothing was saved.');
  const c = config as QuickbooksConfig;
  if (realmId !== c.realmId) {
    throw new ConnectError(400, `QuickBooks connected the company with realmId ${realmId.slice(0, 32)}, but QUICKBOOKS_REALM_ID is ${c.realmId}: connect that company, or change the setting. Nothing was saved.`);
  }
  return quickbooksGrant(c, code, redirectUri, fetchFn);
}

type TokenAnswer = { refresh_token?: unknown; access_token?: unknown; error?: unknown; error_description?: unknown };

async function tokenCall(name: string, url: string, init: RequestInit, fetchFn: typeof fetch): Promise<{ status: number; body: TokenAnswer }> {
  let res: Response;
  try {
    res = await fetchFn(url, { ...init, signal: AbortSignal.timeout(15_000) });
  } catch (e) {
    throw new ConnectError(502, `${name}'s token endpoint (${new URL(url).origin}) could not be reached: ${e instanceof Error ? e.message : String(e)}. Nothing was saved.`);
  }
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) as TokenAnswer };
  } catch {
    throw new ConnectError(502, `${name}'s token endpoint answered ${res.status} with no JSON: nothing was saved.`);
  }
}

function refused(name: string, status: number, body: TokenAnswer, hint: string): never {
  const err = typeof body.error === 'string' ? body.error : `HTTP ${status}`;
  const why = typeof body.error_description === 'string' ? ` (${body.error_description.slice(0, 200)})` : '';
  throw new ConnectError(400, `${name} refused the authorization code: ${err}${why}${hint}. Nothing was saved.`);
}

/** Salesforce's token endpoint, authorization_code grant with the PKCE code_verifier and the client secret (client_secret_post). */
async function salesforceGrant(c: SalesforceConfig, code: string, pending: PendingFlow, redirectUri: string, fetchFn: typeof fetch): Promise<Granted> {
  const { status, body } = await tokenCall(
    'Salesforce',
    `${c.loginUrl}/services/oauth2/token`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, client_id: c.clientId, client_secret: c.clientSecret, redirect_uri: redirectUri, code_verifier: pending.verifier ?? '' }),
    },
    fetchFn,
  );
  if (status !== 200) {
    const pkce = typeof body.error_description === 'string' && /verifier|challenge/i.test(body.error_description);
    refused('Salesforce', status, body, pkce ? ' — the PKCE code_verifier does not match the code_challenge it was authorized with' : '');
  }
  if (typeof body.refresh_token !== 'string' || !body.refresh_token) {
    throw new ConnectError(502, 'Salesforce granted no refresh token: give the connected app the "refresh_token" (offline access) scope. Nothing was saved.');
  }
  return { refreshToken: body.refresh_token, realmId: null };
}

/** Intuit's token endpoint, authorization_code grant, the client authenticated with HTTP Basic. */
async function quickbooksGrant(c: QuickbooksConfig, code: string, redirectUri: string, fetchFn: typeof fetch): Promise<Granted> {
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
  if (status !== 200) refused('QuickBooks', status, body, '');
  if (typeof body.refresh_token !== 'string' || !body.refresh_token) throw new ConnectError(502, 'QuickBooks granted no refresh token: nothing was saved.');
  return { refreshToken: body.refresh_token, realmId: c.realmId };
}

/** Who a checked token belongs to, as the vendor said. */
export type TokenOwner = { name: string; email: string | null };

async function askVendor(name: string, url: string, headers: Record<string, string>, fetchFn: typeof fetch): Promise<{ status: number; body: unknown }> {
  let res: Response;
  try {
    res = await fetchFn(url, { headers: { accept: 'application/json', ...headers }, signal: AbortSignal.timeout(15_000) });
  } catch (e) {
    throw new ConnectError(502, `${name} (${new URL(url).origin}) could not be reached to check the token: ${e instanceof Error ? e.message : String(e)}. Nothing was saved.`);
  }
  const text = await res.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // an HTML error page: the status says enough
  }
  return { status: res.status, body };
}

/** Asana: `GET /users/me` with the personal access token; the token and who it is, or a 4xx naming what is wrong. */
export async function checkAsanaToken(c: AsanaConfig, token: string, fetchFn: typeof fetch = fetch): Promise<{ token: string; owner: TokenOwner }> {
  const t = token.trim();
  if (!t) throw new ConnectError(400, 'Paste an Asana personal access token: the field was empty. Nothing was saved.');
  if (/\s/.test(t) || t.length > 500) throw new ConnectError(400, 'That is not an Asana personal access token (it has spaces or is too long). Nothing was saved.');
  const { status, body } = await askVendor('Asana', `${c.baseUrl}/users/me`, { authorization: `Bearer ${t}` }, fetchFn);
  if (status === 401) throw new ConnectError(400, 'Asana refused this personal access token (401 Not Authorized): it is wrong, revoked or expired. Nothing was saved.');
  if (status === 403) throw new ConnectError(400, 'Asana accepted the token but does not let it read the user (403). Nothing was saved.');
  const data = (body as { data?: { name?: unknown; email?: unknown } } | null)?.data;
  if (status !== 200 || !data) throw new ConnectError(502, `Asana answered ${status} to GET /users/me: the token could not be checked. Nothing was saved.`);
  return { token: t, owner: { name: typeof data.name === 'string' ? data.name : 'Asana user', email: typeof data.email === 'string' ? data.email : null } };
}

/**
 * Zendesk: `GET /api/v2/users/me.json` as `{email}/token:{apiToken}`. Zendesk answers an unknown pair with 401, and
 * with the anonymous user (no id) when it did not take the credentials at all; an end user cannot read tickets.
 */
export async function checkZendeskToken(c: ZendeskConfig, email: string, apiToken: string, fetchFn: typeof fetch = fetch): Promise<{ token: string; owner: TokenOwner }> {
  const e = email.trim();
  const t = apiToken.trim();
  if (!e || !/^[^\s@]+@[^\s@]+$/.test(e)) throw new ConnectError(400, "Give the e-mail of the Zendesk agent the API token belongs to: that field is empty or not an e-mail. Nothing was saved.");
  if (!t) throw new ConnectError(400, 'Paste a Zendesk API token: the field was empty. Nothing was saved.');
  const auth = `Basic ${Buffer.from(`${e}/token:${t}`).toString('base64')}`;
  const { status, body } = await askVendor('Zendesk', `${c.baseUrl}/api/v2/users/me.json`, { authorization: auth }, fetchFn);
  if (status === 401) throw new ConnectError(400, `Zendesk refused the API token for ${e} (401 "Couldn't authenticate you"): the token is wrong or deleted, or belongs to another agent. Nothing was saved.`);
  const user = (body as { user?: { id?: unknown; name?: unknown; email?: unknown; role?: unknown } } | null)?.user;
  if (status !== 200 || !user) throw new ConnectError(502, `Zendesk answered ${status} to GET /api/v2/users/me.json: the token could not be checked. Nothing was saved.`);
  if (user.id === null || user.id === undefined) throw new ConnectError(400, `Zendesk did not sign in ${e} with this API token (it answered as an anonymous user). Nothing was saved.`);
  if (user.role === 'end-user') throw new ConnectError(400, `${e} is a Zendesk end user: Panorama needs an agent's (or admin's) API token to read tickets. Nothing was saved.`);
  return { token: encodeZendeskCredential({ email: e, apiToken: t }), owner: { name: typeof user.name === 'string' ? user.name : e, email: typeof user.email === 'string' ? user.email : e } };
}
