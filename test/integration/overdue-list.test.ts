import { beforeEach, describe, expect, it } from 'vitest';
import { gql, harnessPerFile, viewerFor, type Harness } from '../support/graphql.js';

/** Finance's overdue list: true counts, cursor paging, filters and sorts, and each customer's totals and aging. */
const file = harnessPerFile({ size: 120, seed: 42 });
let h: Harness;
beforeEach(() => {
  ({ h } = file);
});

const LIST = /* GraphQL */ `
  query ($first: Int, $after: String, $filter: OverdueInvoiceFilter, $sort: OverdueInvoiceSort) {
    overdueInvoices(first: $first, after: $after, filter: $filter, sort: $sort) {
      totalCount
      allCount
      pageInfo { endCursor hasNextPage firstIndex }
      totals { amount currency }
      rows { invoice { id balance currency daysOverdue } customerName customer { id } }
      byCustomer { customerName customer { id } invoiceCount oldestDaysOverdue totals { amount currency } aging { currency days1to30 days31to60 days61to90 over90 } }
    }
  }
`;

type List = {
  totalCount: number;
  allCount: number;
  pageInfo: { endCursor: string | null; hasNextPage: boolean; firstIndex: number };
  totals: { amount: number; currency: string | null }[];
  rows: { invoice: { id: string; balance: number; currency: string | null; daysOverdue: number }; customerName: string; customer: { id: string } | null }[];
  byCustomer: { customerName: string; customer: { id: string } | null; invoiceCount: number; oldestDaysOverdue: number; totals: { amount: number; currency: string | null }[]; aging: { currency: string | null; days1to30: number; days31to60: number; days61to90: number; over90: number }[] }[];
};

async function list(vars: Record<string, unknown> = {}, role: Parameters<typeof viewerFor>[0] = 'finance') {
  const r = await gql<{ overdueInvoices: List }>(h, viewerFor(role), LIST, vars);
  return r;
}
async function all(vars: Record<string, unknown> = {}) {
  const rows: List['rows'] = [];
  let after: string | null = null;
  let first: List | null = null;
  for (let i = 0; i < 100; i++) {
    const r = await list({ ...vars, first: 7, after });
    expect(r.errors).toBeUndefined();
    const l = r.data!.overdueInvoices;
    first ??= l;
    rows.push(...l.rows);
    if (!l.pageInfo.hasNextPage) break;
    after = l.pageInfo.endCursor;
  }
  return { rows, first: first! };
}
const round = (n: number) => Math.round(n * 100) / 100;

describe('overdue invoices', () => {
  it('pages through every overdue invoice once, and counts them truly', async () => {
    const planted = h.sandbox.state.world.manifest.overdueInvoices.length;
    const { rows, first } = await all();
    expect(first.totalCount).toBe(first.allCount);
    expect(rows.length).toBe(first.totalCount);
    expect(new Set(rows.map((r) => r.invoice.id)).size).toBe(rows.length);
    expect(rows.length).toBeGreaterThanOrEqual(planted);
    // most days past due first, by default
    for (let i = 1; i < rows.length; i++) expect(rows[i - 1]!.invoice.daysOverdue).toBeGreaterThanOrEqual(rows[i]!.invoice.daysOverdue);
  });

  it('filters by days past due, currency and link, with counts of what passes and of everything', async () => {
    const { rows: everything } = await all();
    const { rows: old, first } = await all({ filter: { minDaysOverdue: 60 } });
    expect(old.map((r) => r.invoice.id).sort()).toEqual(everything.filter((r) => r.invoice.daysOverdue >= 60).map((r) => r.invoice.id).sort());
    expect(first.totalCount).toBe(old.length);
    expect(first.allCount).toBe(everything.length);
    expect(old.length).toBeGreaterThan(0);
    expect(old.length).toBeLessThan(everything.length);
    const currencies = [...new Set(everything.map((r) => r.invoice.currency))];
    expect(currencies.length).toBeGreaterThan(1);
    const other = currencies.find((c) => c && c !== 'USD')!;
    const { rows: inOther } = await all({ filter: { currency: other.toLowerCase() } });
    expect(inOther.length).toBeGreaterThan(0);
    expect(inOther.every((r) => r.invoice.currency === other)).toBe(true);
    const { rows: unlinked } = await all({ filter: { linked: false } });
    expect(unlinked.every((r) => r.customer === null)).toBe(true);
  });

  it('sorts by balance, by days past due and by customer name', async () => {
    const largest = (await all({ sort: 'LARGEST' })).rows.map((r) => r.invoice.balance);
    expect(largest).toEqual([...largest].sort((a, b) => b - a));
    const least = (await all({ sort: 'LEAST_OVERDUE' })).rows.map((r) => r.invoice.daysOverdue);
    expect(least).toEqual([...least].sort((a, b) => a - b));
    const names = (await all({ sort: 'CUSTOMER' })).rows.map((r) => r.customerName);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en')));
  });

  it("sums each customer's invoices per currency, never across, with aging columns that add up", async () => {
    const { rows, first } = await all();
    const byCustomer = first.byCustomer;
    expect(byCustomer.reduce((n, c) => n + c.invoiceCount, 0)).toBe(rows.length);
    for (const c of byCustomer) {
      const mine = rows.filter((r) => (c.customer ? r.customer?.id === c.customer.id : !r.customer && r.customerName === c.customerName));
      expect(mine.length, c.customerName).toBe(c.invoiceCount);
      expect(c.oldestDaysOverdue).toBe(Math.max(...mine.map((r) => r.invoice.daysOverdue)));
      for (const t of c.totals) {
        const sum = round(mine.filter((r) => r.invoice.currency === t.currency).reduce((n, r) => n + r.invoice.balance, 0));
        expect(round(t.amount), `${c.customerName} ${t.currency}`).toBe(sum);
        const line = c.aging.find((a) => a.currency === t.currency)!;
        expect(round(line.days1to30 + line.days31to60 + line.days61to90 + line.over90)).toBe(sum);
      }
      expect(new Set(c.totals.map((t) => t.currency)).size).toBe(c.totals.length);
    }
    // the list's totals are per currency too, and match its customers'
    for (const t of first.totals) expect(round(t.amount)).toBe(round(byCustomer.flatMap((c) => c.totals).filter((x) => x.currency === t.currency).reduce((n, x) => n + x.amount, 0)));
  });

  it('refuses a bad currency or day count with BAD_USER_INPUT naming it, and support may not read the list', async () => {
    const bad = await list({ filter: { currency: 'EURO' } });
    expect(bad.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(bad.errors![0]!.message).toMatch(/currency.*EURO/);
    const days = await list({ filter: { minDaysOverdue: -1 } });
    expect(days.errors![0]!.message).toMatch(/minDaysOverdue/);
    const support = await list({}, 'support');
    expect(support.errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });
});
