import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceTestKit } from '../kit/testing.js';
import { QuickbooksClient } from './client.server.js';
import { quickbooksSource } from './index.js';

// A world of 1000 customers (~7,500 invoices), in its own file: one msw server per test process.
const big = sourceTestKit(quickbooksSource, { size: 1000, seed: 20261127 });
beforeAll(() => big.listen());
afterAll(() => big.close());

describe('paging through more than 1,000 records with the real node-quickbooks client', () => {
  it('gets every invoice of a size-1000 world exactly once, 1000 per page', async () => {
    const urls: URL[] = [];
    big.server.events.on('request:start', ({ request }) => {
      urls.push(new URL(request.url));
    });
    const client = new QuickbooksClient(big.config());
    const all = await client.queryAll('Invoice', 'ORDERBY Id');
    const world = big.state.world.quickbooks.invoices;
    expect(world.length).toBeGreaterThan(7000);
    expect(all).toHaveLength(world.length);
    expect(new Set(all.map((i) => i.Id)).size).toBe(world.length);
    expect(all.map((i) => i.Id).sort()).toEqual(world.map((i) => i.Id).sort());
    const pages = Math.ceil(world.length / 1000);
    expect(big.state.requestCounts().quickbooks).toEqual({ 'oauth.token': 1, query: pages });
    const queries = urls.filter((u) => u.pathname.endsWith('/query'));
    expect(queries.map((u) => u.searchParams.get('query')?.match(/startposition (\d+) maxresults (\d+)/i)?.slice(1))).toEqual(
      Array.from({ length: pages }, (_, i) => [String(1 + i * 1000), '1000']),
    );
    expect(queries.every((u) => u.searchParams.get('minorversion') === '75')).toBe(true);
  });

  it('asks once more when the last page is exactly full, and stops at the empty answer', async () => {
    big.state.resetCounts();
    const client = new QuickbooksClient(big.config(), { refreshToken: [...big.state.refreshTokens.quickbooks][0]! });
    const n = big.state.world.quickbooks.invoices.length;
    const cut = big.state.world.quickbooks.invoices[1999]!.Id;
    const rows = await client.queryAll('Invoice', `WHERE Id <= '${cut}' ORDERBY Id`);
    expect(rows).toHaveLength(2000);
    expect(big.state.requestCounts().quickbooks.query).toBe(3);
    expect(n).toBeGreaterThan(2000);
  });
});
