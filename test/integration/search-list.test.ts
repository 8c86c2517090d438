import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldForSearch } from '../../sources/kit/names.js';
import { createHarness, gql, viewerFor, type Harness } from '../support/graphql.js';

/**
 * Customer search as a list: the count is of every customer found (not of the page), pages follow by cursor, a
 * filter keeps the customers a given system matched, a sort orders them, and a cursor from another view is refused.
 */

const LIST = /* GraphQL */ `
  query ($s: String, $first: Int, $after: String, $filter: CustomerSearchFilter, $sort: CustomerSearchSort) {
    customers(search: $s, first: $first, after: $after, filter: $filter, sort: $sort) {
      totalCount
      countIsExact
      pageInfo { endCursor hasNextPage firstIndex }
      nodes { id name }
      matches { customerId system }
    }
  }
`;

type List = {
  customers: {
    totalCount: number;
    countIsExact: boolean;
    pageInfo: { endCursor: string | null; hasNextPage: boolean; firstIndex: number };
    nodes: { id: string; name: string }[];
    matches: { customerId: string; system: string }[];
  };
};

let h: Harness;
beforeAll(() => {
  h = createHarness({ size: 120, seed: 11 });
  h.sandbox.listen();
});
afterAll(() => h.sandbox.close());

const list = async (vars: Record<string, unknown>) => {
  const r = await gql<List>(h, viewerFor('support'), LIST, vars);
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data!.customers;
};

/** Walks every page of a view and returns its rows in order. */
async function walk(vars: Record<string, unknown>, first: number) {
  const rows: { id: string; name: string }[] = [];
  let after: string | null = null;
  for (let i = 0; i < 100; i++) {
    const page: List['customers'] = await list({ ...vars, first, after });
    expect(page.pageInfo.firstIndex).toBe(page.nodes.length ? rows.length + 1 : 0);
    rows.push(...page.nodes);
    if (!page.pageInfo.hasNextPage) return { rows, totalCount: page.totalCount };
    after = page.pageInfo.endCursor;
  }
  throw new Error('the pages never ended');
}

describe('customer search as a list', () => {
  it('without search text lists every CRM account by name, counted in full, page after page', async () => {
    const accounts = h.sandbox.state.world.salesforce.accounts;
    const first = await list({ s: '', first: 25 });
    expect(first.totalCount).toBe(accounts.length);
    expect(first.countIsExact).toBe(true);
    expect(first.nodes).toHaveLength(25);
    const all = await walk({ s: '' }, 40);
    expect(all.rows).toHaveLength(accounts.length);
    expect(new Set(all.rows.map((r) => r.id)).size).toBe(accounts.length);
    const names = all.rows.map((r) => r.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en')));
  });

  it('counts every customer a search finds, whatever the page size', async () => {
    // a letter pair common in names finds more customers than a page holds
    const counts = new Map<string, number>();
    for (const a of h.sandbox.state.world.salesforce.accounts) {
      const f = foldForSearch(a.Name);
      for (let i = 0; i + 2 <= f.length; i++) if (/^[a-z]{2}$/.test(f.slice(i, i + 2))) counts.set(f.slice(i, i + 2), (counts.get(f.slice(i, i + 2)) ?? 0) + 1);
    }
    const [pair] = [...counts].filter(([, n]) => n > 12 && n < 60).sort((a, b) => b[1] - a[1])[0]!;
    const small = await list({ s: pair, first: 5 });
    const big = await list({ s: pair, first: 100 });
    expect(small.nodes).toHaveLength(5);
    expect(small.totalCount).toBe(big.totalCount);
    expect(big.nodes.length).toBe(big.totalCount);
    expect(small.totalCount).toBeGreaterThan(12);
    const walked = await walk({ s: pair }, 7);
    expect(walked.rows.map((r) => r.id)).toEqual(big.nodes.map((n) => n.id));
  });

  it('filters to the customers one system matched, and sorts by name', async () => {
    const support = h.runtime.systems.support.id.toUpperCase();
    const crm = h.runtime.systems.crm.id.toUpperCase();
    // a word in many names: the CRM matches names, the support desk its organizations' names
    const all = await list({ s: 'an', first: 100 });
    const bySupport = await list({ s: 'an', first: 100, filter: { system: support } });
    expect(bySupport.totalCount).toBeGreaterThan(0);
    expect(bySupport.totalCount).toBeLessThanOrEqual(all.totalCount);
    for (const n of bySupport.nodes) expect(bySupport.matches.some((m) => m.customerId === n.id && m.system === support), n.name).toBe(true);
    const byCrm = await list({ s: 'an', first: 100, filter: { system: crm } });
    expect(byCrm.nodes.length).toBeGreaterThan(0);
    const named = await list({ s: 'an', first: 100, sort: 'NAME' });
    expect(named.totalCount).toBe(all.totalCount);
    const names = named.nodes.map((n) => n.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en')));
  });

  it('refuses a cursor from another search or sort, and a page size out of range, naming the problem', async () => {
    const page = await list({ s: '', first: 10 });
    const cursor = page.pageInfo.endCursor!;
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ s: 'an', first: 10, after: cursor }, /other filters or another sort/],
      [{ s: '', first: 10, after: cursor, sort: 'NAME' }, /other filters or another sort/],
      [{ s: '', first: 10, after: 'not-a-cursor' }, /not a cursor/],
      [{ s: '', first: 0 }, /first must be between 1 and 100/],
    ];
    for (const [vars, message] of cases) {
      const r = await gql<List>(h, viewerFor('support'), LIST, vars);
      expect(r.errors?.[0]?.message, JSON.stringify(vars)).toMatch(message);
      expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it('with the CRM down, the list still answers from the other systems and counts what it found', async () => {
    h.sandbox.state.setFault('salesforce', { status: 503 });
    try {
      const r = await gql<List & { customers: { incomplete: string | null } }>(h, viewerFor('support'), LIST.replace('countIsExact', 'countIsExact incomplete'), { s: 'or', first: 5 });
      expect(r.errors).toBeUndefined();
      expect(r.data!.customers.incomplete).toMatch(/isn't answering/);
      expect(r.data!.customers.totalCount).toBeGreaterThanOrEqual(r.data!.customers.nodes.length);
    } finally {
      h.sandbox.state.clearFaults();
    }
  });
});
