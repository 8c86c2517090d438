import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { action, loader as pageLoader } from '../../app/routes/admin_.connections.js';
import { loader as startLoader } from '../../app/routes/admin_.connections_.$source.start.js';
import { loader as callbackLoader } from '../../app/routes/admin_.connections_.$source.callback.js';
import { signIn } from '../../app/.server/session.js';
import { installSettings, parseSettings, type Settings } from '../../app/.server/settings.js';
import { AuditStore } from '../../app/.server/store/audit-store.js';
import { ConnectionDbStore } from '../../app/.server/store/connections.js';
import { openStore } from '../../app/.server/store/database.js';
import { WebhookAuditStore } from '../../app/.server/store/webhook-store.js';
import { SANDBOX_CREDENTIALS } from '../../sources/sandbox/constants.js';
import { DEMO_USERS } from '../../sources/sandbox/demo-users.js';
import { sandboxEnvWithoutTokens } from '../../sources/sandbox/env.js';
import { TokenKeyring } from '../../sources/kit/token-cipher.js';
import type { Role } from '../../graphql/policy.js';
import { createHarness, type Harness } from '../support/graphql.js';

const BASE = 'http://panorama.test';
let h: Harness;
let connections: ConnectionDbStore;
let before: Settings | undefined;

beforeAll(async () => {
  h = createHarness();
  h.sandbox.listen();
  const env = { ...sandboxEnvWithoutTokens(h.sandbox.origin), PANORAMA_SANDBOX_ORIGIN: h.sandbox.origin };
  before = globalThis.__panoramaSettings;
  installSettings(parseSettings(env));
  process.env.PANORAMA_SANDBOX_ORIGIN = h.sandbox.origin;
  globalThis.__panoramaStore = openStore({ path: ':memory:' });
  connections = new ConnectionDbStore(globalThis.__panoramaStore, new TokenKeyring('c'.repeat(32)), () => h.runtime.clock.now());
  await connections.start();
  globalThis.__panorama = { runtime: h.runtime, yoga: h.yoga, audit: new AuditStore(globalThis.__panoramaStore), webhookAudit: new WebhookAuditStore(globalThis.__panoramaStore), connections };
});
afterAll(async () => {
  globalThis.__panorama = undefined;
  globalThis.__panoramaSettings = before;
  delete process.env.PANORAMA_SANDBOX_ORIGIN;
  await globalThis.__panoramaStore?.then((db) => db.destroy());
  globalThis.__panoramaStore = undefined;
  h.sandbox.close();
});

async function cookieFor(role: Role): Promise<string> {
  const u = DEMO_USERS.find((d) => d.role === role)!;
  const r = await signIn(new Request(`${BASE}/login`, { method: 'POST' }), { personId: u.id, email: u.email, name: u.name, role: u.role, method: 'demo' }, '/');
  return r.headers.get('set-cookie')!.split(';')[0]!;
}

/** A form posted from the page (same origin), or from elsewhere. */
async function post(cookie: string, fields: Record<string, string>, origin = BASE) {
  const request = new Request(`${BASE}/admin/connections`, { method: 'POST', headers: { cookie, origin, host: 'panorama.test', 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });
  try {
    const r = (await action({ request, params: {}, context: {} })) as unknown;
    // `data()` answers carry their status in `init`; a plain object is a 200
    const d = r as { type?: string; data?: { message: string }; init?: { status?: number } };
    return d.type === 'DataWithResponseInit' ? { status: d.init?.status ?? 200, message: d.data!.message } : { status: 200, message: (r as { message: string }).message };
  } catch (thrown) {
    if (thrown instanceof Response) return { status: thrown.status, message: await thrown.text() };
    throw thrown;
  }
}

async function get(fn: typeof startLoader, path: string, cookie: string, params: Record<string, string>, headers: Record<string, string> = {}) {
  try {
    return (await fn({ request: new Request(`${BASE}${path}`, { headers: { cookie, ...headers } }), params, context: {} })) as unknown;
  } catch (thrown) {
    return thrown;
  }
}

describe('/admin/connections: the admin-only forms', () => {
  it('a wrong Asana token is a 400 naming the problem, and nothing is saved', async () => {
    const r = await post(await cookieFor('admin'), { intent: 'token', source: 'asana', token: 'wrong-token' });
    expect(r.status).toBe(400);
    expect(r.message).toMatch(/Asana refused this personal access token/);
    expect(await connections.list()).toEqual([]);
  });

  it('a wrong Zendesk token is a 400 naming the problem, and nothing is saved', async () => {
    const r = await post(await cookieFor('admin'), { intent: 'token', source: 'zendesk', email: SANDBOX_CREDENTIALS.zendesk.email, token: 'nope' });
    expect(r.status).toBe(400);
    expect(r.message).toMatch(/Zendesk refused the API token/);
    expect(await connections.list()).toEqual([]);
  });

  it('a good Asana token is kept, by whom; the page lists it; disconnect removes it', async () => {
    const admin = await cookieFor('admin');
    const r = await post(admin, { intent: 'token', source: 'asana', token: SANDBOX_CREDENTIALS.asana.accessToken });
    expect(r).toEqual({ status: 200, message: 'Asana is connected as Panorama integration (integration@panorama-demo.example).' });
    expect(connections.load('asana')).toBe(SANDBOX_CREDENTIALS.asana.accessToken);
    const page = (await pageLoader({ request: new Request(`${BASE}/admin/connections`, { headers: { cookie: admin } }), params: {}, context: {} })) as Awaited<ReturnType<typeof pageLoader>>;
    const row = page.rows.find((x) => x.source === 'asana')!;
    expect(row.state).toBe('connected');
    expect(row.connection?.byName).toBe(DEMO_USERS.find((d) => d.role === 'admin')!.name);
    expect(page.rows.find((x) => x.source === 'salesforce')!.state).toBe('not-connected');

    const gone = await post(admin, { intent: 'disconnect', source: 'asana' });
    expect(gone.status).toBe(200);
    expect(gone.message).toMatch(/Asana is disconnected/);
    expect(connections.load('asana')).toBeNull();
    expect((await post(admin, { intent: 'disconnect', source: 'asana' })).status).toBe(404);
  });

  it('a form from another site is refused with 403 before anything happens', async () => {
    await connections.connect('asana', SANDBOX_CREDENTIALS.asana.accessToken, { id: 'x', name: 'X' });
    const r = await post(await cookieFor('admin'), { intent: 'disconnect', source: 'asana' }, 'https://evil.example');
    expect(r.status).toBe(403);
    expect(connections.load('asana')).not.toBeNull();
  });

  it('a signed-in non-admin is refused with 403, on the page, the forms and the flows', async () => {
    const support = await cookieFor('support');
    expect((await post(support, { intent: 'disconnect', source: 'asana' })).status).toBe(403);
    expect(connections.load('asana')).not.toBeNull();
    const page = (await get(pageLoader as never, '/admin/connections', support, {})) as Response;
    expect(page.status).toBe(403);
    const start = (await get(startLoader, '/admin/connections/salesforce/start', support, { source: 'salesforce' })) as Response;
    expect(start.status).toBe(403);
  });
});

describe('/admin/connections/<source>/callback', () => {
  async function started(admin: string) {
    const r = (await get(startLoader, '/admin/connections/salesforce/start', admin, { source: 'salesforce' })) as Response;
    expect(r.status).toBe(302);
    const location = new URL(r.headers.get('location')!);
    expect(location.pathname).toBe('/salesforce/services/oauth2/authorize');
    expect(location.searchParams.get('redirect_uri')).toBe(`${BASE}/admin/connections/salesforce/callback`);
    const flow = r.headers.get('set-cookie')!.split(';')[0]!;
    return { cookie: `${admin}; ${flow}`, state: location.searchParams.get('state')! };
  }
  const status = (r: unknown) => (r instanceof Response ? r.status : ((r as { init?: { status?: number } }).init?.status ?? 200));
  const reason = (r: unknown) => (r as { data: { reason: string } }).data.reason;

  it('a state other than the flow’s is a 400 naming the state; nothing is saved', async () => {
    const { cookie } = await started(await cookieFor('admin'));
    const r = await get(callbackLoader as never, '/admin/connections/salesforce/callback?state=forged&code=abc', cookie, { source: 'salesforce' });
    expect(status(r)).toBe(400);
    expect(reason(r)).toMatch(/state parameter does not match/);
    expect(connections.load('salesforce')).toBeNull();
  });

  it('the right state without a code is a 400 naming the missing code', async () => {
    const { cookie, state } = await started(await cookieFor('admin'));
    const r = await get(callbackLoader as never, `/admin/connections/salesforce/callback?state=${state}`, cookie, { source: 'salesforce' });
    expect(status(r)).toBe(400);
    expect(reason(r)).toMatch(/no authorization code/);
  });

  it('a start sent from another site is refused', async () => {
    const r = (await get(startLoader, '/admin/connections/salesforce/start', await cookieFor('admin'), { source: 'salesforce' }, { 'sec-fetch-site': 'cross-site' })) as Response;
    expect(r.status).toBe(403);
  });
});
