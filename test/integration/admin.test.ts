import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPanoramaYoga } from '../../graphql/yoga.js';
import { SOURCE_MODULES, createSourcesRuntime } from '../../sources/runtime.js';
import { createHarness, gql, runtimeFor, viewerFor, type Harness } from '../support/graphql.js';

let h: Harness;
beforeAll(() => {
  h = createHarness({ size: 40, seed: 9 });
  h.sandbox.listen();
});
afterAll(() => h.sandbox.close());

describe('admin: source status and integration register', () => {
  it('reports each source: reachable, latency, error rate, cache hit rate and the last error in words', async () => {
    const id = h.sandbox.state.world.manifest.trickyNames[0]!.accountId;
    const page = `query ($id: ID!) { customer(id: $id) { crm { account { name } } accounting { displayName } support { counts { total } } } }`;
    await gql(h, viewerFor('admin'), page, { id });
    await gql(h, viewerFor('admin'), page, { id });
    h.sandbox.state.setFault('zendesk', { status: 503 });
    await gql(h, viewerFor('admin'), `query ($id: ID!) { customer(id: $id, refreshSystems: [ZENDESK]) { support { counts { total } } } }`, { id });
    h.sandbox.state.clearFaults();
    const r = await gql<any>(h, viewerFor('admin'), `{ sources { system configured reachability calls errorRate latencyP50Ms cacheHitRate cacheHits lastError { code message } } }`);
    expect(r.errors).toBeUndefined();
    const by = Object.fromEntries(r.data.sources.map((s: { system: string }) => [s.system, s]));
    expect(Object.keys(by)).toEqual(['SALESFORCE', 'QUICKBOOKS', 'ASANA', 'ZENDESK']);
    expect(by.SALESFORCE).toMatchObject({ configured: true, reachability: 'UP' });
    // the first view read Salesforce once; the second found it in the cache (1 hit of 2 lookups)
    expect(by.SALESFORCE).toMatchObject({ calls: 1, errorRate: 0, cacheHits: 1, cacheHitRate: 0.5 });
    // one real call's time: more than nothing, less than the timeout
    expect(by.SALESFORCE.latencyP50Ms).toBeGreaterThan(0);
    expect(by.SALESFORCE.latencyP50Ms).toBeLessThan(SOURCE_MODULES[0].timeoutMs);
    // Zendesk: the first view's call succeeded, the refresh's call failed
    expect(by.ZENDESK).toMatchObject({ reachability: 'DEGRADED', calls: 2, errorRate: 0.5 });
    expect(by.ZENDESK.lastError.code).toBe('UNAVAILABLE');
  });

  it('builds the register from the source modules: trigger, reads, transforms, credentials, scopes, failure, owner', async () => {
    const r = await gql<any>(h, viewerFor('admin'), `{ integrations { system owner trigger reads transforms credentials scopes failure endpoints timeoutMs cache { entity ttlSeconds } } }`);
    expect(r.data.integrations).toHaveLength(SOURCE_MODULES.length);
    for (const [i, m] of SOURCE_MODULES.entries()) {
      const entry = r.data.integrations[i];
      expect(entry.system).toBe(m.id.toUpperCase());
      expect(entry.owner).toBe(m.register.owner);
      const { reads, transforms, credentials, scopes, failure, endpoints, trigger } = m.register;
      expect(entry).toEqual({
        system: m.id.toUpperCase(),
        owner: m.register.owner,
        trigger,
        reads,
        transforms,
        credentials,
        scopes,
        failure,
        endpoints,
        timeoutMs: m.timeoutMs,
        cache: Object.entries(m.cachePolicies).map(([entity, p]) => ({ entity, ttlSeconds: p.ttlMs / 1000 })),
      });
    }
  });

  it('shows the cache rules in force, as the environment set them', async () => {
    const runtime = runtimeFor(h, { PANORAMA_CACHE_TTL_QUICKBOOKS_SECONDS: '30', PANORAMA_CACHE_TTL_ASANA_PROJECT_INDEX_SECONDS: '120' });
    const x: Harness = { sandbox: h.sandbox, runtime, yoga: createPanoramaYoga(runtime) };
    const r = await gql<any>(x, viewerFor('admin'), `{ integrations { system cache { entity ttlSeconds staleWhileRevalidateSeconds } } }`);
    const rules = Object.fromEntries(r.data.integrations.map((i: { system: string; cache: { entity: string }[] }) => [i.system, Object.fromEntries(i.cache.map((c) => [c.entity, c]))]));
    expect(rules.QUICKBOOKS.customer).toEqual({ entity: 'customer', ttlSeconds: 30, staleWhileRevalidateSeconds: 150 });
    expect(rules.ASANA['project-index']).toMatchObject({ ttlSeconds: 120 });
    expect(rules.SALESFORCE.customer).toMatchObject({ ttlSeconds: 60 });
  });

  it('tells the TTL in force for what is held: the Asana project index is fresh for longer as it grows', async () => {
    const runtime = runtimeFor(h, {});
    const x: Harness = { sandbox: h.sandbox, runtime, yoga: createPanoramaYoga(runtime) };
    const rule = async () => {
      // (no-cache: not the answer reused from the first ask)
      const r = await gql<any>(x, viewerFor('admin'), `{ integrations { system cache { entity ttlSeconds growsWithSize } } }`, {}, { 'cache-control': 'no-cache' });
      return r.data.integrations.find((i: { system: string }) => i.system === 'ASANA').cache.find((c: { entity: string }) => c.entity === 'project-index');
    };
    expect(await rule()).toEqual({ entity: 'project-index', ttlSeconds: 1800, growsWithSize: true });
    // an index of 14,500 projects (145 pages) held: read whole every 4 h (at most 36 pages an idle hour)
    const policy = runtime.bySource.asana.kit.policyFor('project-index');
    runtime.cache.prime('asana:project-index:big-workspace', Array.from({ length: 14_500 }, () => ({})), runtime.clock.now(), policy);
    expect(await rule()).toEqual({ entity: 'project-index', ttlSeconds: Math.round((145 / 36) * 3600), growsWithSize: true });
  });

  it('is for admins only', async () => {
    for (const role of ['support', 'account_manager', 'finance'] as const) {
      const r = await gql(h, viewerFor(role), `{ sources { system } }`);
      expect(r.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    }
  });
});
