import { beforeEach, describe, expect, it, vi } from 'vitest';
import { logger } from '../../sources/kit/logger.js';
import { salesforceId } from '../../sources/sandbox/dataset.js';
import { gql, harnessPerFile, viewerFor, type Harness } from '../support/graphql.js';

const file = harnessPerFile();
let h: Harness;
beforeEach(() => {
  ({ h } = file);
});

const CUSTOMER = /* GraphQL */ `
  query ($id: ID!) {
    customer(id: $id) {
      id
      name
      links { system recordId rule confidence url }
      sections { system state fetchedAt ageSeconds fromCache stale message code }
      crm { status { state } account { id name owner { name } } contacts { name primary } }
      accounting { status { state } standing { state } displayName }
      projects { status { state } projects { id name status milestones { name completed } } }
      support { status { state } organization { id name } counts { unsolved total } }
    }
  }
`;

function cleanAccount(h: Harness) {
  const m = h.sandbox.state.world.manifest;
  const linked = (system: string) => new Set(m.exactLinks.filter((l) => l.system === system).map((l) => l.accountId));
  const [q, a, z] = [linked('quickbooks'), linked('asana'), linked('zendesk')];
  const id = m.cleanAccountIds.find((x) => q.has(x) && a.has(x) && z.has(x));
  if (!id) throw new Error('dataset has no fully linked clean account');
  return id;
}

/** What the sandbox holds for a fully linked account: its name, contacts, QuickBooks name, projects and organization. */
function expected(h: Harness, id: string) {
  const w = h.sandbox.state.world;
  const link = (system: string) => w.manifest.exactLinks.filter((l) => l.accountId === id && l.system === system).map((l) => l.recordId);
  const organization = link('zendesk')[0]!;
  return {
    name: w.salesforce.accounts.find((a) => a.Id === id)!.Name,
    contacts: w.salesforce.contacts.filter((c) => c.AccountId === id).length,
    displayName: w.quickbooks.customers.find((c) => c.Id === link('quickbooks')[0])!.DisplayName,
    projectIds: link('asana').sort(),
    organization,
    tickets: w.zendesk.tickets.filter((t) => String(t.organization_id) === organization).length,
  };
}
const projectIds = (c: { projects: { projects: { id: string }[] } }) => c.projects.projects.map((p) => p.id).sort();

describe('Query.customer', () => {
  it('shows one customer as all four systems know it, linked by exact ids', async () => {
    const id = cleanAccount(h);
    const r = await gql(h, viewerFor('account_manager'), CUSTOMER, { id });
    expect(r.errors).toBeUndefined();
    const c = r.data!.customer;
    const m = h.sandbox.state.world.manifest;
    expect(c.id).toBe(id);
    expect(c.crm.account.name).toBe(h.sandbox.state.world.salesforce.accounts.find((a) => a.Id === id)!.Name);
    const want = expected(h, id);
    expect(c.crm.contacts).toHaveLength(want.contacts);
    expect(c.accounting.displayName).toBe(want.displayName);
    expect(projectIds(c)).toEqual(want.projectIds);
    expect(c.support.organization.id).toBe(m.exactLinks.find((l) => l.accountId === id && l.system === 'zendesk')!.recordId);
    expect(c.sections.map((s: { system: string }) => s.system)).toEqual(['SALESFORCE', 'QUICKBOOKS', 'ASANA', 'ZENDESK']);
    expect(c.sections.every((s: { state: string; fetchedAt: string }) => s.state === 'LIVE' && s.fetchedAt)).toBe(true);
    const systems = c.links.map((l: { system: string }) => l.system);
    expect(systems).toEqual(expect.arrayContaining(['SALESFORCE', 'QUICKBOOKS', 'ASANA', 'ZENDESK']));
    for (const l of c.links) {
      expect(l.rule).toBe('EXACT_ID');
      expect(l.url).toMatch(/^https?:\/\//);
    }
  });

  it('answers the second time from the cache, saying so', async () => {
    const id = cleanAccount(h);
    await gql(h, viewerFor('support'), CUSTOMER, { id });
    const before = h.sandbox.state.requestCounts();
    const r = await gql(h, viewerFor('support'), CUSTOMER, { id });
    expect(h.sandbox.state.requestCounts()).toEqual(before);
    expect(r.data!.customer.sections.every((s: { state: string; fromCache: boolean }) => s.state === 'CACHED' && s.fromCache)).toBe(true);
  });

  it('when one source fails, still answers from the other three and names the failing source', async () => {
    const id = cleanAccount(h);
    h.sandbox.state.setFault('quickbooks', { status: 503 });
    const r = await gql(h, viewerFor('finance'), CUSTOMER, { id });
    expect(r.data!.customer.accounting).toBeNull();
    expect(r.data!.customer.crm.account.id).toBe(id);
    expect(projectIds(r.data!.customer)).toEqual(expected(h, id).projectIds);
    expect(r.data!.customer.support.organization.id).toBe(expected(h, id).organization);
    const err = r.errors!.find((e) => e.path?.join('.') === 'customer.accounting')!;
    expect(err.extensions).toMatchObject({ source: 'quickbooks', code: 'UNAVAILABLE', retryable: true });
    expect(err.message).toMatch(/QuickBooks/);
    const qbo = r.data!.customer.sections.find((s: { system: string }) => s.system === 'QUICKBOOKS');
    expect(qbo).toMatchObject({ state: 'FAILED', code: 'UNAVAILABLE' });
    expect(qbo.message).toMatch(/QuickBooks/);
  });

  it.each(['salesforce', 'asana', 'zendesk'] as const)('survives %s failing', async (source) => {
    const id = cleanAccount(h);
    h.sandbox.state.setFault(source, { status: 500 });
    const r = await gql(h, viewerFor('admin'), CUSTOMER, { id });
    expect(r.data!.customer).not.toBeNull();
    expect(r.errors!.some((e) => e.extensions?.source === source)).toBe(true);
    const failed = r.data!.customer.sections.filter((s: { state: string }) => s.state === 'FAILED').map((s: { system: string }) => s.system);
    // the CRM holds the accounting link: without it, accounting can't be matched either
    expect(failed).toEqual(source === 'salesforce' ? ['SALESFORCE', 'QUICKBOOKS'] : [source.toUpperCase()]);
    expect(r.data!.customer.name).toBe(expected(h, id).name);
  });

  it('logs a failing source once per upstream call, as a warning: no error-level line per row of a list', async () => {
    const errors = vi.spyOn(logger, 'error');
    const warnings = vi.spyOn(logger, 'warn');
    try {
      h.sandbox.state.setFault('zendesk', { status: 500 });
      const r = await gql(h, viewerFor('admin'), `{ customers(search: "", first: 30) { nodes { id support { counts { unsolved } } } } }`);
      expect(r.errors!.filter((e) => e.extensions?.source === 'zendesk').length).toBeGreaterThan(1);
      expect(errors).not.toHaveBeenCalled();
      const upstream = warnings.mock.calls.filter(([, msg]) => msg === 'upstream call failed');
      expect(upstream.length).toBeGreaterThan(0);
      expect(upstream.length).toBeLessThan(r.errors!.length);
    } finally {
      errors.mockRestore();
      warnings.mockRestore();
    }
  });

  it('enforces the role policy on the server: support sees no deals and no amounts', async () => {
    const id = cleanAccount(h);
    const q = `query ($id: ID!) { customer(id: $id) { crm { opportunities { amount } } accounting { standing { state } balance invoices { total } } } }`;
    const support = await gql(h, viewerFor('support'), q, { id });
    expect(support.data!.customer.crm.opportunities).toBeNull();
    expect(support.data!.customer.accounting.balance).toBeNull();
    expect(support.data!.customer.accounting.invoices).toBeNull();
    expect(support.data!.customer.accounting.standing.state).toMatch(/GOOD|OVERDUE|NO_INVOICES/);
    const codes = support.errors!.map((e) => `${e.path?.join('.')}:${e.extensions?.code}`);
    expect(codes).toEqual(
      expect.arrayContaining(['customer.crm.opportunities:FORBIDDEN', 'customer.accounting.balance:FORBIDDEN', 'customer.accounting.invoices:FORBIDDEN']),
    );
    const am = await gql(h, viewerFor('account_manager'), q, { id });
    expect(am.errors).toBeUndefined();
    expect(Array.isArray(am.data!.customer.crm.opportunities)).toBe(true);
  });

  it('finance sees ticket counts but not the tickets', async () => {
    const id = cleanAccount(h);
    const r = await gql(h, viewerFor('finance'), `query ($id: ID!) { customer(id: $id) { support { counts { total } tickets { id } } } }`, { id });
    expect(r.data!.customer.support.counts.total).toBe(expected(h, id).tickets);
    expect(r.data!.customer.support.tickets).toBeNull();
    expect(r.errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });

  it('rejects a malformed id with a message naming the problem, and returns null for an unknown one', async () => {
    const bad = await gql(h, viewerFor('support'), `{ customer(id: "x' OR '1'='1") { id } }`);
    expect(bad.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(bad.errors![0]!.message).toMatch(/not a customer id/);
    const unknown = await gql(h, viewerFor('support'), `query ($id: ID!) { customer(id: $id) { id } }`, { id: salesforceId('001', 99_999) });
    expect(unknown.errors).toBeUndefined();
    expect(unknown.data!.customer).toBeNull();
    const badChecksum = await gql(h, viewerFor('support'), `{ customer(id: "001Pn0000000zzzzzZ") { id } }`);
    expect(badChecksum.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a request without a signed-in viewer', async () => {
    const r = await gql(h, null, `{ viewer { id } }`);
    expect(r.status).toBe(401);
    expect(r.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
  });
});

describe('Query.customers', () => {
  it('finds names with quotes, percent signs and underscores literally', async () => {
    for (const name of ["O'Brien & Sons", '100% Natural Foods', 'Under_score Labs', 'Back\\slash Engineering', 'The "Quoted" Company']) {
      const r = await gql(h, viewerFor('support'), `query ($s: String) { customers(search: $s) { totalCount nodes { id name } } }`, { s: name });
      expect(r.errors).toBeUndefined();
      expect(r.data!.customers.nodes.map((n: { name: string }) => n.name)).toEqual([name]);
    }
    // "%" alone is a literal, not "everything"
    const pct = await gql(h, viewerFor('support'), `{ customers(search: "%") { nodes { name } } }`);
    expect(pct.data!.customers.nodes.map((n: { name: string }) => n.name)).toEqual(['100% Natural Foods']);
  });

  it('says what is wrong with a bad page size', async () => {
    const r = await gql(h, viewerFor('support'), `{ customers(first: 1000) { totalCount } }`);
    expect(r.errors![0]!.message).toMatch(/first must be between 1 and 100/);
  });
});
