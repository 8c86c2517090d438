/**
 * The read audit learns from the answer: the customers it returned any field of and the field groups it held,
 * on every read path (a customer page, a list, a search, a refresh), never from variable names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../graphql/audit.js';
import { createHarness, gql, viewerFor, type Harness } from '../support/graphql.js';

const audit: AuditRecord[] = [];
let h: Harness;
beforeAll(async () => {
  h = createHarness({ size: 120, seed: 7, yoga: { responseCache: { ttlMs: 0, maxEntries: 0, maxBytes: 0 }, audit: { write: (r) => void audit.push(r) } } });
  h.sandbox.listen();
  await h.runtime.warmIndexes();
});
afterAll(() => h.sandbox.close());

async function read(role: Parameters<typeof viewerFor>[0], query: string, variables: Record<string, unknown> = {}) {
  audit.length = 0;
  const r = await gql(h, viewerFor(role), query, variables);
  expect(audit).toHaveLength(1);
  return { r, rec: audit[0]! };
}

describe('every read is audited with the customers and field groups of its answer', () => {
  it('a list: the ids of exactly the rows returned, with no id variable at all', async () => {
    const { r, rec } = await read('admin', 'query List { customers(first: 7) { nodes { id name } } }');
    const ids = (r.data!.customers.nodes as { id: string }[]).map((n) => n.id).sort();
    expect(ids).toHaveLength(7);
    expect(rec).toMatchObject({ operation: 'List', userId: viewerFor('admin').id, role: 'admin', customerIds: ids, customerCount: 7 });
    expect(rec.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a customer page and a search: the customers answered, and the groups the role was given', async () => {
    const list = await read('admin', '{ customers(first: 1) { nodes { id name } } }');
    const id = (list.r.data!.customers.nodes as { id: string; name: string }[])[0]!;
    const page = await read('finance', 'query Page($x: ID!) { customer(id: $x) { name accounting { balance } } }', { x: id.id });
    expect(page.rec.customerIds).toEqual([id.id]);
    expect(page.rec.fieldGroups).toContain('BILLING');
    const search = await read('support', 'query Spotlight($s: String) { customers(search: $s, first: 3) { nodes { id } } }', { s: id.name.slice(0, 6) });
    const found = (search.r.data!.customers.nodes as { id: string }[]).map((n) => n.id).sort();
    expect(found.length).toBeGreaterThan(0);
    expect(search.rec.customerIds).toEqual(found);
  });

  it('a field the role may not read is not recorded as read', async () => {
    const list = await read('admin', '{ customers(first: 1) { nodes { id } } }');
    const id = (list.r.data!.customers.nodes as { id: string }[])[0]!.id;
    const asFinance = await read('finance', 'query P($id: ID!) { customer(id: $id) { id accounting { balance } } }', { id });
    expect(asFinance.rec.fieldGroups).toContain('BILLING');
    const { r, rec } = await read('support', 'query P($id: ID!) { customer(id: $id) { id accounting { balance } } }', { id });
    expect(r.errors?.map((e) => e.extensions?.code)).toContain('FORBIDDEN');
    expect(rec.customerIds).toEqual([id]);
    expect(rec.fieldGroups).not.toContain('BILLING');
  });

  it("list rows record their customer even when the operation asks nothing of the row's customer", async () => {
    const overdue = await read('finance', 'query Overdue { overdueInvoices(first: 50) { rows { customerName invoice { number balance } } } }');
    const withCustomer = await read('finance', 'query OverdueIds { overdueInvoices(first: 50) { rows { customer { id } } } }');
    const ids = [...new Set((withCustomer.r.data!.overdueInvoices.rows as { customer: { id: string } | null }[]).flatMap((row) => (row.customer ? [row.customer.id] : [])))].sort();
    expect(ids.length).toBeGreaterThan(0);
    expect(overdue.rec.customerIds).toEqual(ids);
    expect(overdue.rec.fieldGroups).toContain('BILLING');
    const urgent = await read('support', 'query Urgent { urgentTickets(first: 50) { rows { ticket { subject } } } }');
    const urgentIds = await read('support', 'query UrgentIds { urgentTickets(first: 50) { rows { customer { id } } } }');
    const expected = [...new Set((urgentIds.r.data!.urgentTickets.rows as { customer: { id: string } | null }[]).flatMap((row) => (row.customer ? [row.customer.id] : [])))].sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(urgent.rec.customerIds).toEqual(expected);
  });

  it('a refresh is recorded with the customer it read again', async () => {
    const list = await read('admin', '{ customers(first: 1) { nodes { id } } }');
    const id = (list.r.data!.customers.nodes as { id: string }[])[0]!.id;
    const { rec } = await read('account_manager', 'query Refresh($id: ID!) { customer(id: $id, refresh: true) { sections { system } } }', { id });
    expect(rec).toMatchObject({ operation: 'Refresh', customerIds: [id], role: 'account_manager' });
  });

  it('an unsigned request is recorded with no user and no customers', async () => {
    audit.length = 0;
    const r = await gql(h, null, '{ customers(first: 2) { nodes { id } } }');
    expect(r.status).toBe(401);
    expect(audit).toEqual([expect.objectContaining({ userId: null, role: null, customerIds: [] })]);
  });
});
