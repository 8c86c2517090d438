import { beforeEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../sources/kit/clock.js';
import { ConfigError } from '../../sources/kit/config.js';
import { SANDBOX_TODAY } from '../../sources/kit/testing.js';
import { createSourcesRuntime } from '../../sources/runtime.js';
import { derivedGuid, xeroOrganisation } from '../../sources/xero/sandbox/dataset.js';
import { xeroSandboxLimits } from '../../sources/xero/sandbox/handlers.js';
import { gql, harnessPerFile, viewerFor, type Harness } from '../support/graphql.js';

/**
 * The real runtime and GraphQL schema with PANORAMA_ACCOUNTING=xero, against the sandbox's Xero organisation
 * (derived from the same seeded world as its QuickBooks company). The CRM's QuickBooks-id field is turned off, as
 * for a business whose books are in Xero: Xero contacts are found by the customer's name.
 */
const clock = manualClock(`${SANDBOX_TODAY}T09:00:00Z`);
const file = harnessPerFile({ clock, env: { PANORAMA_ACCOUNTING: 'xero', SALESFORCE_ACCOUNT_QUICKBOOKS_ID_FIELD: '' } });
let h: Harness;
beforeEach(() => {
  ({ h } = file);
  h.sandbox.state.resetCounts();
});

const CUSTOMER = /* GraphQL */ `
  query ($id: ID!, $refresh: Boolean) {
    customer(id: $id, refresh: $refresh) {
      id
      links { system recordId rule url }
      sections { system source { name category } state code message }
      crm { status { state } account { name } }
      accounting {
        status { state code message source { system name category } }
        customerId displayName currency balance overdueBalance url
        standing { state overdueInvoiceCount }
        invoiceCount
        invoices(first: 500) { number currency status dueDate daysOverdue balance url }
        payments(first: 500) { amount currency url }
      }
      projects { status { state } }
      support { status { state } }
    }
  }
`;

/** A clean account whose QuickBooks customer (in Xero: the contact of the same name) has an overdue invoice. */
function accountWithOverdue(h: Harness) {
  const w = h.sandbox.state.world;
  const org = xeroOrganisation(w.quickbooks, w.manifest.today);
  const clean = new Set(w.manifest.cleanAccountIds);
  for (const l of w.manifest.exactLinks.filter((x) => x.system === 'quickbooks' && clean.has(x.accountId))) {
    const qbo = w.quickbooks.customers.find((c) => c.Id === l.recordId);
    if (!qbo || qbo.ParentRef) continue;
    const contactId = derivedGuid(`contact:${qbo.Id}`);
    const invoices = org.invoices.filter((i) => i.Contact.ContactID === contactId);
    const overdue = invoices.filter((i) => i.Status === 'AUTHORISED' && (i.DueDateString ?? '') < `${w.manifest.today}`);
    const sameName = org.contacts.filter((c) => c.Name.toLowerCase() === (qbo.CompanyName ?? qbo.DisplayName).toLowerCase());
    const account = w.salesforce.accounts.find((a) => a.Id === l.accountId)!;
    if (overdue.length && sameName.length === 1 && account.Name === (qbo.CompanyName ?? qbo.DisplayName)) {
      return { id: l.accountId, contactId, invoices, overdue, contact: sameName[0]! };
    }
  }
  throw new Error('the dataset has no clean account with an overdue invoice');
}

describe('PANORAMA_ACCOUNTING=xero', () => {
  it("binds Xero as the accounting system: the runtime's systems name it, QuickBooks is not bound", () => {
    expect(h.runtime.systems.accounting).toMatchObject({ id: 'xero', name: 'Xero', category: 'accounting' });
    expect(h.runtime.list.map((s) => s.id)).toEqual(['salesforce', 'xero', 'asana', 'zendesk']);
  });

  it("a customer's billing comes from Xero: its invoices, what is overdue and the currency, in a section named Xero", async () => {
    const c = accountWithOverdue(h);
    const r = await gql(h, viewerFor('finance'), CUSTOMER, { id: c.id });
    expect(r.errors).toBeUndefined();
    const a = r.data!.customer.accounting;
    expect(a.status.state).toBe('LIVE');
    expect(a.status.source).toEqual({ system: 'XERO', name: 'Xero', category: 'ACCOUNTING' });
    const section = r.data!.customer.sections.find((s: { source: { category: string } }) => s.source.category === 'ACCOUNTING');
    expect(section).toMatchObject({ system: 'XERO', source: { name: 'Xero' } });
    expect(a.customerId).toBe(c.contactId);
    expect(a.displayName).toBe(c.contact.Name);
    expect(a.currency).toBe(c.contact.DefaultCurrency);
    expect(a.url).toBe(`https://go.xero.com/Contacts/View/${c.contactId}`);
    // every sales invoice of the contact, in its own currency; the overdue ones as Xero's AUTHORISED past DueDate
    expect(a.invoiceCount).toBe(c.invoices.length);
    expect(a.invoices.map((i: { number: string }) => i.number).sort()).toEqual(c.invoices.map((i) => i.InvoiceNumber).sort());
    for (const inv of a.invoices) expect(inv.currency).toBe(c.invoices.find((i) => i.InvoiceNumber === inv.number)!.CurrencyCode);
    const overdue = a.invoices.filter((i: { status: string }) => i.status === 'OVERDUE');
    expect(overdue.map((i: { number: string }) => i.number).sort()).toEqual(c.overdue.map((i) => i.InvoiceNumber).sort());
    expect(overdue.every((i: { daysOverdue: number }) => i.daysOverdue > 0)).toBe(true);
    expect(a.standing).toEqual({ state: 'OVERDUE', overdueInvoiceCount: c.overdue.length });
    expect(a.overdueBalance).toBeCloseTo(c.overdue.reduce((s, i) => s + i.AmountDue, 0), 2);
    expect(a.invoices[0].url).toMatch(/^https:\/\/go\.xero\.com\/AccountsReceivable\/View\.aspx\?InvoiceID=[0-9a-f-]{36}$/);
    // the link is the contact of the customer's name, a probable link as for any record found by name
    const link = r.data!.customer.links.find((l: { system: string }) => l.system === 'XERO');
    expect(link).toMatchObject({ recordId: c.contactId, rule: 'NAME' });
    // it came from Xero's API, and QuickBooks was never asked
    const counts = h.sandbox.state.requestCounts();
    expect(counts.xero.contacts).toBeGreaterThan(0);
    expect(counts.xero.invoices).toBeGreaterThan(0);
    expect(counts.quickbooks).toEqual({});
  });

  it("flags, health and My accounts point at Xero's own records (its contacts and invoices), named as Xero names them", async () => {
    const c = accountWithOverdue(h);
    await h.runtime.createLoaders({ forceRefresh: false }).accounting.customerIndex();
    const r = await gql(
      h,
      viewerFor('account_manager'),
      /* GraphQL */ `
        query ($id: ID!) {
          customer(id: $id) { flags { kind records { system entity recordId label url } } health { inputs { records { system entity label } } } }
          myAccountList(first: 50) { totalCount rows { id flags { kind } accounting { overdueBalance currency } } }
        }
      `,
      { id: c.id },
    );
    expect(r.errors).toBeUndefined();
    const records = [...r.data!.customer.flags.flatMap((f: { records: unknown[] }) => f.records), ...r.data!.customer.health.inputs.flatMap((i: { records: unknown[] }) => i.records)];
    const fromXero = records.filter((x: { system: string }) => x.system === 'XERO') as { entity: string; label: string }[];
    // the overdue invoices behind the health input are Xero's, labelled by their number
    expect(fromXero.length).toBeGreaterThan(0);
    for (const x of fromXero) expect(['Contact', 'Invoice', 'Payment']).toContain(x.entity);
    expect(fromXero.map((x) => x.label)).toContain(`Invoice ${c.overdue[0]!.InvoiceNumber}`);
    const list = r.data!.myAccountList;
    expect(list.totalCount).toBeGreaterThan(0);
    expect(list.rows.some((row: { accounting: { overdueBalance: number | null } | null }) => (row.accounting?.overdueBalance ?? 0) > 0)).toBe(true);
  });

  it('a Xero outage fails only the billing section, which says Xero is unavailable', async () => {
    const c = accountWithOverdue(h);
    // the contact index (how the customer's contact is found) is kept warm by index upkeep; here, by a first read
    await h.runtime.createLoaders({ forceRefresh: false }).accounting.customerIndex();
    h.sandbox.state.setFault('xero', { status: 503 });
    const r = await gql(h, viewerFor('finance'), CUSTOMER, { id: c.id });
    const cu = r.data!.customer;
    expect(cu.crm.status.state).toBe('LIVE');
    expect(cu.projects.status.state).toBe('LIVE');
    expect(cu.support.status.state).toBe('LIVE');
    const section = cu.sections.find((s: { system: string }) => s.system === 'XERO');
    expect(section).toMatchObject({ state: 'FAILED', code: 'UNAVAILABLE' });
    expect(section.message).toMatch(/Xero/);
    expect(cu.accounting).toBeNull();
    for (const s of cu.sections.filter((x: { system: string }) => x.system !== 'XERO')) expect(s.state).toBe('LIVE');
    expect(h.sandbox.state.requestCounts().xero.contacts).toBeGreaterThan(0);
  });

  it("obeys Xero's 429 Retry-After: nothing more is sent to Xero until it has passed, then reads go out again", async () => {
    const c = accountWithOverdue(h);
    await h.runtime.createLoaders({ forceRefresh: false }).accounting.customerIndex();
    h.sandbox.state.resetCounts();
    h.sandbox.state.setFault('xero', { rateLimit: true, retryAfterSeconds: 120 });
    const first = await gql(h, viewerFor('finance'), CUSTOMER, { id: c.id });
    expect(first.data!.customer.sections.find((s: { system: string }) => s.system === 'XERO')).toMatchObject({ state: 'FAILED', code: 'RATE_LIMITED' });
    const sent = h.sandbox.state.totalRequests('xero');
    expect(sent).toBeGreaterThan(0);
    h.sandbox.state.clearFaults('xero');
    // inside the window: refused by Panorama itself, nothing reaches Xero
    clock.advance(60_000);
    const inside = await gql(h, viewerFor('finance'), CUSTOMER, { id: c.id, refresh: true });
    expect(inside.data!.customer.sections.find((s: { system: string }) => s.system === 'XERO')).toMatchObject({ code: 'RATE_LIMITED' });
    expect(h.sandbox.state.totalRequests('xero')).toBe(sent);
    // once Retry-After has passed, Xero is asked again and the section is live
    clock.advance(61_000);
    const after = await gql(h, viewerFor('finance'), CUSTOMER, { id: c.id, refresh: true });
    expect(after.data!.customer.accounting.status.state).toBe('LIVE');
    expect(h.sandbox.state.totalRequests('xero')).toBeGreaterThan(sent);
  });

  it("Xero's own minute limit: a 429 with the sandbox's computed Retry-After closes the gate for that long", async () => {
    const c = accountWithOverdue(h);
    await h.runtime.createLoaders({ forceRefresh: false }).accounting.customerIndex();
    const limits = xeroSandboxLimits(h.sandbox.state);
    limits.calls = Array.from({ length: limits.perMinute }, () => Date.now());
    try {
      const r = await gql(h, viewerFor('finance'), CUSTOMER, { id: c.id });
      expect(r.data!.customer.sections.find((s: { system: string }) => s.system === 'XERO')).toMatchObject({ state: 'FAILED', code: 'RATE_LIMITED' });
      const gate = await h.runtime.bySource.xero!.kit.gate.closedUntil();
      expect(gate).not.toBeNull();
      expect(gate! - clock.now()).toBeGreaterThan(50_000);
      expect(gate! - clock.now()).toBeLessThanOrEqual(60_000);
    } finally {
      limits.calls = [];
      clock.advance(61_000);
    }
  });
});

describe('the PANORAMA_ACCOUNTING setting', () => {
  it('defaults to QuickBooks', () => {
    const runtime = createSourcesRuntime({ ...h.sandbox.env, PANORAMA_SANDBOX_ORIGIN: h.sandbox.origin });
    expect(runtime.systems.accounting.id).toBe('quickbooks');
  });

  it('a value that names no accounting module is a config error naming the variable and the choices', () => {
    const bad = () => createSourcesRuntime({ ...h.sandbox.env, PANORAMA_ACCOUNTING: 'sage' });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/PANORAMA_ACCOUNTING.*quickbooks or xero/);
  });
});
