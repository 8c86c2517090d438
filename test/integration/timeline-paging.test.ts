/**
 * A customer's whole timeline as a list: true counts before and after filters, cursor paging that visits every
 * event once in order, filters by system and kind, a cursor refused under other filters, and the role policy
 * deciding which events exist at all.
 */
import { describe, expect, it } from 'vitest';
import { gql, harnessPerFile, viewerFor } from '../support/graphql.js';

const t = harnessPerFile({ size: 40, seed: 9 });

const Q = /* GraphQL */ `
  query ($id: ID!, $first: Int, $after: String, $systems: [System!], $types: [TimelineType!]) {
    customer(id: $id) {
      timeline(first: $first, after: $after, systems: $systems, types: $types) {
        totalCount
        allCount
        pageInfo { endCursor hasNextPage firstIndex }
        events { id at system type }
      }
    }
  }
`;
type Timeline = { totalCount: number; allCount: number; pageInfo: { endCursor: string | null; hasNextPage: boolean; firstIndex: number }; events: { id: string; at: string; system: string; type: string }[] };

const read = async (role: Parameters<typeof viewerFor>[0], vars: Record<string, unknown>) => {
  const r = await gql<{ customer: { timeline: Timeline } }>(t.h, viewerFor(role), Q, vars);
  return { timeline: r.data?.customer?.timeline ?? null, errors: r.errors ?? [] };
};

async function everyPage(role: Parameters<typeof viewerFor>[0], vars: Record<string, unknown>, first: number) {
  const events: Timeline['events'] = [];
  const starts: number[] = [];
  let after: string | null = null;
  let totalCount = 0;
  do {
    const { timeline, errors } = await read(role, { ...vars, first, after });
    expect(errors).toEqual([]);
    events.push(...timeline!.events);
    starts.push(timeline!.pageInfo.firstIndex);
    totalCount = timeline!.totalCount;
    after = timeline!.pageInfo.hasNextPage ? timeline!.pageInfo.endCursor : null;
  } while (after);
  return { events, starts, totalCount };
}

describe("a customer's whole timeline", () => {
  it('pages through every event once, newest first, with the true count and each page saying where it starts', async () => {
    const id = t.h.sandbox.state.world.manifest.overdueWithUrgentTickets[0]!.accountId;
    const whole = await read('admin', { id, first: 200 });
    const n = whole.timeline!.totalCount;
    expect(n).toBeGreaterThan(12);
    expect(whole.timeline!.allCount).toBe(n);
    const paged = await everyPage('admin', { id }, 5);
    expect(paged.totalCount).toBe(n);
    expect(paged.events.map((e) => e.id)).toEqual(whole.timeline!.events.map((e) => e.id));
    expect(new Set(paged.events.map((e) => e.id)).size).toBe(n);
    expect(paged.starts).toEqual(Array.from({ length: Math.ceil(n / 5) }, (_, i) => i * 5 + 1));
    const ats = paged.events.map((e) => e.at);
    expect([...ats].sort().reverse()).toEqual(ats);
  });

  it('filters by system and kind, counting both the matches and all; a cursor of other filters is refused', async () => {
    const id = t.h.sandbox.state.world.manifest.overdueWithUrgentTickets[0]!.accountId;
    const all = (await read('admin', { id, first: 200 })).timeline!;
    const tickets = await everyPage('admin', { id, systems: ['ZENDESK'] }, 4);
    expect(tickets.events.length).toBe(all.events.filter((e) => e.system === 'ZENDESK').length);
    expect(tickets.events.every((e) => e.system === 'ZENDESK')).toBe(true);
    const opened = (await read('admin', { id, first: 200, types: ['TICKET_OPENED'] })).timeline!;
    expect(opened.allCount).toBe(all.totalCount);
    expect(opened.totalCount).toBe(all.events.filter((e) => e.type === 'TICKET_OPENED').length);
    const first = (await read('admin', { id, first: 2, systems: ['ZENDESK'] })).timeline!;
    const mixed = await read('admin', { id, first: 2, after: first.pageInfo.endCursor, systems: ['SALESFORCE'] });
    expect(mixed.errors[0]).toMatchObject({ message: expect.stringMatching(/other filters/), extensions: { code: 'BAD_USER_INPUT' } });
    const forged = await read('admin', { id, first: 2, after: 'not-a-cursor' });
    expect(forged.errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('holds only what the role may see: support has no deals or invoices in it, at all', async () => {
    const id = t.h.sandbox.state.world.manifest.overdueWithUrgentTickets[0]!.accountId;
    const admin = (await read('admin', { id, first: 200 })).timeline!;
    const support = (await read('support', { id, first: 200 })).timeline!;
    expect(admin.events.some((e) => e.type === 'INVOICE_ISSUED')).toBe(true);
    expect(support.events.some((e) => /^(DEAL|INVOICE|PAYMENT)_/.test(e.type))).toBe(false);
    expect(support.allCount).toBeLessThan(admin.allCount);
    expect(support.allCount).toBe(support.totalCount);
  });
});
