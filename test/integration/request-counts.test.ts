/**
 * What a view costs upstream, counted by the sandbox: one request per source for a cold customer, none for a
 * warm one, at most two per source for a 50-customer list; and the cache's promises — concurrent misses share a
 * call, errors are never cached, stale data is served with its age when a source fails, the byte bound holds.
 * The indexes are warmed first, as the app does at start-up.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPanoramaYoga } from '../../graphql/yoga.js';
import { ConfigError } from '../../sources/kit/config.js';
import { ttlOf } from '../../sources/kit/cache.js';
import { projectIndexTtlMs } from '../../sources/asana/index.js';
import type { SourceId } from '../../sources/kit/errors.js';
import { noRequests } from '../../sources/kit/testing.js';
import { createSourcesRuntime, type SourcesRuntime } from '../../sources/runtime.js';
import { SANDBOX_CREDENTIALS } from '../../sources/sandbox/constants.js';
import { createHarness, gql, runtimeFor, settle, viewerFor, type Harness } from '../support/graphql.js';

const SOURCES: SourceId[] = ['salesforce', 'quickbooks', 'asana', 'zendesk'];

let h: Harness;
beforeAll(async () => {
  h = createHarness({ size: 120, seed: 5 });
  h.sandbox.listen();
  const warmed = await h.runtime.warmIndexes();
  expect(warmed.map((w) => [w.source, w.ok])).toEqual(SOURCES.map((s) => [s, true]));
});
afterEach(() => h.sandbox.state.clearFaults());
afterAll(async () => {
  for (const r of [h.runtime, ...extraRuntimes]) await settle(r);
  h.sandbox.close();
});

/** Another runtime (its own cache and settings) over the same in-process sandbox. */
/** Runtimes made by the tests (short TTLs re-read in the background): settled before the sandbox closes. */
const extraRuntimes: SourcesRuntime[] = [];
async function runtimeWith(env: Record<string, string>): Promise<Harness> {
  // QuickBooks rotated the refresh token the first runtime used: this one starts from the configured one again
  h.sandbox.state.refreshTokens.quickbooks.add(SANDBOX_CREDENTIALS.quickbooks.refreshToken);
  const runtime = runtimeFor(h, env);
  extraRuntimes.push(runtime);
  const other = { sandbox: h.sandbox, runtime, yoga: createPanoramaYoga(runtime) };
  await runtime.warmIndexes();
  return other;
}

/** Everything the customer page shows: every section, links, flags, mastered fields, timeline and health. */
const CUSTOMER = /* GraphQL */ `
  query ($id: ID!, $refresh: Boolean = false) {
    customer(id: $id, refresh: $refresh) {
      id
      name
      links { system recordId rule }
      sections { system state fetchedAt ageSeconds fromCache stale message code }
      ambiguousLinks { system }
      fields { field system value }
      flags { kind message }
      health { score }
      timeline(first: 12) { totalCount events { id } }
      crm { status { state } account { id name tier owner { name } } contacts { name } opportunities { amount } }
      accounting { status { state } standing { state } balance invoices(first: 12) { id } payments(first: 8) { id } }
      projects { status { state } projects { id status milestones { name } } }
      support { status { state } organization { id } counts { unsolved total } tickets(first: 15) { id requester { name } } }
    }
  }
`;

const LIST = /* GraphQL */ `
  {
    customers(search: "", first: 50) {
      nodes {
        id
        name
        crm { account { tier } }
        accounting { standing { state } }
        projectSummary { total worstStatus nextDueOn counts { status count } }
        support { organization { id } counts { unsolved total } }
      }
    }
  }
`;

type Section = { system: string; state: string; fetchedAt: string | null; ageSeconds: number | null; fromCache: boolean; stale: boolean; message: string | null; code: string | null };

const admin = viewerFor('admin');
const counts = (x: Harness = h) => x.sandbox.state.requestCounts();
const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);

/**
 * Customers linked by exact ids in all four systems whose data fits one request per source: at most five projects
 * (ten actions in one Asana batch), at most 100 tasks per project and 100 tickets (one page each).
 */
function fullyLinked(): string[] {
  const w = h.sandbox.state.world;
  const m = w.manifest;
  const linked = (system: string) => new Map(m.exactLinks.filter((l) => l.system === system).map((l) => [l.accountId, l.recordId]));
  const [q, a, z] = [linked('quickbooks'), linked('asana'), linked('zendesk')];
  const heuristic = new Set(m.heuristicLinks.map((l) => l.accountId));
  return m.cleanAccountIds.filter((id) => {
    if (!q.has(id) || !a.has(id) || !z.has(id) || heuristic.has(id)) return false;
    const projects = w.asana.projects.filter((p) => p.custom_fields.some((f) => f.text_value === id));
    const tasks = (gid: string) => w.asana.tasks.filter((t) => t.projects.some((p) => p.gid === gid)).length;
    const tickets = w.zendesk.tickets.filter((t) => String(t.organization_id) === z.get(id)).length;
    return projects.length <= 5 && projects.every((p) => tasks(p.gid) <= 100) && tickets <= 100;
  });
}

let pool: string[] | null = null;
/** A customer no test has read yet: none of its sections is in the shared cache. */
function coldCustomer(): string {
  pool ??= fullyLinked();
  const cached = (id: string) => ['salesforce:customer', 'zendesk:customer', 'asana:projects'].some((k) => h.runtime.cache.peek(`${k}:${id}`));
  let id: string | undefined;
  while ((id = pool.shift()) && cached(id));
  if (!id) throw new Error('the dataset has too few fully linked customers for these tests');
  return id;
}

async function view(id: string, x: Harness = h, refresh = false) {
  const r = await gql(x, admin, CUSTOMER, { id, refresh });
  return r;
}

const sectionsOf = (r: { data?: Record<string, any> | null }) => r.data!.customer.sections as Section[];

describe('request counts (indexes warm)', () => {
  it('a cold customer view costs exactly one request per source', async () => {
    const id = coldCustomer();
    h.sandbox.state.resetCounts();
    const r = await view(id);
    expect(r.errors).toBeUndefined();
    expect(counts()).toEqual({
      ...noRequests(), // every other module (Xero: not the accounting system here, PANORAMA_ACCOUNTING unset) is asked nothing
      salesforce: { query: 1 }, // Account + Contacts + Opportunities in one SOQL query
      quickbooks: { batch: 1 }, // Customer, Invoice and Payment queries in one /batch
      asana: { batch: 1 }, // details and tasks of each linked project in one /batch
      zendesk: { search: 1 }, // the organization's tickets, users and organization sideloaded
    });
    expect(sectionsOf(r).map((s) => [s.system, s.state])).toEqual([
      ['SALESFORCE', 'LIVE'],
      ['QUICKBOOKS', 'LIVE'],
      ['ASANA', 'LIVE'],
      ['ZENDESK', 'LIVE'],
    ]);
    expect(r.data!.customer.links.map((l: { rule: string }) => l.rule)).toEqual(expect.arrayContaining(['EXACT_ID']));
  });

  it('a second view of the same customer costs nothing, and says it came from the cache', async () => {
    const id = coldCustomer();
    await view(id);
    h.sandbox.state.resetCounts();
    const r = await view(id);
    expect(SOURCES.map((s) => total(counts()[s]))).toEqual([0, 0, 0, 0]);
    expect(sectionsOf(r).every((s) => s.state === 'CACHED' && s.fromCache && !s.stale)).toBe(true);
  });

  it('a 50-customer list with figures from all four systems costs at most 2 requests per source, none per row', async () => {
    h.sandbox.state.resetCounts();
    const r = await gql(h, admin, LIST);
    expect(r.errors).toBeUndefined();
    type Row = { id: string; accounting: unknown; projectSummary: { total: number } | null; support: { organization: { id: string }; counts: { total: number } } | null };
    const nodes = r.data!.customers.nodes as Row[];
    expect(nodes).toHaveLength(50);
    // enough rows really were linked for the count to mean something
    expect(nodes.filter((n) => n.accounting).length).toBeGreaterThan(30);
    expect(nodes.filter((n) => n.support).length).toBeGreaterThan(30);
    expect(nodes.filter((n) => n.projectSummary).length).toBeGreaterThan(20);
    const c = counts();
    expect(c.salesforce).toEqual({ query: 1 }); // the names from the warm account index, then every row's account, contacts and deals at once
    expect(c.quickbooks).toEqual({ batch: 1 }); // every row's customer, invoices and payments, exact and probable links alike
    expect(c.asana).toEqual({}); // project summaries come from the project index alone
    // Zendesk: one search for the tickets of every row's organization (exact and probable links alike), paged
    // by Zendesk 100 tickets at a time — the cost follows the number of tickets, never the number of rows.
    const tickets = new Map(nodes.flatMap((n) => (n.support ? [[n.support.organization.id, n.support.counts.total] as const] : [])));
    const pages = Math.ceil([...tickets.values()].reduce((a, b) => a + b, 0) / 100);
    expect(c.zendesk).toEqual({ search: pages });
    expect(pages).toBeLessThanOrEqual(3);
  });

  it('a project summary agrees with the projects section', async () => {
    const id = coldCustomer();
    const r = await gql(h, admin, `query ($id: ID!) { customer(id: $id) { projectSummary { total active worstStatus status { system } } projects { projects { id status } } } }`, { id });
    const c = r.data!.customer;
    expect(c.projectSummary.total).toBe(c.projects.projects.length);
    expect(c.projectSummary.status.system).toBe('ASANA');
    const active = c.projects.projects.filter((p: { status: string }) => p.status !== 'COMPLETE');
    expect(c.projectSummary.active).toBe(active.length);
  });

  it('refresh: true reads that customer again from every source, and no other customer', async () => {
    const [a, b] = [coldCustomer(), coldCustomer()];
    await view(a);
    const before = sectionsOf(await view(b));
    h.sandbox.state.resetCounts();
    const refreshed = await view(a, h, true);
    expect(refreshed.errors).toBeUndefined();
    expect(sectionsOf(refreshed).every((s) => s.state === 'LIVE')).toBe(true);
    // Every source again for this one customer. A forced read trusts no cached index: Asana pages its project
    // index anew (100 projects a page) and Zendesk looks the organization up instead of taking the index's hint.
    const indexPages = Math.ceil(h.sandbox.state.world.asana.projects.length / 100);
    expect(counts()).toEqual({
      ...noRequests(),
      salesforce: { query: 1 },
      quickbooks: { batch: 1 },
      asana: { 'projects.list': indexPages, batch: 1 },
      zendesk: { 'organizations.show_many': 1, search: 1 },
    });
    // the other customer is still served from the cache, as fetched before
    h.sandbox.state.resetCounts();
    const after = sectionsOf(await view(b));
    expect(SOURCES.map((s) => total(counts()[s]))).toEqual([0, 0, 0, 0]);
    expect(after.map((s) => s.fetchedAt)).toEqual(before.map((s) => s.fetchedAt));
  });

  it('concurrent views of one cold customer share their upstream calls', async () => {
    const id = coldCustomer();
    h.sandbox.state.resetCounts();
    const results = await Promise.all(Array.from({ length: 5 }, () => view(id)));
    for (const r of results) expect(r.errors).toBeUndefined();
    expect(counts()).toEqual({ ...noRequests(), salesforce: { query: 1 }, quickbooks: { batch: 1 }, asana: { batch: 1 }, zendesk: { search: 1 } });
  });
});

describe('the cache is honest', () => {
  it('never caches an error: the next view after the source recovers goes upstream and succeeds', async () => {
    const id = coldCustomer();
    h.sandbox.state.setFault('zendesk', { status: 503 });
    h.sandbox.state.setFault('asana', { status: 500 });
    const failed = await view(id);
    const state = (r: typeof failed, system: string) => sectionsOf(r).find((s) => s.system === system)!;
    expect(state(failed, 'ZENDESK')).toMatchObject({ state: 'FAILED', code: 'UNAVAILABLE' });
    expect(state(failed, 'ASANA')).toMatchObject({ state: 'FAILED', code: 'UNAVAILABLE' });
    h.sandbox.state.clearFaults();
    h.sandbox.state.resetCounts();
    const recovered = await view(id);
    expect(counts().zendesk).toEqual({ search: 1 });
    expect(counts().asana).toEqual({ batch: 1 });
    expect(total(counts().salesforce) + total(counts().quickbooks)).toBe(0);
    expect(state(recovered, 'ZENDESK').state).toBe('LIVE');
    expect(state(recovered, 'ASANA').state).toBe('LIVE');
    const organization = h.sandbox.state.world.manifest.exactLinks.find((l) => l.system === 'zendesk' && l.accountId === id)!.recordId;
    expect(recovered.data!.customer.support.organization.id).toBe(organization);
  });

  it('serves a stale value with its age, naming the system, when the source fails (short TTL from the environment)', async () => {
    // QuickBooks data fresh for 0.2 s, served while revalidating for 1 s more; the other sources keep their TTLs
    const x = await runtimeWith({ PANORAMA_CACHE_TTL_QUICKBOOKS_SECONDS: '0.2' });
    expect(x.runtime.bySource.quickbooks.kit.policyFor('customer')).toEqual({ ttlMs: 200, swrMs: 1000, maxStaleMs: 12_000 });
    expect(x.runtime.bySource.zendesk.kit.policyFor('customer').ttlMs).toBe(60_000);
    const id = coldCustomer();
    const beforeFirst = performance.now();
    const first = await view(id, x);
    const afterFirst = performance.now();
    expect(sectionsOf(first).find((s) => s.system === 'QUICKBOOKS')!.state).toBe('LIVE');
    await new Promise((r) => setTimeout(r, 1300));
    x.sandbox.state.setFault('quickbooks', { status: 503 });
    const beforeSecond = performance.now();
    const r = await view(id, x);
    const afterSecond = performance.now();
    const qbo = sectionsOf(r).find((s) => s.system === 'QUICKBOOKS')!;
    expect(qbo).toMatchObject({ state: 'STALE', fromCache: true, stale: true, code: 'UNAVAILABLE' });
    // whole seconds since QuickBooks answered the first view, as far as the two views' own timings bound it
    expect(qbo.ageSeconds).toBeGreaterThanOrEqual(Math.floor((beforeSecond - afterFirst) / 1000));
    expect(qbo.ageSeconds).toBeLessThanOrEqual(Math.ceil((afterSecond - beforeFirst) / 1000));
    expect(qbo.message).toMatch(/QuickBooks/);
    expect(qbo.message).toMatch(new RegExp(`^QuickBooks isn.t answering \\(503\\) since \\d\\d:\\d\\d UTC; showing data from ${qbo.ageSeconds} s ago\\.$`));
    expect(r.errors?.find((e) => e.extensions?.source === 'quickbooks')?.extensions).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
    expect(r.data!.customer.accounting.standing.state).toBe(first.data!.customer.accounting.standing.state);
    expect(sectionsOf(r).find((s) => s.system === 'SALESFORCE')!.state).toBe('CACHED');
  });

  it('stays within its byte bound however many customers are read', async () => {
    const x = await runtimeWith({ PANORAMA_CACHE_MAX_MB: '0.25' });
    const { cache } = x.runtime;
    expect(cache.maxBytes).toBe(Math.round(0.25 * 1024 * 1024));
    const rows = `nodes { id crm { account { id } } accounting { balance } projects { projects { id } } support { counts { total } } }`;
    let read = 0;
    let peak = 0;
    // every customer, in lists of up to 100 (by name, then by the letters names contain)
    for (const search of ['', 'a', 'e', 'o']) {
      const r = await gql(x, admin, `query ($s: String) { customers(search: $s, first: 100) { ${rows} } }`, { s: search });
      expect(r.errors).toBeUndefined();
      read += r.data!.customers.nodes.length;
      expect(cache.calculatedBytes).toBeLessThanOrEqual(cache.maxBytes);
      peak = Math.max(peak, cache.calculatedBytes);
    }
    expect(read).toBeGreaterThan(300);
    // it had to let entries go: all those customers' sections did not fit
    expect(cache.size).toBeLessThan(read);
    // and it was filled towards its bound (the peak: a search re-reads an evicted account index, one large entry
    // that may push out many small ones just before the end)
    expect(peak).toBeGreaterThan(cache.maxBytes / 2);
  });

  it('keeps the indexes warm: past their TTL they are read again in the background, without any request asking', async () => {
    // the Asana project index fresh for 0.6 s, then served stale while it is read again (0.6 s more)
    const x = await runtimeWith({ PANORAMA_CACHE_TTL_SCALE: '0.002', PANORAMA_CACHE_TTL_ASANA_PROJECT_INDEX_SECONDS: '0.6' });
    x.sandbox.state.resetCounts();
    const stop = x.runtime.keepIndexesWarm(1000);
    try {
      await new Promise((r) => setTimeout(r, 1400));
      // one tick (at 1 s) read the whole project index again, 100 projects a page
      expect(x.sandbox.state.requestCounts().asana['projects.list']).toBe(Math.ceil(x.sandbox.state.world.asana.projects.length / 100));
    } finally {
      stop();
    }
  });

  it('refuses a TTL setting that is not a positive number, naming the variable', () => {
    for (const [name, value] of [
      ['PANORAMA_CACHE_TTL_SCALE', '0'],
      ['PANORAMA_CACHE_TTL_ZENDESK_SECONDS', 'soon'],
    ]) {
      expect(() => createSourcesRuntime({ ...h.sandbox.env, [name!]: value! })).toThrow(ConfigError);
      expect(() => createSourcesRuntime({ ...h.sandbox.env, [name!]: value! })).toThrow(name);
    }
    const scaled = createSourcesRuntime({ ...h.sandbox.env, PANORAMA_CACHE_TTL_SCALE: '0.5' });
    const index = scaled.bySource.asana.kit.policyFor('project-index');
    expect(index).toMatchObject({ ttlMs: 900_000, swrMs: 900_000, maxStaleMs: 3 * 3600_000 });
    // the index's TTL that grows with its pages is halved too: 14,500 projects every 2 h instead of 4
    const rows = Array.from({ length: 14_500 }, () => ({}));
    expect(ttlOf(index, rows)).toBe(Math.round(projectIndexTtlMs(rows) / 2));
  });

  it('sets one entity\'s TTL with PANORAMA_CACHE_TTL_<SOURCE>_<ENTITY>_SECONDS, its stale windows scaled with it', () => {
    const r = createSourcesRuntime({
      ...h.sandbox.env,
      PANORAMA_CACHE_TTL_SALESFORCE_ACCOUNT_INDEX_SECONDS: '1200',
      PANORAMA_CACHE_TTL_ASANA_PROJECT_INDEX_SECONDS: '60',
      PANORAMA_CACHE_TTL_QUICKBOOKS_SECONDS: '30',
      PANORAMA_CACHE_TTL_QUICKBOOKS_SEARCH_SECONDS: '5',
    });
    expect(r.bySource.salesforce.kit.policyFor('accountIndex')).toEqual({ ttlMs: 1_200_000, swrMs: 3_600_000, maxStaleMs: 48 * 3600_000 });
    expect(r.bySource.salesforce.kit.policyFor('customer')).toEqual({ ttlMs: 60_000, swrMs: 300_000, maxStaleMs: 3600_000 });
    // an entity's own TTL is its TTL, however large the index
    expect(r.bySource.asana.kit.policyFor('project-index')).toEqual({ ttlMs: 60_000, swrMs: 60_000, maxStaleMs: 12 * 60_000 });
    // the source's own setting scales its other entries; the entity's own wins for that entity
    expect(r.bySource.quickbooks.kit.policyFor('customer').ttlMs).toBe(30_000);
    expect(r.bySource.quickbooks.kit.policyFor('search')).toEqual({ ttlMs: 5_000, swrMs: 10_000, maxStaleMs: 100_000 });
  });

  it('refuses an entity TTL for an entity the source does not cache, listing the ones it does', () => {
    const make = () => createSourcesRuntime({ ...h.sandbox.env, PANORAMA_CACHE_TTL_QUICKBOOKS_INVOICES_SECONDS: '30' });
    expect(make).toThrow(ConfigError);
    expect(make).toThrow(/PANORAMA_CACHE_TTL_QUICKBOOKS_INVOICES_SECONDS="30": quickbooks caches no "INVOICES"; its entities are .*CUSTOMER_INDEX/);
  });
});
