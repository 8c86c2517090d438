import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { edgeSettings, type EdgeSettings } from '../.server/edge-settings.js';
import { contentSecurityPolicy } from '../.server/security-headers.js';
import { edgeErrorHandler, installEdge, type EdgeOptions } from './edge.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

function settingsOf(env: Record<string, string>): EdgeSettings {
  const r = edgeSettings.parse(env);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.value;
}

/** An Express app with the edge in front of a page, /graphql and a static route, on a loopback port. */
async function edgeApp(env: Record<string, string> = {}, opts: Partial<EdgeOptions> = {}): Promise<string> {
  const app = express();
  installEdge(app, { edge: settingsOf(env), secureCookies: false, dev: false, ...opts }, (a) => {
    a.get('/assets/app.js', (_req, res) => {
      res.set('Cache-Control', 'public, max-age=31536000, immutable').type('text/javascript').send('1');
    });
  });
  app.get('/customers/1', (_req, res) => res.type('text/html').send(`<script nonce="${res.locals.cspNonce}">1</script>`));
  app.all('/graphql', (_req, res) => res.json({ data: { ok: true } }));
  app.all('/login', (_req, res) => res.type('text/html').send('sign in'));
  app.get('/boom', () => {
    throw new Error('secret detail');
  });
  // Remix answers every other path (its 404 page)
  app.all('*', (_req, res) => res.status(404).type('text/html').send('not found'));
  app.use(edgeErrorHandler(() => undefined));
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('the settings of the edge', () => {
  it('reads origins, limits and the proxy, with defaults real use never meets', () => {
    expect(settingsOf({})).toEqual({ corsOrigins: [], graphqlPerMinute: 600, signInPerMinute: 120, trustProxy: false });
    expect(settingsOf({ PANORAMA_CORS_ORIGINS: 'https://reports.acme.example, http://localhost:5173', PANORAMA_TRUST_PROXY: 'loopback,10.0.0.0/8' })).toMatchObject({
      corsOrigins: ['https://reports.acme.example', 'http://localhost:5173'],
      trustProxy: ['loopback', '10.0.0.0/8'],
    });
    expect(settingsOf({ PANORAMA_TRUST_PROXY: '1' }).trustProxy).toBe(1);
  });

  it('refuses a wildcard, a path or a non-origin, and a proxy setting that trusts everyone, naming the variable', () => {
    for (const bad of ['*', 'https://reports.acme.example/app', 'reports.acme.example', 'ftp://x.example']) {
      const r = edgeSettings.parse({ PANORAMA_CORS_ORIGINS: bad });
      expect(r.ok, bad).toBe(false);
      if (!r.ok) expect(r.issues[0]).toMatchObject({ variable: 'PANORAMA_CORS_ORIGINS' });
    }
    const proxy = edgeSettings.parse({ PANORAMA_TRUST_PROXY: 'true' });
    expect(proxy.ok).toBe(false);
    if (!proxy.ok) expect(proxy.issues[0]).toMatchObject({ variable: 'PANORAMA_TRUST_PROXY' });
    expect(edgeSettings.parse({ PANORAMA_RATE_LIMIT_GRAPHQL_PER_MINUTE: '0' }).ok).toBe(false);
  });
});

describe('CORS on /graphql: an allow-list, nothing reflected', () => {
  it('answers no Access-Control-Allow-Origin to a foreign origin, by default and off the list', async () => {
    for (const env of [{}, { PANORAMA_CORS_ORIGINS: 'https://reports.acme.example' }] as Record<string, string>[]) {
      const base = await edgeApp(env);
      const r = await fetch(`${base}/graphql?query={viewer{role}}`, { headers: { origin: 'https://evil.example' } });
      expect(r.headers.get('access-control-allow-origin')).toBeNull();
      expect(r.headers.get('access-control-allow-credentials')).toBeNull();
      const pre = await fetch(`${base}/graphql`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
      expect(pre.status).toBe(403);
      expect(pre.headers.get('access-control-allow-origin')).toBeNull();
      const post = await fetch(`${base}/graphql`, { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'application/json' }, body: '{}' });
      expect(post.status).toBe(403);
    }
  });

  it('an allowed origin gets its own origin back, with credentials, a preflight and its POST', async () => {
    const base = await edgeApp({ PANORAMA_CORS_ORIGINS: 'https://reports.acme.example,https://bi.acme.example' });
    const origin = 'https://bi.acme.example';
    const pre = await fetch(`${base}/graphql`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(origin);
    expect(pre.headers.get('access-control-allow-credentials')).toBe('true');
    expect(pre.headers.get('access-control-allow-methods')).toBe('GET, POST');
    expect(pre.headers.get('access-control-allow-headers')).toContain('content-type');
    const post = await fetch(`${base}/graphql`, { method: 'POST', headers: { origin, 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' }, body: '{}' });
    expect(post.status).toBe(200);
    expect(post.headers.get('access-control-allow-origin')).toBe(origin);
    expect(post.headers.get('vary')).toContain('Origin');
    // the allow-list opens /graphql only: a form on that origin still cannot post to a page
    expect((await fetch(`${base}/login`, { method: 'POST', headers: { origin } })).status).toBe(403);
  });
});

describe('security headers on every response', () => {
  it('pages, /graphql, static files and 404s carry the CSP with a fresh nonce, nosniff, no framing and a referrer policy', async () => {
    const base = await edgeApp();
    const nonces = new Set<string>();
    for (const path of ['/customers/1', '/graphql', '/assets/app.js', '/no-such-page', '/boom', '/customers/1']) {
      const r = await fetch(`${base}${path}`);
      const csp = r.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("object-src 'none'");
      const nonce = csp.match(/script-src 'self' 'nonce-([A-Za-z0-9+/=]+)'/)?.[1];
      expect(nonce, path).toBeTruthy();
      nonces.add(nonce!);
      expect(r.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(r.headers.get('referrer-policy'), path).toBe('same-origin');
      expect(r.headers.get('x-frame-options'), path).toBe('DENY');
      expect(r.headers.get('strict-transport-security'), path).toBeNull();
    }
    expect(nonces.size).toBe(6);
    const boom = await fetch(`${base}/boom`);
    expect(boom.status).toBe(500);
    expect(await boom.text()).not.toContain('secret detail');
  });

  it('the nonce in the policy is the one the page was rendered with', async () => {
    const base = await edgeApp();
    const r = await fetch(`${base}/customers/1`);
    const nonce = r.headers.get('content-security-policy')!.match(/'nonce-([^']+)'/)![1];
    expect(await r.text()).toBe(`<script nonce="${nonce}">1</script>`);
  });

  it('pages and answers are no-store; static files keep their own caching', async () => {
    const base = await edgeApp();
    expect((await fetch(`${base}/customers/1`)).headers.get('cache-control')).toBe('no-store');
    expect((await fetch(`${base}/graphql`)).headers.get('cache-control')).toBe('no-store');
    expect((await fetch(`${base}/no-such-page`)).headers.get('cache-control')).toBe('no-store');
    expect((await fetch(`${base}/assets/app.js`)).headers.get('cache-control')).toContain('immutable');
  });

  it('HSTS only when cookies are secure (Panorama behind HTTPS)', async () => {
    const base = await edgeApp({}, { secureCookies: true });
    expect((await fetch(`${base}/customers/1`)).headers.get('strict-transport-security')).toBe('max-age=31536000');
    expect((await fetch(`${base}/assets/app.js`)).headers.get('strict-transport-security')).toBe('max-age=31536000');
  });
});

describe('the sign-in limit, per client address', () => {
  it('answers 429 with Retry-After past the limit, and another address is not affected', async () => {
    const base = await edgeApp({ PANORAMA_RATE_LIMIT_SIGN_IN_PER_MINUTE: '3', PANORAMA_TRUST_PROXY: 'loopback' });
    const from = (address: string) => fetch(`${base}/login`, { headers: { 'x-forwarded-for': address } });
    for (let i = 0; i < 3; i++) expect((await from('203.0.113.7')).status).toBe(200);
    const refused = await from('203.0.113.7');
    expect(refused.status).toBe(429);
    const wait = Number(refused.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);
    expect(await refused.text()).toMatch(/Too many sign-in requests from your address.*Try again in \d+ s/);
    expect(refused.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect((await from('203.0.113.8')).status).toBe(200);
    // the pages other than sign-in are not counted against it
    expect((await fetch(`${base}/customers/1`, { headers: { 'x-forwarded-for': '203.0.113.7' } })).status).toBe(200);
  });

  it('without a trusted proxy a forwarded address is ignored: the socket address is the key', async () => {
    const base = await edgeApp({ PANORAMA_RATE_LIMIT_SIGN_IN_PER_MINUTE: '2' });
    expect((await fetch(`${base}/auth/login`, { headers: { 'x-forwarded-for': '198.51.100.1' } })).status).toBe(404);
    expect((await fetch(`${base}/auth/callback.data`, { headers: { 'x-forwarded-for': '198.51.100.2' } })).status).toBe(404);
    expect((await fetch(`${base}/login`, { headers: { 'x-forwarded-for': '198.51.100.3' } })).status).toBe(429);
  });
});

describe('the policy itself', () => {
  it('allows no inline script without the nonce, no eval, and inline styles only as attributes', () => {
    const csp = contentSecurityPolicy('abc');
    const directive = (name: string) => csp.split('; ').find((d) => d.startsWith(`${name} `));
    expect(directive('script-src')).toBe("script-src 'self' 'nonce-abc'");
    expect(directive('style-src')).toBe("style-src 'self' 'nonce-abc'");
    expect(directive('style-src-attr')).toBe("style-src-attr 'unsafe-inline'");
    expect(directive('connect-src')).toBe("connect-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
  });

  it("development allows Vite's injected styles and its hot-reload socket, and nothing more for scripts", () => {
    const csp = contentSecurityPolicy('abc', { dev: true });
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toContain("connect-src 'self' ws: wss:");
    expect(csp).toContain("script-src 'self' 'nonce-abc';");
  });
});
