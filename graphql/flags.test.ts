import { describe, expect, it } from 'vitest';
import type { AccountingCustomer, CrmCustomer, Invoice, ProjectsCustomer, SupportCustomer, Ticket } from '../sources/kit/domain.js';
import type { SourceId } from '../sources/kit/errors.js';
import { computeFlags, type Flag } from './flags.js';
import { healthScore } from './health.js';
import { resolveMastered } from './source-of-truth.js';
import { FLAG_POLICY, redactFlag, redactFlags, redactHealthInput, redactTimeline } from './redact.js';
import { buildTimeline, pageTimeline } from './timeline.js';
import { flagMessage, healthDetail, healthIncomplete, timelineTitle } from './wording.js';
import { systemsOf } from '../sources/kit/contract.js';
import { SOURCE_MODULES } from '../sources/modules.js';

const SYSTEMS = systemsOf(SOURCE_MODULES);

const today = new Date('2026-11-27T10:00:00Z');
const address = { street: '1 Main St', city: 'Springfield', region: 'OR', postalCode: '97477', country: 'USA' };

function crm(over: Partial<CrmCustomer> = {}): CrmCustomer {
  return {
    account: {
      id: '001A',
      name: 'Acme Inc',
      website: 'https://www.acme.example',
      phone: null,
      industry: null,
      tier: 'Gold',
      billingAddress: address,
      shippingAddress: null,
      owner: null,
      accountingCustomerId: '7',
      createdAt: '2025-01-01T00:00:00Z',
      updatedAt: '2025-01-01T00:00:00Z',
    },
    contacts: [{ id: '003A', accountId: '001A', name: 'Ann Lee', title: null, email: 'ann@acme.example', phone: null, primary: true }],
    opportunities: [{ id: '006A', accountId: '001A', name: 'Rollout', stage: 'Closed Won', amount: 1000, currency: 'USD', closeDate: '2026-06-01', outcome: 'WON', owner: null }],
    ...over,
  };
}
const invoice = (over: Partial<Invoice>): Invoice => ({
  id: '1',
  customerId: '7',
  number: '1001',
  date: '2026-06-05',
  dueDate: '2026-07-05',
  total: 100,
  balance: 0,
  currency: 'USD',
  status: 'PAID',
  daysOverdue: 0,
  sent: true,
  memo: null,
  ...over,
});
function accounting(invoices: Invoice[], over: Partial<AccountingCustomer['customer']> = {}): AccountingCustomer {
  return {
    customer: { id: '7', displayName: 'Acme Inc', companyName: 'Acme Inc', email: 'ann@acme.example', phone: null, billingAddress: address, balance: 0, currency: 'USD', active: true, ...over },
    invoices,
    payments: [],
  };
}
function projects(over: Partial<ProjectsCustomer['projects'][number]> = {}): ProjectsCustomer {
  return {
    projects: [
      {
        id: 'p1',
        name: 'Acme Inc — Rollout',
        owner: null,
        status: 'ON_TRACK',
        statusText: null,
        dueOn: '2027-01-01',
        startOn: '2026-06-03',
        createdAt: '2026-06-03T10:00:00Z',
        archived: false,
        crmAccountId: '001A',
        taskCount: 4,
        completedTaskCount: 2,
        overdueTaskCount: 0,
        milestones: [{ id: 'm1', projectId: 'p1', name: 'Kick-off', dueOn: '2026-06-04', completed: true, completedAt: '2026-06-04T12:00:00Z' }],
        ...over,
      },
    ],
  };
}
const ticket = (over: Partial<Ticket>): Ticket => ({
  id: '55',
  subject: 'Down',
  status: 'OPEN',
  priority: 'NORMAL',
  type: null,
  requester: null,
  assignee: null,
  createdAt: '2026-11-20T00:00:00Z',
  updatedAt: '2026-11-21T00:00:00Z',
  satisfaction: null,
  ...over,
});
const support = (tickets: Ticket[]): SupportCustomer => ({
  organization: { id: '900', name: 'Acme Inc', crmAccountId: '001A', domains: ['acme.example'], createdAt: '2025-01-01T00:00:00Z' },
  tickets,
});

/** The words an admin (who may read every fact) reads for a flag. */
const said = (f: Flag) => flagMessage(redactFlag('admin', f)!, SYSTEMS);

function flagsOf(c: CrmCustomer | null, a: AccountingCustomer | null, p: ProjectsCustomer | null, s: SupportCustomer | null, missing: SourceId[] = []) {
  const mastered = resolveMastered({ crm: c, accounting: a, support: s, accountingExact: true }, { defaultPhoneRegion: 'US', systems: SYSTEMS });
  return computeFlags({ crm: c, accounting: a, projects: p, support: s, mastered, today, wonDealGraceDays: 14, systems: SYSTEMS, missing });
}

describe('flags', () => {
  it('raises nothing on a clean customer', () => {
    expect(flagsOf(crm(), accounting([invoice({})]), projects(), support([ticket({})]))).toEqual([]);
  });

  it('shows an address conflict with both values and the system of record', () => {
    const flags = flagsOf(crm(), accounting([invoice({})], { billingAddress: { ...address, street: '9 Elm Rd' } }), projects(), null);
    expect(flags).toHaveLength(1);
    expect(flags[0]!.kind).toBe('CONFLICT');
    expect(said(flags[0]!)).toContain('1 Main St');
    expect(said(flags[0]!)).toContain('9 Elm Rd');
    expect(said(flags[0]!)).toContain('Salesforce (the system of record)');
  });

  it('treats addresses that differ only in spelling of case, spaces and country as the same', () => {
    const flags = flagsOf(crm(), accounting([invoice({})], { billingAddress: { ...address, street: '1  MAIN st', country: 'United States' } }), projects(), null);
    expect(flags).toEqual([]);
  });

  it('flags a won deal with no project after the grace days, but not before', () => {
    const c = crm({ opportunities: [{ id: '006B', accountId: '001A', name: 'Renewal', stage: 'Closed Won', amount: 5, currency: 'EUR', closeDate: '2026-10-01', outcome: 'WON', owner: null }, ...crm().opportunities] });
    const flags = flagsOf(c, accounting([invoice({})]), projects(), null);
    expect(flags.map((f) => f.kind)).toEqual(['WON_DEAL_WITHOUT_PROJECT']);
    expect(flags[0]!.records[0]!.recordId).toBe('006B');
    // the deal's amount in the deal's own currency
    expect((flags[0]!.facts as { dealAmount: unknown }).dealAmount).toEqual({ amount: 5, currency: 'EUR' });
    const recent = crm({ opportunities: [{ ...c.opportunities[0]!, closeDate: '2026-11-20' }, ...crm().opportunities] });
    expect(flagsOf(recent, accounting([invoice({})]), projects(), null)).toEqual([]);
  });

  it('flags a won deal past the grace days when the projects system answered with no project for the customer', () => {
    const flags = flagsOf(crm(), accounting([invoice({})]), null, null);
    expect(flags.map((f) => f.kind)).toEqual(['WON_DEAL_WITHOUT_PROJECT']);
    expect(flags[0]!.records[0]!.recordId).toBe('006A');
    // within the grace days it is not yet a gap
    const recent = crm({ opportunities: [{ ...crm().opportunities[0]!, closeDate: '2026-11-20' }] });
    expect(flagsOf(recent, accounting([invoice({})]), null, null)).toEqual([]);
  });

  it('says the won-deal rule could not check when the projects system failed, without raising a gap or costing health', () => {
    const flags = flagsOf(crm(), accounting([invoice({})]), null, null, [SYSTEMS.projects.id]);
    expect(flags.map((f) => f.kind)).toEqual(['RULE_NOT_CHECKED']);
    expect(said(flags[0]!)).toBe(`Couldn't check whether won deals have a project: ${SYSTEMS.projects.name} unavailable.`);
    const health = healthScore({ accounting: accounting([invoice({})]), projects: null, support: null, flags, missing: [SYSTEMS.projects.id], systems: SYSTEMS });
    expect(health.inputs.find((i) => i.key === 'HANDOFF_GAPS')!.impact).toBe(0);
    // nothing to check: no won deal past its grace days
    const recent = crm({ opportunities: [{ ...crm().opportunities[0]!, closeDate: '2026-11-20' }] });
    expect(flagsOf(recent, accounting([invoice({})]), null, null, [SYSTEMS.projects.id])).toEqual([]);
  });

  it('flags a completed milestone with no invoice on or after its date', () => {
    const flags = flagsOf(crm(), accounting([invoice({ date: '2026-06-01' })]), projects(), null);
    expect(flags.map((f) => f.kind)).toEqual(['MILESTONE_NOT_INVOICED']);
    expect(said(flags[0]!)).toMatch(/completed on 4 Jun 2026/);
    expect(said(flags[0]!)).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  it('flags a project on hold while nothing is overdue, but not while something is', () => {
    expect(flagsOf(crm(), accounting([invoice({})]), projects({ status: 'ON_HOLD' }), null).map((f) => f.kind)).toEqual(['ON_HOLD_NOTHING_OVERDUE']);
    const overdue = accounting([invoice({}), invoice({ id: '2', status: 'OVERDUE', balance: 50, daysOverdue: 40 })]);
    expect(flagsOf(crm(), overdue, projects({ status: 'ON_HOLD' }), null)).toEqual([]);
  });

  it('names money open but not yet due on a project on hold, and never calls it paid up', () => {
    const notDue = accounting([invoice({}), invoice({ id: '2', status: 'SENT', total: 300, balance: 250, dueDate: '2026-12-20' })]);
    const flags = flagsOf(crm(), notDue, projects({ status: 'ON_HOLD' }), null);
    expect(flags.map((f) => f.kind)).toEqual(['ON_HOLD_NOTHING_OVERDUE']);
    expect(flags[0]!.facts).toMatchObject({ overdueInvoiceCount: 0, openInvoiceCount: 1, openBalance: { amount: 250, currency: 'USD' } });
    expect(said(flags[0]!)).toContain('$250.00 is open on 1 invoice, not yet due');
    expect(said(flags[0]!)).not.toMatch(/paid up|nothing is open/i);
    // with nothing open at all, it says so
    expect(said(flagsOf(crm(), accounting([invoice({})]), projects({ status: 'ON_HOLD' }), null)[0]!)).toContain('nothing is open either');
    // a role without BILLING learns that money is open, not how much
    const support = flagMessage(redactFlag('support', flags[0]!)!, SYSTEMS);
    expect(support).toContain('open on 1 invoice, not yet due');
    expect(support).not.toContain('$250');
  });

  it('flags an overdue balance together with urgent open tickets', () => {
    const overdue = accounting([invoice({}), invoice({ id: '2', status: 'OVERDUE', balance: 50, daysOverdue: 40 })]);
    const flags = flagsOf(crm(), overdue, projects(), support([ticket({ priority: 'URGENT' })]));
    expect(flags.map((f) => f.kind)).toEqual(['OVERDUE_WITH_URGENT_TICKETS']);
    expect(said(flags[0]!)).toContain('$50.00');
    expect(flags[0]!.records.map((r) => r.entity)).toEqual(['Ticket', 'Invoice']);
    // a solved urgent ticket is not a reason
    expect(flagsOf(crm(), overdue, projects(), support([ticket({ priority: 'URGENT', status: 'SOLVED' })]))).toEqual([]);
  });

  it('raises no gap it cannot see when a system did not load', () => {
    expect(flagsOf(crm(), null, projects({ status: 'ON_HOLD' }), null)).toEqual([]);
    expect(flagsOf(null, accounting([invoice({})], { email: 'x@y.example' }), projects(), null)).toEqual([]);
  });
});

describe('timeline', () => {
  const all = buildTimeline({ crm: crm(), accounting: accounting([invoice({})]), projects: projects(), support: support([ticket({ status: 'SOLVED' })]), today, systems: SYSTEMS });

  it('merges every system into one newest-first stream', () => {
    expect(all.map((e) => e.type)).toEqual(['TICKET_SOLVED', 'TICKET_OPENED', 'INVOICE_ISSUED', 'MILESTONE_COMPLETED', 'PROJECT_CREATED', 'DEAL_WON']);
  });

  it('filters by system and type and pages with a cursor', () => {
    expect(pageTimeline(all, { first: 10, systems: ['asana'] }).events.map((e) => e.type)).toEqual(['MILESTONE_COMPLETED', 'PROJECT_CREATED']);
    expect(pageTimeline(all, { first: 10, types: ['DEAL_WON'] }).totalCount).toBe(1);
    const p1 = pageTimeline(all, { first: 4 });
    expect(p1.hasNextPage).toBe(true);
    const p2 = pageTimeline(all, { first: 4, after: p1.endCursor });
    expect(p2.events.map((e) => e.type)).toEqual(['PROJECT_CREATED', 'DEAL_WON']);
    expect(p2.hasNextPage).toBe(false);
    expect(() => pageTimeline(all, { first: 4, after: 'bm9wZQ' })).toThrow(/cursor/);
  });
});

describe('health score', () => {
  it('is 100 with nothing wrong, and each input explains what it took off', () => {
    const good = healthScore({ accounting: accounting([invoice({})]), projects: projects(), support: support([]), flags: [], missing: [], systems: SYSTEMS });
    expect(good.score).toBe(100);
    expect(good.inputs.every((i) => i.impact === 0 && i.weight > 0)).toBe(true);
    const bad = healthScore({
      accounting: accounting([invoice({ id: '2', status: 'OVERDUE', balance: 50, daysOverdue: 90 })]),
      projects: projects({ status: 'OFF_TRACK' }),
      support: support([ticket({ priority: 'URGENT' })]),
      flags: [],
      missing: [],
      systems: SYSTEMS,
    });
    expect(bad.score).toBe(100 - 30 - 10 - 10);
    expect(bad.grade).toBe('FAIR');
    expect(bad.incomplete).toEqual([]);
    expect(healthIncomplete(bad.incomplete, SYSTEMS)).toBeNull();
    expect(bad.inputs.find((i) => i.key === 'OVERDUE_BALANCE')!.records[0]!.recordId).toBe('2');
  });

  it('gives no score or grade while an input is unavailable, and says which in words', () => {
    const h = healthScore({ accounting: null, projects: projects(), support: support([]), flags: [], missing: [SYSTEMS.accounting.id], systems: SYSTEMS });
    expect(h.score).toBeNull();
    expect(h.grade).toBeNull();
    expect(h.missing).toEqual([SYSTEMS.accounting.id]);
    expect(h.incomplete).toEqual([{ source: SYSTEMS.accounting.id, reason: 'UNAVAILABLE' }]);
    expect(healthIncomplete(h.incomplete, SYSTEMS)).toBe(`Incomplete: billing unavailable (${SYSTEMS.accounting.name})`);
    // what the inputs that did answer found is still explained
    expect(h.inputs.map((i) => i.key)).toContain('URGENT_TICKETS');
  });

  it('gives no score while a link is ambiguous, and names each gap once', () => {
    const h = healthScore({
      accounting: accounting([invoice({})]),
      projects: projects(),
      support: null,
      flags: [],
      missing: [SYSTEMS.projects.id],
      ambiguous: [SYSTEMS.support.id, SYSTEMS.projects.id],
      systems: SYSTEMS,
    });
    expect(h.score).toBeNull();
    expect(h.grade).toBeNull();
    expect(h.incomplete).toEqual([
      { source: SYSTEMS.projects.id, reason: 'UNAVAILABLE' },
      { source: SYSTEMS.support.id, reason: 'AMBIGUOUS' },
    ]);
    expect(healthIncomplete(h.incomplete, SYSTEMS)).toBe(
      `Incomplete: projects unavailable (${SYSTEMS.projects.name}); support ambiguous (${SYSTEMS.support.name} has more than one record that may be this customer)`,
    );
  });
});

describe('role policy on facts', () => {
  const overdue = accounting([invoice({}), invoice({ id: '2', status: 'OVERDUE', balance: 9500, daysOverdue: 40 })]);
  const urgent = support([ticket({ priority: 'URGENT', subject: 'Checkout is down' })]);
  const wonLate = crm({ opportunities: [{ id: '006B', accountId: '001A', name: 'Renewal', stage: 'Closed Won', amount: 40_000, currency: 'USD', closeDate: '2026-10-01', outcome: 'WON', owner: null }, ...crm().opportunities] });

  it('tells support that money is overdue while urgent tickets are open, without the amount or the invoices', () => {
    const [flag] = flagsOf(crm(), overdue, projects(), urgent);
    const forSupport = redactFlag('support', flag!)!;
    expect(forSupport.facts).toEqual({ overdueAmount: null, overdueInvoiceCount: 1, urgentTicketCount: 1 });
    expect(forSupport.withheld).toEqual(['overdueAmount']);
    expect(forSupport.records.map((r) => r.entity)).toEqual(['Ticket']);
    expect(flagMessage(forSupport, SYSTEMS)).toBe('An overdue balance on 1 invoice while 1 urgent ticket is open: handle the support issue before chasing payment.');
    // finance reads the amount and the invoices, but not the ticket (its subject)
    const forFinance = redactFlag('finance', flag!)!;
    expect(flagMessage(forFinance, SYSTEMS)).toContain('$9,500.00 is overdue on 1 invoice');
    expect(forFinance.records.map((r) => r.entity)).toEqual(['Invoice']);
  });

  it('tells roles without deals that a won deal has no project, and nothing about the deal', () => {
    const [flag] = flagsOf(wonLate, accounting([invoice({})]), projects(), null);
    for (const role of ['support', 'finance'] as const) {
      const r = redactFlag(role, flag!)!;
      expect(r.facts).toEqual({ deal: null, dealAmount: null, wonOn: null, daysSinceWon: null, graceDays: 14 });
      expect(r.records).toEqual([]);
      expect(flagMessage(r, SYSTEMS)).toBe('A deal won more than 14 days ago has no project started for it in Asana.');
    }
    expect(flagMessage(redactFlag('account_manager', flag!)!, SYSTEMS)).toBe('Deal “Renewal” was won 57 days ago (1 Oct 2026) and no project has been started for it in Asana.');
  });

  it('writes the health score\'s hand-off gaps from the redacted flags', () => {
    const flags = flagsOf(wonLate, overdue, projects(), urgent);
    const h = healthScore({ accounting: overdue, projects: projects(), support: urgent, flags, missing: [], systems: SYSTEMS });
    const gaps = h.inputs.find((i) => i.key === 'HANDOFF_GAPS')!;
    const forSupport = healthDetail(redactHealthInput('support', gaps), SYSTEMS);
    expect(forSupport).not.toMatch(/\$|Renewal|Checkout/);
    expect(forSupport).toContain('An overdue balance on 1 invoice');
    expect(healthDetail(redactHealthInput('admin', gaps), SYSTEMS)).toMatch(/Deal “Renewal”.*\$9,500\.00 is overdue/);
    expect(redactHealthInput('finance', gaps).records.map((r) => r.entity)).not.toContain('Ticket');
  });

  it('lets every role learn that each rule fired: the health score counts the gaps for every role anyway', () => {
    const flags = [...flagsOf(wonLate, overdue, projects({ status: 'ON_HOLD' }), urgent), ...flagsOf(crm(), accounting([invoice({ date: '2026-06-01' })]), projects(), null)];
    expect(new Set(flags.map((f) => f.kind)).size).toBe(3);
    for (const role of ['support', 'account_manager', 'finance', 'admin'] as const) expect(redactFlags(role, flags)).toHaveLength(flags.length);
  });

  it('withholds a rule as a whole from a role its policy does not allow, and the health detail counts it as hidden', () => {
    // no role lacks the groups today's rules need, so a stricter policy shows that the check holds
    const strict = { ...FLAG_POLICY, OVERDUE_WITH_URGENT_TICKETS: { ...FLAG_POLICY.OVERDUE_WITH_URGENT_TICKETS, requires: ['BILLING' as const] } };
    const flags = flagsOf(crm(), overdue, projects(), urgent);
    expect(redactFlags('support', flags, strict)).toEqual([]);
    expect(redactFlags('finance', flags, strict)).toHaveLength(1);
    const h = healthScore({ accounting: overdue, projects: projects(), support: urgent, flags, missing: [], systems: SYSTEMS });
    const gaps = redactHealthInput('support', h.inputs.find((i) => i.key === 'HANDOFF_GAPS')!, strict);
    expect(gaps.facts).toEqual({ gaps: [], hiddenGaps: 1 });
    expect(healthDetail(gaps, SYSTEMS)).toBe('1 gap not shown to your role.');
  });

  it('shows timeline amounts only to the roles of their group', () => {
    const events = buildTimeline({ crm: wonLate, accounting: overdue, projects: projects(), support: urgent, today, systems: SYSTEMS });
    const titles = (role: 'support' | 'finance' | 'account_manager') => redactTimeline(role, events).map(timelineTitle).join('\n');
    expect(titles('support')).not.toMatch(/\$|Renewal|Deal|Invoice/);
    expect(titles('support')).toContain('Checkout is down');
    expect(titles('finance')).toContain('Invoice 1001 issued: $100.00');
    expect(titles('finance')).not.toMatch(/Renewal|\$40,000|Checkout/);
    expect(titles('account_manager')).toContain('Deal won: Renewal ($40,000.00)');
  });
});
