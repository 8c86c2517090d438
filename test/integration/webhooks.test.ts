/**
 * Webhook invalidation end to end: the sandbox changes a record and signs the vendor's notification of it, the
 * `/webhooks/<source>` route (the Remix action itself) takes it, and the next customer read shows the new value
 * without waiting for any TTL; bad deliveries are answered 401/400/404 and every delivery is in the store's audit.
 */
import { MantineProvider } from '@mantine/core';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOKS_FIELDS, WebhooksCard } from '../../app/components/admin/webhooks-card.js';
import { graphql } from '../../app/graphql.js';
import { operationText } from '../../app/.server/graphql.js';
import { action } from '../../app/routes/webhooks.$source.js';
import { openStore } from '../../app/.server/store/database.js';
import { AuditStore } from '../../app/.server/store/audit-store.js';
import { WebhookAuditStore, WebhookSecretDbStore } from '../../app/.server/store/webhook-store.js';
import { TokenKeyring } from '../../sources/kit/token-cipher.js';
import { createPanoramaYoga } from '../../graphql/yoga.js';
import { hmacSha256 } from '../../sources/kit/webhooks.js';
import { createSourcesRuntime } from '../../sources/runtime.js';
import type { SandboxNotification } from '../../sources/sandbox/notify.js';
import { createHarness, gql, viewerFor, type Harness } from '../support/graphql.js';

let h: Harness;
let webhookAudit: WebhookAuditStore;
const keyring = new TokenKeyring('a-test-encryption-key-of-32-characters-at-least');

beforeAll(() => {
  globalThis.__panoramaStore = openStore({ path: ':memory:' });
  const base = createHarness({ size: 40, seed: 11 });
  // the harness's runtime, with its handshake secrets in the own store as the server keeps them
  const runtime = createSourcesRuntime({ ...base.sandbox.env, PANORAMA_SANDBOX_ORIGIN: base.sandbox.origin }, { clock: base.runtime.clock, webhookSecrets: new WebhookSecretDbStore(globalThis.__panoramaStore, keyring, () => base.runtime.clock.now()) });
  h = { sandbox: base.sandbox, runtime, yoga: createPanoramaYoga(runtime) };
  // as the server wires it (app/.server/runtime.ts): an invalidation also drops the reused answers
  runtime.onPeerInvalidation(() => h.yoga.responseCache.clear());
  webhookAudit = new WebhookAuditStore(globalThis.__panoramaStore);
  globalThis.__panorama = { runtime: h.runtime, yoga: h.yoga, audit: new AuditStore(globalThis.__panoramaStore), webhookAudit };
  h.sandbox.listen();
});
afterAll(() => {
  globalThis.__panorama = undefined;
  void globalThis.__panoramaStore?.then((db) => db.destroy());
  globalThis.__panoramaStore = undefined;
  h.sandbox.close();
});

/** What the sandbox's control API builds: the record changed in its world, the vendor's signed notification. */
async function sandboxChange(source: string, body: Record<string, unknown>): Promise<SandboxNotification> {
  const res = await fetch(`${h.sandbox.origin}/__sandbox/webhooks/${source}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { notification: SandboxNotification }).notification;
}

/** POSTs to the route as the vendor would. */
async function deliver(source: string, n: { query?: Record<string, string>; headers: Record<string, string>; body: string }, method = 'POST') {
  const url = new URL(`http://panorama.test/webhooks/${source}`);
  for (const [k, v] of Object.entries(n.query ?? {})) url.searchParams.set(k, v);
  const request = new Request(url, { method, headers: n.headers, body: method === 'POST' ? n.body : undefined });
  const res = await action({ request, params: { source }, context: {} } as never);
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const linked = (system: 'quickbooks' | 'asana' | 'zendesk') => h.sandbox.state.world.manifest.exactLinks.find((l) => l.system === system)!;

const CASES = [
  {
    source: 'quickbooks',
    pick: () => ({ account: linked('quickbooks').accountId, record: linked('quickbooks').recordId }),
    query: `query ($id: ID!) { customer(id: $id) { accounting { displayName } } }`,
    read: (d: any) => d.customer.accounting.displayName as string,
  },
  {
    source: 'salesforce',
    pick: () => ({ account: linked('quickbooks').accountId, record: linked('quickbooks').accountId }),
    query: `query ($id: ID!) { customer(id: $id) { crm { account { name } } } }`,
    read: (d: any) => d.customer.crm.account.name as string,
  },
  {
    source: 'zendesk',
    pick: () => ({ account: linked('zendesk').accountId, record: linked('zendesk').recordId }),
    query: `query ($id: ID!) { customer(id: $id) { support { organization { name } } } }`,
    read: (d: any) => d.customer.support.organization.name as string,
  },
  {
    source: 'asana',
    pick: () => ({ account: linked('asana').accountId, record: linked('asana').recordId }),
    query: `query ($id: ID!) { customer(id: $id) { projects { projects { id name } } } }`,
    read: (d: any, record?: string) => (d.customer.projects.projects as { id: string; name: string }[]).find((p) => p.id === record)?.name ?? '(none)',
  },
] as const;

describe('a record changed in the sandbox and its webhook: the next read shows the new value', () => {
  it('Asana\'s handshake is answered 200 echoing X-Hook-Secret, and the secret is kept in the store, sealed', async () => {
    const n = await sandboxChange('asana', { handshake: true });
    const r = await deliver('asana', n);
    expect(r.status).toBe(200);
    expect(r.headers.get('x-hook-secret')).toBe(h.sandbox.state.asanaHookSecret);
    const db = await globalThis.__panoramaStore!;
    const rows = await db.selectFrom('webhook_secret').selectAll().execute();
    expect(rows.map((x) => x.source)).toEqual(['asana']);
    // never in clear: the column holds what only the key opens
    expect(rows[0]!.secret).not.toContain(h.sandbox.state.asanaHookSecret);
    expect(keyring.open(rows[0]!.secret).plain).toBe(h.sandbox.state.asanaHookSecret);
  });

  it('a handshake secret sealed under the previous key is read after a key rotation and sealed again under the new one', async () => {
    const rotated = new TokenKeyring('the-next-encryption-key-of-32-characters-or-more', 'a-test-encryption-key-of-32-characters-at-least');
    const store = new WebhookSecretDbStore(globalThis.__panoramaStore!, rotated, () => 0);
    expect(await store.get('asana')).toBe(h.sandbox.state.asanaHookSecret);
    const db = await globalThis.__panoramaStore!;
    const row = await db.selectFrom('webhook_secret').selectAll().where('source', '=', 'asana').executeTakeFirstOrThrow();
    expect(() => keyring.open(row.secret)).toThrow();
    expect(new TokenKeyring('the-next-encryption-key-of-32-characters-or-more').open(row.secret).plain).toBe(h.sandbox.state.asanaHookSecret);
    // a key that opens nothing reads as no secret (the next handshake sets one), never as a crash
    expect(await new WebhookSecretDbStore(globalThis.__panoramaStore!, new TokenKeyring('an-unrelated-key-of-thirty-two-characters-x'), () => 0).get('asana')).toBeNull();
    // back under the key the rest of this file uses
    await new WebhookSecretDbStore(globalThis.__panoramaStore!, keyring, () => 0).set('asana', h.sandbox.state.asanaHookSecret);
  });

  for (const c of CASES) {
    it(`${c.source}: cached, changed upstream, notified → fresh at once`, async () => {
      const { account, record } = c.pick();
      const admin = viewerFor('admin');
      const before = await gql(h, admin, c.query, { id: account });
      expect(before.errors).toBeUndefined();
      const old = c.read(before.data, record);
      const name = `Renamed by webhook ${c.source} ${old.length}`;
      const n = await sandboxChange(c.source, { id: record, name });
      // the sandbox now holds the new name, Panorama's cache the old one: without the webhook the old one is shown
      const stale = await gql(h, admin, c.query, { id: account }, { 'cache-control': 'no-cache' });
      expect(c.read(stale.data, record)).toBe(old);
      const r = await deliver(c.source, n);
      expect(r.status).toBe(200);
      if (c.source === 'salesforce') expect(r.text).toContain('<Ack>true</Ack>');
      const after = await gql(h, admin, c.query, { id: account });
      expect(c.read(after.data, record)).toBe(name);
      const last = h.runtime.webhooks().find((w) => w.source === c.source)!.last!;
      expect(last).toMatchObject({ outcome: 'invalidated', verified: true });
      expect(last.dropped).toBeGreaterThan(0);
      // the audit names the webhook, the entities and ids, the counts — not the body (no new name in it)
      const [row] = await webhookAudit.recent(1, c.source as never);
      expect(row).toMatchObject({ source: c.source, outcome: 'invalidated', verified: true, dropped: last.dropped });
      expect(JSON.stringify(row)).not.toContain(name);
    });
  }
});

describe('the route answers bad deliveries with 4xx, never 500', () => {
  const qboBody = '{"eventNotifications":[{"realmId":"1","dataChangeEvent":{"entities":[]}}]}';
  it('the sandbox\'s control API names a bad request', async () => {
    const post = (source: string, body: unknown) => fetch(`${h.sandbox.origin}/__sandbox/webhooks/${source}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('stripe', { id: '1', name: 'x' })).status).toBe(404);
    const missing = await post('quickbooks', { name: 'x' });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: string }).error).toContain('id and name');
    expect((await post('quickbooks', { id: '999999', name: 'x' })).status).toBe(400);
  });
  it('an unknown source is 404; GET is 405', async () => {
    expect((await deliver('stripe', { headers: {}, body: '{}' })).status).toBe(404);
    expect((await deliver('quickbooks', { headers: {}, body: '' }, 'GET')).status).toBe(405);
  });
  it('a source whose secret is unset answers 404', async () => {
    const off = createSourcesRuntime({ ...h.sandbox.env, QUICKBOOKS_WEBHOOK_VERIFIER_TOKEN: '', PANORAMA_SANDBOX_ORIGIN: h.sandbox.origin }, { clock: h.runtime.clock });
    const a = await off.receiveWebhook('quickbooks', { headers: new Headers({ 'intuit-signature': 'x' }), body: qboBody, query: new URLSearchParams() });
    expect(a.status).toBe(404);
    expect(off.webhooks().find((w) => w.source === 'quickbooks')!.enabled).toBe(false);
  });
  it('a missing or bad signature is 401, recorded as refused without the body', async () => {
    const none = await deliver('quickbooks', { headers: { 'content-type': 'application/json' }, body: qboBody });
    expect(none.status).toBe(401);
    expect(none.text).toContain('intuit-signature');
    const bad = await deliver('zendesk', { headers: { 'x-zendesk-webhook-signature': 'AAAA', 'x-zendesk-webhook-signature-timestamp': new Date(h.runtime.clock.now()).toISOString() }, body: '{"secret-body":1}' });
    expect(bad.status).toBe(401);
    const [row] = await webhookAudit.recent(1, 'zendesk');
    expect(row).toMatchObject({ outcome: 'refused', verified: false, dropped: 0 });
    expect(JSON.stringify(row)).not.toContain('secret-body');
    expect(h.runtime.webhooks().find((w) => w.source === 'zendesk')!.last).toMatchObject({ outcome: 'refused' });
  });
  it('a signed payload that is not the vendor\'s is 400 naming the problem; a body over the limit is 413', async () => {
    const body = '{"eventNotifications":"no"}';
    const r = await deliver('quickbooks', { headers: { 'intuit-signature': hmacSha256('sandbox-qbo-verifier-token', body, 'base64') }, body });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text).error).toMatch(/eventNotifications/);
    const big = 'x'.repeat(300 * 1024);
    expect((await deliver('quickbooks', { headers: { 'intuit-signature': 'x' }, body: big })).status).toBe(413);
  });
  it('the admin field lists every source\'s webhook and its last delivery', async () => {
    const r = await gql<any>(h, viewerFor('admin'), `{ webhooks { system enabled path mechanism lastDelivery { outcome verified dropped entities { entity count } } } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data.webhooks.map((w: any) => w.system)).toEqual(['SALESFORCE', 'QUICKBOOKS', 'ASANA', 'ZENDESK']);
    expect(r.data.webhooks.every((w: any) => w.enabled)).toBe(true);
    // the admin page's card, from the page's own fields: each source on, its last delivery in words
    const page = await gql<any>(h, viewerFor('admin'), operationText(graphql(`query Webhooks { ...WebhooksFields }`, [WEBHOOKS_FIELDS])));
    const html = renderToStaticMarkup(createElement(MantineProvider, null, createElement(WebhooksCard, { webhooks: page.data.webhooks }))).replace(/<!-- -->/g, '');
    expect(html).toContain('/webhooks/asana');
    const words = html.replace(/<style[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(words).toMatch(/Asana \/webhooks\/asana Webhooks \(X-Hook-Secret handshake\) On Verified (just now|\d+ s ago): 1 project changed; \d+ cached entries dropped/);
    expect(html).toContain('Refused');
    expect(html).not.toContain('None received yet');
    const forbidden = await gql<any>(h, viewerFor('support'), `{ webhooks { system } }`);
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
