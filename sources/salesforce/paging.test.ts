/** Volume: the one place a size-1000 world is generated (about 3 s), for everything that pages. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { generateWorld } from '../sandbox/dataset.js';
import { SANDBOX_TODAY, sourceTestKit } from '../kit/testing.js';
import { salesforceSource } from './index.js';
import { createLoaders } from './loaders.js';

const big = sourceTestKit(salesforceSource, {
  world: generateWorld({ size: 1000, seed: 7, today: SANDBOX_TODAY }),
  createLoaders,
});
const { state } = big;
const sf = state.world.salesforce;
const contacts = sf.contacts.map((c) => c.Id).sort();
const anyRecord = z.object({ Id: z.string() }).passthrough();

beforeAll(() => big.listen());
afterAll(() => big.close());

describe('paging through more than 2,000 records against the sandbox', () => {
  it('has enough records to page', () => expect(contacts.length).toBeGreaterThan(3000));

  it("jsforce's own autoFetch follows nextRecordsUrl and gets every record exactly once", async () => {
    const client = big.client();
    state.resetCounts();
    const result = await client.connection.query<{ Id: string }>('SELECT Id, Name FROM Contact').autoFetch(true).maxFetch(100_000);
    expect(result.records.map((r) => r.Id).sort()).toEqual(contacts);
    expect(result.totalSize).toBe(contacts.length);
    // Plain jsforce starts without a token: 401, refresh, query, then one queryMore per further batch.
    expect(state.requestCounts().salesforce).toEqual({ query: 2, token: 1, queryMore: Math.ceil(contacts.length / 2000) - 1 });
  });

  it('query + queryMore (as the loaders page) get every record exactly once, 2,000 per batch', async () => {
    const client = big.client();
    let page = await client.query('SELECT Id FROM Contact ORDER BY Id', anyRecord);
    expect(page.records).toHaveLength(2000);
    const seen = page.records.map((r) => r.Id);
    while (!page.done) {
      page = await client.queryMore(page.nextRecordsUrl!, anyRecord);
      seen.push(...page.records.map((r) => r.Id));
    }
    expect(seen).toEqual(contacts);
    expect(new Set(seen).size).toBe(seen.length);
  });
});

describe('paged loaders on 1,000 accounts', () => {
  it('accountIndex pages with queryMore through the kit: every account once, one request per batch, then cached', async () => {
    const { loaders, next } = big.setup({ loaders: { tuning: { batchSize: 400 } } });
    state.resetCounts();
    const index = await loaders.accountIndex();
    expect(index.value.map((a) => a.id).sort()).toEqual(sf.accounts.map((a) => a.Id).sort());
    const planted = sf.accounts.find((a) => a.QuickBooks_Customer_Id__c)!;
    expect(index.value.find((a) => a.id === planted.Id)).toEqual({
      id: planted.Id,
      name: planted.Name,
      website: planted.Website,
      accountingCustomerId: planted.QuickBooks_Customer_Id__c,
    });
    expect(state.requestCounts().salesforce).toEqual({ token: 1, query: 1, queryMore: 2 });
    const again = await next().accountIndex();
    expect(again.freshness.fromCache).toBe(true);
    expect(state.totalRequests('salesforce')).toBe(4);
  });

  it("accountsByOwnerEmail returns an account manager's whole book", async () => {
    const { loaders } = big.setup({ loaders: { tuning: { batchSize: 200 } } });
    const owner = sf.users[1]!;
    const book = sf.accounts.filter((a) => a.OwnerId === owner.Id);
    expect(book.length).toBeGreaterThanOrEqual(200); // the dataset spreads 1,000 accounts over five account managers
    state.resetCounts();
    const r = await loaders.accountsByOwnerEmail(owner.Email.toUpperCase());
    expect(r.value.map((a) => a.id).sort()).toEqual(book.map((a) => a.Id).sort());
    expect(r.value.every((a) => a.owner?.email === owner.Email)).toBe(true);
    const names = r.value.map((a) => a.name.toLowerCase());
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(state.requestCounts().salesforce.queryMore ?? 0).toBe(Math.ceil(book.length / 200) - 1);
  });
});
