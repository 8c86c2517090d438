/**
 * The response cache: a repeat of the same operation by the same viewer within its TTL is answered without
 * executing — and only when that is honest: never an answer that read a source live, failed or went stale, never
 * a refresh, never across viewers, never past its bound. Every answer, reused or not, is audited.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../graphql/audit.js';
import { createSchema, createYoga } from 'graphql-yoga';
import type { ServerContext } from '../../graphql/context.js';
import { createResponseCache, isRefresh, responseCacheSettings } from '../../graphql/response-cache.js';
import { createPanoramaYoga } from '../../graphql/yoga.js';
import { ConfigError } from '../../sources/kit/config.js';
import { createSourcesRuntime } from '../../sources/runtime.js';
import { SANDBOX_CREDENTIALS } from '../../sources/sandbox/constants.js';
import { createHarness, gql, runtimeFor, settle, viewerFor, type Harness } from '../support/graphql.js';

const audit: AuditRecord[] = [];
const TTL_MS = 1500;
let h: Harness;
beforeAll(async () => {
  h = createHarness({ size: 120, seed: 5, yoga: { responseCache: { ttlMs: TTL_MS, maxEntries: 3, maxBytes: 1024 * 1024 }, audit: { write: (r) => void audit.push(r) } } });
  h.sandbox.listen();
  await h.runtime.warmIndexes();
});
afterEach(() => h.sandbox.state.clearFaults());
afterAll(async () => {
  await settle(h.runtime);
  h.sandbox.close();
});

const PAGE = /* GraphQL */ `
  query Page($id: ID!, $refresh: Boolean = false, $refreshSystems: [System!]) {
    customer(id: $id, refresh: $refresh, refreshSystems: $refreshSystems) {
      id
      name
      sections { system state ageSeconds fromCache stale }
      accounting { balance }
    }
  }
`;

const admin = viewerFor('admin');
const support = viewerFor('support');
const requests = () => Object.values(h.sandbox.state.requestCounts()).reduce((n, c) => n + Object.values(c).reduce((a, b) => a + b, 0), 0);

let next = 0;
/** A customer no test has read (and all of whose systems answer), seen once so that its sections are now cached. */
async function warmCustomer(viewer = admin): Promise<string> {
  const ids = h.sandbox.state.world.manifest.cleanAccountIds;
  const id = ids[next++ % ids.length]!;
  const first = await gql(h, viewer, PAGE, { id });
  expect(first.errors).toBeUndefined();
  expect(first.extensions?.responseCache).toEqual({ hit: false, didCache: false });
  return id;
}

describe('response cache', () => {
  it('does not keep an answer that read a source live: reusing it would claim the data is live', async () => {
    const id = h.sandbox.state.world.manifest.cleanAccountIds.at(-1)!;
    const first = await gql(h, admin, PAGE, { id });
    expect(first.data!.customer.sections.some((s: { state: string }) => s.state === 'LIVE')).toBe(true);
    expect(first.extensions?.responseCache?.didCache).toBe(false);
  });

  it('reuses a cached answer for the same viewer: no execution, no upstream request, audited as reused', async () => {
    const id = await warmCustomer();
    const second = await gql(h, admin, PAGE, { id });
    expect(second.data!.customer.sections.every((s: { state: string }) => ['CACHED', 'NOT_LINKED'].includes(s.state))).toBe(true);
    expect(second.extensions?.responseCache).toMatchObject({ hit: false, didCache: true, ttl: TTL_MS });
    h.sandbox.state.resetCounts();
    audit.length = 0;
    const third = await gql(h, admin, PAGE, { id });
    expect(third.extensions?.responseCache).toEqual({ hit: true });
    expect(third.data).toEqual(second.data);
    expect(requests()).toBe(0);
    expect(audit).toEqual([expect.objectContaining({ userId: admin.id, role: 'admin', operation: 'Page', customerIds: [id], reused: true, errors: 0, requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) })]);
  });

  it('never hands one viewer an answer made for another', async () => {
    const id = await warmCustomer();
    await gql(h, admin, PAGE, { id });
    const other = await gql(h, support, PAGE, { id });
    expect(other.extensions?.responseCache?.hit).toBe(false);
    // support may not read balances: its own execution enforces that, not the admin's cached answer
    expect(other.data!.customer.accounting.balance).toBeNull();
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('does not keep an answer with a failed or stale section, nor one with errors', async () => {
    const id = await warmCustomer();
    h.sandbox.state.setFault('zendesk', { status: 503 });
    const failing = await gql(h, admin, PAGE, { id, refreshSystems: ['ZENDESK'] });
    expect(failing.data!.customer.sections.find((s: { system: string }) => s.system === 'ZENDESK').state).toMatch(/FAILED|STALE/);
    expect(failing.extensions?.responseCache?.didCache).toBeFalsy();
    // support's answer carries a FORBIDDEN error for the balance: never kept
    await gql(h, support, PAGE, { id });
    const withError = await gql(h, support, PAGE, { id });
    expect(withError.errors?.length).toBeGreaterThan(0);
    expect(withError.extensions?.responseCache).toEqual({ hit: false, didCache: false });
  });

  it('a refresh is always executed, and drops the answers kept', async () => {
    const id = await warmCustomer();
    expect((await gql(h, admin, PAGE, { id })).extensions?.responseCache?.didCache).toBe(true);
    h.sandbox.state.resetCounts();
    const refreshed = await gql(h, admin, PAGE, { id, refresh: true });
    expect(refreshed.extensions?.responseCache).toBeUndefined();
    expect(refreshed.data!.customer.sections.every((s: { state: string }) => ['LIVE', 'NOT_LINKED'].includes(s.state))).toBe(true);
    expect(requests()).toBeGreaterThan(0);
    // the next plain view is executed again (the kept answer predates the refresh)
    const after = await gql(h, admin, PAGE, { id });
    expect(after.extensions?.responseCache?.hit).toBe(false);
    // a refresh written into the operation as a literal is never reused either
    const literal = PAGE.replace('$refresh: Boolean = false, ', '').replace('refresh: $refresh', 'refresh: true');
    expect((await gql(h, admin, literal, { id })).errors).toBeUndefined();
    h.sandbox.state.resetCounts();
    const again = await gql(h, admin, literal, { id });
    expect(again.extensions?.responseCache).toBeUndefined();
    expect(requests()).toBeGreaterThan(0);
  });

  it('Cache-Control: no-cache executes the operation', async () => {
    const id = await warmCustomer();
    await gql(h, admin, PAGE, { id });
    const fresh = await gql(h, admin, PAGE, { id }, { 'cache-control': 'no-cache' });
    expect(fresh.extensions?.responseCache).toBeUndefined();
    expect(fresh.data!.customer.sections.every((s: { state: string }) => ['CACHED', 'NOT_LINKED'].includes(s.state))).toBe(true);
  });

  it('keeps an answer no longer than its TTL, and at most maxEntries answers', async () => {
    const id = await warmCustomer();
    await gql(h, admin, PAGE, { id });
    expect((await gql(h, admin, PAGE, { id })).extensions?.responseCache?.hit).toBe(true);
    await new Promise((r) => setTimeout(r, TTL_MS + 100));
    expect((await gql(h, admin, PAGE, { id })).extensions?.responseCache?.hit).toBe(false);

    const ids = [await warmCustomer(), await warmCustomer(), await warmCustomer(), await warmCustomer()];
    for (const x of ids) expect((await gql(h, admin, PAGE, { id: x })).extensions?.responseCache?.didCache).toBe(true);
    // four kept in a cache of three: the oldest is gone, the newest is there
    expect((await gql(h, admin, PAGE, { id: ids[0] })).extensions?.responseCache?.hit).toBe(false);
    expect((await gql(h, admin, PAGE, { id: ids[3] })).extensions?.responseCache?.hit).toBe(true);
  });

  it('never keeps more than its byte bound: an answer larger than the whole bound is not kept', async () => {
    // QuickBooks rotated the refresh token the first runtime used: this one starts from the configured one again
    h.sandbox.state.refreshTokens.quickbooks.add(SANDBOX_CREDENTIALS.quickbooks.refreshToken);
    const runtime = runtimeFor(h);
    const small: Harness = { sandbox: h.sandbox, runtime, yoga: createPanoramaYoga(runtime, { responseCache: { ttlMs: TTL_MS, maxEntries: 100, maxBytes: 2_000 } }) };
    await runtime.warmIndexes();
    const id = h.sandbox.state.world.manifest.cleanAccountIds[1]!;
    await gql(small, admin, PAGE, { id });
    const all = await gql(small, admin, PAGE, { id });
    expect(all.data!.customer.sections.every((s: { state: string }) => ['CACHED', 'NOT_LINKED'].includes(s.state))).toBe(true);
    expect(all.extensions?.responseCache).toEqual({ hit: false, didCache: false });
    expect(small.yoga.responseCache.size()).toBe(0);
    expect((await gql(small, admin, PAGE, { id })).extensions?.responseCache?.hit).toBe(false);
  });

  it('audits a request without a session, with no user', async () => {
    audit.length = 0;
    const r = await gql(h, null, PAGE, { id: h.sandbox.state.world.manifest.cleanAccountIds[0] });
    expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(audit).toEqual([expect.objectContaining({ userId: null, role: null, operation: 'Page', reused: false })]);
  });
});

describe('an answer executed across a refresh', () => {
  /** A one-field server whose answer waits for `release`, behind the response cache. */
  function gatedServer() {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const cache = createResponseCache({ ttlMs: 5_000, maxEntries: 10, maxBytes: 1e6 });
    const yoga = createYoga<ServerContext>({
      schema: createSchema({
        typeDefs: 'type Query { status: Status } type Status { state: String }',
        resolvers: { Query: { status: async () => (await gate, { state: 'CACHED' }) } },
      }),
      plugins: [cache.plugin!],
      logging: false,
    });
    const ask = async () => {
      const res = await yoga.fetch('http://yoga/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ status { state } }"}' }, { viewer: admin });
      return ((await res.json()) as { extensions?: { responseCache?: { didCache: boolean } } }).extensions?.responseCache;
    };
    return { cache, release, ask };
  }

  it('is kept when nothing was refreshed meanwhile', async () => {
    const s = gatedServer();
    const pending = s.ask();
    s.release();
    expect(await pending).toMatchObject({ didCache: true });
  });

  it('is not kept when a refresh dropped the held answers while it ran', async () => {
    const s = gatedServer();
    const pending = s.ask();
    await new Promise((r) => setTimeout(r, 10));
    s.cache.clear();
    s.release();
    expect(await pending).toEqual({ hit: false, didCache: false });
    expect(s.cache.size()).toBe(0);
  });
});

describe('what counts as a refresh (never answered from the cache)', () => {
  it.each([
    [{ query: PAGE, variables: { refresh: true } }, true],
    [{ query: PAGE, variables: { refreshSystems: ['ASANA'] } }, true],
    [{ query: PAGE, variables: { refresh: false, refreshSystems: [] } }, false],
    [{ query: PAGE.replace('refresh: $refresh', 'refresh: true') }, true],
    [{ query: PAGE.replace('refreshSystems: $refreshSystems', 'refreshSystems: [ZENDESK]') }, true],
    [{ query: PAGE.replace('refreshSystems: $refreshSystems', 'refreshSystems: ZENDESK') }, true],
    // the declarations `$refresh: Boolean` and `$refreshSystems: [System!]` are not a refresh
    [{ query: PAGE, variables: { id: 'x' } }, false],
  ])('case %#', (params, expected) => {
    expect(isRefresh(params)).toBe(expected);
  });
});

describe('response cache settings', () => {
  const runtime = () => runtimeFor(h);

  it('defaults to 2 s and 200 answers; 0 turns it off', () => {
    const r = runtime();
    expect(responseCacheSettings({}, r)).toEqual({ ttlMs: 2000, maxEntries: 200, maxBytes: 20 * 1024 * 1024 });
    expect(createPanoramaYoga(r, { responseCache: responseCacheSettings({ PANORAMA_RESPONSE_CACHE_SECONDS: '0' }, r) }).responseCache.plugin).toBeNull();
  });

  it('never keeps an answer longer than the shortest customer-data TTL of the sources', () => {
    const r = runtimeFor(h, { PANORAMA_CACHE_TTL_ASANA_SECONDS: '0.5' });
    expect(responseCacheSettings({ PANORAMA_RESPONSE_CACHE_SECONDS: '5' }, r).ttlMs).toBe(500);
  });

  it.each([
    ['PANORAMA_RESPONSE_CACHE_SECONDS', 'soon'],
    ['PANORAMA_RESPONSE_CACHE_SECONDS', '-1'],
    ['PANORAMA_RESPONSE_CACHE_MAX_ENTRIES', '2.5'],
    ['PANORAMA_RESPONSE_CACHE_MAX_MB', 'lots'],
  ])('refuses %s=%s with an error naming it', (name, value) => {
    expect(() => responseCacheSettings({ [name]: value }, runtime())).toThrow(ConfigError);
    expect(() => responseCacheSettings({ [name]: value }, runtime())).toThrow(new RegExp(`${name}.*"${value}"`));
  });
});
