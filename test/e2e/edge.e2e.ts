/**
 * The web edge of a deployment as an operator runs it (sources configured, single sign-on through a real
 * identity provider): the CSP works in Chromium, headers on every response, CORS by the allow-list, safe
 * redirects through the identity provider, introspection and GraphiQL for admins only, and the rate limits.
 */
import { IDP_USERS } from '../support/oidc-idp.js';
import { startSsoDeployment, type SsoDeployment } from '../support/sso-deployment.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort, startProcess, stopProcess } from '../support/app-process.js';

const sandboxOrigin = inject('sandboxOrigin');
const ALLOWED = 'https://reports.acme.example';
const GRAPHQL_PER_MINUTE = 40;
const SIGN_IN_PER_MINUTE = 60;
let deployment: SsoDeployment;
let baseURL: string;
let idp: SsoDeployment['idp'];
let realEnv: NodeJS.ProcessEnv;

beforeAll(async () => {
  deployment = await startSsoDeployment(sandboxOrigin, 'edge', {
    PANORAMA_GRAPHIQL: 'true',
    PANORAMA_CORS_ORIGINS: ALLOWED,
    PANORAMA_TRUST_PROXY: 'loopback',
    PANORAMA_RATE_LIMIT_GRAPHQL_PER_MINUTE: String(GRAPHQL_PER_MINUTE),
    PANORAMA_RATE_LIMIT_SIGN_IN_PER_MINUTE: String(SIGN_IN_PER_MINUTE),
  });
  ({ baseURL, idp, env: realEnv } = deployment);
});
afterAll(async () => {
  await deployment?.close();
});

const signInWithIdp = (...args: Parameters<SsoDeployment['signIn']>) => deployment.signIn(...args);

const gql = (cookie: string, query: string, headers: Record<string, string> = {}) =>
  fetch(`${baseURL}/graphql`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });

const nonceOf = (csp: string | null) => csp?.match(/script-src 'self' 'nonce-([A-Za-z0-9+/=]+)'/)?.[1];

let support: Awaited<ReturnType<typeof signInWithIdp>>;
let admin: Awaited<ReturnType<typeof signInWithIdp>>;
let customerPath = '';

describe('the CSP works in the browser', () => {
  it('a signed-in page hydrates with no CSP violation: the Ctrl+K search opens and leads to a customer', async () => {
    support = await signInWithIdp('support');
    const { page, violations } = support;
    expect(new URL(page.url()).pathname).toBe('/customers');
    await page.waitForLoadState('networkidle'); // the shortcut is bound once the page is hydrated
    await page.keyboard.press('Control+K');
    await page.getByRole('dialog').waitFor();
    await page.getByPlaceholder(/Customer name, domain/).fill('Zoë');
    const option = page.getByRole('button', { name: /Zoë's Bakery/ });
    await option.waitFor();
    await option.click();
    await page.waitForURL(/\/customers\/001/);
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await page.getByTestId('section-support').waitFor();
    customerPath = new URL(page.url()).pathname;
    // a client-side navigation renders new Mantine styles after hydration: they carry the nonce too
    await page.getByRole('link', { name: 'Urgent tickets' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Urgent tickets' }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(violations).toEqual([]);
  });

  it("every inline script and style of a customer page carries the response's nonce, a new one each time", async () => {
    const first = await fetch(`${baseURL}${customerPath}`, { headers: { cookie: support.cookie } });
    expect(first.status).toBe(200);
    const nonce = nonceOf(first.headers.get('content-security-policy'));
    expect(nonce).toBeTruthy();
    const html = await first.text();
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(2);
    for (const attrs of scripts) if (!/\bsrc=/.test(attrs)) expect(attrs).toContain(`nonce="${nonce}"`);
    for (const m of html.matchAll(/<style([^>]*)>/g)) expect(m[1]).toContain(`nonce="${nonce}"`);
    const second = await fetch(`${baseURL}${customerPath}`, { headers: { cookie: support.cookie } });
    expect(nonceOf(second.headers.get('content-security-policy'))).not.toBe(nonce);
  });
});

describe('security headers on every response', () => {
  it('pages, /graphql, assets, 404s and refusals: frame-ancestors, nosniff, a referrer policy; no HSTS without secure cookies', async () => {
    const html = await (await fetch(`${baseURL}/login`)).text();
    const asset = html.match(/\/assets\/[^"]+\.js/)![0];
    const responses = {
      page: await fetch(`${baseURL}${customerPath}`, { headers: { cookie: support.cookie } }),
      graphql: await gql(support.cookie, '{ viewer { role } }'),
      asset: await fetch(`${baseURL}${asset}`),
      notFound: await fetch(`${baseURL}/no-such-page`, { headers: { cookie: support.cookie } }),
      signedOut: await fetch(`${baseURL}/customers`, { redirect: 'manual' }),
      forbidden: await fetch(`${baseURL}/admin`, { headers: { cookie: support.cookie } }),
    };
    expect(responses.notFound.status).toBe(404);
    expect(responses.forbidden.status).toBe(403);
    for (const [name, r] of Object.entries(responses)) {
      expect(r.headers.get('content-security-policy'), name).toContain("frame-ancestors 'none'");
      expect(r.headers.get('x-content-type-options'), name).toBe('nosniff');
      expect(r.headers.get('referrer-policy'), name).toBe('same-origin');
      expect(r.headers.get('strict-transport-security'), name).toBeNull();
    }
    expect(responses.page.headers.get('cache-control')).toBe('no-store');
    expect(responses.graphql.headers.get('cache-control')).toBe('no-store');
    expect(responses.forbidden.headers.get('cache-control')).toBe('no-store');
    expect(responses.asset.headers.get('cache-control')).toContain('immutable');
    // the pages' data requests hold customer data too
    const data = await fetch(`${baseURL}${customerPath}.data`, { headers: { cookie: support.cookie } });
    expect(data.status).toBe(200);
    expect(data.headers.get('cache-control')).toBe('no-store');
  });

  it('sends HSTS only when secure cookies are on', async () => {
    const port = await freePort();
    const secure = (await startProcess(['build/start.js'], { ...realEnv, PORT: String(port), PANORAMA_SECURE_COOKIES: 'true' }, /Panorama is running on/)).child;
    try {
      for (const p of ['/login', '/healthz', '/favicon.svg', '/graphql']) {
        expect((await fetch(`http://127.0.0.1:${port}${p}`)).headers.get('strict-transport-security'), p).toBe('max-age=31536000');
      }
    } finally {
      await stopProcess(secure);
    }
  });
});

describe('CORS on /graphql', () => {
  it('an origin on PANORAMA_CORS_ORIGINS gets its origin back with credentials; any other gets no Access-Control-Allow-Origin', async () => {
    const allowed = await gql(support.cookie, '{ viewer { role } }', { origin: ALLOWED });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    const foreign = await fetch(`${baseURL}/graphql?query=${encodeURIComponent('{ viewer { role } }')}`, { headers: { cookie: support.cookie, origin: 'https://evil.example' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect(foreign.headers.get('access-control-allow-credentials')).toBeNull();
    const foreignPost = await gql(support.cookie, '{ viewer { role } }', { origin: 'https://evil.example' });
    expect(foreignPost.status).toBe(403);
    expect(foreignPost.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = (origin: string) => fetch(`${baseURL}/graphql`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    const ok = await preflight(ALLOWED);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    const refused = await preflight('https://evil.example');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('a page on another origin cannot read /graphql in the browser', async () => {
    const page = await support.context.newPage();
    await page.goto(`${idp.issuer}/.well-known/openid-configuration`);
    const outcome = await page.evaluate(async (url) => {
      try {
        const r = await fetch(url, { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ viewer { role } }' }) });
        return `read ${r.status}`;
      } catch (e) {
        return `blocked ${(e as Error).name}`;
      }
    }, `${baseURL}/graphql`);
    expect(outcome).toBe('blocked TypeError');
    await page.close();
  });
});

/** The signed checks cookie the sign-in sets before leaving for the identity provider, decoded. */
function checksOf(setCookie: string | null): { redirectTo: string } {
  const value = decodeURIComponent(setCookie!.match(/__panorama_oidc=([^;]+)/)![1]!);
  const payload = value.slice(0, value.lastIndexOf('.'));
  return JSON.parse(decodeURIComponent(escape(atob(payload)))) as { redirectTo: string };
}

describe('redirects after sign-in stay on Panorama', () => {
  it('keeps a path of its own, and refuses /%09/host, //host, https://host and /\\host', async () => {
    const start = (q: string) => fetch(`${baseURL}/auth/login?redirectTo=${q}`, { redirect: 'manual' });
    const kept = await start(encodeURIComponent('/tickets?x=1'));
    expect(kept.status).toBe(302);
    expect(kept.headers.get('location')!.startsWith(idp.issuer)).toBe(true);
    expect(checksOf(kept.headers.get('set-cookie')).redirectTo).toBe('/tickets?x=1');
    for (const q of ['/%09/evil.example', '//evil.example', encodeURIComponent('https://evil.example/x'), '/%5Cevil.example', encodeURIComponent('/\t/evil.example')]) {
      const r = await start(q);
      expect(r.status, q).toBe(302);
      expect(checksOf(r.headers.get('set-cookie')).redirectTo, q).toBe('/');
    }
    for (const q of ['/a%0d%0aSet-Cookie:%20x=1', '/%E2%98%83']) expect((await start(q)).status, q).toBe(400);
  });

  it('a sign-in started towards another site ends on Panorama', async () => {
    const { context, page } = await signInWithIdp('finance', `/auth/login?redirectTo=${encodeURIComponent('https://evil.example/phish')}`);
    expect(new URL(page.url()).origin).toBe(baseURL);
    expect(new URL(page.url()).pathname).toBe('/finance');
    await context.close();
  });
});

describe('introspection and GraphiQL: admins only, where enabled', () => {
  it('refuses introspection to a non-admin and answers an admin', async () => {
    admin = await signInWithIdp('admin');
    const refused = (await (await gql(support.cookie, '{ __schema { queryType { name } } }')).json()) as { data?: unknown; errors: { message: string; extensions: { code: string } }[] };
    expect(refused.data ?? null).toBeNull();
    expect(refused.errors[0]!.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(refused.errors[0]!.message).toMatch(/introspection has been disabled/);
    const allowed = (await (await gql(admin.cookie, '{ __schema { queryType { name } } }')).json()) as { data: unknown };
    expect(allowed.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it("serves GraphiQL to an admin, its scripts carrying the page's nonce, and not to anyone else", async () => {
    const page = (cookie: string) => fetch(`${baseURL}/graphql`, { headers: { cookie, accept: 'text/html' } });
    const r = await page(admin.cookie);
    expect(r.status).toBe(200);
    const nonce = nonceOf(r.headers.get('content-security-policy'));
    expect(r.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const html = await r.text();
    expect(html).toContain('YogaGraphiQL');
    for (const m of html.matchAll(/<script([^>]*)>/g)) expect(m[1]).toContain(`nonce="${nonce}"`);
    expect(await (await page(support.cookie)).text()).not.toContain('YogaGraphiQL');
    expect(await (await page('')).text()).not.toContain('YogaGraphiQL');
  });
});

describe('My accounts through single sign-on', () => {
  it("lists the CRM accounts the signed-in person's e-mail owns, and only those; someone with no CRM user owns none", async () => {
    type Mine = { data: { myAccounts: { id: string; crm: { account: { owner: { email: string | null } | null } } | null }[] } };
    const mine = async (cookie: string) => ((await (await gql(cookie, '{ myAccounts { id crm { account { owner { email } } } } }')).json()) as Mine).data.myAccounts;
    const { context, cookie } = await signInWithIdp('sales');
    const owned = await mine(cookie);
    expect(owned.length).toBeGreaterThan(0);
    for (const a of owned) expect(a.crm?.account.owner?.email?.toLowerCase(), a.id).toBe(IDP_USERS.sales.email);
    await context.close();
    expect(await mine(admin.cookie)).toEqual([]);
  });
});

describe('rate limits', () => {
  it('the sign-in pages answer 429 with Retry-After once an address has spent its minute; another address still signs in', async () => {
    const from = (address: string) => fetch(`${baseURL}/login`, { headers: { 'x-forwarded-for': address } });
    const statuses: number[] = [];
    for (let i = 0; i <= SIGN_IN_PER_MINUTE; i++) statuses.push((await from('203.0.113.50')).status);
    expect(statuses.slice(0, SIGN_IN_PER_MINUTE).every((s) => s === 200)).toBe(true);
    const refused = await from('203.0.113.50');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.text()).toMatch(/Too many sign-in requests from your address.*Try again in \d+ s/);
    expect((await fetch(`${baseURL}/auth/login`, { redirect: 'manual', headers: { 'x-forwarded-for': '203.0.113.50' } })).status).toBe(429);
    expect((await from('203.0.113.51')).status).toBe(200);
  });

  it('/graphql answers 429 with Retry-After once a person has spent their minute; another person is not affected', async () => {
    const { context, cookie } = await signInWithIdp('sales');
    let last: Response | undefined;
    for (let i = 0; i <= GRAPHQL_PER_MINUTE; i++) {
      last = await gql(cookie, '{ viewer { role } }');
      if (last.status === 429) break;
      expect(last.status).toBe(200);
    }
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await last!.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe('RATE_LIMITED');
    expect(body.errors[0]!.message).toMatch(/Try again in \d+ s/);
    expect((await gql(admin.cookie, '{ viewer { role } }')).status).toBe(200);
    // the person's pages are read in-process and are not counted
    expect((await fetch(`${baseURL}/accounts`, { headers: { cookie } })).status).toBe(200);
    await context.close();
  });
});
