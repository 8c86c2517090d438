/**
 * The my-accounts CSV export through its Remix loader: the whole filtered list (every page, not the one on screen),
 * read through the list's own operation, so the read audit records it as MyAccountsExport with the customers it
 * held; bad addresses are a 400 naming the parameter, and amounts a role may not read stay empty.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../graphql/audit.js';
import { AuditStore } from '../../app/.server/store/audit-store.js';
import { WebhookAuditStore } from '../../app/.server/store/webhook-store.js';
import { openStore } from '../../app/.server/store/database.js';
import { signIn } from '../../app/.server/session.js';
import { loader } from '../../app/routes/accounts[.csv].js';
import { DEMO_USERS } from '../../sources/sandbox/demo-users.js';
import type { Role } from '../../graphql/policy.js';
import { createHarness, gql, viewerFor, type Harness } from '../support/graphql.js';

const audit: AuditRecord[] = [];
let h: Harness;
beforeAll(async () => {
  h = createHarness({ size: 200, seed: 11, yoga: { responseCache: { ttlMs: 0, maxEntries: 0, maxBytes: 0 }, audit: { write: (r) => void audit.push(r) } } });
  h.sandbox.listen();
  // the loader reads the process-wide server: make it this in-process one (demo sign-in needs the sandbox origin)
  process.env.PANORAMA_SANDBOX_ORIGIN = h.sandbox.origin;
  globalThis.__panoramaStore = openStore({ path: ':memory:' });
  globalThis.__panorama = { runtime: h.runtime, yoga: h.yoga, audit: new AuditStore(globalThis.__panoramaStore), webhookAudit: new WebhookAuditStore(globalThis.__panoramaStore) };
});
afterAll(() => {
  globalThis.__panorama = undefined;
  delete process.env.PANORAMA_SANDBOX_ORIGIN;
  void globalThis.__panoramaStore?.then((db) => db.destroy());
  globalThis.__panoramaStore = undefined;
  h.sandbox.close();
});

async function cookieOf(role: Role): Promise<string> {
  const user = DEMO_USERS.find((u) => u.role === role)!;
  const signedIn = await signIn(new Request('http://panorama.test/login', { method: 'POST' }), { personId: user.id, email: user.email, name: user.name, role: user.role, method: 'demo' }, '/');
  return signedIn.headers.get('set-cookie')!.split(';')[0]!;
}

async function download(query: string, role: Role = 'account_manager'): Promise<Response> {
  const request = new Request(`http://panorama.test/accounts.csv${query}`, { headers: { cookie: await cookieOf(role) } });
  try {
    return (await loader({ request, params: {}, context: {} })) as Response;
  } catch (e) {
    if (e instanceof Response) return e;
    throw e;
  }
}
const parse = (csv: string) =>
  csv
    .trim()
    .split('\r\n')
    .map((l) => l.replace(/^"|"$/g, '').split('","'));

const HEADER = 'account_id,name,tier,health_score,health_grade,health_incomplete,needs_attention,open_deals,open_deal_amount,billing_standing,overdue_amount,currency,open_tickets,urgent_tickets,worst_project_status,url';

describe('my accounts as CSV', () => {
  it('holds every account the filters select, in the list order, and is audited as MyAccountsExport with those customers', async () => {
    const am = viewerFor('account_manager');
    const list = await gql<{ myAccountList: { totalCount: number; allCount: number; rows: { id: string }[] } }>(
      h,
      am,
      '{ myAccountList(first: 500, filter: { needsAttention: false }, sort: NAME) { totalCount allCount rows { id } } }',
    );
    const expected = list.data!.myAccountList;
    expect(expected.totalCount).toBeGreaterThan(10);
    expect(expected.totalCount).toBeLessThan(expected.allCount);
    audit.length = 0;
    // the page on screen is 10 rows; the export is the whole filtered list
    const res = await download('?attention=no&sort=name&per=10');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="panorama-my-accounts.csv"');
    expect(res.headers.get('x-panorama-rows')).toBe(String(expected.totalCount));
    const text = await res.text();
    expect(text.split('\r\n')[0]).toBe(HEADER);
    const rows = parse(text).slice(1);
    expect(rows.map((r) => r[0])).toEqual(expected.rows.map((r) => r.id));
    for (const r of rows) {
      expect(r[6]).toBe('0');
      expect(r[4]).toMatch(/^(GOOD|FAIR|POOR|INCOMPLETE)$/);
      expect(r[15]).toMatch(/^https?:\/\//);
    }
    // amounts an account manager may read are there
    expect(rows.some((r) => r[10] !== '' && r[11] !== '')).toBe(true);
    expect(rows.some((r) => r[8] !== '')).toBe(true);
    const exports = audit.filter((a) => a.operation === 'MyAccountsExport');
    expect(exports).toHaveLength(1);
    expect(exports[0]).toMatchObject({ userId: am.id, role: 'account_manager', customerCount: expected.totalCount });
    expect(exports[0]!.customerIds).toEqual([...expected.rows.map((r) => r.id)].sort());
    expect(exports[0]!.fieldGroups).toEqual(expect.arrayContaining(['IDENTITY', 'BILLING', 'DEALS']));
  });

  it('reads each filter of the address as the list does (name, tier, health, billing)', async () => {
    const am = viewerFor('account_manager');
    const book = (await gql<{ myAccountList: { rows: { id: string; crm: { account: { tier: string | null } } }[] } }>(h, am, '{ myAccountList(first: 500) { rows { id crm { account { tier } } } } }')).data!.myAccountList.rows;
    const tier = book.find((r) => r.crm.account.tier)!.crm.account.tier!;
    const cases: [string, Record<string, unknown>][] = [
      [`?name=E&tier=${encodeURIComponent(tier)}`, { name: 'E', tier }],
      ['?health=incomplete', { health: 'INCOMPLETE' }],
      ['?health=good&overdue=no', { health: 'GOOD', overdue: false }],
      ['?overdue=yes&sort=most_overdue', { overdue: true }],
    ];
    for (const [query, filter] of cases) {
      const sort = query.includes('most_overdue') ? 'MOST_OVERDUE' : 'LEAST_HEALTHY';
      const r = await gql<{ myAccountList: { rows: { id: string }[] } }>(h, am, 'query ($f: MyAccountFilter, $s: MyAccountSort) { myAccountList(first: 500, filter: $f, sort: $s) { rows { id } } }', { f: filter, s: sort });
      const ids = r.data!.myAccountList.rows.map((x) => x.id);
      expect(ids.length, query).toBeGreaterThan(0);
      expect(ids.length, query).toBeLessThan(book.length);
      const rows = parse(await (await download(query)).text()).slice(1);
      expect(rows.map((x) => x[0]), query).toEqual(ids);
    }
  });

  it('answers a bad address with a 400 naming the parameter', async () => {
    const sort = await download('?sort=richest');
    expect(sort.status).toBe(400);
    expect(await sort.text()).toMatch(/sort: Invalid enum value/);
    const unknown = await download('?colour=red');
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toMatch(/unknown parameter colour/);
    const cursor = await download('?after=not-a-cursor');
    expect(cursor.status).toBe(400);
    expect(await cursor.text()).toMatch(/after/);
  });

  it('leaves out what the role may not read: support owns nothing, and may not order the book by overdue balance', async () => {
    const res = await download('', 'support');
    expect(res.status).toBe(200);
    expect((await res.text()).trim()).toBe(HEADER);
    expect((await download('?sort=most_overdue', 'support')).status).toBe(403);
  });
});
