import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, gql, viewerFor, type Harness } from '../support/graphql.js';

/** Lists across customers: true counts, cursor paging that visits every row once, filters and sorts, bad cursors. */
let h: Harness;
beforeAll(() => {
  h = createHarness({ size: 200, seed: 21 });
  h.sandbox.listen();
});
afterAll(() => h.sandbox.close());

const URGENT = /* GraphQL */ `
  query ($first: Int, $after: String, $filter: UrgentTicketFilter, $sort: UrgentTicketSort) {
    urgentTickets(first: $first, after: $after, filter: $filter, sort: $sort) {
      totalCount
      allCount
      pageInfo { endCursor hasNextPage }
      rows { ageDays ticket { id createdAt updatedAt assignee { name } } customer { id } }
    }
  }
`;
type Row = { ageDays: number; ticket: { id: string; createdAt: string; updatedAt: string; assignee: { name: string } | null }; customer: { id: string } | null };
type List = { totalCount: number; allCount: number; pageInfo: { endCursor: string | null; hasNextPage: boolean }; rows: Row[] };

const urgent = async (vars: Record<string, unknown>) => {
  const r = await gql<{ urgentTickets: List }>(h, viewerFor('support'), URGENT, vars);
  return r;
};
async function allPages(vars: Record<string, unknown>, first: number): Promise<{ rows: Row[]; pages: number; totalCount: number }> {
  const rows: Row[] = [];
  let after: string | null = null;
  let pages = 0;
  let totalCount = 0;
  do {
    const r = await urgent({ ...vars, first, after });
    expect(r.errors).toBeUndefined();
    const l = r.data!.urgentTickets;
    rows.push(...l.rows);
    totalCount = l.totalCount;
    after = l.pageInfo.hasNextPage ? l.pageInfo.endCursor : null;
    pages++;
  } while (after);
  return { rows, pages, totalCount };
}

describe('urgent tickets as a list', () => {
  it('counts every urgent open ticket the sandbox planted, and pages through each exactly once', async () => {
    const planted = h.sandbox.state.world.manifest.urgentOpenTickets.map((t) => t.ticketId).sort();
    const { rows, pages, totalCount } = await allPages({}, 7);
    expect(totalCount).toBe(planted.length);
    expect(pages).toBe(Math.ceil(planted.length / 7));
    expect(rows.map((r) => r.ticket.id).sort()).toEqual(planted);
    // newest first, by default
    const opened = rows.map((r) => Date.parse(r.ticket.createdAt));
    expect(opened).toEqual([...opened].sort((a, b) => b - a));
  });

  it('filters to the unassigned ones, with the true count of the filtered list and of the whole', async () => {
    const world = h.sandbox.state.world;
    const urgentIds = new Set(world.manifest.urgentOpenTickets.map((t) => t.ticketId));
    const unassigned = world.zendesk.tickets.filter((t) => urgentIds.has(String(t.id)) && t.assignee_id == null).map((t) => String(t.id)).sort();
    expect(unassigned.length).toBeGreaterThan(0);
    const r = await urgent({ filter: { assignee: 'UNASSIGNED' }, first: 500 });
    const l = r.data!.urgentTickets;
    expect(l.rows.map((x) => x.ticket.id).sort()).toEqual(unassigned);
    expect(l.totalCount).toBe(unassigned.length);
    expect(l.allCount).toBe(urgentIds.size);
    expect(l.rows.every((x) => x.ticket.assignee === null)).toBe(true);
    const assigned = await urgent({ filter: { assignee: 'ASSIGNED' }, first: 500 });
    expect(assigned.data!.urgentTickets.totalCount).toBe(urgentIds.size - unassigned.length);
  });

  it('sorts oldest first and longest untouched first, and gives each ticket its age by the runtime clock', async () => {
    const oldest = (await urgent({ sort: 'OLDEST', first: 500 })).data!.urgentTickets.rows;
    const opened = oldest.map((r) => Date.parse(r.ticket.createdAt));
    expect(opened).toEqual([...opened].sort((a, b) => a - b));
    const now = h.runtime.clock.now();
    // a ticket opened later on the clock's own day is 0 days old, never negative
    for (const r of oldest) expect(r.ageDays).toBe(Math.max(0, Math.floor((now - Date.parse(r.ticket.createdAt)) / 86_400_000)));
    const stalest = (await urgent({ sort: 'STALEST', first: 500 })).data!.urgentTickets.rows.map((r) => Date.parse(r.ticket.updatedAt));
    expect(stalest).toEqual([...stalest].sort((a, b) => a - b));
  });

  it('filters to tickets whose customer is linked, or is not', async () => {
    const all = (await urgent({ first: 500 })).data!.urgentTickets;
    const linked = (await urgent({ filter: { linked: true }, first: 500 })).data!.urgentTickets;
    const unlinked = (await urgent({ filter: { linked: false }, first: 500 })).data!.urgentTickets;
    expect(linked.rows.every((r) => r.customer)).toBe(true);
    expect(unlinked.rows.every((r) => !r.customer)).toBe(true);
    expect(linked.totalCount + unlinked.totalCount).toBe(all.totalCount);
  });

  it('refuses a cursor it never gave out, one from other filters, and a page size out of range, naming the problem', async () => {
    const first = (await urgent({ first: 3 })).data!.urgentTickets;
    const other = await urgent({ first: 3, after: first.pageInfo.endCursor, sort: 'OLDEST' });
    expect(other.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(other.errors?.[0]?.message).toMatch(/other filters or another sort/);
    const forged = await urgent({ first: 3, after: 'bm90LWEtY3Vyc29y' });
    expect(forged.errors?.[0]?.message).toMatch(/not a cursor this list gave out/);
    const tooMany = await urgent({ first: 501 });
    expect(tooMany.errors?.[0]?.message).toBe('first must be between 1 and 500, got 501.');
    expect(tooMany.status).toBe(200);
  });
});
