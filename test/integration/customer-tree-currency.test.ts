import { beforeEach, describe, expect, it } from 'vitest';
import { gql, harnessPerFile, viewerFor, type Harness } from '../support/graphql.js';

/** The planted accounting tree (a parent with two jobs) and the customer billed in euros, read through GraphQL. */
const file = harnessPerFile();
let h: Harness;
beforeEach(() => {
  ({ h } = file);
});

const BILLING = /* GraphQL */ `
  query ($id: ID!) {
    customer(id: $id) {
      id
      accounting {
        standing { state overdueInvoiceCount }
        customerId currency balance overdueBalance
        aging { current days1to30 days31to60 days61to90 over90 }
        jobs { id name balance currency }
        invoices(first: 100) { id number total balance currency status job }
        payments(first: 100) { id amount currency job }
      }
    }
  }
`;

const manifest = () => h.sandbox.state.world.manifest;
const tree = () => {
  const t = manifest().customerTrees[0];
  if (!t) throw new Error('the sandbox planted no customer tree');
  return t;
};

describe('a customer with sub-customers (jobs)', () => {
  it("shows its jobs' invoices under each job's name, and the balance with jobs", async () => {
    const t = tree();
    const w = h.sandbox.state.world.quickbooks;
    const r = await gql<any>(h, viewerFor('finance'), BILLING, { id: t.accountId });
    expect(r.errors).toBeUndefined();
    const a = r.data.customer.accounting;
    expect(a.customerId).toBe(t.customerId);
    expect(a.balance).toBe(t.balanceWithJobs);
    expect(a.jobs.map((j: any) => [j.id, j.name, j.balance])).toEqual(t.jobs.map((j) => [j.id, j.name, j.balance]));
    const byNumber = new Map(a.invoices.map((i: any) => [i.number, i]));
    for (const n of t.ownInvoiceNumbers) expect(byNumber.get(n)).toMatchObject({ job: null });
    for (const j of t.jobs) for (const n of j.invoiceNumbers) expect(byNumber.get(n)).toMatchObject({ job: j.name });
    const treeIds = new Set([t.customerId, ...t.jobs.map((j) => j.id)]);
    expect(a.invoices.length).toBe(w.invoices.filter((i) => treeIds.has(i.CustomerRef.value)).length);
    expect(a.payments.length).toBe(w.payments.filter((p) => treeIds.has(p.CustomerRef.value)).length);
  });

  it('reads the whole tree in one batch, never a request per job', async () => {
    const t = tree();
    h.sandbox.state.resetCounts();
    // a query of its own, so no answer the response cache kept from another test serves it
    const r = await gql<any>(h, viewerFor('finance'), `query Tree($id: ID!) { customer(id: $id) { accounting { jobs { id } invoices(first: 50) { id job } } } }`, { id: t.accountId });
    expect(r.data.customer.accounting.jobs).toHaveLength(t.jobs.length);
    const counts = h.sandbox.state.requestCounts().quickbooks ?? {};
    // one batch (customers, invoices, payments of parent and jobs); the customer index (one page here) is the one
    // the link rules read anyway, shared
    expect(counts.batch).toBe(1);
    expect(counts.query ?? 0).toBeLessThanOrEqual(1);
  });

  it('is overdue although the overdue balance sits only on a job', async () => {
    const t = tree();
    const w = h.sandbox.state.world.quickbooks;
    const own = w.invoices.filter((i) => i.CustomerRef.value === t.customerId);
    expect(own.every((i) => i.Balance === 0 || Date.parse(i.DueDate) >= Date.parse(manifest().today))).toBe(true);
    const a = (await gql<any>(h, viewerFor('finance'), BILLING, { id: t.accountId })).data.customer.accounting;
    expect(a.standing).toEqual({ state: 'OVERDUE', overdueInvoiceCount: 1 });
    expect(a.overdueBalance).toBe(t.overdueJobInvoice.balance);
    const late = a.invoices.find((i: any) => i.id === t.overdueJobInvoice.id);
    expect(late).toMatchObject({ status: 'OVERDUE', job: t.jobs.find((j) => j.id === t.overdueJobInvoice.jobId)!.name });
  });

  it("lists a job's overdue invoice under its top-level customer", async () => {
    const t = tree();
    const r = await gql<any>(h, viewerFor('finance'), `{ overdueInvoices(first: 500) { rows { invoice { id } customer { id } customerName } } }`);
    expect(r.errors).toBeUndefined();
    const row = r.data.overdueInvoices.rows.find((x: any) => x.invoice.id === t.overdueJobInvoice.id);
    expect(row.customer.id).toBe(t.accountId);
    expect(manifest().overdueInvoices.find((o) => o.invoiceId === t.overdueJobInvoice.id)?.accountId).toBe(t.accountId);
  });

  it("finds the top-level customer by a job's invoice number", async () => {
    const t = tree();
    for (const j of t.jobs) {
      const r = await gql<any>(h, viewerFor('finance'), `query ($s: String) { customers(search: $s, first: 5) { nodes { id } } }`, { s: j.invoiceNumbers[0] });
      expect(r.errors).toBeUndefined();
      expect(r.data.customers.nodes.map((n: any) => n.id)).toContain(t.accountId);
    }
  });

  it('never lists a linked customer\'s jobs as unlinked in the review queue', async () => {
    const t = tree();
    const r = await gql<any>(h, viewerFor('admin'), `{ identityReview { kind records { recordId } } }`);
    expect(r.errors).toBeUndefined();
    const jobIds = new Set(t.jobs.map((j) => j.id));
    const mentions = r.data.identityReview.filter((i: any) => i.records.some((c: any) => jobIds.has(c.recordId)));
    expect(mentions).toEqual([]);
  });
});

describe('money in its own currency', () => {
  it('shows the euro customer\'s balance, invoices and payments in euros', async () => {
    const f = manifest().foreignCurrency[0]!;
    const r = await gql<any>(h, viewerFor('finance'), BILLING, { id: f.accountId });
    expect(r.errors).toBeUndefined();
    const a = r.data.customer.accounting;
    expect([a.currency, a.balance]).toEqual(['EUR', f.balance]);
    expect(a.invoices).toHaveLength(f.invoiceCount);
    expect(new Set([...a.invoices, ...a.payments].map((x: any) => x.currency))).toEqual(new Set(['EUR']));
  });

  it('totals the overdue list per currency, never across currencies', async () => {
    const f = manifest().foreignCurrency[0]!;
    const w = h.sandbox.state.world.quickbooks;
    const r = await gql<any>(h, viewerFor('finance'), `{ overdueInvoices(first: 500) { totalCount totalOverdue totals { amount currency } rows { invoice { id balance currency } customer { id } } } }`);
    expect(r.errors).toBeUndefined();
    const list = r.data.overdueInvoices;
    const eurRows = list.rows.filter((x: any) => x.invoice.currency === 'EUR');
    expect(eurRows.length).toBeGreaterThan(0);
    for (const row of eurRows) expect(row.customer.id).toBe(f.accountId);
    // expected totals from the sandbox's own records
    const today = Date.parse(manifest().today);
    const expected = new Map<string, number>();
    for (const i of w.invoices) if (i.Balance > 0 && Date.parse(i.DueDate) < today) expected.set(i.CurrencyRef.value, (expected.get(i.CurrencyRef.value) ?? 0) + i.Balance);
    expect(new Map(list.totals.map((t: any) => [t.currency, t.amount]))).toEqual(new Map([...expected].map(([c, n]) => [c, Math.round(n * 100) / 100])));
    expect(list.totals.map((t: any) => t.currency).sort()).toEqual(['EUR', 'USD']);
    expect(list.totalOverdue).toBeNull();
  });
});
