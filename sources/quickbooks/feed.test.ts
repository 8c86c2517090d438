/**
 * Change Data Capture for the customer index: the sandbox's `/cdc` as Intuit documents it (changed customers
 * whole, deleted ones as `status: "Deleted"`, 30 days back at most), read by the client with its schema, and what
 * the feed makes of each answer.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../kit/clock.js';
import { SANDBOX_CREDENTIALS } from '../sandbox/constants.js';
import { sourceTestKit } from '../kit/testing.js';
import { changeQuickbooksCustomer } from './sandbox/changes.js';
import { customerIndexFeed } from './feed.js';
import { quickbooksSource } from './index.js';

const clock = manualClock('2026-11-27T09:00:00Z');
const sb = sourceTestKit(quickbooksSource, { clock });
const { state, api } = sb;
let token: string;

beforeAll(async () => {
  sb.listen();
  token = await sb.authorization();
});
afterEach(() => state.clearFaults());
afterAll(() => sb.close());

const cdc = (changedSince: string, entities = 'Customer') =>
  fetch(`${api}/cdc?entities=${entities}&changedSince=${encodeURIComponent(changedSince)}&minorversion=75`, { headers: { authorization: token, accept: 'application/json' } });
const iso = (ms: number) => new Date(ms).toISOString();
/** A client of its own (QuickBooks rotated the configured refresh token: it is valid again for this one). */
const setup = () => {
  state.refreshTokens.quickbooks.add(SANDBOX_CREDENTIALS.quickbooks.refreshToken);
  return sb.setup();
};

describe('the sandbox /cdc', () => {
  it('answers the customers changed after changedSince whole, and the deleted ones as { Id, status: "Deleted" }', async () => {
    const since = iso(clock.now());
    expect(await (await cdc(since)).json()).toMatchObject({ CDCResponse: [{ QueryResponse: [{}] }] });
    clock.advance(60_000);
    const [a, b] = state.world.quickbooks.customers.filter((c) => !c.Job && !state.world.quickbooks.customers.some((x) => x.ParentRef?.value === c.Id));
    changeQuickbooksCustomer(state, { action: 'update', id: a!.Id, name: 'Changed Co' });
    changeQuickbooksCustomer(state, { action: 'delete', id: b!.Id });
    const body = (await (await cdc(since)).json()) as { CDCResponse: { QueryResponse: { Customer: Record<string, unknown>[] }[] }[]; time: string };
    const rows = body.CDCResponse[0]!.QueryResponse[0]!.Customer;
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ Id: a!.Id, DisplayName: 'Changed Co', SyncToken: '1' });
    expect(rows[1]).toEqual({ domain: 'QBO', status: 'Deleted', Id: b!.Id, MetaData: { LastUpdatedTime: expect.stringMatching(/-08:00$/) } });
    // later than the change: nothing
    clock.advance(60_000);
    expect(await (await cdc(iso(clock.now() - 30_000))).json()).toMatchObject({ CDCResponse: [{ QueryResponse: [{}] }] });
  });

  it('refuses a changedSince more than 30 days back, and one that is missing or no date, with a ValidationFault', async () => {
    const old = await cdc(iso(clock.now() - 31 * 86_400_000));
    expect(old.status).toBe(400);
    expect(await old.json()).toMatchObject({ Fault: { type: 'ValidationFault', Error: [{ Detail: expect.stringContaining('older than fixed days is not supported') }] } });
    expect((await cdc('yesterday')).status).toBe(400);
    expect((await cdc(iso(clock.now()), 'Vendor')).status).toBe(400);
  });
});

describe('the customer index feed', () => {
  it('maps the changes into index rows and removals, and its cursor moves to the round start less the overlap', async () => {
    const { client, kit } = setup();
    const feed = customerIndexFeed(client, kit);
    const since = await feed.cursorAt(clock.now(), new AbortController().signal);
    clock.advance(60_000);
    const c = state.world.quickbooks.customers.find((x) => !x.Job)!;
    changeQuickbooksCustomer(state, { action: 'update', id: c.Id, name: 'Mapped Co' });
    const created = changeQuickbooksCustomer(state, { action: 'create', name: 'New Co' }) as { id: string };
    const out = await feed.changes(since, { now: clock.now(), signal: new AbortController().signal });
    expect(out.kind).toBe('changes');
    if (out.kind !== 'changes') return;
    expect(out.upserts.map((u) => [u.id, u.displayName])).toEqual([
      [c.Id, 'Mapped Co'],
      [created.id, 'New Co'],
    ]);
    expect(out.next).toBe(iso(clock.now() - 5 * 60_000));
    const applied = feed.apply([{ ...out.upserts[0]!, displayName: 'Old name' }], { upserts: out.upserts, removals: [c.Id] });
    expect(applied.map((r) => r.id)).toEqual([created.id]);
  });

  it('asks for a full read when QuickBooks refuses the cursor (its own 30 days) or the cursor is older than that', async () => {
    const { client, kit } = setup();
    const feed = customerIndexFeed(client, kit);
    const signal = new AbortController().signal;
    const old = iso(clock.now() - 31 * 86_400_000);
    state.resetCounts();
    expect(await feed.changes(old, { now: clock.now(), signal })).toMatchObject({ kind: 'full-read', reason: expect.stringContaining('30 days') });
    expect(state.totalRequests('quickbooks')).toBe(0);
    // QuickBooks' clock ahead of Panorama's: its own 30 days are up first
    const ours = clock.now();
    clock.advance(2 * 86_400_000);
    expect(await feed.changes(iso(ours - 29 * 86_400_000), { now: ours, signal })).toMatchObject({ kind: 'full-read', reason: expect.stringContaining('refused') });
    clock.set(ours);
  });

  it('an answer of another shape fails the round (INVALID_RESPONSE), never an empty change set', async () => {
    const { client, kit } = setup();
    const feed = customerIndexFeed(client, kit);
    clock.advance(60_000);
    changeQuickbooksCustomer(state, { action: 'update', id: state.world.quickbooks.customers[0]!.Id, name: 'Drifted Co' });
    state.setFault('quickbooks', { drift: true, endpoint: 'cdc' });
    await expect(feed.changes(iso(clock.now() - 120_000), { now: clock.now(), signal: new AbortController().signal })).rejects.toMatchObject({ code: 'INVALID_RESPONSE' });
  });
});
