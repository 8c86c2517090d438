/**
 * Xero's changes reaching Panorama with Xero keeping the books: index upkeep (after the first round reads the
 * contact index whole, a round past its TTL asks Xero only for the contacts changed since, If-Modified-Since — one
 * request) and Xero's signed webhook (a delivery drops the contact's cached copy, so the next view reads it anew).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../sources/kit/clock.js';
import { changeQuickbooksCustomer } from '../../sources/quickbooks/sandbox/changes.js';
import type { SandboxNotification } from '../../sources/sandbox/notify.js';
import { derivedGuid } from '../../sources/xero/sandbox/dataset.js';
import { createHarness, gql, settle as settleRuntime, viewerFor, type Harness } from '../support/graphql.js';

const clock = manualClock('2026-11-27T06:00:00Z');
let h: Harness;
beforeAll(() => {
  h = createHarness({
    size: 60,
    seed: 5,
    clock,
    env: { PANORAMA_ACCOUNTING: 'xero', SALESFORCE_ACCOUNT_QUICKBOOKS_ID_FIELD: '' },
    runtime: { cacheExpiresOnClock: true },
  });
  h.sandbox.listen();
});
afterAll(async () => {
  await settle();
  h.sandbox.close();
});

const settle = () => settleRuntime(h.runtime);

describe('the Xero contact index, kept by change', () => {
  it('a round past the TTL asks for the changed contacts only, and applies them', async () => {
    const first = await h.runtime.upkeep();
    expect(first.results.find((r) => r.source === 'xero')).toMatchObject({ ok: true });
    await settle();

    const w = h.sandbox.state.world.quickbooks;
    const top = w.customers.find((c) => !c.Job && !w.customers.some((x) => x.ParentRef?.value === c.Id))!;
    clock.advance(11 * 60_000);
    changeQuickbooksCustomer(h.sandbox.state, { action: 'update', id: top.Id, name: 'Renamed By Change Ltd' });
    h.sandbox.state.resetCounts();
    const round = await h.runtime.upkeep();
    await settle();
    expect(round.results.find((r) => r.source === 'xero')).toMatchObject({ ok: true, via: 'changes' });
    expect(h.sandbox.state.requestCounts().xero).toEqual({ contacts: 1 });

    const index = (await h.runtime.createLoaders({ forceRefresh: false }).accounting.customerIndex()).value;
    expect(index.find((r) => r.id === derivedGuid(`contact:${top.Id}`))?.displayName).toBe('Renamed By Change Ltd');
    expect(h.sandbox.state.requestCounts().xero).toEqual({ contacts: 1 });
  });
});

describe("Xero's webhook", () => {
  it('a signed delivery of a renamed contact drops its cached copy: the next view shows the new name, an unsigned one is refused', async () => {
    const link = h.sandbox.state.world.manifest.exactLinks.find((l) => l.system === 'quickbooks')!;
    const query = /* GraphQL */ `
      query ($id: ID!) {
        customer(id: $id) {
          accounting {
            displayName
          }
        }
      }
    `;
    // past the 2 s answer reuse (no-cache), not past the source cache
    const name = async () =>
      (await gql(h, viewerFor('admin'), query, { id: link.accountId }, { 'cache-control': 'no-cache' })).data?.customer.accounting?.displayName as
        | string
        | undefined;
    const before = await name();
    expect(before).toBeTruthy();

    const res = await fetch(`${h.sandbox.origin}/__sandbox/webhooks/xero`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: link.recordId, name: 'Renamed By Webhook Ltd' }),
    });
    expect(res.status).toBe(200);
    const n = ((await res.json()) as { notification: SandboxNotification }).notification;
    // the change alone does not reach the cached copy
    expect(await name()).toBe(before);

    const forged = await h.runtime.receiveWebhook('xero', {
      headers: new Headers({ ...n.headers, 'x-xero-signature': 'AAAA' }),
      body: n.body,
      query: new URLSearchParams(),
    });
    expect(forged.status).toBe(401);
    expect(await name()).toBe(before);

    const answer = await h.runtime.receiveWebhook('xero', { headers: new Headers(n.headers), body: n.body, query: new URLSearchParams(n.query) });
    expect(answer.status).toBe(200);
    expect(await name()).toBe('Renamed By Webhook Ltd');
    expect(h.runtime.webhooks().find((w) => w.source === 'xero')).toMatchObject({ enabled: true, last: { outcome: 'invalidated' } });
  });
});
