import { describe, expect, it } from 'vitest';
import { TRICKY_NAMES, generateWorld, normaliseCompanyName, salesforceId } from './dataset.js';

const today = '2026-11-27';
const world = generateWorld({ seed: 11, size: 300, today });
const m = world.manifest;
const todayMs = Date.parse(`${today}T00:00:00Z`);

describe('the sandbox dataset', () => {
  it('is the same world for the same seed, and another for another seed', () => {
    const again = generateWorld({ seed: 11, size: 300, today });
    expect(JSON.stringify(again)).toBe(JSON.stringify(world));
    const other = generateWorld({ seed: 12, size: 300, today });
    expect(other.salesforce.accounts[50]!.Name).not.toBe(world.salesforce.accounts[50]!.Name);
  });

  it('has the requested number of customers with contacts, deals, invoices, projects and tickets', () => {
    expect(world.salesforce.accounts).toHaveLength(300);
    expect(world.salesforce.contacts.length).toBeGreaterThan(600);
    expect(world.quickbooks.invoices.length).toBeGreaterThan(1000);
    expect(world.asana.projects.length).toBeGreaterThan(300);
    expect(world.zendesk.tickets.length).toBeGreaterThan(500);
  });

  it('spreads dates over the two years up to today, never after it for things that happened', () => {
    const created = world.salesforce.accounts.map((a) => Date.parse(a.CreatedDate));
    expect(Math.min(...created)).toBeGreaterThanOrEqual(todayMs - 731 * 86_400_000);
    expect(Math.max(...world.quickbooks.invoices.map((i) => Date.parse(i.TxnDate)))).toBeLessThan(todayMs);
    expect(Math.max(...world.zendesk.tickets.map((t) => Date.parse(t.created_at)))).toBeLessThanOrEqual(todayMs + 86_400_000);
  });

  it('makes valid, case-safe 18-character Salesforce ids', () => {
    expect(salesforceId('001', 1)).toMatch(/^001[A-Za-z0-9]{15}$/);
    const ids = new Set(world.salesforce.accounts.map((a) => a.Id));
    expect(ids.size).toBe(300);
  });

  it('plants every tricky name', () => {
    expect(m.trickyNames.map((t) => t.name)).toEqual(TRICKY_NAMES);
    for (const t of m.trickyNames) expect(world.salesforce.accounts.find((a) => a.Id === t.accountId)?.Name).toBe(t.name);
  });

  it('links records by exact id the way businesses wire them', () => {
    // the few held in the 15-character form are listed as such
    const held = (recordId: string, accountId: string) => m.linkCases.find((c) => c.rule === 'SHORT_ID' && c.recordId === recordId)?.storedId ?? accountId;
    for (const l of m.exactLinks) {
      if (l.system === 'quickbooks') expect(world.salesforce.accounts.find((a) => a.Id === l.accountId)?.QuickBooks_Customer_Id__c).toBe(l.recordId);
      if (l.system === 'zendesk') expect(world.zendesk.organizations.find((o) => String(o.id) === l.recordId)?.external_id).toBe(held(l.recordId, l.accountId));
      if (l.system === 'asana') expect(world.asana.projects.find((p) => p.gid === l.recordId)?.custom_fields[0]?.text_value).toBe(held(l.recordId, l.accountId));
    }
    expect(m.exactLinks.filter((l) => l.system === 'quickbooks').length).toBeGreaterThan(200);
  });

  it('plants short ids in each system holding an Account Id, QuickBooks ids naming no customer, and orphans', () => {
    const accounts = new Set(world.salesforce.accounts.map((a) => a.Id));
    const qbo = new Set(world.quickbooks.customers.map((c) => c.Id));
    for (const system of ['zendesk', 'asana'] as const) {
      const short = m.linkCases.filter((c) => c.rule === 'SHORT_ID' && c.system === system);
      expect(short.length).toBeGreaterThanOrEqual(2);
      for (const c of short) expect([c.storedId.length, accounts.has(c.accountId!), c.accountId!.startsWith(c.storedId)]).toEqual([15, true, true]);
      const orphans = m.linkCases.filter((c) => c.rule === 'ORPHAN' && c.system === system);
      expect(orphans.map((o) => o.rule === 'ORPHAN' && o.deleted)).toEqual([true, true, false]);
      for (const o of orphans) expect(accounts.has(o.storedId)).toBe(false);
    }
    const dangling = m.linkCases.filter((c) => c.rule === 'DANGLING_ID');
    expect(dangling.length).toBeGreaterThanOrEqual(2);
    for (const d of dangling) {
      expect(world.salesforce.accounts.find((a) => a.Id === d.accountId)?.QuickBooks_Customer_Id__c).toBe(d.storedId);
      expect(qbo.has(d.storedId)).toBe(false);
    }
  });

  it('plants heuristic, ambiguous and unlinked records in each system', () => {
    for (const l of m.heuristicLinks.filter((h) => h.system === 'quickbooks' && h.rule === 'NAME')) {
      const account = world.salesforce.accounts.find((a) => a.Id === l.accountId)!;
      const customer = world.quickbooks.customers.find((c) => c.Id === l.recordId)!;
      expect(customer.DisplayName).not.toBe(account.Name);
      expect(normaliseCompanyName(customer.DisplayName)).toBe(normaliseCompanyName(account.Name));
      expect(account.QuickBooks_Customer_Id__c).toBeNull();
    }
    for (const a of m.ambiguous) {
      const account = world.salesforce.accounts.find((x) => x.Id === a.accountId)!;
      const names = a.candidateIds.map((id) => normaliseCompanyName(world.quickbooks.customers.find((c) => c.Id === id)!.DisplayName));
      expect(new Set(names)).toEqual(new Set([normaliseCompanyName(account.Name)]));
    }
    expect(m.ambiguous.length).toBeGreaterThan(0);
    for (const system of ['salesforce', 'quickbooks', 'asana', 'zendesk'] as const) {
      expect(m.unlinked.some((u) => u.system === system)).toBe(true);
    }
    for (const system of ['quickbooks', 'asana', 'zendesk'] as const) {
      expect(m.heuristicLinks.some((u) => u.system === system)).toBe(true);
    }
  });

  it('plants address and e-mail conflicts between the CRM and accounting', () => {
    expect(m.conflicts.some((c) => c.field === 'billingAddress')).toBe(true);
    expect(m.conflicts.some((c) => c.field === 'email')).toBe(true);
    for (const c of m.conflicts) expect(c.crmValue).not.toBe(c.otherValue);
  });

  it('plants won deals with no project and completed milestones with no invoice on or after their date', () => {
    expect(m.wonDealsWithoutProject.length).toBeGreaterThan(0);
    for (const w of m.wonDealsWithoutProject) {
      const opp = world.salesforce.opportunities.find((o) => o.Id === w.opportunityId)!;
      expect(opp.IsWon).toBe(true);
      const projects = world.asana.projects.filter((p) => p.custom_fields[0]?.text_value === w.accountId && Date.parse(p.created_at) >= Date.parse(opp.CloseDate));
      expect(projects).toHaveLength(0);
    }
    expect(m.milestonesWithoutInvoice.length).toBeGreaterThan(0);
    for (const g of m.milestonesWithoutInvoice) {
      const qboId = world.salesforce.accounts.find((a) => a.Id === g.accountId)!.QuickBooks_Customer_Id__c!;
      const day = g.completedAt.slice(0, 10);
      expect(world.quickbooks.invoices.filter((i) => i.CustomerRef.value === qboId && i.TxnDate >= day)).toHaveLength(0);
    }
  });

  it('keeps clean accounts free of the planted cases', () => {
    const clean = new Set(m.cleanAccountIds);
    expect(clean.size).toBeGreaterThan(200);
    for (const list of [m.conflicts, m.wonDealsWithoutProject, m.milestonesWithoutInvoice, m.onHoldNothingOverdue, m.overdueWithUrgentTickets]) {
      for (const c of list) expect(clean.has(c.accountId)).toBe(false);
    }
    // no clean account has both an overdue invoice and an urgent open ticket
    const overdue = new Set(m.overdueInvoices.map((o) => o.accountId));
    const urgent = new Set(m.urgentOpenTickets.map((o) => o.accountId));
    for (const id of clean) expect(overdue.has(id) && urgent.has(id)).toBe(false);
  });

  it('lists overdue invoices and urgent open tickets from the records themselves', () => {
    expect(m.overdueInvoices.length).toBeGreaterThan(0);
    for (const o of m.overdueInvoices) {
      const inv = world.quickbooks.invoices.find((i) => i.Id === o.invoiceId)!;
      expect(inv.Balance).toBeGreaterThan(0);
      expect(Date.parse(inv.DueDate)).toBeLessThan(todayMs);
    }
    for (const u of m.urgentOpenTickets) {
      const t = world.zendesk.tickets.find((x) => String(x.id) === u.ticketId)!;
      expect(t.priority).toBe('urgent');
      expect(['new', 'open', 'pending', 'hold']).toContain(t.status);
    }
  });

  it('refuses a date that is not a date', () => {
    expect(() => generateWorld({ today: '27/11/2026' })).toThrow(/not a date/);
  });
});
