import { describe, expect, it } from 'vitest';
import { systemsOf, type Systems } from '../sources/kit/contract.js';
import type { AccountingCustomerRecord, ProjectIndexRow, SupportOrganization } from '../sources/kit/domain.js';
import { SOURCE_MODULES } from '../sources/modules.js';
import { IdentityMatcher, canonicalAccountId, linkState, reviewQueue } from './identity.js';
import { DecisionIndex, type LinkDecision } from './link-decisions.js';

const SYSTEMS = systemsOf(SOURCE_MODULES);
/** The same systems, with link rules of another shape: what a different module in a category would declare. */
function withLinks<C extends 'accounting' | 'projects' | 'support'>(category: C, links: Systems[C]['links']): Systems {
  return { ...SYSTEMS, [category]: { ...SYSTEMS[category], links } };
}

const account = { id: '001000000000001AAA', name: 'Acme Inc', website: 'https://acme.example', accountingCustomerId: null };
const customer = (id: string, name: string, email: string | null = null): AccountingCustomerRecord =>
  ({ id, displayName: name, companyName: null, email, phone: null, billingAddress: null, balance: 0, currency: 'USD' }) as AccountingCustomerRecord;
const project = (id: string, name: string): ProjectIndexRow =>
  ({ id, name, crmAccountId: null, archived: false, createdAt: '2026-01-01T00:00:00Z', status: 'ON_TRACK', statusText: null, dueOn: null }) as ProjectIndexRow;
const org = (id: string, name: string, domains: string[] = []): SupportOrganization => ({ id, name, crmAccountId: null, domains, createdAt: '2026-01-01T00:00:00Z' });

describe('identity follows the link rules each module declares', () => {
  it('finds projects by the naming convention of the projects module, and only by it', () => {
    const input = { accounts: [account], accountingCustomers: null, organizations: null, projects: [project('1', 'Acme Inc — Website rebuild')] };
    expect(new IdentityMatcher(SYSTEMS, input).candidates('projects', account).map((c) => [c.source, c.recordId, c.rules])).toEqual([[SYSTEMS.projects.id, '1', ['NAME']]]);
    const plain = withLinks('projects', { heuristics: ['NAME'], manyPerCustomer: true });
    expect(new IdentityMatcher(plain, input).candidates('projects', account)).toEqual([]);
  });

  it('uses only the heuristic keys a module names', () => {
    const input = { accounts: [account], accountingCustomers: [customer('7', 'Other name', 'billing@acme.example')], organizations: null, projects: null };
    expect(new IdentityMatcher(SYSTEMS, input).candidates('accounting', account).map((c) => c.rules)).toEqual([['DOMAIN']]);
    expect(new IdentityMatcher(withLinks('accounting', { heuristics: ['NAME'], manyPerCustomer: false }), input).candidates('accounting', account)).toEqual([]);
  });

  it('calls several candidates ambiguous unless a customer may have several of the records', () => {
    const input = { accounts: [account], accountingCustomers: null, organizations: [org('1', 'Acme Inc'), org('2', 'Acme, Inc.')], projects: null };
    const candidates = new IdentityMatcher(SYSTEMS, input).candidates('support', account);
    expect(candidates).toHaveLength(2);
    expect(linkState(SYSTEMS.support.links.manyPerCustomer, false, candidates)).toBe('AMBIGUOUS');
    expect(linkState(true, false, candidates)).toBe('PROBABLE');
    const queue = reviewQueue(SYSTEMS, input);
    expect(queue.filter((i) => i.kind === 'AMBIGUOUS').map((i) => i.kind === 'AMBIGUOUS' && i.source)).toEqual([SYSTEMS.support.id]);
    const many = reviewQueue(withLinks('support', { heuristics: ['NAME', 'DOMAIN'], manyPerCustomer: true }), input);
    expect(many.filter((i) => i.kind === 'PROBABLE')).toHaveLength(2);
  });
});

describe('the composition', () => {
  it('has one module per category, and the CRM says what its account ids look like', () => {
    expect(Object.values(SYSTEMS).map((s) => s.category)).toEqual(['crm', 'accounting', 'projects', 'support']);
    expect(SYSTEMS.crm.accountIds?.recognise('001000000000001AAA')).toBe(true);
    expect(SYSTEMS.crm.accountIds?.recognise('not an id')).toBe(false);
  });

  it('refuses two modules serving one category, or a category served by none', () => {
    const [crm, accounting, projects, support] = SOURCE_MODULES;
    expect(() => systemsOf([crm, accounting, projects, support, { ...accounting, id: 'quickbooks' }])).toThrow(/two source modules serve accounting/);
    expect(() => systemsOf([crm, accounting, projects])).toThrow(/no source module serves support/);
    expect(() => systemsOf([{ ...crm, accountIds: undefined }, accounting, projects, support])).toThrow(/declares no account id rules/);
  });
});

describe('one id, broken ids, orphans and decisions in the identity rules', () => {
  // a real 18-character id and its 15-character form
  const id18 = '001Pn000000000yIAA';
  const acme = { id: id18, name: 'Acme Inc', website: 'https://acme.example', accountingCustomerId: '4711' };
  const held = (o: SupportOrganization, crmAccountId: string): SupportOrganization => ({ ...o, crmAccountId });

  it('takes the 15-character form held elsewhere as the same account id, in the matcher and the queue', () => {
    expect(canonicalAccountId(SYSTEMS, id18.slice(0, 15))).toBe(id18);
    expect(canonicalAccountId(SYSTEMS, id18.toLowerCase())).toBe(id18);
    const input = { accounts: [acme], accountingCustomers: [customer('4711', 'Acme Inc')], organizations: [held(org('9', 'Acme Inc'), id18.slice(0, 15))], projects: null };
    const matcher = new IdentityMatcher(SYSTEMS, input);
    expect(matcher.exactIdsFor('support', id18)).toEqual(['9']);
    expect(matcher.ownerOf('support', '9')).toMatchObject({ accountId: id18, rule: 'EXACT_ID' });
    expect(matcher.candidates('support', acme)).toEqual([]);
    expect(reviewQueue(SYSTEMS, input)).toEqual([]);
  });

  it('lists an id naming no record as broken, and a record pointing at no account as an orphan', () => {
    const gone = '001Pn00000001JcIAI';
    const input = { accounts: [acme], accountingCustomers: [customer('58', 'Walk-in')], organizations: [held(org('9', 'Former customer'), gone)], projects: null };
    const queue = reviewQueue(SYSTEMS, input);
    expect(queue).toContainEqual({ kind: 'BROKEN', accountId: id18, accountName: 'Acme Inc', source: SYSTEMS.accounting.id, recordId: '4711' });
    expect(queue).toContainEqual({ kind: 'ORPHAN', source: SYSTEMS.support.id, recordId: '9', name: 'Former customer', pointsAt: gone });
    // an orphan is never a customer's record, nor listed again as merely unlinked
    expect(new IdentityMatcher(SYSTEMS, input).ownerOf('support', '9')).toBeNull();
    expect(queue.filter((i) => i.kind === 'UNLINKED' && i.recordId === '9')).toEqual([]);
  });

  it('applies decisions: a link by hand owns the record, a rejection removes the candidate, the latest decision wins', () => {
    const base = { source: SYSTEMS.support.id, accountId: id18, reason: null, byId: 'a', byName: 'Morgan Blake' };
    const input = { accounts: [{ ...acme, accountingCustomerId: null }], accountingCustomers: null, organizations: [org('1', 'Acme Inc'), org('2', 'Trial 42')], projects: null };
    const decided = (ds: LinkDecision[]) => new IdentityMatcher(SYSTEMS, { ...input, decisions: new DecisionIndex(ds) });
    expect(decided([]).candidates('support', acme).map((c) => c.recordId)).toEqual(['1']);
    const linked = decided([{ ...base, id: 'd1', kind: 'LINK', recordId: '2', at: 1 }]);
    expect(linked.ownerOf('support', '2')).toMatchObject({ accountId: id18, rule: 'DECISION' });
    expect(linked.decidedFor('support', id18).map((d) => d.recordId)).toEqual(['2']);
    const rejected = decided([{ ...base, id: 'd2', kind: 'REJECT', recordId: '1', at: 1 }]);
    expect(rejected.candidates('support', acme)).toEqual([]);
    expect(reviewQueue(SYSTEMS, { ...input, decisions: rejected.decisions }).filter((i) => i.kind === 'UNLINKED').map((i) => i.kind === 'UNLINKED' && i.recordId)).toEqual([id18, '1', '2']);
    const changed = decided([
      { ...base, id: 'd3', kind: 'CONFIRM', recordId: '1', at: 1 },
      { ...base, id: 'd4', kind: 'REJECT', recordId: '1', at: 2 },
    ]);
    expect([changed.decidedFor('support', id18), changed.candidates('support', acme)]).toEqual([[], []]);
  });
});
