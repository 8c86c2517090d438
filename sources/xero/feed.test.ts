/**
 * The contact index kept by `If-Modified-Since`: the sandbox answers only the contacts changed after it (its
 * contacts follow the seeded company's customers, so a renamed customer is a changed contact), and the feed makes
 * each answer a change to the cached index.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../kit/clock.js';
import { sourceTestKit } from '../kit/testing.js';
import { changeQuickbooksCustomer } from '../quickbooks/sandbox/changes.js';
import { contactIndexFeed } from './feed.js';
import { xeroSource } from './index.js';
import { derivedGuid } from './sandbox/dataset.js';

const clock = manualClock('2026-11-27T09:00:00Z');
const sb = sourceTestKit(xeroSource, { clock });
const { state } = sb;
beforeAll(() => sb.listen());
afterAll(() => sb.close());
const signal = new AbortController().signal;

describe('the Xero contact index feed', () => {
  it('asks once with If-Modified-Since; nothing changed is no change, a renamed contact replaces its row', async () => {
    const { client, kit, loaders } = sb.setup();
    const index = (await loaders.customerIndex()).value;
    const feed = contactIndexFeed(client, kit);
    const cursor = await feed.cursorAt(clock.now(), signal);

    state.resetCounts();
    const none = await feed.changes(cursor, { now: clock.now(), signal });
    expect(none).toMatchObject({ kind: 'changes', upserts: [], removals: [] });
    expect(state.requestCounts().xero).toEqual({ contacts: 1 });

    clock.advance(60_000);
    const top = state.world.quickbooks.customers.find((c) => !c.Job && !state.world.quickbooks.customers.some((x) => x.ParentRef?.value === c.Id))!;
    changeQuickbooksCustomer(state, { action: 'update', id: top.Id, name: 'Renamed Trading Ltd' });
    state.resetCounts();
    const got = await feed.changes(cursor, { now: clock.now(), signal });
    if (got.kind !== 'changes') throw new Error(`expected changes, got a full read: ${got.reason}`);
    const id = derivedGuid(`contact:${top.Id}`);
    expect(got.upserts.map((r) => [r.id, r.displayName])).toEqual([[id, 'Renamed Trading Ltd']]);
    expect(state.requestCounts().xero).toEqual({ contacts: 1 });
    // the next round reads from this round's start, less the overlap
    expect(Date.parse(got.next)).toBe(clock.now() - 5 * 60_000);

    const applied = feed.apply(index, got);
    expect(applied).toHaveLength(index.length);
    expect(applied.find((r) => r.id === id)?.displayName).toBe('Renamed Trading Ltd');
    expect(applied.filter((r) => r.id !== id)).toEqual(index.filter((r) => r.id !== id));
  });

  it('a cursor that is no date-time asks for a full read, and sends nothing', async () => {
    const { client, kit } = sb.setup();
    state.resetCounts();
    const got = await contactIndexFeed(client, kit).changes('yesterday', { now: clock.now(), signal });
    expect(got).toMatchObject({ kind: 'full-read', reason: expect.stringContaining('not a date-time') });
    expect(state.requestCounts().xero).toEqual({});
  });
});
