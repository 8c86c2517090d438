import * as client from 'openid-client';
import { createCookie } from '@remix-run/node';
import { ROLES, type Role } from '../../graphql/policy.js';
import { authSettings, oidcOf, type AuthSettings } from './auth-settings.js';

/**
 * Single sign-on with OpenID Connect (openid-client): the authorization code flow with PKCE (S256), `state`
 * and `nonce`, the provider found by discovery. The checks travel in a short-lived signed, http-only cookie
 * between the redirect out and the callback, so no server state is kept for a sign-in that never comes back.
 */

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
let discovered: Promise<client.Configuration> | undefined;

function configuration(s: AuthSettings): Promise<client.Configuration> {
  const oidc = oidcOf(s);
  if (!oidc) throw new Error('Single sign-on is not configured (OIDC_ISSUER_URL, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET).');
  // plain http only to an identity provider on this machine (a local test IdP); anything else must be https
  const insecure = oidc.issuer.protocol === 'http:' && LOOPBACK.has(oidc.issuer.hostname);
  discovered ??= client
    .discovery(oidc.issuer, oidc.clientId, undefined, client.ClientSecretPost(oidc.clientSecret), insecure ? { execute: [client.allowInsecureRequests] } : undefined)
    .catch((e: unknown) => {
      discovered = undefined; // the next sign-in tries again
      throw new Error(`The identity provider at ${oidc.issuer.href} could not be reached for discovery: ${e instanceof Error ? e.message : String(e)}`);
    });
  return discovered;
}

type Checks = { state: string; nonce: string; verifier: string; redirectTo: string };
let checksCookie: ReturnType<typeof createCookie> | undefined;
function checks(secret: string) {
  checksCookie ??= createCookie('__panorama_oidc', { httpOnly: true, sameSite: 'lax', path: '/auth', maxAge: 600, secure: process.env.PANORAMA_SECURE_COOKIES === 'true', secrets: [secret] });
  return checksCookie;
}

function redirectUri(s: AuthSettings, request: Request): string {
  return s.OIDC_REDIRECT_URI ?? new URL('/auth/callback', request.url).href;
}

/** The identity provider's authorization URL for this sign-in, and the cookie holding its checks. */
export async function beginSignIn(request: Request, secret: string, redirectTo: string): Promise<{ url: string; setCookie: string }> {
  const s = authSettings();
  const config = await configuration(s);
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri(s, request),
    scope: s.OIDC_SCOPES,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  const value: Checks = { state, nonce, verifier, redirectTo };
  return { url: url.href, setCookie: await checks(secret).serialize(value) };
}

export type SignInOutcome =
  | { ok: true; person: { personId: string; email: string; name: string; role: Role } }
  | { ok: false; status: 400 | 403; reason: string; who?: { email: string | null; values: string[] }; redirectTo?: string };

/** Exchanges the callback's code (checking state, nonce and PKCE), then maps the person's claim to a role. */
export async function finishSignIn(request: Request, secret: string): Promise<SignInOutcome & { redirectTo: string; clearCookie: string }> {
  const s = authSettings();
  const jar = checks(secret);
  const clearCookie = await jar.serialize('', { maxAge: 0 });
  const saved = (await jar.parse(request.headers.get('cookie'))) as Checks | null;
  if (!saved || typeof saved.state !== 'string') {
    return { ok: false, status: 400, reason: 'This sign-in has expired or was started in another browser. Start again from the sign-in page.', redirectTo: '/', clearCookie };
  }
  const config = await configuration(s);
  const url = new URL(request.url);
  // behind a proxy the app sees its internal address: check the code against the address the IdP was given
  const callback = new URL(redirectUri(s, request));
  callback.search = url.search;
  let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
  try {
    tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: saved.verifier, expectedState: saved.state, expectedNonce: saved.nonce, idTokenExpected: true });
  } catch (e) {
    const detail = e instanceof client.AuthorizationResponseError ? `${e.error}${e.error_description ? `: ${e.error_description}` : ''}` : e instanceof Error ? e.message : String(e);
    return { ok: false, status: 400, reason: `The identity provider's answer could not be accepted (${detail.slice(0, 200)}). Start again from the sign-in page.`, redirectTo: saved.redirectTo, clearCookie };
  }
  const claims = tokens.claims();
  if (!claims) return { ok: false, status: 400, reason: 'The identity provider sent no ID token.', redirectTo: saved.redirectTo, clearCookie };
  let all: Record<string, unknown> = { ...claims };
  if (all[s.OIDC_ROLE_CLAIM] === undefined || !all.email) {
    // some providers (Okta's default, Keycloak without "add to ID token") put groups or e-mail only in userinfo
    try {
      all = { ...(await client.fetchUserInfo(config, tokens.access_token, claims.sub)), ...all };
    } catch {
      // no userinfo: decide on the ID token alone
    }
  }
  const email = emailOf(all);
  const values = claimValues(all[s.OIDC_ROLE_CLAIM]);
  const role = roleFor(values, s.PANORAMA_ROLE_MAP);
  if (!email) {
    return { ok: false, status: 403, reason: 'Your identity provider did not send an e-mail address, and Panorama needs it to find your accounts. Ask for the "email" scope to be released to Panorama.', who: { email: null, values }, redirectTo: saved.redirectTo, clearCookie };
  }
  if (!role) {
    return {
      ok: false,
      status: 403,
      reason: `You are signed in as ${email}, but none of your ${s.OIDC_ROLE_CLAIM} (${values.length ? values.slice(0, 20).join(', ') : 'none were sent'}) gives a role in Panorama. Ask ${s.PANORAMA_ACCESS_CONTACT} to add you to the group for your job.`,
      who: { email, values },
      redirectTo: saved.redirectTo,
      clearCookie,
    };
  }
  const name = typeof all.name === 'string' && all.name ? all.name : email;
  return { ok: true, person: { personId: `oidc:${claims.sub}`, email, name, role }, redirectTo: saved.redirectTo, clearCookie };
}

function emailOf(c: Record<string, unknown>): string | null {
  // Entra ID often sends no `email` for work accounts: its preferred_username is the UPN, an address
  for (const k of ['email', 'preferred_username', 'upn']) {
    const v = c[k];
    if (typeof v === 'string' && /^[^@\s]+@[^@\s]+$/.test(v)) return v.toLowerCase();
  }
  return null;
}

/** A claim's values as strings: an array, one string, or a space/comma-separated string. */
export function claimValues(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  if (typeof v === 'string') return v.split(/[\s,]+/).filter(Boolean);
  return [];
}

/**
 * The role the claim's values map to, or null. Keycloak's full group paths ("/cs-team") match "cs-team". With
 * several, the widest wins (admin, then account manager, finance, support): one person, one role.
 */
export function roleFor(values: string[], map: { role: Role; value: string }[]): Role | null {
  const have = new Set(values.flatMap((v) => [v, v.replace(/^\//, '')]));
  const mapped = new Set(map.filter((m) => have.has(m.value) || have.has(m.value.replace(/^\//, ''))).map((m) => m.role));
  const precedence: Role[] = ['admin', 'account_manager', 'finance', 'support'];
  return precedence.find((r) => mapped.has(r) && (ROLES as readonly Role[]).includes(r)) ?? null;
}
