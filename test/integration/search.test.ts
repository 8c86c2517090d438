import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, gql, viewerFor, type Harness } from '../support/graphql.js';

/**
 * customers(search) as callers say things: a contact's name, e-mail or phone (any formatting), customer names
 * without case, accents or apostrophes, invoice numbers and ticket ids — each result naming the system that
 * matched and why — and a failed system reported as such, never as "no customer".
 */

const SEARCH = /* GraphQL */ `
  query ($s: String) {
    customers(search: $s) {
      nodes { id name }
      matches { customerId system systemName kind recordId reason }
      sources { system state message code }
      incomplete
    }
  }
`;

type Answer = {
  customers: {
    nodes: { id: string; name: string }[];
    matches: { customerId: string; system: string; systemName: string; kind: string; recordId: string; reason: string }[];
    sources: { system: string; state: string }[];
    incomplete: string | null;
  };
};

let h: Harness;
beforeAll(() => {
  h = createHarness();
  h.sandbox.listen();
});
afterAll(() => h.sandbox.close());

const search = async (s: string, role: 'support' | 'finance' | 'admin' = 'support') => {
  const r = await gql<Answer>(h, viewerFor(role), SEARCH, { s });
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data!.customers;
};
const matchesOf = (a: Answer['customers'], accountId: string) => a.matches.filter((m) => m.customerId === accountId);
const caseOf = (kind: string) => {
  const c = h.sandbox.state.world.manifest.searchCases.find((x) => x.kind === kind);
  expect(c, `the sandbox plants a ${kind} search case`).toBeDefined();
  return c!;
};

describe('search finds people and the ways callers say names', () => {
  it("finds a customer by a contact's name, and says which contact matched in the CRM", async () => {
    const c = caseOf('CONTACT_NAME');
    const a = await search(c.query);
    expect(a.nodes.map((n) => n.id)).toContain(c.accountId);
    const [m] = matchesOf(a, c.accountId);
    expect(m).toMatchObject({ kind: 'CONTACT_NAME', system: h.runtime.systems.crm.id.toUpperCase(), systemName: h.runtime.systems.crm.name, reason: `contact ${c.expects}` });
    const contact = h.sandbox.state.world.salesforce.contacts.find((x) => x.Name === c.expects)!;
    expect(m!.recordId).toBe(contact.Id);
    // the contact's name is in no account's name: only the contact search can have found it
    expect(h.sandbox.state.world.salesforce.accounts.some((x) => x.Name.toLowerCase().includes(c.query.toLowerCase()))).toBe(false);
  });

  it('finds a customer by a contact e-mail and names the contact, not just the domain', async () => {
    const c = caseOf('CONTACT_EMAIL');
    const a = await search(c.query);
    const ms = matchesOf(a, c.accountId);
    expect(ms.map((m) => m.reason)).toContain(`contact ${c.expects} (${c.query})`);
    expect(ms.find((m) => m.kind === 'CONTACT_EMAIL')).toBeDefined();
  });

  it('finds a contact by phone written in another format than the CRM holds it (E.164 in the default region)', async () => {
    const c = caseOf('CONTACT_PHONE');
    expect(c.query.replace(/\D/g, '')).not.toBe(c.stored!.replace(/\D/g, '')); // really another format: +1 …
    for (const q of [c.query, c.stored!, c.stored!.replace(/\D/g, '')]) {
      const a = await search(q);
      expect(matchesOf(a, c.accountId), q).toEqual([
        expect.objectContaining({ kind: 'CONTACT_PHONE', reason: `contact ${c.expects}, phone ${c.stored}` }),
      ]);
    }
    // the same last digits with another area code is another number: not found
    const other = `(${c.stored!.slice(1, 4) === '999' ? '998' : '999'}) ${c.stored!.slice(6)}`;
    expect(matchesOf(await search(other), c.accountId)).toEqual([]);
  });

  it.each([
    ['obrien', "O'Brien & Sons"],
    ['Cafe Muller', 'Café Müller GmbH'],
    ['CAFÉ MÜLLER', 'Café Müller GmbH'],
    ['o’brien', "O'Brien & Sons"],
  ])('finds %s: customer names folded for case, diacritics and apostrophes', async (q, name) => {
    const planted = h.sandbox.state.world.manifest.trickyNames.find((t) => t.name === name)!;
    const a = await search(q);
    expect(a.nodes.map((n) => n.name)).toContain(name);
    expect(matchesOf(a, planted.accountId)).toContainEqual(expect.objectContaining({ kind: 'CUSTOMER_NAME', reason: 'name', systemName: h.runtime.systems.crm.name }));
  });

  it('lists the folded-name cases in the manifest', () => {
    expect(h.sandbox.state.world.manifest.searchCases.filter((c) => c.kind === 'FOLDED_NAME').map((c) => c.query)).toEqual(['obrien', 'Cafe Muller']);
  });

  it('keeps `%` and `_` literal: "100%" finds 100% Natural Foods only', async () => {
    const a = await search('100%');
    expect(a.nodes.map((n) => n.name)).toEqual(['100% Natural Foods']);
  });

  it('says "invoice #N" for an invoice number, in the accounting system', async () => {
    const w = h.sandbox.state.world;
    const link = w.manifest.exactLinks.find((l) => l.system === 'quickbooks')!;
    const invoice = w.quickbooks.invoices.find((i) => i.CustomerRef.value === link.recordId && i.DocNumber)!;
    const a = await search(`#${invoice.DocNumber}`, 'finance');
    expect(matchesOf(a, link.accountId)).toContainEqual(
      expect.objectContaining({ kind: 'INVOICE_NUMBER', reason: `invoice #${invoice.DocNumber}`, systemName: h.runtime.systems.accounting.name, recordId: invoice.Id }),
    );
  });

  it('says "ticket #N" for a ticket id, in the support system', async () => {
    const w = h.sandbox.state.world;
    const link = w.manifest.exactLinks.find((l) => l.system === 'zendesk')!;
    const ticket = w.zendesk.tickets.find((t) => String(t.organization_id) === link.recordId)!;
    const a = await search(String(ticket.id));
    expect(matchesOf(a, link.accountId)).toContainEqual(
      expect.objectContaining({ kind: 'TICKET_ID', reason: `ticket #${ticket.id}`, systemName: h.runtime.systems.support.name }),
    );
  });

  it('costs each source at most one request, the CRM its Contact query, once the indexes are cached', async () => {
    await h.runtime.warmIndexes(); // as the app does when it starts
    await search('warm the index');
    h.sandbox.state.resetCounts();
    const c = caseOf('CONTACT_NAME');
    const last = c.expects.split(' ').pop()!;
    const a = await search(last);
    const counts = h.sandbox.state.requestCounts();
    expect(counts.salesforce, JSON.stringify(counts)).toEqual({ query: 1 });
    // and at most one request to each other searched system: one customer query, one organization search
    for (const source of ['quickbooks', 'zendesk', 'asana'] as const) {
      expect(Object.values(counts[source]).reduce((a, b) => a + b, 0), `${source}: ${JSON.stringify(counts[source])}`).toBeLessThanOrEqual(1);
    }
    expect(matchesOf(a, c.accountId).map((m) => m.reason)).toContain(`contact ${c.expects}`);
  });

  it('says nothing is incomplete when every system answered', async () => {
    const a = await search('Zzzz nobody');
    expect(a.incomplete, JSON.stringify(a.sources)).toBeNull();
    expect(a.nodes).toEqual([]);
    expect(a.sources.map((s) => s.state)).not.toContain('FAILED');
  });

  it('escapes what it puts into the Contact query: quotes and backslashes find nothing, and break nothing', async () => {
    for (const q of ["o'brien\\", "x' OR Name LIKE '%", 'a_b%c']) {
      const r = await gql<Answer>(h, viewerFor('support'), SEARCH, { s: q });
      expect(r.errors, q).toBeUndefined();
      expect(r.data!.customers.incomplete, q).toBeNull();
    }
  });
});

describe('a failed system is said, never "no customer"', () => {
  // another in-process sandbox (it takes over the network from the first one), so faults meet a cold cache
  let x: Harness;
  beforeAll(() => {
    x = createHarness();
    x.sandbox.listen();
  });
  afterAll(() => x.sandbox.close());

  it('with the CRM down: "Incomplete: <CRM> isn\'t answering; results from <accounting> and <support> below"', async () => {
    x.sandbox.state.setFault('salesforce', { status: 503 });
    try {
      const r = await gql<Answer>(x, viewerFor('support'), SEARCH, { s: 'Natural' });
      const c = r.data!.customers;
      const s = x.runtime.systems;
      expect(c.incomplete).toBe(`Incomplete: ${s.crm.name} isn't answering; results from ${s.accounting.name} and ${s.support.name} below`);
      expect(c.sources.find((y) => y.system === s.crm.id.toUpperCase())!.state).toBe('FAILED');
    } finally {
      x.sandbox.state.clearFaults();
    }
  });

  it('with two systems down names both', async () => {
    x.sandbox.state.setFault('salesforce', { status: 503 });
    x.sandbox.state.setFault('zendesk', { status: 503 });
    try {
      const r = await gql<Answer>(x, viewerFor('support'), SEARCH, { s: 'Zzzz nobody' });
      const s = x.runtime.systems;
      expect(r.data!.customers.incomplete).toBe(`Incomplete: ${s.crm.name} and ${s.support.name} aren't answering; results from ${s.accounting.name} below`);
    } finally {
      x.sandbox.state.clearFaults();
    }
  });

});
