/**
 * Admins' link decisions: confirm a probable link, pick one of an ambiguous set, reject a link, link an unlinked
 * record by hand. Kept in Panorama's own store (the real one, in memory here), applied on every read — the page,
 * search, the lists and the review queue — shown on the section in words, undoable, audited, and refused (as bad
 * input, or forbidden) when they cannot be right. Nothing is written to any system.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../graphql/audit.js';
import { openStore, type StoreDb } from '../../app/.server/store/database.js';
import { LinkDecisionDbStore } from '../../app/.server/store/link-decisions.js';
import type { Manifest } from '../../sources/sandbox/manifest.js';
import { createHarness, gql, viewerFor, type Harness } from '../support/graphql.js';

const audit: AuditRecord[] = [];
let h: Harness;
let db: StoreDb;
let m: Manifest;
const admin = viewerFor('admin');

beforeAll(async () => {
  db = await openStore({ path: ':memory:' });
  h = createHarness({ size: 120, seed: 5, yoga: { decisions: new LinkDecisionDbStore(db), responseCache: { ttlMs: 0, maxEntries: 0, maxBytes: 0 }, audit: { write: (r) => void audit.push(r) } } });
  h.sandbox.listen();
  m = h.sandbox.state.world.manifest;
});
afterAll(async () => {
  h.sandbox.close();
  await db.destroy();
});

const DECIDE = /* GraphQL */ `
  mutation DecideLink($input: LinkDecisionInput!) {
    decideLink(input: $input) { id kind system accountId recordId reason by at text needsReview }
  }
`;
const UNDO = /* GraphQL */ `
  mutation UndoLink($id: ID!, $reason: String) { undoLinkDecision(id: $id, reason: $reason) { id kind } }
`;
const PAGE = /* GraphQL */ `
  query ($id: ID!) {
    customer(id: $id) {
      id
      links { system recordId rule confidence }
      ambiguousLinks { system }
      sections { system state message linkRule linkDecision { kind by text reason } }
    }
  }
`;
const QUEUE = /* GraphQL */ `{ identityReview { kind system accountId records { recordId } } }`;
const DECISIONS = /* GraphQL */ `{ linkDecisions { id kind system accountId recordId recordName accountName needsReview reviewReason text } }`;

type Page = {
  id: string;
  links: { system: string; recordId: string; rule: string }[];
  ambiguousLinks: { system: string }[];
  sections: { system: string; state: string; message: string | null; linkRule: string | null; linkDecision: { kind: string; by: string; text: string; reason: string | null } | null }[];
};

async function decide(input: Record<string, unknown>, viewer = admin) {
  return gql<{ decideLink: { id: string; text: string; accountId: string } }>(h, viewer, DECIDE, { input });
}
async function page(id: string): Promise<Page> {
  const r = await gql<{ customer: Page }>(h, admin, PAGE, { id });
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data!.customer;
}
async function queue() {
  const r = await gql<{ identityReview: { kind: string; system: string; accountId: string | null; records: { recordId: string }[] }[] }>(h, admin, QUEUE);
  expect(r.errors).toBeUndefined();
  return r.data!.identityReview;
}
const section = (p: Page, system: string) => p.sections.find((s) => s.system === system)!;
const ok = <T>(r: { data?: T | null; errors?: unknown[] }) => {
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data!;
};

describe('link decisions', () => {
  it('confirm: a probable link becomes the decided one on the page, in the queue and in the lists, with who and when', async () => {
    const probable = m.heuristicLinks.find((l) => l.system === 'quickbooks')!;
    const before = section(await page(probable.accountId), 'QUICKBOOKS');
    expect(before.linkRule).not.toBe('EXACT_ID');
    expect((await queue()).some((i) => i.kind === 'PROBABLE' && i.accountId === probable.accountId && i.records[0]!.recordId === probable.recordId)).toBe(true);

    audit.length = 0;
    const d = ok(await decide({ kind: 'CONFIRM', system: 'QUICKBOOKS', accountId: probable.accountId.slice(0, 15), recordId: probable.recordId, reason: 'Same billing contact' }));
    expect(d.decideLink).toMatchObject({ accountId: probable.accountId, text: 'confirmed by Morgan on 27 Nov' });
    // audited: who, the operation, the customer it is about
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ operation: 'DecideLink', userId: admin.id, role: 'admin', customerIds: [probable.accountId] });

    const after = await page(probable.accountId);
    expect(section(after, 'QUICKBOOKS')).toMatchObject({ linkRule: 'DECISION', linkDecision: { kind: 'CONFIRM', by: 'Morgan Blake', text: 'confirmed by Morgan on 27 Nov', reason: 'Same billing contact' } });
    expect(after.links).toContainEqual(expect.objectContaining({ system: 'QUICKBOOKS', recordId: probable.recordId, rule: 'DECISION' }));
    expect((await queue()).some((i) => i.accountId === probable.accountId && i.system === 'QUICKBOOKS')).toBe(false);
    // lists: the customer's overdue invoices are under it by the decision
    const rows = ok(await gql<{ overdueInvoices: { rows: { invoice: { customerId: string | null }; customer: { id: string } | null; link: { rule: string } | null }[] } }>(h, admin, '{ overdueInvoices(first: 500) { rows { invoice { id } customer { id } link { rule } } } }'));
    for (const row of rows.overdueInvoices.rows) if (row.customer?.id === probable.accountId) expect(row.link?.rule).toBe('DECISION');
  });

  it('pick: one candidate of an ambiguous set is linked; the others are left for review', async () => {
    const amb = m.ambiguous[0]!;
    expect((await page(amb.accountId)).ambiguousLinks.map((a) => a.system)).toEqual(['QUICKBOOKS']);
    ok(await decide({ kind: 'PICK', system: 'QUICKBOOKS', accountId: amb.accountId, recordId: amb.candidateIds[1]! }));
    const p = await page(amb.accountId);
    expect(p.ambiguousLinks).toEqual([]);
    expect(section(p, 'QUICKBOOKS')).toMatchObject({ linkRule: 'DECISION', linkDecision: { kind: 'PICK', text: 'picked by Morgan on 27 Nov' } });
    expect(section(p, 'QUICKBOOKS').state).not.toBe('AMBIGUOUS');
    const q = await queue();
    expect(q.some((i) => i.kind === 'AMBIGUOUS' && i.accountId === amb.accountId)).toBe(false);
    expect(q.some((i) => i.kind === 'UNLINKED' && i.system === 'QUICKBOOKS' && i.records[0]!.recordId === amb.candidateIds[0])).toBe(true);
  });

  it('reject: a probable link is gone everywhere, and the record is unlinked again', async () => {
    const probable = m.heuristicLinks.find((l) => l.system === 'zendesk')!;
    expect(section(await page(probable.accountId), 'ZENDESK').linkRule).toBe('DOMAIN');
    ok(await decide({ kind: 'REJECT', system: 'ZENDESK', accountId: probable.accountId, recordId: probable.recordId, reason: 'A reseller, not this customer' }));
    const p = await page(probable.accountId);
    expect(section(p, 'ZENDESK')).toMatchObject({ state: 'NOT_LINKED', linkDecision: { kind: 'REJECT', text: 'rejected by Morgan on 27 Nov', reason: 'A reseller, not this customer' } });
    expect(p.links.some((l) => l.system === 'ZENDESK')).toBe(false);
    expect((await queue()).some((i) => i.kind === 'UNLINKED' && i.system === 'ZENDESK' && i.records[0]!.recordId === probable.recordId)).toBe(true);
  });

  it('link by hand: an unlinked record joins a customer on the page and in search; undo puts it back', async () => {
    const trial = m.unlinked.find((u) => u.system === 'zendesk')!;
    const prospect = m.unlinked.find((u) => u.system === 'salesforce')!;
    const org = h.sandbox.state.world.zendesk.organizations.find((o) => String(o.id) === trial.recordId)!;
    const search = async () =>
      ok(await gql<{ customers: { nodes: { id: string }[] } }>(h, admin, 'query ($q: String) { customers(search: $q) { nodes { id } } }', { q: org.name })).customers.nodes.map((n) => n.id);
    expect(await search()).not.toContain(prospect.recordId);
    const d = ok(await decide({ kind: 'LINK', system: 'ZENDESK', accountId: prospect.recordId, recordId: trial.recordId, reason: 'Signed up for a trial before buying' }));
    const p = await page(prospect.recordId);
    expect(section(p, 'ZENDESK')).toMatchObject({ state: expect.stringMatching(/LIVE|CACHED/), linkRule: 'DECISION', linkDecision: { text: 'linked by hand by Morgan on 27 Nov' } });
    expect(await search()).toContain(prospect.recordId);
    const q = await queue();
    expect(q.some((i) => i.records.some((r) => r.recordId === trial.recordId))).toBe(false);
    expect(q.some((i) => i.kind === 'UNLINKED' && i.records[0]!.recordId === prospect.recordId)).toBe(false);

    const decisions = ok(await gql<{ linkDecisions: { id: string; kind: string; recordName: string | null; needsReview: boolean }[] }>(h, admin, DECISIONS)).linkDecisions;
    expect(decisions[0]).toMatchObject({ id: d.decideLink.id, kind: 'LINK', recordName: org.name, needsReview: false });

    ok(await gql(h, admin, UNDO, { id: d.decideLink.id, reason: 'Wrong prospect' }));
    expect(section(await page(prospect.recordId), 'ZENDESK').state).toBe('NOT_LINKED');
    expect(await search()).not.toContain(prospect.recordId);
    expect((await queue()).some((i) => i.kind === 'UNLINKED' && i.records[0]!.recordId === trial.recordId)).toBe(true);
    // undone is undone: a second undo names the problem
    const again = await gql(h, admin, UNDO, { id: d.decideLink.id });
    expect(again.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringContaining('undone already') });
    // the store keeps who undid it, when and why
    const row = await db.selectFrom('link_decision').selectAll().where('id', '=', d.decideLink.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ undone_by_name: 'Morgan Blake', undo_reason: 'Wrong prospect', reason: 'Signed up for a trial before buying' });
  });

  it('a decision whose record disappears is flagged for review, and its section says so', async () => {
    const trial = m.unlinked.filter((u) => u.system === 'quickbooks').at(-1)!;
    const prospect = m.unlinked.filter((u) => u.system === 'salesforce').at(-1)!;
    ok(await decide({ kind: 'LINK', system: 'QUICKBOOKS', accountId: prospect.recordId, recordId: trial.recordId }));
    expect(section(await page(prospect.recordId), 'QUICKBOOKS').linkRule).toBe('DECISION');
    // the customer is removed in QuickBooks
    const books = h.sandbox.state.world.quickbooks.customers;
    books.splice(books.findIndex((c) => c.Id === trial.recordId), 1);
    h.runtime.cache.clear();
    const decisions = ok(await gql<{ linkDecisions: { recordId: string; needsReview: boolean; reviewReason: string | null }[] }>(h, admin, DECISIONS)).linkDecisions;
    expect(decisions.find((d) => d.recordId === trial.recordId)).toMatchObject({ needsReview: true, reviewReason: `QuickBooks no longer has customer ${trial.recordId}.` });
    const s = section(await page(prospect.recordId), 'QUICKBOOKS');
    expect(s.state).toBe('BROKEN_LINK');
    expect(s.message).toContain('flagged for review');
  });

  it('refuses what cannot be right, naming the problem, and records nothing', async () => {
    const count = async () => (await db.selectFrom('link_decision').select((e) => e.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
    const before = await count();
    const exact = m.exactLinks.find((l) => l.system === 'quickbooks')!;
    const probable = m.heuristicLinks.filter((l) => l.system === 'quickbooks')[1]!;
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ kind: 'LINK', system: 'SALESFORCE', accountId: exact.accountId, recordId: exact.accountId }, /^system must be a system whose records link to customers \(QUICKBOOKS, ASANA, ZENDESK\)/],
      [{ kind: 'LINK', system: 'QUICKBOOKS', accountId: 'acme', recordId: '1' }, /^accountId "acme" is not a customer id: expected a 15- or 18-character Salesforce Account Id/],
      [{ kind: 'LINK', system: 'QUICKBOOKS', accountId: `${exact.accountId.slice(0, 15)}ZZZ`, recordId: '1' }, /is not a valid Salesforce Account Id/],
      [{ kind: 'LINK', system: 'QUICKBOOKS', accountId: '001Pn0000000ZZZ', recordId: '1' }, /^Salesforce has no account 001Pn0000000ZZZ/],
      [{ kind: 'CONFIRM', system: 'QUICKBOOKS', accountId: probable.accountId, recordId: '999999' }, /^QuickBooks has no customer 999999\.$/],
      [{ kind: 'CONFIRM', system: 'QUICKBOOKS', accountId: probable.accountId, recordId: exact.recordId }, /are not a probable link/],
      [{ kind: 'REJECT', system: 'QUICKBOOKS', accountId: exact.accountId, recordId: exact.recordId }, /linked by an id held in Salesforce: correct the id there/],
      [{ kind: 'LINK', system: 'QUICKBOOKS', accountId: probable.accountId, recordId: exact.recordId }, /is already linked by id to/],
      [{ kind: 'CONFIRM', system: 'QUICKBOOKS', accountId: probable.accountId, recordId: probable.recordId, reason: 'x'.repeat(501) }, /^reason is limited to 500 characters, got 501/],
    ];
    for (const [input, message] of cases) {
      const r = await decide(input);
      expect(r.errors?.[0], JSON.stringify(input)).toMatchObject({ message: expect.stringMatching(message), extensions: { code: 'BAD_USER_INPUT' } });
      expect(r.status).toBeLessThan(500);
    }
    expect(await count()).toBe(before);
  });

  it('only admins decide: the policy refuses every other role on the server', async () => {
    const probable = m.heuristicLinks.filter((l) => l.system === 'quickbooks')[1]!;
    for (const role of ['support', 'account_manager', 'finance'] as const) {
      const r = await decide({ kind: 'CONFIRM', system: 'QUICKBOOKS', accountId: probable.accountId, recordId: probable.recordId }, viewerFor(role));
      expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const undo = await gql(h, viewerFor(role), UNDO, { id: 'anything' });
      expect(undo.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const list = await gql(h, viewerFor(role), DECISIONS);
      expect(list.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect(section(await page(probable.accountId), 'QUICKBOOKS').linkRule).not.toBe('DECISION');
  });
});
