/**
 * Index upkeep with Xero keeping the books: after the first round reads the contact index whole, a round past its
 * TTL asks Xero only for the contacts changed since (If-Modified-Since) — one request — and a renamed contact is
 * in the cached index the loaders read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../sources/kit/clock.js';
import { changeQuickbooksCustomer } from '../../sources/quickbooks/sandbox/changes.js';
import { derivedGuid } from '../../sources/xero/sandbox/dataset.js';
import { createHarness, type Harness } from '../support/graphql.js';

const clock = manualClock('2026-11-27T06:00:00Z');
let h: Harness;
beforeAll(() => {
  h = createHarness({ size: 60, seed: 5, clock, env: { PANORAMA_ACCOUNTING: 'xero', SALESFORCE_ACCOUNT_QUICKBOOKS_ID_FIELD: '' }, runtime: { cacheExpiresOnClock: true } });
  h.sandbox.listen();
});
afterAll(() => h.sandbox.close());

async function settle(): Promise<void> {
  for (let i = 0; i < 5000 && h.runtime.cache.loading > 0; i++) await new Promise((r) => setTimeout(r, 2));
}

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
