import { createHash, randomBytes } from 'node:crypto';

/**
 * The vendors' authorization pages as the sandbox imitates them: a small consent page with an "Allow" button
 * (a form posting back to the same address), then a redirect to the app's `redirect_uri` with a one-time `code`
 * and the request's `state`. The codes live here until the token endpoint exchanges them (once, within 10 minutes).
 */

export type AuthorizationRequest = {
  clientId: string;
  redirectUri: string;
  state: string | null;
  scope: string | null;
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
};

type IssuedCode = AuthorizationRequest & { issuedAt: number };

const CODE_TTL_MS = 10 * 60_000;

/** One-time authorization codes of a sandbox, by code. */
export class AuthorizationCodes {
  readonly #codes = new Map<string, IssuedCode>();

  issue(req: AuthorizationRequest, prefix: string): string {
    const now = Date.now();
    for (const [k, v] of this.#codes) if (now - v.issuedAt > CODE_TTL_MS) this.#codes.delete(k);
    const code = `${prefix}${randomBytes(18).toString('base64url')}`;
    this.#codes.set(code, { ...req, issuedAt: now });
    return code;
  }

  /** The code's request, removed: a code is good for one exchange only, and not after 10 minutes. */
  take(code: string | null): IssuedCode | null {
    if (!code) return null;
    const c = this.#codes.get(code) ?? null;
    this.#codes.delete(code);
    return c && Date.now() - c.issuedAt <= CODE_TTL_MS ? c : null;
  }
}

/** RFC 7636 S256: BASE64URL(SHA256(ASCII(code_verifier))) compared with the code_challenge. */
export function pkceMatches(verifier: string | null, challenge: string | null, method: string | null): boolean {
  if (!challenge) return true;
  if (!verifier) return false;
  if ((method ?? 'plain') === 'plain') return verifier === challenge;
  return method === 'S256' && createHash('sha256').update(verifier, 'ascii').digest('base64url') === challenge;
}

/** The authorization request's parameters, from the query (GET) or the consent form (POST). */
export function authorizationRequestOf(params: URLSearchParams): AuthorizationRequest {
  return {
    clientId: params.get('client_id') ?? '',
    redirectUri: params.get('redirect_uri') ?? '',
    state: params.get('state'),
    scope: params.get('scope'),
    codeChallenge: params.get('code_challenge'),
    codeChallengeMethod: params.get('code_challenge_method'),
  };
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The consent page: which app asks for what, "Allow" and "Deny"; every request parameter travels on in the form. */
export function consentPage(vendor: string, params: URLSearchParams, account: string): Response {
  const hidden = [...params].map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`).join('');
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(vendor)} · Allow access (sandbox)</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}button{font-size:1rem;padding:.5rem 1.25rem;margin-right:.5rem}</style></head>
<body><main><h1>Allow access?</h1>
<p><strong>${esc(params.get('client_id') ?? '')}</strong> asks to read ${esc(vendor)} as <strong>${esc(account)}</strong>.</p>
<p>Scope: <code>${esc(params.get('scope') ?? '(none)')}</code></p>
<p>This is Panorama's built-in sandbox imitating ${esc(vendor)}'s authorization page.</p>
<form method="post">${hidden}<button type="submit" name="decision" value="allow">Allow</button><button type="submit" name="decision" value="deny">Deny</button></form>
</main></body></html>`;
  return new Response(html, { status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } });
}

/** An error page of the authorization server (no redirect: the redirect_uri itself is not to be trusted). */
export function authorizeErrorPage(vendor: string, message: string, status = 400): Response {
  return new Response(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(vendor)} · error</title></head><body><h1>${esc(vendor)} cannot authorize this request</h1><p>${esc(message)}</p></body></html>`, {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8' },
  });
}

/** The redirect back to the app with `code` (or `error`), `state` and any extra parameters (Intuit's realmId). */
export function redirectBack(redirectUri: string, params: Record<string, string | null>): Response {
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) if (v !== null) url.searchParams.set(k, v);
  return new Response(null, { status: 302, headers: { location: url.href, 'cache-control': 'no-store' } });
}

/** A redirect_uri the sandbox accepts: an absolute http(s) URL without a fragment. */
export function validRedirectUri(raw: string): boolean {
  try {
    const u = new URL(raw);
    return (u.protocol === 'http:' || u.protocol === 'https:') && !u.hash;
  } catch {
    return false;
  }
}
