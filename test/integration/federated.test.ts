import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayOf } from '../../sources/kit/clock.js';
import { createPanoramaYoga } from '../../graphql/yoga.js';
import { createHarness, gql, runtimeFor, viewerFor, type Harness } from '../support/graphql.js';

/**
 * The whole suite runs twice, a year apart: the sandbox's today and Panorama's clock move together, and every
 * answer must still agree with that day's manifest (and with the other day's answers). Nothing reads the calendar.
 */
const DAYS = ['2026-11-27', '2027-11-27'] as const;

let h: Harness;
/** What each day answered, compared across days at the end. */
const answers = new Map<string, { overdue?: number; totalOverdue?: number; daysOverdue?: string[]; urgent?: number; flags?: string[] }>();

const FLAGS = /* GraphQL */ `
  query ($id: ID!) {
    customer(id: $id) {
      id
      flags { kind severity message records { system entity recordId url } }
      links { system recordId rule confidence }
      ambiguousLinks { system candidates { recordId rules } }
      sections { system state linkRule linkConfidence message }
      fields { field system value conflicts { system value } }
    }
  }
`;

type Customer = {
  id: string;
  flags: { kind: string; message: string; records: { system: string; entity: string; recordId: string }[] }[];
  links: { system: string; recordId: string; rule: string; confidence: number }[];
  ambiguousLinks: { system: string; candidates: { recordId: string }[] }[];
  sections: { system: string; state: string; linkRule: string | null; message: string | null }[];
  fields: { field: string; system: string; value: string | null; conflicts: { system: string; value: string }[] }[];
};

async function customer(id: string): Promise<Customer> {
  const r = await gql<{ customer: Customer }>(h, viewerFor('admin'), FLAGS, { id });
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data!.customer;
}

describe.each(DAYS)('on %s', (today) => {
  beforeAll(() => {
    h = createHarness({ size: 150, seed: 21, today });
    h.sandbox.listen();
  });
  afterAll(() => h.sandbox.close());

  it("runs the sandbox and Panorama's clock on the same day", () => {
    expect(h.sandbox.state.world.manifest.today).toBe(today);
    expect(todayOf(h.runtime.clock)).toBe(today);
  });

  describe('the federated customer against the sandbox manifest', () => {
    it('flags every planted conflict, with both values and the system of record', async () => {
      const m = h.sandbox.state.world.manifest;
      expect(m.conflicts.length).toBeGreaterThan(0);
      for (const c of m.conflicts) {
        const cust = await customer(c.accountId);
        const field = cust.fields.find((f) => f.field === c.field)!;
        expect(field.system).toBe('SALESFORCE');
        expect(field.conflicts.map((x) => x.system)).toEqual(['QUICKBOOKS']);
        expect(cust.flags.some((f) => f.kind === 'CONFLICT' && f.records.some((r) => r.system === 'QUICKBOOKS'))).toBe(true);
      }
    });

    it('flags a won deal of a customer with no project at all, and says it could not check while Asana is down', async () => {
      const { salesforce: sf, asana } = h.sandbox.state.world;
      const cutoff = new Date(Date.parse(`${today}T00:00:00Z`) - 30 * 86_400_000).toISOString().slice(0, 10);
      const deal = sf.opportunities.find((o) => o.IsWon && o.CloseDate <= cutoff)!;
      const account = sf.accounts.find((a) => a.Id === deal.AccountId)!;
      // the customer's projects are taken out of Asana: it answers, with no project for this customer
      const projects = asana.projects;
      asana.projects = projects.filter((p) => !JSON.stringify(p).includes(account.Id) && !p.name.includes(account.Name));
      expect(asana.projects.length).toBeLessThan(projects.length);
      try {
        const fresh = (): Harness => {
          const runtime = runtimeFor(h);
          return { sandbox: h.sandbox, runtime, yoga: createPanoramaYoga(runtime) };
        };
        const read = async (hh: Harness) => {
          const r = await gql<{ customer: Customer }>(hh, viewerFor('admin'), FLAGS, { id: account.Id });
          expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
          return r.data!.customer;
        };
        const answered = await read(fresh());
        expect(answered.sections.find((x) => x.system === 'ASANA')?.state).toBe('NOT_LINKED');
        expect(answered.flags.filter((f) => f.kind === 'WON_DEAL_WITHOUT_PROJECT').flatMap((f) => f.records.map((r) => r.recordId))).toContain(deal.Id);
        expect(answered.flags.some((f) => f.kind === 'RULE_NOT_CHECKED')).toBe(false);
        // Asana failing (nothing cached): no gap claimed, and the rule says it could not check
        h.sandbox.state.setFault('asana', { status: 503 });
        const failed = await read(fresh());
        expect(failed.sections.find((x) => x.system === 'ASANA')?.state).toBe('FAILED');
        expect(failed.flags.filter((f) => f.kind === 'WON_DEAL_WITHOUT_PROJECT')).toEqual([]);
        expect(failed.flags.find((f) => f.kind === 'RULE_NOT_CHECKED')?.message).toBe("Couldn't check whether won deals have a project: Asana unavailable.");
      } finally {
        h.sandbox.state.clearFaults();
        asana.projects = projects;
      }
    });

    it('flags every planted hand-off gap on the right records', async () => {
      const m = h.sandbox.state.world.manifest;
      const planted = [...m.wonDealsWithoutProject, ...m.milestonesWithoutInvoice, ...m.onHoldNothingOverdue, ...m.overdueWithUrgentTickets];
      const flags: string[] = [];
      for (const { accountId } of planted) {
        for (const f of (await customer(accountId)).flags) flags.push(`${accountId} ${f.kind} ${f.records.map((r) => r.recordId).join(',')}`);
      }
      answers.set(today, { ...answers.get(today), flags: [...new Set(flags)].sort() });
      for (const g of m.wonDealsWithoutProject) {
        const f = (await customer(g.accountId)).flags.filter((x) => x.kind === 'WON_DEAL_WITHOUT_PROJECT');
        expect(f.map((x) => x.records[0]!.recordId)).toContain(g.opportunityId);
      }
      for (const g of m.milestonesWithoutInvoice) {
        const f = (await customer(g.accountId)).flags.filter((x) => x.kind === 'MILESTONE_NOT_INVOICED');
        expect(f.map((x) => x.records[0]!.recordId)).toContain(g.milestoneId);
      }
      for (const g of m.onHoldNothingOverdue) {
        const f = (await customer(g.accountId)).flags.filter((x) => x.kind === 'ON_HOLD_NOTHING_OVERDUE');
        expect(f.map((x) => x.records[0]!.recordId)).toContain(g.projectId);
      }
      for (const g of m.overdueWithUrgentTickets) {
        const f = (await customer(g.accountId)).flags.find((x) => x.kind === 'OVERDUE_WITH_URGENT_TICKETS');
        expect(f, g.accountId).toBeDefined();
        expect(f!.records.filter((r) => r.entity === 'Ticket').map((r) => r.recordId).sort()).toEqual([...g.ticketIds].sort());
      }
    });

    it('raises no flag on a clean record', async () => {
      const m = h.sandbox.state.world.manifest;
      const noisy: string[] = [];
      for (const id of m.cleanAccountIds) {
        const flags = (await customer(id)).flags;
        if (flags.length) noisy.push(`${id}: ${flags.map((f) => f.message).join(' | ')}`);
      }
      expect(noisy).toEqual([]);
    });

    it('links no record to the wrong customer, and shows heuristic links as probable', async () => {
      const m = h.sandbox.state.world.manifest;
      const owner = new Map<string, string>();
      for (const l of [...m.exactLinks, ...m.heuristicLinks]) owner.set(`${l.system}:${l.recordId}`, l.accountId);
      for (const l of m.heuristicLinks) {
        const cust = await customer(l.accountId);
        const link = cust.links.find((x) => x.system === l.system.toUpperCase() && x.recordId === l.recordId);
        expect(link, `${l.system} ${l.recordId} for ${l.accountId}`).toBeDefined();
        expect(['NAME', 'DOMAIN']).toContain(link!.rule);
        expect(link!.confidence).toBeLessThan(1);
        if (l.system !== 'asana') expect(cust.sections.find((s) => s.system === l.system.toUpperCase())!.linkRule).toMatch(/NAME|DOMAIN/);
      }
      const sample = [...new Set([...m.exactLinks, ...m.heuristicLinks].map((l) => l.accountId))].slice(0, 60);
      for (const id of sample) {
        for (const link of (await customer(id)).links) {
          if (link.system === 'SALESFORCE') continue;
          expect(owner.get(`${link.system.toLowerCase()}:${link.recordId}`), `${link.system} ${link.recordId} linked to ${id}`).toBe(id);
        }
      }
    });

    it('reports every ambiguous case as ambiguous, linking none of the candidates', async () => {
      const m = h.sandbox.state.world.manifest;
      expect(m.ambiguous.length).toBeGreaterThan(0);
      for (const a of m.ambiguous) {
        const cust = await customer(a.accountId);
        const amb = cust.ambiguousLinks.find((x) => x.system === 'QUICKBOOKS')!;
        expect(amb.candidates.map((c) => c.recordId).sort()).toEqual([...a.candidateIds].sort());
        expect(cust.links.some((l) => l.system === 'QUICKBOOKS')).toBe(false);
        const section = cust.sections.find((s) => s.system === 'QUICKBOOKS')!;
        expect(section.state).toBe('AMBIGUOUS');
        expect(section.message).toMatch(/admin confirms/);
      }
    });

    it('lists probable, ambiguous and unlinked records for an admin, and refuses others', async () => {
      const m = h.sandbox.state.world.manifest;
      const q = `{ identityReview { kind system accountId records { recordId } } }`;
      const r = await gql<{ identityReview: { kind: string; system: string; accountId: string | null; records: { recordId: string }[] }[] }>(h, viewerFor('admin'), q);
      expect(r.errors).toBeUndefined();
      const items = r.data!.identityReview;
      for (const u of m.unlinked) {
        expect(items.some((i) => i.kind === 'UNLINKED' && i.system === u.system.toUpperCase() && i.records[0]!.recordId === u.recordId), `${u.system} ${u.recordId}`).toBe(true);
      }
      for (const a of m.ambiguous) expect(items.some((i) => i.kind === 'AMBIGUOUS' && i.accountId === a.accountId)).toBe(true);
      for (const l of m.heuristicLinks) {
        expect(items.some((i) => i.kind === 'PROBABLE' && i.accountId === l.accountId && i.records[0]!.recordId === l.recordId)).toBe(true);
      }
      // nothing linked by an exact id is "unlinked"
      const exact = new Set(m.exactLinks.map((l) => `${l.system}:${l.recordId}`));
      expect(items.filter((i) => i.kind === 'UNLINKED' && exact.has(`${i.system.toLowerCase()}:${i.records[0]!.recordId}`))).toEqual([]);
      const denied = await gql(h, viewerFor('account_manager'), q);
      expect(denied.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    });
  });

  describe('timeline and health', () => {
    it('merges the systems into one stream, filters by system and type, pages, and obeys the role policy', async () => {
      const id = h.sandbox.state.world.manifest.cleanAccountIds[3]!;
      const q = `query ($id: ID!, $after: String, $systems: [System!], $types: [TimelineType!]) {
        customer(id: $id) { timeline(first: 5, after: $after, systems: $systems, types: $types) { totalCount hasNextPage endCursor events { at system type title url } } } }`;
      const all = await gql<any>(h, viewerFor('admin'), q, { id });
      const t = all.data.customer.timeline;
      expect(new Set(t.events.map((e: { system: string }) => e.system)).size).toBeGreaterThan(0);
      const ats = t.events.map((e: { at: string }) => e.at);
      expect([...ats].sort().reverse()).toEqual(ats);
      const next = await gql<any>(h, viewerFor('admin'), q, { id, after: t.endCursor });
      expect(next.data.customer.timeline.events[0].at <= ats[ats.length - 1]).toBe(true);
      const tickets = await gql<any>(h, viewerFor('admin'), q, { id, systems: ['ZENDESK'] });
      expect(tickets.data.customer.timeline.events.every((e: { system: string }) => e.system === 'ZENDESK')).toBe(true);
      const support = await gql<any>(h, viewerFor('support'), q, { id, types: ['DEAL_WON', 'INVOICE_ISSUED'] });
      expect(support.data.customer.timeline.totalCount).toBe(0);
    });

    it('explains the health score: inputs, weights and the records behind them', async () => {
      const g = h.sandbox.state.world.manifest.overdueWithUrgentTickets[0]!;
      const r = await gql<any>(h, viewerFor('account_manager'), `query ($id: ID!) { customer(id: $id) { health { score grade inputs { key weight impact detail records { entity recordId } } } } }`, { id: g.accountId });
      const health = r.data.customer.health;
      expect(health.score).toBeLessThan(100);
      const urgent = health.inputs.find((i: { key: string }) => i.key === 'URGENT_TICKETS');
      expect(urgent.impact).toBeGreaterThan(0);
      expect(urgent.records.map((x: { recordId: string }) => x.recordId)).toEqual(expect.arrayContaining(g.ticketIds));
      expect(health.inputs.reduce((s: number, i: { impact: number }) => s + i.impact, 0)).toBe(100 - health.score);
    });
  });

  describe('lists across customers', () => {
    it('finds customers by name, e-mail domain, invoice number and ticket id', async () => {
      const w = h.sandbox.state.world;
      const link = w.manifest.exactLinks.find((l) => l.system === 'quickbooks')!;
      const invoice = w.quickbooks.invoices.find((i) => i.CustomerRef.value === link.recordId)!;
      const zLink = w.manifest.exactLinks.find((l) => l.system === 'zendesk')!;
      const ticket = w.zendesk.tickets.find((t) => String(t.organization_id) === zLink.recordId)!;
      const contact = w.salesforce.contacts.find((c) => c.AccountId === link.accountId)!;
      const q = `query ($s: String) { customers(search: $s) { nodes { id } matches { customerId system field } sources { system state } } }`;
      const byInvoice = await gql<any>(h, viewerFor('finance'), q, { s: invoice.DocNumber });
      expect(byInvoice.data.customers.nodes.map((n: { id: string }) => n.id)).toContain(link.accountId);
      const byTicket = await gql<any>(h, viewerFor('support'), q, { s: `#${ticket.id}` });
      expect(byTicket.data.customers.nodes.map((n: { id: string }) => n.id)).toContain(zLink.accountId);
      const byEmail = await gql<any>(h, viewerFor('support'), q, { s: contact.Email });
      expect(byEmail.data.customers.nodes.map((n: { id: string }) => n.id)).toContain(link.accountId);
    });

    it('keeps search answering when one system fails, and says which', async () => {
      h.sandbox.state.setFault('zendesk', { status: 503 });
      try {
        const r = await gql<any>(h, viewerFor('support'), `{ customers(search: "Natural") { nodes { name } sources { system state message } } }`);
        expect(r.data.customers.nodes.map((n: { name: string }) => n.name)).toContain('100% Natural Foods');
        expect(r.data.customers.sources.find((s: { system: string }) => s.system === 'ZENDESK').state).toBe('FAILED');
      } finally {
        h.sandbox.state.clearFaults();
      }
    });

    it('lists overdue invoices and urgent tickets across customers, each under its customer', async () => {
      const m = h.sandbox.state.world.manifest;
      const r = await gql<any>(h, viewerFor('finance'), `{ overdueInvoices(first: 500) { totalCount totalOverdue rows { invoice { id daysOverdue } customer { id } } } }`);
      expect(r.errors).toBeUndefined();
      expect(r.data.overdueInvoices.totalCount).toBe(m.overdueInvoices.length);
      const daysOverdue = r.data.overdueInvoices.rows.map((x: { invoice: { id: string; daysOverdue: number } }) => `${x.invoice.id}:${x.invoice.daysOverdue}`).sort();
      for (const o of m.overdueInvoices.filter((x) => x.accountId)) {
        const row = r.data.overdueInvoices.rows.find((x: { invoice: { id: string } }) => x.invoice.id === o.invoiceId);
        expect(row.customer?.id).toBe(o.accountId);
      }
      const t = await gql<any>(h, viewerFor('support'), `{ urgentTickets(first: 500) { totalCount rows { ticket { id } customer { id } } } }`);
      expect(t.data.urgentTickets.totalCount).toBe(m.urgentOpenTickets.length);
      answers.set(today, { ...answers.get(today), overdue: r.data.overdueInvoices.totalCount, totalOverdue: r.data.overdueInvoices.totalOverdue, daysOverdue, urgent: t.data.urgentTickets.totalCount });
      for (const u of m.urgentOpenTickets) {
        expect(t.data.urgentTickets.rows.find((x: { ticket: { id: string } }) => x.ticket.id === u.ticketId).customer.id).toBe(u.accountId);
      }
      const denied = await gql(h, viewerFor('support'), `{ overdueInvoices { totalCount } }`);
      expect(denied.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    });

    it("lists the account manager's own accounts", async () => {
      const am = viewerFor('account_manager');
      const r = await gql<any>(h, am, `{ myAccounts { id name } }`);
      const ownerId = h.sandbox.state.world.salesforce.users.find((u) => u.Email === am.email)!.Id;
      const expected = h.sandbox.state.world.salesforce.accounts.filter((a) => a.OwnerId === ownerId).map((a) => a.Id).sort();
      expect(r.data.myAccounts.map((a: { id: string }) => a.id).sort()).toEqual(expected);
    });
  });
});

describe('a year apart', () => {
  it('gives the same answers on both days', () => {
    const [a, b] = DAYS.map((d) => answers.get(d));
    expect(a?.overdue).toBeGreaterThan(0);
    expect(a?.flags?.length).toBeGreaterThan(0);
    expect(a?.daysOverdue).toHaveLength(a!.overdue!);
    expect(b).toEqual(a);
  });
});
