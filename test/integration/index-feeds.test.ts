/**
 * Indexes kept by change, not by re-reading: after the first full read, each round of index upkeep asks the
 * vendor's change feed what changed and applies it to the cached index (the entry the loaders and the GraphQL
 * layer read). A record renamed, created or deleted in the sandbox is in the index after the next round without a
 * full read; a cursor too old, or the long interval, costs one full read; a failing feed leaves the index as it
 * was, marked stale, never blank. The clock is a manual one, and the cache expires on it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../sources/kit/clock.js';
import type { AccountingCustomerRecord, CrmAccountIndexEntry, SupportOrganization } from '../../sources/kit/domain.js';
import { sandboxAuthorization } from '../../sources/kit/testing.js';
import { createHarness, gql, runtimeFor, viewerFor, type Harness } from '../support/graphql.js';
import type { SourcesRuntime } from '../../sources/runtime.js';
import { SANDBOX_CREDENTIALS } from '../../sources/sandbox/constants.js';

const MIN = 60_000;
const clock = manualClock('2026-11-27T09:00:00Z');
let h: Harness;

beforeAll(async () => {
  h = createHarness({ size: 120, seed: 5, clock, yoga: { responseCache: { ttlMs: 0, maxEntries: 0, maxBytes: 0 } }, runtime: { cacheExpiresOnClock: true } });
  h.sandbox.listen();
});
afterAll(() => h.sandbox.close());

/** Waits until no cache load runs (background refreshes included), so the counts are the round's. */
async function settle(runtime: SourcesRuntime = h.runtime): Promise<void> {
  for (let i = 0; i < 2000 && runtime.cache.loading > 0; i++) await new Promise((r) => setTimeout(r, 2));
}

/** One round of index upkeep `ms` after the last (by default the customer index's TTL: its feed is asked then). */
async function tick(ms = 10 * MIN, runtime: SourcesRuntime = h.runtime) {
  clock.advance(ms);
  const results = await runtime.upkeep();
  await settle(runtime);
  return results.results;
}

async function change(source: string, body: Record<string, unknown>): Promise<{ id: string }> {
  const res = await fetch(`${h.sandbox.origin}/__sandbox/records/${source}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const out = (await res.json()) as { id?: string; error?: string };
  if (!res.ok) throw new Error(out.error);
  return out as { id: string };
}

const qbo = () => h.sandbox.state.requestCounts().quickbooks;
const customerIndex = (runtime: SourcesRuntime = h.runtime) => runtime.cache.peek<AccountingCustomerRecord[]>('quickbooks:customerIndex:all')?.value;
const of = <T extends { source: string }>(results: T[], source: string) => results.find((r) => r.source === source)!;

describe('the QuickBooks customer index, kept by Change Data Capture', () => {
  it('reads the index whole once, then only its changes: renamed, created and deleted customers without a full read', async () => {
    const first = await tick(0);
    expect(of(first, 'quickbooks')).toMatchObject({ ok: true, via: 'full-read' });
    expect(h.runtime.feeds().quickbooks).toMatchObject({ lastFullRead: 'first', error: null });
    const before = customerIndex()!;
    const world = h.sandbox.state.world.quickbooks;
    const parents = new Set(world.customers.flatMap((c) => (c.ParentRef ? [c.ParentRef.value] : [])));
    const [renamed, deleted] = world.customers.filter((c) => !c.Job && !parents.has(c.Id));
    h.sandbox.state.resetCounts();

    await change('quickbooks', { action: 'update', id: renamed!.Id, name: 'Renamed By Feed Ltd' });
    const created = await change('quickbooks', { action: 'create', name: 'Created By Feed Ltd' });
    await change('quickbooks', { action: 'delete', id: deleted!.Id });

    const round = of(await tick(), 'quickbooks');
    expect(round).toMatchObject({ ok: true, via: 'changes', changes: { upserts: 2, removals: 1 } });
    // one request, the change feed's; no query, no full read
    expect(qbo()).toEqual({ cdc: 1 });
    const after = customerIndex()!;
    expect(after.find((c) => c.id === renamed!.Id)?.displayName).toBe('Renamed By Feed Ltd');
    expect(after.find((c) => c.id === created.id)).toMatchObject({ displayName: 'Created By Feed Ltd', active: true, parentId: null });
    expect(after.some((c) => c.id === deleted!.Id)).toBe(false);
    expect(after.length).toBe(before.length);
    // the loaders read the same entry: fresh, from the cache, no request
    const read = await h.runtime.createLoaders({ forceRefresh: false }).accounting.customerIndex();
    expect(read.value).toBe(after);
    expect(read.freshness).toMatchObject({ fromCache: true, stale: false });
    expect(qbo()).toEqual({ cdc: 1 });
  });

  it("a customer renamed away from a CRM account's name, or deleted, changes its link on the customer page after the next round", async () => {
    const m = h.sandbox.state.world.manifest;
    const parents = new Set(h.sandbox.state.world.quickbooks.customers.flatMap((c) => (c.ParentRef ? [c.ParentRef.value] : [])));
    const link = m.heuristicLinks.find((l) => l.system === 'quickbooks' && l.rule === 'NAME' && !parents.has(l.recordId) && !m.ambiguous.some((a) => a.accountId === l.accountId))!;
    expect(link).toBeDefined();
    const q = /* GraphQL */ `query ($id: ID!) { customer(id: $id) { links { system recordId rule } } }`;
    const links = async () => ((await gql(h, viewerFor('admin'), q, { id: link.accountId })).data!.customer.links as { system: string; recordId: string; rule: string }[]).filter((l) => l.system === 'QUICKBOOKS');
    await tick();
    expect(await links()).toEqual([{ system: 'QUICKBOOKS', recordId: link.recordId, rule: 'NAME' }]);
    const name = h.sandbox.state.world.quickbooks.customers.find((c) => c.Id === link.recordId)!.DisplayName;
    h.sandbox.state.resetCounts();

    // renamed: the name no longer ties it, its e-mail domain still does
    await change('quickbooks', { action: 'update', id: link.recordId, name: 'Zyxwv Unrelated Holdings' });
    expect(of(await tick(), 'quickbooks')).toMatchObject({ via: 'changes', changes: { upserts: 1 } });
    expect(await links()).toEqual([{ system: 'QUICKBOOKS', recordId: link.recordId, rule: 'DOMAIN' }]);
    await change('quickbooks', { action: 'update', id: link.recordId, name });
    await tick();
    expect(await links()).toEqual([{ system: 'QUICKBOOKS', recordId: link.recordId, rule: 'NAME' }]);
    // deleted: no link at all
    await change('quickbooks', { action: 'delete', id: link.recordId });
    expect(of(await tick(), 'quickbooks')).toMatchObject({ via: 'changes', changes: { removals: 1 } });
    expect(await links()).toEqual([]);
    // never read whole meanwhile
    expect(qbo().query ?? 0).toBe(0);
  });

  it('a failing feed leaves the index as it was, marked stale once past its TTL, never blank; it catches up when QuickBooks answers', async () => {
    await tick();
    const held = customerIndex()!;
    const renamed = held[3]!;
    await change('quickbooks', { action: 'update', id: renamed.id, name: 'Renamed While Down Ltd' });
    h.sandbox.state.setFault('quickbooks', { status: 503 });
    const failed = of(await tick(), 'quickbooks');
    // still there to be used (ok), not renewed this round (code)
    expect(failed).toMatchObject({ ok: true, code: 'UNAVAILABLE', via: 'changes', rows: held.length, stale: false });
    expect(customerIndex()).toBe(held);
    const again = of(await tick(6 * MIN), 'quickbooks');
    // (16 min old: past its TTL and past the round it was held for; the feed asked again, and failed again)
    expect(again).toMatchObject({ ok: true, code: expect.any(String), rows: held.length, stale: true });
    expect(customerIndex()).toBe(held);
    const read = await h.runtime.createLoaders({ forceRefresh: false }).accounting.customerIndex();
    await settle();
    expect(read.value).toEqual(held);
    expect(read.freshness.stale).toBe(true);
    expect(read.freshness.error).not.toBeNull();
    expect(h.runtime.feeds().quickbooks?.error).not.toBeNull();

    h.sandbox.state.clearFaults();
    h.runtime.sources.accounting.kit.letProbeThrough();
    h.sandbox.state.resetCounts();
    const back = of(await tick(), 'quickbooks');
    expect(back).toMatchObject({ ok: true, code: null, via: 'changes' });
    expect(customerIndex()!.find((c) => c.id === renamed.id)?.displayName).toBe('Renamed While Down Ltd');
    expect(qbo().query ?? 0).toBe(0);
  });

  it('a cursor older than the 30 days CDC looks back costs one full read, then changes again', async () => {
    // a runtime whose long interval is beyond the gap: only the cursor's age asks for the full read
    h.sandbox.state.refreshTokens.quickbooks.add(SANDBOX_CREDENTIALS.quickbooks.refreshToken);
    const rt = runtimeFor(h, { PANORAMA_INDEX_FULL_READ_HOURS: '2000' }, { cacheExpiresOnClock: true });
    await tick(0, rt);
    h.sandbox.state.resetCounts();
    const late = of(await tick(31 * 24 * 60 * MIN, rt), 'quickbooks');
    expect(late).toMatchObject({ ok: true, via: 'full-read' });
    expect(rt.feeds().quickbooks?.lastFullRead).toMatch(/^feed: .*30 days/);
    expect(qbo().cdc ?? 0).toBe(0);
    const pages = qbo().query ?? 0;
    expect(pages).toBeGreaterThan(0);
    h.sandbox.state.resetCounts();
    expect(of(await tick(5 * MIN, rt), 'quickbooks')).toMatchObject({ ok: true, via: 'fresh' });
    expect(of(await tick(5 * MIN, rt), 'quickbooks')).toMatchObject({ ok: true, via: 'changes' });
    expect(qbo()).toEqual({ cdc: 1 });
  });

  it('the long interval (PANORAMA_INDEX_FULL_READ_HOURS) reads the index whole again', async () => {
    h.sandbox.state.refreshTokens.quickbooks.add(SANDBOX_CREDENTIALS.quickbooks.refreshToken);
    const rt = runtimeFor(h, { PANORAMA_INDEX_FULL_READ_HOURS: '1' }, { cacheExpiresOnClock: true });
    await tick(0, rt);
    const vias: string[] = [];
    for (let i = 0; i < 12; i++) vias.push(of(await tick(5 * MIN, rt), 'quickbooks').via);
    // 60 minutes after the first read: one full read among the rounds of changes (every other round: the TTL is 10 min)
    expect(vias.filter((v) => v === 'full-read')).toHaveLength(1);
    expect(vias.slice(0, 6)).toEqual(['fresh', 'changes', 'fresh', 'changes', 'fresh', 'changes']);
    expect(vias.at(-1)).toBe('full-read');
    expect(rt.feeds().quickbooks?.lastFullRead).toBe('interval');
  });
});

describe('the Zendesk organization index, kept by the incremental organization export', () => {
  const zd = () => h.sandbox.state.requestCounts().zendesk;
  const orgIndex = () => h.runtime.cache.peek<SupportOrganization[]>('zendesk:organizationIndex:all')?.value;

  it('an organization renamed, created or deleted is in the index after the next round, for one export request', async () => {
    await tick(5 * MIN);
    const before = orgIndex()!;
    expect(before.length).toBeGreaterThan(0);
    const orgs = h.sandbox.state.world.zendesk.organizations;
    const [renamed, deleted] = [orgs[1]!, orgs[2]!];
    h.sandbox.state.resetCounts();
    await change('zendesk', { action: 'update', id: String(renamed.id), name: 'Renamed Org By Feed' });
    const created = await change('zendesk', { action: 'create', name: 'Created Org By Feed' });
    await change('zendesk', { action: 'delete', id: String(deleted.id) });

    const round = of(await tick(5 * MIN), 'zendesk');
    expect(round).toMatchObject({ ok: true, via: 'changes' });
    expect(zd()).toEqual({ 'incremental.organizations': 1 });
    const after = orgIndex()!;
    expect(after.find((o) => o.id === String(renamed.id))?.name).toBe('Renamed Org By Feed');
    expect(after.find((o) => o.id === created.id)).toMatchObject({ name: 'Created Org By Feed', crmAccountId: null });
    expect(after.some((o) => o.id === String(deleted.id))).toBe(false);
    expect(after.length).toBe(before.length);
    // the next round reads on from the export's end_time: still one request, nothing read whole
    await tick(5 * MIN);
    expect(zd()).toEqual({ 'incremental.organizations': 2 });
  });

  it('an organization deleted in Zendesk is no longer linked on the customer page after the next round', async () => {
    const m = h.sandbox.state.world.manifest;
    const link = m.heuristicLinks.find((l) => l.system === 'zendesk' && !m.exactLinks.some((e) => e.system === 'zendesk' && e.accountId === l.accountId))!;
    expect(link).toBeDefined();
    const q = /* GraphQL */ `query ($id: ID!) { customer(id: $id) { links { system recordId } } }`;
    const links = async () => ((await gql(h, viewerFor('admin'), q, { id: link.accountId })).data!.customer.links as { system: string; recordId: string }[]).filter((l) => l.system === 'ZENDESK');
    await tick(5 * MIN);
    expect(await links()).toEqual([{ system: 'ZENDESK', recordId: link.recordId }]);
    await change('zendesk', { action: 'delete', id: link.recordId });
    h.sandbox.state.resetCounts();
    // (the export starts at the last one's end_time, at or after which the deletion before this one lies too: applied again, harmlessly)
    expect(of(await tick(5 * MIN), 'zendesk')).toMatchObject({ via: 'changes', changes: { removals: expect.any(Number) } });
    expect(orgIndex()!.some((o) => o.id === link.recordId)).toBe(false);
    expect(await links()).toEqual([]);
    expect(zd()['organizations.list'] ?? 0).toBe(0);
  });

  it("the export's own rate limit (10 a minute) fails the round alone: the index stays, Zendesk's other reads go on", async () => {
    await tick(5 * MIN);
    const held = orgIndex()!;
    // the next round's minute, already spent on the export by someone else
    clock.advance(5 * MIN);
    const auth = await sandboxAuthorization('zendesk', h.sandbox.state);
    const start = Math.floor(clock.now() / 1000) - 600;
    for (let i = 0; i < 10; i++) await fetch(`${h.sandbox.origin}/zendesk/api/v2/incremental/organizations?start_time=${start}`, { headers: { authorization: auth } });
    const limited = await fetch(`${h.sandbox.origin}/zendesk/api/v2/incremental/organizations?start_time=${start}`, { headers: { authorization: auth } });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    const round = of(await tick(0), 'zendesk');
    expect(round).toMatchObject({ ok: true, code: 'RATE_LIMITED', rows: held.length });
    expect(orgIndex()).toBe(held);
    // the account's gate is open: a search still goes out
    h.sandbox.state.resetCounts();
    await h.runtime.createLoaders({ forceRefresh: false }).support.searchOrganizations('feed', 5);
    expect(zd()['search'] ?? 0).toBeGreaterThan(0);
    expect(of(await tick(5 * MIN), 'zendesk')).toMatchObject({ ok: true, via: 'changes' });
  });
});

describe('the Salesforce account index, kept by SystemModstamp through QueryAll', () => {
  const sf = () => h.sandbox.state.requestCounts().salesforce;
  const accountIndex = () => h.runtime.cache.peek<CrmAccountIndexEntry[]>('salesforce:accountIndex:all')?.value;

  it('an account renamed, created or deleted is in the index after the next round, for one QueryAll request', async () => {
    await tick(10 * MIN);
    expect(h.runtime.feeds().salesforce).toMatchObject({ mechanism: expect.stringMatching(/SystemModstamp/), error: null });
    const before = accountIndex()!;
    const accounts = h.sandbox.state.world.salesforce.accounts;
    const [renamed, deleted] = [accounts[3]!, accounts[4]!];
    h.sandbox.state.resetCounts();
    await change('salesforce', { action: 'update', id: renamed.Id, name: 'Renamed Account By Feed' });
    const created = await change('salesforce', { action: 'create', name: 'Created Account By Feed' });
    await change('salesforce', { action: 'delete', id: deleted.Id });

    const round = of(await tick(10 * MIN), 'salesforce');
    expect(round).toMatchObject({ ok: true, via: 'changes', changes: { upserts: 2, removals: 1 } });
    // one request: the changes, deleted accounts included; nothing read whole
    expect(sf()).toEqual({ queryAll: 1 });
    const after = accountIndex()!;
    expect(after.find((a) => a.id === renamed.Id)?.name).toBe('Renamed Account By Feed');
    expect(after.find((a) => a.id === created.id)).toMatchObject({ name: 'Created Account By Feed', website: null });
    expect(after.some((a) => a.id === deleted.Id)).toBe(false);
    expect(after.length).toBe(before.length);
    // what the customer search reads from the index sees the new name at once, with no request to Salesforce
    h.sandbox.state.resetCounts();
    expect(h.runtime.createLoaders({ forceRefresh: false }).crm.cachedAccount(renamed.Id)?.name).toBe('Renamed Account By Feed');
    expect(sf()).toEqual({});
  });

  it('a refused changes query (the org dropped a mapped field since describe) asks for a full read; the index is kept, never blank', async () => {
    await tick(10 * MIN);
    const held = accountIndex()!;
    h.sandbox.state.salesforceOrg = { drop: ['QuickBooks_Customer_Id__c'] };
    h.sandbox.state.resetCounts();
    try {
      const round = of(await tick(10 * MIN), 'salesforce');
      // the full read asks for the same field and is refused too: the round fails, the index stays there to be used
      expect(round).toMatchObject({ ok: true, via: 'full-read', code: 'BAD_REQUEST', rows: held.length });
      expect(h.runtime.feeds().salesforce?.error).toBe('BAD_REQUEST');
      expect(sf()).toMatchObject({ queryAll: 1, query: 1 });
      expect(accountIndex()!.map((a) => a.id)).toEqual(held.map((a) => a.id));
    } finally {
      h.sandbox.state.salesforceOrg = {};
    }
    // the org answering again: read whole (the cursor was dropped with the refusal), then changes again
    expect(of(await tick(10 * MIN), 'salesforce')).toMatchObject({ ok: true, via: 'full-read' });
    expect(h.runtime.feeds().salesforce).toMatchObject({ lastFullRead: 'no cursor', error: null });
    expect(of(await tick(10 * MIN), 'salesforce')).toMatchObject({ ok: true, via: 'changes' });
  });
});
