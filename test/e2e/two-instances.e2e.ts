/**
 * Two instances of one deployment, as behind a load balancer: the same settings, one PostgreSQL store
 * (DATABASE_URL) and one Redis (REDIS_URL). A person signed in through one instance is signed in on the other,
 * both instances' reads land in one audit chain that verifies, signing out on one ends the session on both, and
 * each instance's /readyz says what it shares.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AuditStore } from '../../app/.server/store/audit-store.js';
import { openStore } from '../../app/.server/store/database.js';
import { SERVER_ARGS, freePort, startProcess, stopProcess } from '../support/app-process.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { startSsoDeployment, type SsoDeployment } from '../support/sso-deployment.js';

const sandboxOrigin = inject('sandboxOrigin');
const GRAPHQL_PER_MINUTE = 30;
const SIGN_IN_PER_MINUTE = 40;
let postgres: TestPostgres;
let redis: TestRedis;
let databaseUrl: string;
let first: SsoDeployment;
let second: ChildProcess | undefined;
let secondURL: string;
let accountId: string;

beforeAll(async () => {
  [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  databaseUrl = await postgres.database();
  const shared = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    PANORAMA_TOKEN_KEY: 'two-instances-token-key-of-32-characters',
    PANORAMA_RATE_LIMIT_GRAPHQL_PER_MINUTE: String(GRAPHQL_PER_MINUTE),
    PANORAMA_RATE_LIMIT_SIGN_IN_PER_MINUTE: String(SIGN_IN_PER_MINUTE),
  };
  first = await startSsoDeployment(sandboxOrigin, 'two-instances', shared);
  const port = await freePort();
  secondURL = `http://127.0.0.1:${port}`;
  second = (await startProcess(SERVER_ARGS, { ...first.env, ...shared, PORT: String(port) }, /Panorama is running on/)).child;
  const manifest = (await (await fetch(`${sandboxOrigin}/__sandbox/manifest`)).json()) as { overdueWithUrgentTickets: { accountId: string }[] };
  accountId = manifest.overdueWithUrgentTickets[0]!.accountId;
}, 180_000);
afterAll(async () => {
  await stopProcess(second);
  await first?.close();
  await Promise.all([redis?.close(), postgres?.close()]);
});

const viewerOn = async (origin: string, cookie: string) => {
  const r = await fetch(`${origin}/graphql`, { method: 'POST', headers: { origin, cookie, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ viewer { role email } }' }) });
  return ((await r.json()) as { data?: { viewer: { role: string; email: string } | null } }).data?.viewer ?? null;
};

describe('two instances on one PostgreSQL store and one Redis', () => {
  it('each says in /readyz that its store is PostgreSQL and its shared state is Redis', async () => {
    type Ready = { ready: boolean; store: { engine: string; answering: boolean }; shared: { mode: string } };
    for (const origin of [first.baseURL, secondURL]) {
      // an instance says "connecting" until its Redis connection is up
      let body: Ready | undefined;
      for (let i = 0; i < 100 && body?.shared.mode !== 'redis'; i++) {
        if (body) await new Promise((r) => setTimeout(r, 100));
        body = (await (await fetch(`${origin}/readyz`)).json()) as Ready;
      }
      expect(body!.store).toMatchObject({ engine: 'postgresql', answering: true });
      expect(body!.shared, JSON.stringify(body!.shared)).toMatchObject({ mode: "redis" });
      expect(JSON.stringify(body)).not.toContain(databaseUrl);
    }
  });

  it('signed in through one instance, a person is signed in on the other; their reads on both are in one verified audit chain; signing out on one ends it on both', async () => {
    const { context, cookie } = await first.signIn('admin');
    try {
      expect(cookie).not.toBe('');
      expect(await viewerOn(first.baseURL, cookie)).toMatchObject({ role: 'ADMIN', email: 'ada.admin@acme.example' });
      expect(await viewerOn(secondURL, cookie)).toMatchObject({ role: 'ADMIN', email: 'ada.admin@acme.example' });

      for (const origin of [first.baseURL, secondURL]) {
        const page = await fetch(`${origin}/customers/${accountId}`, { headers: { cookie } });
        expect(page.status).toBe(200);
      }
      // the admin's audit page on the second instance lists the first instance's read too
      const audit = await (await fetch(`${secondURL}/admin/audit?customer=${accountId}`, { headers: { cookie } })).text();
      expect((audit.match(new RegExp(`>${accountId}<`, 'g')) ?? []).length).toBeGreaterThanOrEqual(2);

      const db = await openStore({ path: 'unused.sqlite', url: databaseUrl });
      try {
        const reads = await db.selectFrom('audit_record').select(['seq', 'customer_ids']).where('customer_ids', 'like', `%${accountId}%`).execute();
        expect(reads.length).toBeGreaterThanOrEqual(2);
        expect(await new AuditStore(Promise.resolve(db)).verify()).toMatchObject({ ok: true });
      } finally {
        await db.destroy();
      }

      const out = await fetch(`${secondURL}/logout`, { method: 'POST', redirect: 'manual', headers: { origin: secondURL, cookie } });
      expect(out.status).toBe(302);
      expect(await viewerOn(first.baseURL, cookie)).toBeNull();
    } finally {
      await context.close();
    }
  });

  it("a person's /graphql budget is spent on both instances together: 40 requests alternating, at most 30 answered", async () => {
    const { context, cookie } = await first.signIn('support');
    try {
      const answers = [];
      for (let i = 0; i < 40; i++) {
        const origin = i % 2 ? secondURL : first.baseURL;
        const r = await fetch(`${origin}/graphql`, { method: 'POST', headers: { origin, cookie, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ viewer { role } }' }) });
        answers.push({ origin, status: r.status, retryAfter: r.headers.get('retry-after'), body: await r.text() });
      }
      const ok = answers.filter((a) => a.status === 200);
      const refused = answers.filter((a) => a.status === 429);
      // each instance alone would answer its 20; together they answer the one budget (less what signing in used)
      expect(ok.length).toBeLessThanOrEqual(GRAPHQL_PER_MINUTE);
      expect(ok.length).toBeGreaterThanOrEqual(GRAPHQL_PER_MINUTE - 5);
      expect(ok.length + refused.length).toBe(40);
      expect(new Set(refused.map((a) => a.origin))).toEqual(new Set([first.baseURL, secondURL]));
      expect(Number(refused[0]!.retryAfter)).toBeGreaterThan(0);
      expect(refused[0]!.body).toContain('RATE_LIMITED');
    } finally {
      await context.close();
    }
  });

  // last: it spends this address's sign-in minute
  it("an address's sign-in budget is spent on both instances together: 50 sign-in pages alternating, at most 40 answered", async () => {
    const answers = [];
    for (let i = 0; i < 50; i++) {
      const origin = i % 2 ? secondURL : first.baseURL;
      const r = await fetch(`${origin}/login`, { redirect: 'manual' });
      answers.push({ origin, status: r.status, body: await r.text() });
    }
    const refused = answers.filter((a) => a.status === 429);
    const answered = answers.length - refused.length;
    // each instance alone would answer its 25; together they answer the one budget (less the sign-ins above)
    expect(answered).toBeLessThanOrEqual(SIGN_IN_PER_MINUTE);
    expect(answered).toBeGreaterThanOrEqual(SIGN_IN_PER_MINUTE - 15);
    expect(new Set(refused.map((a) => a.origin))).toEqual(new Set([first.baseURL, secondURL]));
    expect(refused[0]!.body).toMatch(/Too many sign-in requests from your address/);
  });
});
