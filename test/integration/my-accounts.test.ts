import { beforeEach, describe, expect, it } from 'vitest';
import { gql, harnessPerFile, viewerFor, type Harness } from '../support/graphql.js';
import { noRequests } from '../../sources/kit/testing.js';

/**
 * The account manager's book as a list: true counts, cursor paging, each filter and sort, what it costs upstream
 * (by name alone, nothing beyond the CRM; by health, one request per system for the whole book), and a failing
 * CRM said in the list's status rather than as an error.
 */
const file = harnessPerFile({ size: 200, seed: 11, yoga: { responseCache: { ttlMs: 0, maxEntries: 0, maxBytes: 0 } } });
let h: Harness;
beforeEach(() => {
  ({ h } = file);
});

const LIST = /* GraphQL */ `
  query ($first: Int, $after: String, $filter: MyAccountFilter, $sort: MyAccountSort) {
    myAccountList(first: $first, after: $after, filter: $filter, sort: $sort) {
      totalCount
      allCount
      tiers
      pageInfo { endCursor hasNextPage firstIndex }
      status { system state code message }
      rows {
        id
        name
        health { score grade }
        flags { kind }
        crm { account { tier } }
        accounting { standing { state } overdueBalance currency }
      }
    }
  }
`;

type Row = {
  id: string;
  name: string;
  health: { score: number | null; grade: string | null };
  flags: { kind: string }[];
  crm: { account: { tier: string | null } } | null;
  accounting: { standing: { state: string }; overdueBalance: number | null; currency: string } | null;
};
type List = {
  totalCount: number;
  allCount: number;
  tiers: string[];
  pageInfo: { endCursor: string | null; hasNextPage: boolean; firstIndex: number };
  status: { system: string; state: string; code: string | null; message: string | null };
  rows: Row[];
};

const am = viewerFor('account_manager');
const list = (vars: Record<string, unknown> = {}, viewer = am) => gql<{ myAccountList: List }>(h, viewer, LIST, vars);

async function all(vars: Record<string, unknown> = {}) {
  const rows: Row[] = [];
  let after: string | null = null;
  let first: List | null = null;
  let pages = 0;
  for (let i = 0; i < 100; i++) {
    const r = await list({ ...vars, first: 6, after });
    expect(r.errors).toBeUndefined();
    const l = r.data!.myAccountList;
    first ??= l;
    expect(l.pageInfo.firstIndex).toBe(l.rows.length ? rows.length + 1 : 0);
    rows.push(...l.rows);
    pages++;
    if (!l.pageInfo.hasNextPage) break;
    after = l.pageInfo.endCursor;
  }
  return { rows, first: first!, pages };
}

/** The accounts the sandbox's CRM gives the account manager, by id. */
function owned() {
  const w = h.sandbox.state.world;
  const ownerId = w.salesforce.users.find((u) => u.Email === am.email)!.Id;
  return w.salesforce.accounts.filter((a) => a.OwnerId === ownerId);
}
const ids = (rows: Row[]) => rows.map((r) => r.id).sort();
const attention = (r: Row) => r.flags.filter((f) => f.kind !== 'RULE_NOT_CHECKED').length;
const byName = (a: string, b: string) => a.localeCompare(b, 'en');

describe('my accounts as a list', () => {
  it('pages through every account owned once, counts them truly, least healthy first (incomplete last, ties by name)', async () => {
    const mine = owned();
    expect(mine.length).toBeGreaterThan(20);
    const { rows, first, pages } = await all();
    expect(first.totalCount).toBe(mine.length);
    expect(first.allCount).toBe(mine.length);
    expect(pages).toBe(Math.ceil(mine.length / 6));
    expect(ids(rows)).toEqual(mine.map((a) => a.Id).sort());
    expect(first.status).toMatchObject({ system: 'SALESFORCE', state: 'LIVE' });
    expect(first.tiers).toEqual([...new Set(mine.flatMap((a) => (a.Tier__c ? [a.Tier__c] : [])))].sort(byName));
    // the order the page showed before, now the server's: each row's own health field agrees with it
    const key = (r: Row) => [r.health.score ?? Infinity, r.name] as const;
    for (let i = 1; i < rows.length; i++) {
      const [a, b] = [key(rows[i - 1]!), key(rows[i]!)];
      expect(a[0] < b[0] || (a[0] === b[0] && byName(a[1], b[1]) <= 0), `${rows[i - 1]!.name} before ${rows[i]!.name}`).toBe(true);
    }
    expect(rows.some((r) => r.health.score !== null)).toBe(true);
    // and it is the deprecated field's book, unchanged
    const old = await gql<{ myAccounts: { id: string }[] }>(h, am, '{ myAccounts { id } }');
    expect(old.data!.myAccounts.map((a) => a.id).sort()).toEqual(ids(rows));
  });

  it('filters by name, tier, attention, health and overdue billing, counting what passes and the whole book', async () => {
    const { rows: everything } = await all();
    const total = everything.length;
    const check = async (filter: Record<string, unknown>, expected: Row[]) => {
      const { rows, first } = await all({ filter });
      expect(ids(rows), JSON.stringify(filter)).toEqual(ids(expected));
      expect(first.totalCount).toBe(expected.length);
      expect(first.allCount).toBe(total);
      return rows;
    };
    // a part of a name, in another case
    const word = everything[3]!.name.split(' ')[0]!.slice(1, 5);
    const named = await check({ name: word.toUpperCase() }, everything.filter((r) => r.name.toLowerCase().includes(word.toLowerCase())));
    expect(named.length).toBeGreaterThan(0);
    const tier = everything.find((r) => r.crm?.account.tier)!.crm!.account.tier!;
    const tiered = await check({ tier: tier.toLowerCase() }, everything.filter((r) => r.crm?.account.tier === tier));
    expect(tiered.length).toBeLessThan(total);
    const flagged = await check({ needsAttention: true }, everything.filter((r) => attention(r) > 0));
    const calm = await check({ needsAttention: false }, everything.filter((r) => attention(r) === 0));
    expect(flagged.length).toBeGreaterThan(0);
    expect(calm.length).toBeGreaterThan(0);
    let graded = 0;
    for (const grade of ['GOOD', 'FAIR', 'POOR'] as const) graded += (await check({ health: grade }, everything.filter((r) => r.health.grade === grade))).length;
    const incomplete = await check({ health: 'INCOMPLETE' }, everything.filter((r) => r.health.score === null));
    expect(graded + incomplete.length).toBe(total);
    expect(graded).toBeGreaterThan(0);
    const overdue = await check({ overdue: true }, everything.filter((r) => r.accounting?.standing.state === 'OVERDUE'));
    const notOverdue = await check({ overdue: false }, everything.filter((r) => r.accounting?.standing.state !== 'OVERDUE'));
    expect(overdue.length).toBeGreaterThan(0);
    expect(notOverdue.length).toBeGreaterThan(0);
    // filters combine
    await check({ overdue: true, needsAttention: true }, everything.filter((r) => r.accounting?.standing.state === 'OVERDUE' && attention(r) > 0));
  });

  it('sorts by name and by overdue balance (largest first, ties by name); a role without billing may not sort by it', async () => {
    const names = (await all({ sort: 'NAME' })).rows.map((r) => r.name);
    expect(names).toEqual([...names].sort(byName));
    const overdue = (await all({ sort: 'MOST_OVERDUE' })).rows;
    const amounts = overdue.map((r) => r.accounting?.overdueBalance ?? 0);
    expect(amounts).toEqual([...amounts].sort((a, b) => b - a));
    expect(amounts[0]).toBeGreaterThan(0);
    for (let i = 1; i < overdue.length; i++) if (amounts[i - 1] === amounts[i]) expect(byName(overdue[i - 1]!.name, overdue[i]!.name)).toBeLessThanOrEqual(0);
    const support = await list({ sort: 'MOST_OVERDUE' }, viewerFor('support'));
    expect(support.errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });

  it('refuses a cursor it did not give out, one from another sort or filter, and a bad page size, with BAD_USER_INPUT', async () => {
    const page = (await list({ first: 5 })).data!.myAccountList;
    expect(page.pageInfo.hasNextPage).toBe(true);
    const next = await list({ first: 5, after: page.pageInfo.endCursor });
    expect(next.errors).toBeUndefined();
    expect(next.data!.myAccountList.pageInfo.firstIndex).toBe(6);
    for (const vars of [{ after: 'not-a-cursor' }, { after: page.pageInfo.endCursor, sort: 'NAME' }, { after: page.pageInfo.endCursor, filter: { overdue: true } }, { first: 0 }, { first: 501 }, { filter: { name: 'x'.repeat(101) } }]) {
      const r = await list(vars);
      expect(r.status, JSON.stringify(vars)).toBe(200);
      expect(r.errors?.[0]?.extensions?.code, JSON.stringify(vars)).toBe('BAD_USER_INPUT');
    }
  });

  it('by name alone asks nothing of the other systems; by attention, batched reads for the whole book, none per account', async () => {
    const tier = owned().find((a) => a.Tier__c)!.Tier__c!;
    h.runtime.cache.clear();
    await h.runtime.warmIndexes();
    h.sandbox.state.resetCounts();
    // the list's order and filters need nothing but the CRM's answer (the rows' own fields would read their systems)
    const byName = await gql(h, am, `query ($tier: String) { myAccountList(first: 10, sort: NAME, filter: { tier: $tier, name: "a" }) { totalCount rows { id name } } }`, { tier });
    expect(byName.errors).toBeUndefined();
    expect(byName.data!.myAccountList.totalCount).toBeGreaterThan(0);
    expect(h.sandbox.state.requestCounts()).toEqual({ ...noRequests(), salesforce: { query: 1 } });

    h.runtime.cache.clear();
    await h.runtime.warmIndexes();
    h.sandbox.state.resetCounts();
    const healthy = await gql(h, am, `{ myAccountList(first: 10, filter: { needsAttention: true }) { totalCount rows { id } } }`);
    expect(healthy.errors).toBeUndefined();
    expect(healthy.data!.myAccountList.totalCount).toBeGreaterThan(0);
    const c = h.sandbox.state.requestCounts();
    const n = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
    // the owner's accounts, then every account's record at once; accounting in one batch; support one search
    // (paged by 100 tickets); the project tool ten actions a batch (each project's details and tasks): the cost
    // follows the records there are, never the number of accounts
    const mine = new Set(owned().map((a) => a.Id));
    const projects = h.sandbox.state.world.asana.projects.filter((p) => p.custom_fields.some((f) => f.text_value && mine.has(f.text_value))).length;
    // (the org's default currency once more too: the cache was just cleared, and it is read once per 6 h)
    expect(c.salesforce).toEqual({ query: 3 });
    expect(c.quickbooks.batch).toBe(1);
    expect(Object.keys(c.asana)).toEqual(['batch']);
    expect(c.asana.batch).toBeLessThanOrEqual(Math.ceil((2 * projects) / 10) + 1);
    expect(Object.keys(c.zendesk)).toEqual(['search']);
    expect(c.zendesk.search).toBeLessThanOrEqual(3);
    expect(n(c.quickbooks) + n(c.asana) + n(c.zendesk)).toBeLessThan(mine.size);
  });

  it('says the CRM failed in the status, with an empty list and no error, and pages again once it answers', async () => {
    h.runtime.cache.clear();
    h.sandbox.state.setFault('salesforce', { status: 503 });
    const r = await list({ first: 5 });
    expect(r.status).toBe(200);
    expect(r.errors).toBeUndefined();
    const l = r.data!.myAccountList;
    expect(l).toMatchObject({ totalCount: 0, allCount: 0, rows: [], tiers: [], pageInfo: { hasNextPage: false, endCursor: null, firstIndex: 0 } });
    expect(l.status).toMatchObject({ system: 'SALESFORCE', state: 'FAILED', code: 'UNAVAILABLE' });
    expect(l.status.message).toMatch(/Salesforce/);
    // bad paging is still the caller's error while the CRM is down
    expect((await list({ first: 0 })).errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    h.sandbox.state.clearFaults();
    const back = await list({ first: 5 });
    expect(back.data!.myAccountList.status.state).toBe('LIVE');
    expect(back.data!.myAccountList.totalCount).toBe(owned().length);
  });
});
