import type { Manifest } from '../sandbox/manifest.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Fetched, SupportCustomer } from '../kit/domain.js';
import { SourceBudget } from '../kit/budget.js';
import { SourceError } from '../kit/errors.js';
import { TRICKY_NAMES } from '../sandbox/dataset.js';
import type { ZdTicket } from '../sandbox/world.js';
import { ZENDESK_MAX_IDS } from './client.server.js';
import type { CachePolicy } from '../kit/cache.js';
import { parseEnv } from '../kit/config.js';
import { sourceTestKit, type TestKitOptions } from '../kit/testing.js';
import { MemoryTokenStore } from '../kit/token-store.js';
import { zendeskSource } from './index.js';
import { createLoaders } from './loaders.js';

const sb = sourceTestKit(zendeskSource, { kit: { breaker: { threshold: 1000, halfOpenAfterMs: 10 } } });
const { state, env } = sb;
/** A fresh client, kit and loaders on the sandbox. */
const buildModule = (kitOpts: TestKitOptions = {}) => sb.setup(kitOpts);
beforeAll(() => sb.listen());
// Tests that grow or change the world get a fresh copy back afterwards (cloning is much cheaper than regenerating).
const pristine = structuredClone(state.world);
const zd = () => state.world.zendesk;
const counts = () => state.requestCounts().zendesk;

beforeEach(() => {
  state.clearFaults();
  state.resetCounts();
});
afterEach(() => {
  state.world = structuredClone(pristine);
});
afterAll(() => sb.close());

const accountIds = (n: number, from = 0) => state.world.salesforce.accounts.slice(from, from + n).map((a) => a.Id);
const ticketsOfAccounts = (ids: string[]) => {
  const orgIds = new Set(zd().organizations.filter((o) => o.external_id && ids.includes(o.external_id)).map((o) => o.id));
  return zd().tickets.filter((t) => t.organization_id !== null && orgIds.has(t.organization_id));
};
const values = (res: (Fetched<SupportCustomer | null> | Error)[]) =>
  res.map((r) => {
    if (r instanceof Error) throw r;
    return r.value;
  });

/** The planted urgent tickets, each with the account id as its organization holds it (a few hold the 15-character form). */
function plantedUrgent(m: Manifest) {
  const held = (accountId: string | null) => m.linkCases.find((c) => c.rule === 'SHORT_ID' && c.system === 'zendesk' && c.accountId === accountId)?.storedId ?? accountId;
  return m.urgentOpenTickets.map((t) => ({ ...t, accountId: held(t.accountId) })).sort((a, b) => a.ticketId.localeCompare(b.ticketId));
}

describe('forAccount: linking, mapping and request cost', () => {
  it('takes one budget point for every request it sends: the show_many and each page of the ticket search', async () => {
    const ids = accountIds(ZENDESK_MAX_IDS);
    const budget = new SourceBudget('zendesk', 1_000, sb.clock);
    const { loaders } = buildModule({ budget });
    values(await loaders.forAccount.loadMany(ids));
    const sent = state.totalRequests('zendesk');
    // one call (one point), whose ticket search needs more than one page
    expect(counts().search).toBeGreaterThan(1);
    expect(1_000 - (await budget.state()).remaining).toBe(sent);
  });

  it('answers a batch of 20 accounts with exactly 1 show_many + ceil(T/100) searches and no users call', async () => {
    const ids = accountIds(20);
    const { loaders } = buildModule();
    const res = values(await loaders.forAccount.loadMany(ids));
    const t = ticketsOfAccounts(ids).length;
    expect(t).toBeGreaterThan(0);
    expect(counts()).toEqual({ 'organizations.show_many': 1, search: Math.ceil(t / 100) });
    expect(state.totalRequests('zendesk')).toBe(1 + Math.ceil(t / 100));

    const exact = new Map(state.world.manifest.exactLinks.filter((l) => l.system === 'zendesk').map((l) => [l.accountId, l.recordId]));
    ids.forEach((id, i) => {
      const v = res[i];
      if (!exact.has(id)) {
        // an account with no organization holding its id is "no support record", not an error
        expect(v).toBeNull();
        return;
      }
      expect(v?.organization.id).toBe(exact.get(id));
      expect(v?.organization.crmAccountId).toBe(id);
      const own = zd().tickets.filter((x) => String(x.organization_id) === exact.get(id));
      expect(v?.tickets.map((x) => x.id).sort()).toEqual(own.map((x) => String(x.id)).sort());
      const created = v!.tickets.map((x) => x.createdAt);
      expect(created).toEqual([...created].sort().reverse());
    });
    expect(res.filter((v) => v === null).length).toBe(ids.filter((id) => !exact.has(id)).length);
    expect(res.some((v) => v === null)).toBe(true);
  });

  it('resolves requesters and assignees into people', async () => {
    const [id] = accountIds(1);
    const { loaders } = buildModule();
    const v = (await loaders.forAccount.load(id!)).value!;
    const users = new Map(zd().users.map((u) => [String(u.id), u]));
    for (const t of v.tickets) {
      const raw = zd().tickets.find((x) => String(x.id) === t.id)!;
      expect(t.requester).toEqual({ id: String(raw.requester_id), name: users.get(String(raw.requester_id))!.name, email: users.get(String(raw.requester_id))!.email });
      expect(t.assignee?.id ?? null).toBe(raw.assignee_id === null ? null : String(raw.assignee_id));
    }
  });

  it('asks users/show_many only for users a sideload lacked, and shows a deleted requester as nobody', async () => {
    const [id] = accountIds(1);
    const org = zd().organizations.find((o) => o.external_id === id)!;
    const ticket = zd().tickets.find((t) => t.organization_id === org.id)!;
    state.world.zendesk.users = zd().users.filter((u) => u.id !== ticket.requester_id);
    const { loaders } = buildModule();
    const v = (await loaders.forAccount.load(id!)).value!;
    expect(v.tickets.find((t) => t.id === String(ticket.id))?.requester).toBeNull();
    expect(counts()).toEqual({ 'organizations.show_many': 1, search: 1, 'users.show_many': 1 });
  });

  it('pages a batch of 100 accounts with hundreds of tickets: still one show_many', async () => {
    state.regenerate({ size: 120, seed: 7, today: '2026-11-27' });
    const ids = accountIds(100);
    const { loaders } = buildModule();
    const res = values(await loaders.forAccount.loadMany(ids));
    const t = ticketsOfAccounts(ids).length;
    expect(t).toBeGreaterThan(200);
    expect(counts()).toEqual({ 'organizations.show_many': 1, search: Math.ceil(t / 100) });
    expect(res.flatMap((v) => v?.tickets ?? []).length).toBe(t);
  });

  it('splits organizations whose tickets pass search\'s 1,000-result window, each ticket once', async () => {
    const ids = accountIds(2);
    const orgs = ids.map((id) => zd().organizations.find((o) => o.external_id === id)!);
    let next = Math.max(...zd().tickets.map((t) => t.id));
    const template = zd().tickets[0]!;
    for (const org of orgs) {
      for (let k = 0; k < 600; k++) {
        const t: ZdTicket = { ...template, id: ++next, organization_id: org.id, created_at: new Date(Date.UTC(2026, 0, 1) + next * 60_000).toISOString() };
        zd().tickets.push(t);
      }
    }
    const t = ticketsOfAccounts(ids);
    const perOrg = orgs.map((o) => t.filter((x) => x.organization_id === o.id).length);
    expect(t.length).toBeGreaterThan(1000);
    const { loaders } = buildModule();
    const res = values(await loaders.forAccount.loadMany(ids));
    expect(res.map((v) => v!.tickets.length)).toEqual(perOrg);
    expect(new Set(res.flatMap((v) => v!.tickets.map((x) => x.id))).size).toBe(t.length);
    // 1 show_many, 1 combined first page that reported > 1,000, then each half paged on its own
    expect(counts()).toEqual({ 'organizations.show_many': 1, search: 1 + perOrg.reduce((s, n) => s + Math.ceil(n / 100), 0) });
  });

  it('keeps the newest 1,000 tickets of one organization past the window, without asking for page 11', async () => {
    const [id] = accountIds(1);
    const org = zd().organizations.find((o) => o.external_id === id)!;
    let next = Math.max(...zd().tickets.map((t) => t.id));
    for (let k = 0; k < 1100; k++) {
      zd().tickets.push({ ...zd().tickets[0]!, id: ++next, organization_id: org.id, created_at: new Date(Date.UTC(2026, 0, 1) + k * 60_000).toISOString() });
    }
    const { loaders } = buildModule();
    const v = (await loaders.forAccount.load(id!)).value!;
    expect(v.tickets).toHaveLength(1000);
    expect(counts()).toEqual({ 'organizations.show_many': 1, search: 10 });
  });

  it('costs a single request when no account has an organization', async () => {
    const linked = new Set(zd().organizations.map((o) => o.external_id));
    const unlinked = state.world.salesforce.accounts.map((a) => a.Id).filter((id) => !linked.has(id));
    expect(unlinked.length).toBeGreaterThan(0);
    const { loaders } = buildModule();
    expect(values(await loaders.forAccount.loadMany(unlinked)).every((v) => v === null)).toBe(true);
    expect(counts()).toEqual({ 'organizations.show_many': 1 });
  });

  it('refuses malformed account ids one by one, before any request', async () => {
    const { loaders } = buildModule();
    const [good] = accountIds(1);
    const res = await loaders.forAccount.loadMany(['001,002', "x' OR 1=1", 'short', good!]);
    for (const r of res.slice(0, 3)) expect(r).toMatchObject({ code: 'BAD_REQUEST', source: 'zendesk' });
    expect(res[3]).not.toBeInstanceOf(Error);
    const show = await loaders.forAccount.loadMany(['001,002']);
    expect(show[0]).toBeInstanceOf(SourceError);
    expect(counts()['organizations.show_many']).toBe(1);
  });

  it('serves a second request from the cache, and goes upstream again on forceRefresh', async () => {
    const ids = accountIds(5);
    const first = buildModule();
    await first.loaders.forAccount.loadMany(ids);
    const before = state.totalRequests('zendesk');
    const { createLoaders } = await import('./loaders.js');
    const again = values(await createLoaders({ client: first.client, kit: first.kit, forceRefresh: false }).forAccount.loadMany(ids).then((r) => r));
    expect(state.totalRequests('zendesk')).toBe(before);
    const cached = await createLoaders({ client: first.client, kit: first.kit, forceRefresh: false }).forAccount.load(ids[0]!);
    expect(cached.freshness.fromCache).toBe(true);
    expect(again.length).toBe(5);
    await createLoaders({ client: first.client, kit: first.kit, forceRefresh: true }).forAccount.loadMany(ids);
    expect(state.totalRequests('zendesk')).toBe(before * 2);
  });
});

describe('forAccount by a custom organization link field (ZENDESK_ORGANIZATION_LINK_FIELD)', () => {
  const KEY = 'salesforce_account_id';
  afterEach(() => {
    state.zendeskAccount = {};
  });
  const exact = () => new Map(state.world.manifest.exactLinks.filter((l) => l.system === 'zendesk').map((l) => [l.accountId, l.recordId]));
  const queries: string[] = [];
  const recordSearches = (client: { searchOrganizations: (q: string, ...rest: never[]) => unknown }) => {
    const original = client.searchOrganizations.bind(client);
    client.searchOrganizations = ((q: string, ...rest: never[]) => (queries.push(q), original(q, ...rest))) as never;
  };

  it('reads organization_fields[key] as the CRM account id, found by a batched, quoted type:organization search (no show_many)', async () => {
    state.zendeskAccount = { linkField: {} };
    const m = sb.setup({ env: { ZENDESK_ORGANIZATION_LINK_FIELD: KEY } });
    await zendeskSource.checkFields!(m.client, m.kit);
    expect(m.client.fields.state('accountId')).toBe('FOUND');
    state.resetCounts();
    queries.length = 0;
    recordSearches(m.client);
    const loaders = createLoaders({ client: m.client, kit: m.kit, forceRefresh: false });
    const ids = accountIds(45);
    const res = values(await loaders.forAccount.loadMany(ids));
    const links = exact();
    expect(ids.some((id) => links.has(id))).toBe(true);
    ids.forEach((id, i) => {
      expect(res[i]?.organization.id ?? null).toBe(links.get(id) ?? null);
      if (links.has(id)) expect(res[i]?.organization.crmAccountId).toBe(id);
    });
    // 45 ids: two organization searches of at most 40 values each, every value quoted
    const orgQueries = queries.filter((q) => q.startsWith('type:organization'));
    expect(orgQueries).toHaveLength(2);
    expect(orgQueries[0]).toBe(['type:organization', ...ids.slice(0, 40).map((id) => `${KEY}:"${id}"`)].join(' '));
    expect(counts()['organizations.show_many']).toBeUndefined();
  });

  it('the field missing from the account: no lookup by account id at all, and the index holds no account ids', async () => {
    const m = sb.setup({ env: { ZENDESK_ORGANIZATION_LINK_FIELD: KEY } });
    await zendeskSource.checkFields!(m.client, m.kit);
    expect(m.client.fields.state('accountId')).toBe('MISSING');
    state.resetCounts();
    const loaders = createLoaders({ client: m.client, kit: m.kit, forceRefresh: false });
    const ids = accountIds(20).filter((id) => exact().has(id));
    expect(ids.length).toBeGreaterThan(0);
    expect(values(await loaders.forAccount.loadMany(ids))).toEqual(ids.map(() => null));
    expect(counts()['organizations.show_many']).toBeUndefined();
    expect(counts().search).toBeUndefined();
    const index = await loaders.organizationIndex();
    expect(index.value.length).toBeGreaterThan(0);
    expect(index.value.filter((o) => o.crmAccountId !== null)).toEqual([]);
  });

  it('refuses a link value that could change the search query', async () => {
    const m = sb.setup({ env: { ZENDESK_ORGANIZATION_LINK_FIELD: KEY } });
    await expect(m.client.organizationsByField(KEY, ['001" OR type:user'])).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(m.client.organizationsByField('bad key', ['001'])).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(state.totalRequests('zendesk')).toBe(0);
  });
});

describe('forAccount with the organization index cached', () => {
  /** A module whose kit already holds the organization index (as the runtime keeps it warm). */
  async function warm(policies: Partial<Record<string, CachePolicy>> = {}, forceRefresh = false) {
    const m = buildModule();
    const kit = sb.kit({ cachePolicies: policies as Record<string, CachePolicy> });
    await createLoaders({ client: m.client, kit: kit, forceRefresh: false }).organizationIndex();
    state.resetCounts();
    return { ...m, kit, loaders: createLoaders({ client: m.client, kit: kit, forceRefresh }) };
  }
  const unlinkedAccounts = () => {
    const linked = new Set(zd().organizations.map((o) => o.external_id));
    return state.world.salesforce.accounts.map((a) => a.Id).filter((id) => !linked.has(id));
  };

  it('costs only the ticket search: the index maps accounts to organizations, and the answer is the same', async () => {
    const ids = accountIds(20);
    const without = values(await buildModule().loaders.forAccount.loadMany(ids));
    const m = await warm();
    const res = values(await m.loaders.forAccount.loadMany(ids));
    expect(counts()).toEqual({ search: Math.ceil(ticketsOfAccounts(ids).length / 100) });
    expect(res).toEqual(without);
    expect(m.loaders.organizationIdHint(ids[0]!)).toBe(without[0]?.organization.id ?? null);
  });

  it('trusts a fresh index for accounts it does not know (no request), and looks them up while it is stale', async () => {
    const ids = unlinkedAccounts().slice(0, 3);
    const fresh = await warm();
    expect(values(await fresh.loaders.forAccount.loadMany(ids)).every((v) => v === null)).toBe(true);
    expect(state.totalRequests('zendesk')).toBe(0);
    expect(fresh.loaders.organizationIdHint(ids[0]!)).toBeNull();

    const stale = await warm({ organizationIndex: { ttlMs: 1, swrMs: 60_000, maxStaleMs: 60_000 } });
    await new Promise((r) => setTimeout(r, 5));
    expect(values(await stale.loaders.forAccount.loadMany(ids)).every((v) => v === null)).toBe(true);
    expect(counts()).toEqual({ 'organizations.show_many': 1 });
    expect(stale.loaders.organizationIdHint(ids[0]!)).toBeUndefined();
  });

  it('on a forced refresh, re-checks every account beside the search and follows an organization relinked since', async () => {
    const [id, other] = accountIds(2);
    const m = await warm({}, true);
    // after the index was built, the account's organization loses the link and another organization takes it
    const before = zd().organizations.find((o) => o.external_id === id)!;
    const after = zd().organizations.find((o) => o.external_id === other)!;
    before.external_id = null;
    after.external_id = id!;
    const v = values(await m.loaders.forAccount.loadMany([id!]))[0]!;
    expect(v.organization.id).toBe(String(after.id));
    expect(v.tickets.map((t) => t.id).sort()).toEqual(zd().tickets.filter((t) => t.organization_id === after.id).map((t) => String(t.id)).sort());
    // show_many beside the first search, then a search for the organization only show_many knew
    expect(counts()).toEqual({ 'organizations.show_many': 1, search: 2 });
  });

  it('notices a relink from the sideloaded organization even without a refresh', async () => {
    const [id] = accountIds(1);
    const m = await warm();
    const org = zd().organizations.find((o) => o.external_id === id)!;
    expect(zd().tickets.some((t) => t.organization_id === org.id)).toBe(true);
    org.external_id = 'somebody-else';
    expect(values(await m.loaders.forAccount.loadMany([id!]))[0]).toBeNull();
    expect(counts()).toEqual({ search: 1, 'organizations.show_many': 1 });
  });

  it('shares one search between exact and probable links asked for in the same turn', async () => {
    const ids = accountIds(5);
    const probable = zd().organizations.find((o) => !o.external_id && zd().tickets.some((t) => t.organization_id === o.id))!;
    const m = await warm();
    const [exact, byOrg] = await Promise.all([m.loaders.forAccount.loadMany(ids), m.loaders.forOrganization.load(String(probable.id))]);
    expect(counts()).toEqual({ search: 1 });
    expect(byOrg.value?.organization.id).toBe(String(probable.id));
    expect(byOrg.value?.tickets.length).toBe(zd().tickets.filter((t) => t.organization_id === probable.id).length);
    const linked = new Set(zd().organizations.map((o) => o.external_id));
    expect(values(exact).map((v) => v?.organization.id ?? null)).toEqual(ids.map((id) => (linked.has(id) ? String(zd().organizations.find((o) => o.external_id === id)!.id) : null)));
  });
});

describe('searchOrganizations: one request, text made inert', () => {
  it.each(TRICKY_NAMES)('finds %s by its own name', async (name) => {
    const { loaders } = buildModule();
    const res = await loaders.searchOrganizations(name, 10);
    expect(res.value.map((o) => o.name)).toContain(name);
    expect(counts()).toEqual({ search: 1 });
  });

  it('cannot be steered by query syntax in the text', async () => {
    const { loaders } = buildModule();
    // `type:user`, negation and a wildcard become plain words: no users, no "everything but"
    expect((await loaders.searchOrganizations('type:user', 10)).value).toEqual([]);
    expect((await loaders.searchOrganizations('-zzz', 10)).value).toEqual([]);
    expect((await loaders.searchOrganizations('O\'Brien" type:ticket "', 10)).value.map((o) => o.name)).toEqual([]);
    expect((await loaders.searchOrganizations('brien', 10)).value.map((o) => o.name)).toEqual(["O'Brien & Sons"]);
    expect(counts()).toEqual({ search: 4 });
  });

  it('keeps only organizations whose name holds the text literally, `%` and `_` included', async () => {
    const { loaders } = buildModule();
    // Zendesk's index drops `%` and `_`: these look the same to its search but are different companies
    const base = zd().organizations[0]!;
    zd().organizations.push({ ...structuredClone(base), id: 990001, name: '100 Natural Foods Outlet', external_id: null });
    zd().organizations.push({ ...structuredClone(base), id: 990002, name: 'Under score Labs', external_id: null });
    expect((await loaders.searchOrganizations('100% Natural Foods', 10)).value.map((o) => o.name)).toEqual(['100% Natural Foods']);
    expect((await loaders.searchOrganizations('Under_score', 10)).value.map((o) => o.name)).toEqual(['Under_score Labs']);
    expect((await loaders.searchOrganizations('100 Natural', 10)).value.map((o) => o.name)).toEqual(['100 Natural Foods Outlet']);
    // folded as names are elsewhere: case
    expect((await loaders.searchOrganizations('CAFÉ MÜLLER', 10)).value.map((o) => o.name)).toContain('Café Müller GmbH');
  });

  it('sends nothing when no word is left, instead of listing every organization', async () => {
    const { loaders } = buildModule();
    for (const text of ['', '   ', '"', '*', '\\', '-', '%_"\'']) {
      expect((await loaders.searchOrganizations(text, 10)).value).toEqual([]);
    }
    expect(state.totalRequests('zendesk')).toBe(0);
  });

  it('respects the limit (at most 100 a page)', async () => {
    const { loaders } = buildModule();
    const all = zd().organizations.filter((o) => /\bsupport\b/i.test(o.name)).length;
    expect(all).toBeGreaterThan(1);
    expect((await loaders.searchOrganizations('support', 1)).value).toHaveLength(1);
    expect((await loaders.searchOrganizations('support', 1000)).value).toHaveLength(all);
  });
});

describe('organizationIndex and urgentOpenTickets', () => {
  it('pages the index by cursor: every organization once', async () => {
    state.regenerate({ size: 130, seed: 7, today: '2026-11-27' });
    const { loaders } = buildModule();
    const idx = (await loaders.organizationIndex()).value;
    expect(idx).toHaveLength(zd().organizations.length);
    expect(new Set(idx.map((o) => o.id)).size).toBe(idx.length);
    expect(counts()).toEqual({ 'organizations.list': Math.ceil(idx.length / 100) });
    const linked = idx.find((o) => o.crmAccountId);
    expect(linked?.domains.length).toBeGreaterThan(0);
  });

  it('lists the planted urgent open tickets with their CRM accounts', async () => {
    const { loaders } = buildModule();
    const u = (await loaders.urgentOpenTickets()).value;
    expect(u.truncated).toBe(false);
    expect(u.tickets.map((t) => ({ accountId: t.crmAccountId, ticketId: t.ticket.id })).sort((a, b) => a.ticketId.localeCompare(b.ticketId))).toEqual(
      plantedUrgent(state.world.manifest),
    );
    expect(u.tickets.every((t) => t.ticket.priority === 'URGENT' && ['NEW', 'OPEN', 'PENDING', 'HOLD'].includes(t.ticket.status))).toBe(true);
    expect(counts()).toEqual({ search: 1 });
  });

  it('a search that does not honour include= falls back to show_many, batched, and links the same tickets', async () => {
    const { loaders } = buildModule();
    state.zendeskIgnoresSideloads = true;
    try {
      const u = (await loaders.urgentOpenTickets()).value;
      expect(u.tickets.map((t) => ({ accountId: t.crmAccountId, ticketId: t.ticket.id })).sort((a, b) => a.ticketId.localeCompare(b.ticketId))).toEqual(
        plantedUrgent(state.world.manifest),
      );
      expect(u.tickets.every((t) => t.ticket.requester === null || t.ticket.requester.name.length > 0)).toBe(true);
      const orgs = new Set(u.tickets.map((t) => t.organizationId).filter((o) => o !== null));
      expect(counts()).toEqual({ search: 1, 'users.show_many': 1, 'organizations.show_many': Math.ceil(orgs.size / 100) });
    } finally {
      state.zendeskIgnoresSideloads = false;
    }
  });

  it("a customer's tickets without sideloads: requesters come from users/show_many", async () => {
    const [id] = accountIds(1);
    const { loaders } = buildModule();
    state.zendeskIgnoresSideloads = true;
    try {
      const v = (await loaders.forAccount.load(id!)).value!;
      const withRequester = v.tickets.filter((t) => t.requester);
      expect(withRequester.length).toBeGreaterThan(0);
      expect(counts()['users.show_many']).toBe(1);
    } finally {
      state.zendeskIgnoresSideloads = false;
    }
  });
});

describe('client endpoints', () => {
  it('reads one organization, lookups, ticket lists and users in Zendesk\'s shapes', async () => {
    const { client } = buildModule();
    const org = zd().organizations[0]!;
    expect((await client.organization(String(org.id))).organization.name).toBe(org.name);
    expect((await client.organizationsByIds([String(org.id)])).organizations).toHaveLength(1);
    expect((await client.findOrganizations({ externalId: org.external_id! })).organizations[0]?.id).toBe(org.id);
    expect((await client.findOrganizations({ name: org.name })).organizations[0]?.id).toBe(org.id);
    const listed = await client.organizationTickets(String(org.id));
    expect(listed.tickets.length).toBe(zd().tickets.filter((t) => t.organization_id === org.id).length);
    // the users sideload: every requester and assignee of those tickets
    const people = new Set(listed.tickets.flatMap((t) => [t.requester_id, t.assignee_id]).filter((u) => u !== null));
    expect(new Set(listed.users!.map((u) => u.id))).toEqual(people);
    const shown = await client.ticketsByIds(listed.tickets.map((t) => t.id));
    expect(shown.tickets.map((t) => t.id)).toEqual(listed.tickets.map((t) => t.id));
    await expect(client.organization('999')).rejects.toMatchObject({ status: 404 });
  });
});

describe('client guards', () => {
  it('refuses more than 100 ids and malformed ids without sending', async () => {
    const { client } = buildModule();
    const many = Array.from({ length: ZENDESK_MAX_IDS + 1 }, (_, i) => String(i + 1));
    await expect(client.usersByIds(many)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(client.organizationsByIds(['1', '2 OR 1'])).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(client.organization('../users/1')).rejects.toBeInstanceOf(SourceError);
    await expect(client.organizationsByExternalIds(['a,b'])).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(state.totalRequests('zendesk')).toBe(0);
  });

  it('never follows a pagination link off its own API (credentials stay home)', async () => {
    const { client } = buildModule();
    await expect(client.organizationsPage('https://evil.example/api/v2/organizations?page[after]=x')).rejects.toMatchObject({ code: 'INVALID_RESPONSE' });
  });
});

describe('faults → Zendesk\'s answer → shared error code', () => {
  /** One account's support record, through a fresh kit; `onlyEnv` replaces the sandbox's settings entirely. */
  const load = async (kitOpts: TestKitOptions = {}, onlyEnv?: Record<string, string>) => {
    const client = onlyEnv ? zendeskSource.createClient(parseEnv(zendeskSource.configSchema, onlyEnv, 'Zendesk'), { tokens: new MemoryTokenStore() }) : sb.client();
    const loaders = sb.loaders(client, sb.kit(kitOpts));
    const [r] = await loaders.forAccount.loadMany(accountIds(1));
    return r;
  };

  it('latency under the timeout still answers', async () => {
    state.setFault('zendesk', { latencyMs: 60 });
    const r = await load({ timeoutMs: 2000 });
    expect(r).not.toBeInstanceOf(Error);
  });

  it.each([
    ['latency past the timeout', { latencyMs: 400 }],
    ['a hang', { hang: true }],
  ])('%s → TIMEOUT', async (_, fault) => {
    state.setFault('zendesk', fault);
    const started = Date.now();
    expect(await load({ timeoutMs: 150 })).toMatchObject({ code: 'TIMEOUT', retryable: true });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it.each([
    [{ status: 500 as const }, { code: 'UNAVAILABLE', status: 500, vendorCode: 'Unavailable' }],
    [{ status: 503 as const }, { code: 'UNAVAILABLE', status: 503, vendorCode: 'unavailable' }],
    [{ rateLimit: true, retryAfterSeconds: 17 }, { code: 'RATE_LIMITED', status: 429, vendorCode: 'APIRateLimitExceeded', retryAfterSeconds: 17 }],
    [{ expiredToken: true }, { code: 'UNAUTHENTICATED', status: 401, vendorCode: "Couldn't authenticate you" }],
    [{ malformed: true }, { code: 'INVALID_RESPONSE' }],
    [{ drift: true }, { code: 'INVALID_RESPONSE' }],
    [{ reset: true }, { code: 'UNAVAILABLE' }],
  ])('%j → %j', async (fault, expected) => {
    state.setFault('zendesk', fault);
    const r = await load();
    expect(r).toBeInstanceOf(SourceError);
    expect(r).toMatchObject({ source: 'zendesk', ...expected });
  });

  it('an OAuth token refused after expiry stays refused: UNAUTHENTICATED, no refresh to try', async () => {
    const token = state.issueToken('zendesk', 3600);
    const oauthEnv = { ZENDESK_BASE_URL: env.ZENDESK_BASE_URL!, ZENDESK_OAUTH_TOKEN: token };
    expect(await load({}, oauthEnv)).not.toBeInstanceOf(Error);
    state.setFault('zendesk', { expiredToken: true });
    expect(await load({}, oauthEnv)).toMatchObject({ code: 'UNAUTHENTICATED' });
    state.clearFaults();
    expect(await load({}, oauthEnv)).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(counts()['organizations.show_many']).toBe(3);
  });

  it('drift of the link field fails searches too', async () => {
    state.setFault('zendesk', { drift: true });
    const { loaders } = buildModule();
    await expect(loaders.searchOrganizations('brien', 5)).rejects.toMatchObject({ code: 'INVALID_RESPONSE' });
  });

  it('serves the last good value, marked stale, when Zendesk fails; failures are never cached', async () => {
    const ids = accountIds(1);
    const m = buildModule();
    const { createLoaders } = await import('./loaders.js');
    const good = await m.loaders.forAccount.load(ids[0]!);
    // the kit tells "from cache" by fetchedAt < start of the read: let the clock move on
    await new Promise((r) => setTimeout(r, 5));
    state.setFault('zendesk', { status: 503 });
    const stale = await createLoaders({ client: m.client, kit: m.kit, forceRefresh: true }).forAccount.load(ids[0]!);
    expect(stale.value).toEqual(good.value);
    expect(stale.freshness).toMatchObject({ fromCache: true, stale: true, error: { code: 'UNAVAILABLE' } });

    const fresh = buildModule();
    await expect(fresh.loaders.forAccount.load(ids[0]!)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    state.clearFaults();
    const before = state.totalRequests('zendesk');
    const after = await createLoaders({ client: fresh.client, kit: fresh.kit, forceRefresh: false }).forAccount.load(ids[0]!);
    expect(after.freshness.fromCache).toBe(false);
    expect(state.totalRequests('zendesk')).toBeGreaterThan(before);
  });
});
