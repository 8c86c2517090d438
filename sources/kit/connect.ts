import * as oauth from 'openid-client';
import type { SourceId } from './errors.js';

/**
 * How an admin connects a source on /admin/connections (ADR 042), declared by each module as `connect`: either the
 * vendor's OAuth 2.0 authorization-code flow (the module builds the authorization URL and exchanges the code), or a
 * pasted token the module checks with the vendor before it is kept. The steps every flow shares — `state`, the PKCE
 * verifier, the callback's checks — are here, so no module repeats them and the app names no vendor.
 */

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
export type PendingFlow = { source: SourceId; state: string; verifier: string | null; startedAt: number };

/** Who a checked token belongs to, as the vendor said. */
export type TokenOwner = { name: string; email: string | null };

/** One field of a pasted-token form. */
export type TokenField = { name: string; label: string; kind: 'email' | 'secret' };

type Common<Config> = {
  /** The settings the source needs before it can be connected (its app's id and secret, its URL). */
  needs: string;
  /** The variable(s) that hold the token in the environment, which then takes precedence. */
  envVariables: string;
  /** Those variables by name: left out of the sandbox's environment when an admin connects instead (SANDBOX_TOKENS=connect). */
  tokenVariables: readonly string[];
  envToken: (config: Config) => boolean;
};

export type OAuthConnect<Config> = Common<Config> & {
  kind: 'oauth';
  /** Whether the vendor takes PKCE (S256): the flow then sends a code_challenge and the verifier with the code. */
  pkce: boolean;
  /** The vendor's authorization URL for these checks. */
  authorizeUrl: (config: Config, redirectUri: string, checks: { state: string; codeChallenge: string | null }) => string;
  /** The code (and the callback's other parameters) exchanged for the refresh token to keep; throws ConnectError. */
  exchange: (config: Config, callback: { code: string; params: URLSearchParams; redirectUri: string; verifier: string | null }, fetchFn: typeof fetch) => Promise<string>;
};

export type TokenConnect<Config> = Common<Config> & {
  kind: 'token';
  fields: TokenField[];
  /** How it is checked, for the page ("GET /users/me"). */
  checkedWith: string;
  /** The token to keep (one string, sealed) and whose it is; throws ConnectError naming what is wrong. */
  check: (config: Config, values: Record<string, string>, fetchFn: typeof fetch) => Promise<{ token: string; owner: TokenOwner }>;
};

export type ConnectSpec<Config> = OAuthConnect<Config> | TokenConnect<Config>;

const MAX_FLOW_MS = 10 * 60_000;

/** The vendor's authorization URL for a new connection, and the checks the callback must find again. */
export async function startOAuth<Config>(source: SourceId, spec: OAuthConnect<Config>, config: Config, redirectUri: string, now: number): Promise<{ url: string; pending: PendingFlow }> {
  const state = oauth.randomState();
  const verifier = spec.pkce ? oauth.randomPKCECodeVerifier() : null;
  const codeChallenge = verifier ? await oauth.calculatePKCECodeChallenge(verifier) : null;
  return { url: spec.authorizeUrl(config, redirectUri, { state, codeChallenge }), pending: { source, state, verifier, startedAt: now } };
}

/**
 * The vendor's callback: `state` must be the pending flow's, the vendor must not have said no, and a `code` must be
 * there; then the module exchanges it. Throws ConnectError naming what was wrong; nothing is kept then.
 */
export async function finishOAuth<Config>(
  source: SourceId,
  name: string,
  spec: OAuthConnect<Config>,
  config: Config,
  pending: PendingFlow | null,
  params: URLSearchParams,
  redirectUri: string,
  now: number,
  fetchFn: typeof fetch = fetch,
): Promise<string> {
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
    throw new ConnectError(400, `${name} did not authorize Panorama: ${vendorError.slice(0, 100)}${why ? ` (${why.slice(0, 200)})` : ''}. Nothing was saved.`);
  }
  const code = params.get('code');
  if (!code) throw new ConnectError(400, `The ${name} callback carries no authorization code: nothing was saved.`);
  return spec.exchange(config, { code, params, redirectUri, verifier: pending.verifier }, fetchFn);
}

export type TokenAnswer = { refresh_token?: unknown; access_token?: unknown; error?: unknown; error_description?: unknown };

/** A token endpoint's answer as JSON; a network failure or a body that is not JSON is a 502. */
export async function tokenCall(name: string, url: string, init: RequestInit, fetchFn: typeof fetch): Promise<{ status: number; body: TokenAnswer }> {
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

/** The vendor refused the code: 400 with its error and description, and `hint` when there is more to say. */
export function refusedCode(name: string, status: number, body: TokenAnswer, hint = ''): never {
  const err = typeof body.error === 'string' ? body.error.slice(0, 100) : `HTTP ${status}`;
  const why = typeof body.error_description === 'string' ? ` (${body.error_description.slice(0, 200)})` : '';
  throw new ConnectError(400, `${name} refused the authorization code: ${err}${why}${hint}. Nothing was saved.`);
}

/** A GET that checks a pasted token: the status and the JSON body (null when none); a network failure is a 502. */
export async function askVendor(name: string, url: string, headers: Record<string, string>, fetchFn: typeof fetch): Promise<{ status: number; body: unknown }> {
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
