/**
 * GraphiQL and introspection only for admins, and only where GraphiQL is enabled; `__typename` for everyone.
 */
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, gql, viewerFor, type Harness } from '../support/graphql.js';
import type { Role } from '../../graphql/policy.js';

let on: Harness;
let off: Harness;
beforeAll(() => {
  on = createHarness({ size: 40, yoga: { graphiql: true } });
  off = createHarness({ size: 40, yoga: { graphiql: false } });
  on.sandbox.listen();
});
afterAll(() => on.sandbox.close());

const SCHEMA = '{ __schema { queryType { name } } }';
const TYPE = '{ __type(name: "Customer") { fields { name } } }';

describe('introspection', () => {
  it.each(['support', 'account_manager', 'finance'] as Role[])('is refused for %s, even with GraphiQL on', async (role) => {
    for (const q of [SCHEMA, TYPE]) {
      const r = await gql(on, viewerFor(role), q);
      expect(r.data ?? null).toBeNull();
      expect(r.errors?.[0]?.message).toMatch(/introspection has been disabled/);
      expect(r.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    }
  });

  it("answers an admin where GraphiQL is on, GraphiQL's own full query included", async () => {
    expect((await gql(on, viewerFor('admin'), SCHEMA)).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    const full = await gql<{ __schema: { types: unknown[] } }>(on, viewerFor('admin'), getIntrospectionQuery());
    expect(full.errors).toBeUndefined();
    expect(full.data!.__schema.types.length).toBeGreaterThan(50);
  });

  it("is refused after an admin's identical query was validated (no cached validation is shared across roles)", async () => {
    const q = '{ __schema { mutationType { name } } }';
    expect((await gql(on, viewerFor('admin'), q)).errors).toBeUndefined();
    expect((await gql(on, viewerFor('support'), q)).errors?.[0]?.message).toMatch(/introspection has been disabled/);
    expect((await gql(on, viewerFor('admin'), q)).errors).toBeUndefined();
  });

  it('is refused for an admin too where GraphiQL is off (production by default)', async () => {
    const r = await gql(off, viewerFor('admin'), SCHEMA);
    expect(r.errors?.[0]?.message).toMatch(/introspection has been disabled/);
  });

  it('leaves __typename to everyone', async () => {
    const r = await gql(off, viewerFor('support'), '{ viewer { __typename role } }');
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ viewer: { __typename: 'Viewer', role: 'SUPPORT' } });
  });
});

describe('GraphiQL', () => {
  const page = (h: Harness, role: Role | null) =>
    h.yoga.fetch('http://yoga/graphql', { headers: { accept: 'text/html' } }, { viewer: role ? viewerFor(role) : null, cspNonce: 'bm9uY2Utb2YtdGhpcy10ZXN0' });

  it('is served to an admin, its inline scripts carrying the response nonce', async () => {
    const r = await page(on, 'admin');
    expect(r.status).toBe(200);
    const html = await r.text();
    expect(html).toContain('YogaGraphiQL');
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const attrs of scripts) expect(attrs).toContain('nonce="bm9uY2Utb2YtdGhpcy10ZXN0"');
  });

  it.each([['support'], ['finance'], [null]] as [Role | null][])('is not served to %s', async (role) => {
    const html = await (await page(on, role)).text();
    expect(html).not.toContain('YogaGraphiQL');
  });

  it('is not served to an admin where it is off', async () => {
    expect(await (await page(off, 'admin')).text()).not.toContain('YogaGraphiQL');
  });
});
