import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConnectError, finishOAuth as finish, startOAuth as start, type PendingFlow } from '#sources/kit/connect.js';
import { asanaConnect } from '#sources/asana/connect.js';
import { quickbooksConnect } from '#sources/quickbooks/connect.js';
import { salesforceConnect } from '#sources/salesforce/connect.js';
import { zendeskConnect } from '#sources/zendesk/connect.js';
import { xeroConnect } from '#sources/xero/connect.js';
import { xeroConfigSchema } from '#sources/xero/config.js';
import { XeroClient } from '#sources/xero/client.server.js';
import { ConnectionDbStore } from '#app/.server/store/connections.js';
import { openStore, type StoreDb } from '#app/.server/store/database.js';
import { asanaConfigSchema } from '#sources/asana/config.js';
import { AsanaClient } from '#sources/asana/client.server.js';
import { tokenFrom } from '#sources/kit/connected-token.js';
import { parseEnv } from '#sources/kit/config.js';
import { isSourceError } from '#sources/kit/errors.js';
import { testSandbox } from '#sources/kit/testing.js';
import { TokenKeyring } from '#sources/kit/token-cipher.js';
import { MemoryTokenStore } from '#sources/kit/token-store.js';
import { QuickbooksClient } from '#sources/quickbooks/client.server.js';
import { quickbooksConfigSchema } from '#sources/quickbooks/config.js';
import { salesforceConfigSchema } from '#sources/salesforce/config.js';
import { salesforceSource } from '#sources/salesforce/index.js';
import { SANDBOX_CREDENTIALS } from '#sources/sandbox/constants.js';
import { sandboxEnvWithoutTokens } from '#sources/sandbox/env.js';
import { zendeskSource } from '#sources/zendesk/index.js';
// the composition registers every module's name, which the kit's messages use
import '#sources/modules.js';

const sb = testSandbox();
const env = sandboxEnvWithoutTokens(sb.origin);
const sf = parseEnv(salesforceConfigSchema, env, 'Salesforce');
const qbo = parseEnv(quickbooksConfigSchema, env, 'QuickBooks');
const asana = parseEnv(asanaConfigSchema, env, 'Asana');
const zendesk = parseEnv(zendeskSource.configSchema, env, 'Zendesk');
const xero = parseEnv(xeroConfigSchema, env, 'Xero');
const XERO_REDIRECT = 'http://panorama.test/admin/connections/xero/callback';
const REDIRECT = 'http://panorama.test/admin/connections/salesforce/callback';
const QBO_REDIRECT = 'http://panorama.test/admin/connections/quickbooks/callback';
const now = Date.parse('2026-12-03T10:00:00Z');

// the flows as the routes run them, with each module's connect spec
type Configs = { salesforce: typeof sf; quickbooks: typeof qbo; xero: typeof xero };
const SPECS = { salesforce: salesforceConnect, quickbooks: quickbooksConnect, xero: xeroConnect } as const;
const NAMES = { salesforce: 'Salesforce', quickbooks: 'QuickBooks', xero: 'Xero' } as const;
const startOAuth = <S extends keyof Configs>(source: S, config: Configs[S], redirectUri: string, at: number) => start(source, SPECS[source] as never, config, redirectUri, at);
const finishOAuth = async <S extends keyof Configs>(source: S, config: Configs[S], pending: PendingFlow | null, params: URLSearchParams, redirectUri: string, at: number) => ({
  refreshToken: await finish(source, NAMES[source], SPECS[source] as never, config, pending, params, redirectUri, at),
});
const checkAsanaToken = (c: typeof asana, token: string) => asanaConnect.check(c, { token }, fetch);
const checkZendeskToken = (c: typeof zendesk, email: string, token: string) => zendeskConnect.check(c, { email, token }, fetch);

beforeAll(() => sb.listen());
afterAll(() => sb.close());

/** What the admin's browser does at the vendor: open the authorize page, press Allow (or Deny), follow the redirect. */
async function consent(authorizeUrl: string, decision: 'allow' | 'deny' = 'allow'): Promise<URLSearchParams> {
  const page = await fetch(authorizeUrl);
  expect(page.status).toBe(200);
  expect(await page.text()).toMatch(/<button[^>]*value="allow"[^>]*>Allow<\/button>/);
  const u = new URL(authorizeUrl);
  const form = new URLSearchParams(u.searchParams);
  form.set('decision', decision);
  const back = await fetch(`${u.origin}${u.pathname}`, { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
  expect(back.status).toBe(302);
  return new URL(back.headers.get('location')!).searchParams;
}

async function connectError(p: Promise<unknown>): Promise<ConnectError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ConnectError);
  return e as ConnectError;
}

describe('connect flow: Salesforce (authorization code with PKCE)', () => {
  it('signs in at the authorize page and gets a refresh token the token endpoint accepts', async () => {
    const { url, pending } = await startOAuth('salesforce', sf, REDIRECT, now);
    const q = new URL(url).searchParams;
    expect(new URL(url).pathname).toBe('/salesforce/services/oauth2/authorize');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('state')).toBe(pending.state);
    const back = await consent(url);
    expect(back.get('state')).toBe(pending.state);
    const granted = await finishOAuth('salesforce', sf, pending, back, REDIRECT, now + 1000);
    expect(sb.state.refreshTokens.salesforce.has(granted.refreshToken)).toBe(true);
  });

  it('a callback whose state is not the flow’s is a 400 naming the state, and the code is not exchanged', async () => {
    const { url, pending } = await startOAuth('salesforce', sf, REDIRECT, now);
    const back = await consent(url);
    back.set('state', 'forged-state');
    const e = await connectError(finishOAuth('salesforce', sf, pending, back, REDIRECT, now));
    expect(e.status).toBe(400);
    expect(e.message).toMatch(/state parameter does not match/);
  });

  it('a PKCE code_verifier that does not match the code_challenge is refused, naming the verifier', async () => {
    const { url, pending } = await startOAuth('salesforce', sf, REDIRECT, now);
    const back = await consent(url);
    const other: PendingFlow = { ...pending, verifier: 'x'.repeat(43) };
    const e = await connectError(finishOAuth('salesforce', sf, other, back, REDIRECT, now));
    expect(e.status).toBe(400);
    expect(e.message).toMatch(/invalid code verifier/);
    expect(e.message).toMatch(/PKCE code_verifier does not match/);
  });

  it('a callback without a code is a 400 naming the missing code', async () => {
    const { pending } = await startOAuth('salesforce', sf, REDIRECT, now);
    const e = await connectError(finishOAuth('salesforce', sf, pending, new URLSearchParams({ state: pending.state }), REDIRECT, now));
    expect(e.status).toBe(400);
    expect(e.message).toMatch(/no authorization code/);
  });

  it('no flow in progress (cookie missing or for another source), too old, or denied: 400, nothing granted', async () => {
    const { url, pending } = await startOAuth('salesforce', sf, REDIRECT, now);
    const back = new URLSearchParams({ state: pending.state, code: 'c' });
    expect((await connectError(finishOAuth('salesforce', sf, null, back, REDIRECT, now))).message).toMatch(/No Salesforce connect flow is in progress/);
    expect((await connectError(finishOAuth('salesforce', sf, { ...pending, source: 'quickbooks' }, back, REDIRECT, now))).status).toBe(400);
    expect((await connectError(finishOAuth('salesforce', sf, pending, back, REDIRECT, now + 11 * 60_000))).message).toMatch(/more than 10 minutes/);
    const denied = await consent(url, 'deny');
    const e = await connectError(finishOAuth('salesforce', sf, pending, denied, REDIRECT, now));
    expect(e.status).toBe(400);
    expect(e.message).toMatch(/access_denied/);
  });

  it('a code is good for one exchange only', async () => {
    const { url, pending } = await startOAuth('salesforce', sf, REDIRECT, now);
    const back = await consent(url);
    await finishOAuth('salesforce', sf, pending, back, REDIRECT, now);
    expect((await connectError(finishOAuth('salesforce', sf, pending, back, REDIRECT, now))).message).toMatch(/invalid_grant/);
  });
});

describe('connect flow: QuickBooks (authorization code with state and realmId)', () => {
  it('the callback carries realmId; the refresh token it grants refreshes', async () => {
    const { url, pending } = await startOAuth('quickbooks', qbo, QBO_REDIRECT, now);
    expect(new URL(url).searchParams.get('scope')).toBe('com.intuit.quickbooks.accounting');
    expect(pending.verifier).toBeNull();
    const back = await consent(url);
    expect(back.get('realmId')).toBe(qbo.realmId);
    const granted = await finishOAuth('quickbooks', qbo, pending, back, QBO_REDIRECT, now);
    expect(sb.state.refreshTokens.quickbooks.has(granted.refreshToken)).toBe(true);
  });

  it('another company than QUICKBOOKS_REALM_ID, or no realmId: 400 naming it', async () => {
    const { url, pending } = await startOAuth('quickbooks', qbo, QBO_REDIRECT, now);
    const back = await consent(url);
    back.set('realmId', '123');
    expect((await connectError(finishOAuth('quickbooks', qbo, pending, back, QBO_REDIRECT, now))).message).toMatch(/realmId 123, but QUICKBOOKS_REALM_ID is/);
    back.delete('realmId');
    const e = await connectError(finishOAuth('quickbooks', qbo, pending, back, QBO_REDIRECT, now));
    expect(e.status).toBe(400);
    expect(e.message).toMatch(/no realmId/);
  });

  it('a bad state is a 400 naming the state', async () => {
    const { url, pending } = await startOAuth('quickbooks', qbo, QBO_REDIRECT, now);
    const back = await consent(url);
    back.set('state', 'nope');
    expect((await connectError(finishOAuth('quickbooks', qbo, pending, back, QBO_REDIRECT, now))).message).toMatch(/state parameter does not match/);
  });
});

describe('connect flow: Xero (authorization code with PKCE, rotating refresh tokens)', () => {
  it('asks for read-only scopes and offline_access; the token it grants reads the organisation from /connections, and rotates', async () => {
    const { url, pending } = await startOAuth('xero', xero, XERO_REDIRECT, now);
    const asked = new URL(url).searchParams;
    expect(asked.get('scope')).toBe('offline_access accounting.contacts.read accounting.transactions.read');
    expect(asked.get('code_challenge_method')).toBe('S256');
    expect(pending.verifier).toBeTruthy();
    const granted = await finishOAuth('xero', xero, pending, await consent(url), XERO_REDIRECT, now);
    expect(sb.state.refreshTokens.xero.has(granted.refreshToken)).toBe(true);
    // the connection as the module's client uses it: the tenant from GET /connections, the rotated token handed back
    let kept: string | null = granted.refreshToken;
    const client = new XeroClient({ clientId: xero.clientId, clientSecret: xero.clientSecret, refreshToken: '', currentRefreshToken: () => kept, endpoints: xero.endpoints, now: () => Date.now(), onTokens: (t) => void (kept = t.refreshToken) });
    expect((await client.contacts({ where: 'IsCustomer==true' })).length).toBeGreaterThan(0);
    expect(kept).not.toBe(granted.refreshToken);
    expect(sb.state.refreshTokens.xero.has(granted.refreshToken)).toBe(false);
  });

  it('without a refresh token anywhere, Xero is "not connected" and says where to connect it', async () => {
    const client = new XeroClient({ clientId: xero.clientId, clientSecret: xero.clientSecret, refreshToken: '', currentRefreshToken: () => null, endpoints: xero.endpoints, now: () => Date.now() });
    const e = await client.contacts().catch((x: unknown) => x);
    expect(isSourceError(e) && e.code).toBe('NOT_CONFIGURED');
    expect(isSourceError(e) && e.userMessage).toBe('Xero is not connected: an admin connects it on /admin/connections.');
  });

  it('a verifier that does not match, a code used twice, or a denied consent: refused, nothing granted', async () => {
    const first = await startOAuth('xero', xero, XERO_REDIRECT, now);
    const back = await consent(first.url);
    const wrong = await connectError(finishOAuth('xero', xero, { ...first.pending, verifier: 'not-the-verifier-0123456789-0123456789-abc' }, back, XERO_REDIRECT, now));
    expect(wrong.message).toMatch(/Xero/);
    expect(wrong.status).toBeLessThan(600);
    // the code was spent by the refused exchange
    expect(await connectError(finishOAuth('xero', xero, first.pending, back, XERO_REDIRECT, now))).toBeInstanceOf(ConnectError);
    const denied = await startOAuth('xero', xero, XERO_REDIRECT, now);
    const e = await connectError(finishOAuth('xero', xero, denied.pending, await consent(denied.url, 'deny'), XERO_REDIRECT, now));
    expect(e.status).toBe(400);
  });
});

describe('pasted tokens are checked with the vendor before they are kept', () => {
  it('Asana: GET /users/me accepts the personal access token and says whose it is', async () => {
    const r = await checkAsanaToken(asana, `  ${SANDBOX_CREDENTIALS.asana.accessToken} `);
    expect(r.token).toBe(SANDBOX_CREDENTIALS.asana.accessToken);
    expect(r.owner.name).toBe('Panorama integration');
  });

  it('Asana: a wrong or empty token is a 400 that says so', async () => {
    const bad = await connectError(checkAsanaToken(asana, 'not-a-real-pat'));
    expect(bad.status).toBe(400);
    expect(bad.message).toMatch(/Asana refused this personal access token \(401/);
    expect((await connectError(checkAsanaToken(asana, ''))).status).toBe(400);
  });

  it('Zendesk: GET /api/v2/users/me.json accepts the e-mail and API token; the kept token carries both', async () => {
    const c = SANDBOX_CREDENTIALS.zendesk;
    const r = await checkZendeskToken(zendesk, c.email, c.apiToken);
    expect(JSON.parse(r.token)).toEqual({ email: c.email, apiToken: c.apiToken });
    expect(r.owner.email).toBe(c.email);
  });

  it('Zendesk: a wrong token, another agent’s e-mail or no e-mail is a 400 naming the problem', async () => {
    const c = SANDBOX_CREDENTIALS.zendesk;
    const bad = await connectError(checkZendeskToken(zendesk, c.email, 'wrong'));
    expect(bad.status).toBe(400);
    expect(bad.message).toMatch(/Zendesk refused the API token for/);
    expect((await connectError(checkZendeskToken(zendesk, 'someone@else.example', c.apiToken))).status).toBe(400);
    expect((await connectError(checkZendeskToken(zendesk, '', c.apiToken))).message).toMatch(/e-mail/);
  });
});

describe('a source that only a connection supplies a token to', () => {
  const dirs: string[] = [];
  const dbs: StoreDb[] = [];
  afterEach(async () => {
    for (const db of dbs.splice(0)) await db.destroy();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('is "not connected" without one, reads once connected (token sealed in the file), and is not connected again after a disconnect', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'panorama-connect-'));
    dirs.push(dir);
    const file = path.join(dir, 'panorama.sqlite');
    const db = await openStore({ path: file });
    dbs.push(db);
    const store = new ConnectionDbStore(db, new TokenKeyring('k'.repeat(32)), () => now);
    await store.start();
    const client = new QuickbooksClient(qbo, { currentRefreshToken: () => store.load('quickbooks') ?? qbo.refreshToken, onTokens: (t) => store.save('quickbooks', t.refreshToken) });
    const notConnected = await client.query('Customer', 'MAXRESULTS 1').catch((e: unknown) => e);
    expect(isSourceError(notConnected) && notConnected.code).toBe('NOT_CONFIGURED');
    expect(isSourceError(notConnected) && notConnected.userMessage).toBe('QuickBooks is not connected: an admin connects it on /admin/connections.');

    const { url, pending } = await startOAuth('quickbooks', qbo, QBO_REDIRECT, now);
    const granted = await finishOAuth('quickbooks', qbo, pending, await consent(url), QBO_REDIRECT, now);
    await store.connect('quickbooks', granted.refreshToken, { id: 'demo-admin', name: 'Morgan Blake' });
    expect((await client.query('Customer', 'MAXRESULTS 1')).length).toBe(1);
    // the rotated token went back to the store, sealed: neither token is in the file's bytes
    const rotated = store.load('quickbooks')!;
    expect(rotated).not.toBe(granted.refreshToken);
    const bytes = readFileSync(file);
    expect(bytes.includes(Buffer.from(granted.refreshToken))).toBe(false);
    expect(bytes.includes(Buffer.from(rotated))).toBe(false);
    expect((await store.list())[0]).toMatchObject({ source: 'quickbooks', byName: 'Morgan Blake' });

    expect(await store.disconnect('quickbooks')).toBe(true);
    expect(await store.list()).toEqual([]);
    const after = await client.query('Customer', 'MAXRESULTS 1').catch((e: unknown) => e);
    expect(isSourceError(after) && after.code).toBe('NOT_CONFIGURED');
    expect(await store.disconnect('quickbooks')).toBe(false);
  });

  it('Salesforce: a connection’s token is used at the next call, and its refresh is noted on the connection', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'panorama-connect-'));
    dirs.push(dir);
    const db = await openStore({ path: path.join(dir, 'panorama.sqlite') });
    dbs.push(db);
    let t = now;
    const store = new ConnectionDbStore(db, new TokenKeyring('k'.repeat(32)), () => t);
    await store.start();
    const client = salesforceSource.createClient(sf, { tokens: store });
    expect(isSourceError(await client.versions().catch((e: unknown) => e))).toBe(true);
    const { url, pending } = await startOAuth('salesforce', sf, REDIRECT, now);
    await store.connect('salesforce', (await finishOAuth('salesforce', sf, pending, await consent(url), REDIRECT, now)).refreshToken, { id: 'demo-admin', name: 'Morgan Blake' });
    t = now + 60_000;
    expect((await client.versions()).length).toBeGreaterThan(0);
    await vi.waitFor(async () => expect((await store.list())[0]?.lastRefreshAt).toBe(now + 60_000));
  });

  it('Asana: the environment’s token wins; else the connection’s, asked at each call', async () => {
    const tokens = new MemoryTokenStore();
    const client = new AsanaClient(asana, tokenFrom('asana', asana.accessToken, tokens));
    const noToken = await client.get('/users/me', {}, (await import('zod')).z.unknown(), undefined, 'me').catch((e: unknown) => e);
    expect(isSourceError(noToken) && noToken.code).toBe('NOT_CONFIGURED');
    await tokens.save('asana', SANDBOX_CREDENTIALS.asana.accessToken);
    expect(await client.get('/users/me', {}, (await import('zod')).z.unknown(), undefined, 'me')).toMatchObject({ data: { name: 'Panorama integration' } });
    expect(tokenFrom('asana', 'from-env', tokens)()).toBe('from-env');
  });
});
