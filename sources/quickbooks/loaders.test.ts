import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AccountingCustomer, Fetched } from '../kit/domain.js';
import { SourceError } from '../kit/errors.js';
import { generateWorld } from '../sandbox/dataset.js';
import type { QboCustomer, QboInvoice, World } from '../sandbox/world.js';
import { SANDBOX_TODAY as TODAY, sourceTestKit, type TestKitOptions } from '../kit/testing.js';
import { QuickbooksClient, type QuickbooksClientOptions } from './client.server.js';
import { quickbooksSource } from './index.js';
import { createLoaders, type QuickbooksLoaderOptions } from './loaders.js';

const SMALL = { size: 60, seed: 7, today: TODAY };

/**
 * The small world, plus what these tests need: look-alikes of the tricky names (to prove searches are exact),
 * an inactive customer, and one customer with more invoices than a page holds.
 */
function testWorld(): World {
  const world = generateWorld(SMALL);
  const q = world.quickbooks;
  const template = q.customers.find((c) => c.Id === '1')!;
  let nextId = Math.max(...q.customers.map((c) => Number(c.Id))) + 1;
  const add = (name: string, active = true): QboCustomer => {
    const c: QboCustomer = { ...structuredClone(template), Id: String(nextId++), DisplayName: name, CompanyName: name, FullyQualifiedName: name, PrintOnCheckName: name, Balance: 0, Active: active };
    q.customers.push(c);
    return c;
  };
  for (const name of ['1000 Natural Supply', 'Under-score Labs', 'Backslash Engineering', 'OBrien Sons', '100 Natural Foods']) add(name);
  add('Dormant Traders', false);
  const bulky = add('Bulky Invoicing Ltd');
  const base = q.invoices[0]!;
  let invId = Math.max(...q.invoices.map((i) => Number(i.Id))) + 1;
  for (let k = 0; k < 1205; k++) {
    const inv: QboInvoice = { ...structuredClone(base), Id: String(invId++), DocNumber: `B${k}`, CustomerRef: { value: bulky.Id, name: bulky.DisplayName }, Balance: 0, LinkedTxn: [] };
    q.invoices.push(inv);
  }
  return world;
}

const sb = sourceTestKit(quickbooksSource, {
  world: testWorld(),
  createClient: (config, opts: QuickbooksClientOptions | undefined) => new QuickbooksClient(config, opts),
  createLoaders,
  kit: { breaker: { threshold: 1000, halfOpenAfterMs: 10 } },
});
const { state } = sb;
beforeAll(() => sb.listen());
const q = state.world.quickbooks;

afterEach(() => {
  state.clearFaults();
  state.resetCounts();
});
afterAll(() => sb.close());

const counts = () => state.requestCounts().quickbooks;
/** A module whose client starts from the refresh token the sandbox accepts now (it rotates). */
type ModuleOptions = { kit?: TestKitOptions; client?: QuickbooksClientOptions; loaders?: Partial<QuickbooksLoaderOptions> };
const module = (o: ModuleOptions = {}) =>
  sb.setup({ ...o.kit, loaders: o.loaders, client: { refreshToken: [...state.refreshTokens.quickbooks][0]!, ...o.client } });
const linked = state.world.manifest.exactLinks.filter((l) => l.system === 'quickbooks').map((l) => l.recordId);

async function rejection(p: Promise<unknown>): Promise<SourceError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(SourceError);
    return e as SourceError;
  }
  throw new Error('expected a rejection');
}

describe('customer loader', () => {
  it('loads N customers with their invoices and payments in ONE request', async () => {
    const { loaders } = module();
    const ids = linked.slice(0, 12);
    const got = (await loaders.customer.loadMany(ids)) as Fetched<AccountingCustomer>[];
    // one batch for all of them, and one page of the customer index for their jobs (cached across requests), and
    // the company's home currency (Preferences, cached for hours)
    expect(counts()).toEqual({ 'oauth.token': 1, batch: 1, query: 1, preferences: 1 });
    for (const [k, id] of ids.entries()) {
      const f = got[k]!;
      expect(f.freshness).toMatchObject({ source: 'quickbooks', fromCache: false, stale: false, error: null });
      expect(f.value.customer.id).toBe(id);
      expect(f.value.customer.displayName).toBe(q.customers.find((c) => c.Id === id)!.DisplayName);
      expect(f.value.invoices.map((i) => i.id).sort()).toEqual(q.invoices.filter((i) => i.CustomerRef.value === id).map((i) => i.Id).sort());
      expect(f.value.payments.map((p) => p.id).sort()).toEqual(q.payments.filter((p) => p.CustomerRef.value === id).map((p) => p.Id).sort());
    }
    const overdue = got.flatMap((f) => f.value.invoices.filter((i) => i.status === 'OVERDUE').map((i) => [i.id, i.daysOverdue]));
    const planted = state.world.manifest.overdueInvoices.filter((o) => overdue.some(([id]) => id === o.invoiceId));
    expect(overdue.sort()).toEqual(planted.map((o) => [o.invoiceId, o.daysOverdue]).sort());
  });

  it('serves the next request from the cache, and goes upstream again on forceRefresh', async () => {
    const { loaders, kit, client } = module();
    await loaders.customer.load(linked[0]!);
    state.resetCounts();
    const again = await createLoaders({ client: client, kit: kit, forceRefresh: false, today: () => TODAY }).customer.load(linked[0]!);
    expect(again.freshness.fromCache).toBe(true);
    expect(counts()).toEqual({});
    const fresh = await createLoaders({ client: client, kit: kit, forceRefresh: true, today: () => TODAY }).customer.load(linked[0]!);
    expect(fresh.freshness.fromCache).toBe(false);
    expect(counts()).toEqual({ batch: 1 });
  });

  it('answers NOT_FOUND for an id QuickBooks does not have, without failing its batch-mates', async () => {
    const { loaders } = module();
    const [a, b] = await loaders.customer.loadMany([linked[0]!, '999999']);
    expect((a as Fetched<AccountingCustomer>).value.customer.id).toBe(linked[0]);
    expect(b).toBeInstanceOf(SourceError);
    expect((b as SourceError).code).toBe('NOT_FOUND');
    expect(counts().batch).toBe(1);
  });

  it('refuses malformed ids before any query, one by one', async () => {
    const { loaders } = module();
    const bad = ["1' OR '1'='1", '1) OR (1', 'abc', '', '-3', '1.0'];
    const res = await loaders.customer.loadMany(bad);
    for (const r of res) expect(r).toMatchObject({ code: 'BAD_REQUEST', source: 'quickbooks' });
    expect(counts()).toEqual({});
    const mixed = await loaders.customer.loadMany(['x', linked[1]!]);
    expect((mixed[0] as SourceError).code).toBe('BAD_REQUEST');
    expect((mixed[1] as Fetched<AccountingCustomer>).value.customer.id).toBe(linked[1]);
    expect(counts().batch).toBe(1);
  });

  it('pages a list that fills a whole page in a follow-up batch', async () => {
    const { loaders } = module();
    const bulky = q.customers.find((c) => c.DisplayName === 'Bulky Invoicing Ltd')!;
    const f = await loaders.customer.load(bulky.Id);
    expect(f.value.invoices).toHaveLength(1205);
    expect(new Set(f.value.invoices.map((i) => i.id)).size).toBe(1205);
    expect(counts().batch).toBe(2);
  });

  it('shows an inactive customer with its flag', async () => {
    const dormant = q.customers.find((c) => c.DisplayName === 'Dormant Traders')!;
    const f = await module().loaders.customer.load(dormant.Id);
    expect(f.value.customer.active).toBe(false);
  });
});

describe('searchCustomers', () => {
  it.each([
    ["O'Brien", ["O'Brien & Sons"]],
    ["o'brien &", ["O'Brien & Sons"]],
    ['Back\\slash', ['Back\\slash Engineering']],
    ['100% Natural', ['100% Natural Foods']],
    ['0% N', ['100% Natural Foods']],
    ['Under_score', ['Under_score Labs']],
    ['"Quoted"', ['The "Quoted" Company']],
    ["Zoë's", ["Zoë's Bakery & Café"]],
    ['精密', ['東京精密株式会社']],
    ['Москва', ['Москва Трейдинг']],
  ])('finds %s exactly, in one request', async (text, names) => {
    const { loaders } = module();
    const res = await loaders.searchCustomers(text, 20);
    expect(res.value.map((c) => c.displayName)).toEqual(names);
    // and the home currency, read beside it once (cached for hours)
    expect(counts()).toEqual({ 'oauth.token': 1, query: 1, preferences: 1 });
  });

  it('respects the limit and asks QBO for no more than that', async () => {
    const urls: string[] = [];
    const listener = ({ request }: { request: Request }) => void urls.push(decodeURIComponent(request.url));
    sb.server.events.on('request:start', listener);
    try {
      const res = await module().loaders.searchCustomers('a', 3);
      expect(res.value).toHaveLength(3);
      expect(urls.find((u) => u.includes('/query'))).toMatch(/maxresults 3(&|$)/i);
    } finally {
      sb.server.events.removeListener('request:start', listener);
    }
  });

  it('includes inactive customers, marked so', async () => {
    const res = await module().loaders.searchCustomers('Dormant', 5);
    expect(res.value.map((c) => [c.displayName, c.active])).toEqual([['Dormant Traders', false]]);
  });

  it('answers an empty search without asking, and refuses an overlong one', async () => {
    const { loaders } = module();
    expect((await loaders.searchCustomers('   ', 10)).value).toEqual([]);
    expect(counts()).toEqual({});
    expect((await rejection(loaders.searchCustomers('x'.repeat(201), 10))).code).toBe('BAD_REQUEST');
  });
});

describe('customerIndex and overdueInvoices', () => {
  it('lists every customer, inactive ones included, paging through the kit', async () => {
    const { loaders } = module({ client: { pageSize: 25 } });
    const res = await loaders.customerIndex();
    expect(res.value.map((c) => c.id).sort()).toEqual(q.customers.map((c) => c.Id).sort());
    expect(res.value.find((c) => c.displayName === 'Dormant Traders')?.active).toBe(false);
    expect(counts().query).toBe(Math.floor(q.customers.length / 25) + 1);
  });

  it('lists the overdue invoices as of the day given', async () => {
    const { loaders } = module();
    const res = await loaders.overdueInvoices(TODAY);
    expect(res.value.map((i) => [i.id, i.daysOverdue]).sort()).toEqual(state.world.manifest.overdueInvoices.map((o) => [o.invoiceId, o.daysOverdue]).sort());
    expect(res.value.every((i) => i.status === 'OVERDUE')).toBe(true);
    // a year earlier, none of today's overdue invoices had even been written
    const earlier = await loaders.overdueInvoices('2025-01-01');
    expect(earlier.value.length).toBeLessThan(res.value.length);
    await expect(loaders.overdueInvoices("2026-11-27' OR '1'='1")).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('faults through client and kit → shared error codes', () => {
  const load = (o: ModuleOptions = {}) => module(o).loaders.customer.load(linked[0]!);

  it('slow but within the timeout → answered', async () => {
    state.setFault('quickbooks', { latencyMs: 60 });
    const f = await load({ kit: { timeoutMs: 2000 } });
    expect(f.value.customer.id).toBe(linked[0]);
  });

  it('slower than the timeout → TIMEOUT, at the timeout', async () => {
    state.setFault('quickbooks', { latencyMs: 1500, endpoint: 'batch' });
    const t = performance.now();
    const e = await rejection(load({ kit: { timeoutMs: 200 } }));
    expect(e.code).toBe('TIMEOUT');
    expect(performance.now() - t).toBeLessThan(1000);
  });

  it('a hang → TIMEOUT, at the timeout', async () => {
    state.setFault('quickbooks', { hang: true, endpoint: 'batch' });
    const t = performance.now();
    const e = await rejection(load({ kit: { timeoutMs: 200 } }));
    expect(e.code).toBe('TIMEOUT');
    expect(e.retryable).toBe(true);
    expect(performance.now() - t).toBeLessThan(1000);
  });

  it.each([500, 503] as const)('%i → UNAVAILABLE', async (status) => {
    state.setFault('quickbooks', { status, endpoint: 'batch' });
    const e = await rejection(load());
    expect([e.code, e.status, e.vendorCode]).toEqual(['UNAVAILABLE', status, '10000']);
  });

  it('rate limit → RATE_LIMITED, retry after the minute window', async () => {
    state.setFault('quickbooks', { rateLimit: true, endpoint: 'batch' });
    const e = await rejection(load());
    expect([e.code, e.status, e.vendorCode, e.retryAfterSeconds]).toEqual(['RATE_LIMITED', 429, '3001', 60]);
  });

  it('expired token → one refresh, one retry, then UNAUTHENTICATED', async () => {
    const m = module();
    await m.loaders.searchCustomers('warm-up', 1);
    state.resetCounts();
    state.setFault('quickbooks', { expiredToken: true });
    const e = await rejection(m.loaders.customer.load(linked[0]!));
    expect([e.code, e.vendorCode]).toEqual(['UNAUTHENTICATED', '3200']);
    // the customer index (for jobs) meets the refused refresh first: nothing further is sent
    expect(counts()).toEqual({ query: 2, 'oauth.token': 1 });
  });

  it('a refused refresh token → UNAUTHENTICATED (invalid_grant)', async () => {
    const e = await rejection(load({ client: { refreshToken: 'sandbox-qbo-refresh-revoked' } }));
    expect([e.code, e.vendorCode]).toEqual(['UNAUTHENTICATED', 'invalid_grant']);
  });

  it('malformed → INVALID_RESPONSE', async () => {
    state.setFault('quickbooks', { malformed: true, endpoint: 'batch' });
    expect((await rejection(load())).code).toBe('INVALID_RESPONSE');
  });

  it('drift → INVALID_RESPONSE naming the field that moved', async () => {
    state.setFault('quickbooks', { drift: true });
    const e = await rejection(load());
    expect(e.code).toBe('INVALID_RESPONSE');
    expect(e.message).toContain('Balance');
    state.setFault('quickbooks', { drift: true });
    expect((await rejection(module().loaders.searchCustomers('Sons', 5))).code).toBe('INVALID_RESPONSE');
  });

  it('connection reset → UNAVAILABLE', async () => {
    state.setFault('quickbooks', { reset: true, endpoint: 'batch' });
    expect((await rejection(load())).code).toBe('UNAVAILABLE');
  });

  it('a failing source serves the last good answer, marked stale with the reason', async () => {
    const { client } = module();
    const kit = sb.kit();
    await createLoaders({ client: client, kit: kit, forceRefresh: false, today: () => TODAY }).customer.load(linked[2]!);
    state.setFault('quickbooks', { status: 503 });
    const f = await createLoaders({ client: client, kit: kit, forceRefresh: true, today: () => TODAY }).customer.load(linked[2]!);
    expect(f.value.customer.id).toBe(linked[2]);
    expect(f.freshness).toMatchObject({ fromCache: true, stale: true });
    expect(f.freshness.error?.code).toBe('UNAVAILABLE');
  });
});

describe('home currency (Preferences) for records that name no currency', () => {
  afterEach(() => {
    state.quickbooksCompany = {};
  });

  it('puts every amount of a company without multicurrency in its home currency from Preferences, read once', async () => {
    state.quickbooksCompany = { homeCurrency: 'GBP', singleCurrency: true };
    const { loaders } = module();
    const f = await loaders.customer.load(linked[0]!);
    const c = f.value;
    expect(c.customer.currency).toBe('GBP');
    expect(c.invoices.length).toBeGreaterThan(0);
    expect(c.invoices.every((i) => i.currency === 'GBP')).toBe(true);
    expect(c.payments.every((p) => p.currency === 'GBP')).toBe(true);
    const search = await loaders.searchCustomers(c.customer.displayName, 5);
    expect(search.value.map((r) => r.currency)).toContain('GBP');
    expect(search.value.every((r) => r.currency === 'GBP')).toBe(true);
    const overdue = await loaders.overdueInvoices();
    expect(overdue.value.every((i) => i.currency === 'GBP')).toBe(true);
    // one Preferences read, cached for the module's later reads
    expect(counts()?.preferences).toBe(1);
  });

  it('keeps CurrencyRef where a record has one: the home currency is only the fallback', async () => {
    state.quickbooksCompany = { homeCurrency: 'CAD' };
    const { loaders } = module();
    const euro = q.customers.find((c) => c.CurrencyRef.value === 'EUR');
    expect(euro, 'the sandbox bills one customer in euros').toBeDefined();
    const f = await loaders.customer.load(euro!.Id);
    expect(f.value.customer.currency).toBe('EUR');
    const usd = q.customers.find((c) => c.CurrencyRef.value === 'USD' && c.Active)!;
    expect((await loaders.customer.load(usd.Id)).value.customer.currency).toBe('USD');
  });

  it('uses QUICKBOOKS_HOME_CURRENCY while Preferences cannot be read, and asks again on the next request', async () => {
    state.quickbooksCompany = { homeCurrency: 'GBP', singleCurrency: true };
    state.setFault('quickbooks', { status: 500, endpoint: 'preferences' });
    const { client } = sb.setup({ env: { QUICKBOOKS_HOME_CURRENCY: 'aud' }, client: { refreshToken: [...state.refreshTokens.quickbooks][0]! } });
    expect(client.config.homeCurrency).toBe('AUD');
    const kit = sb.kit();
    const first = await createLoaders({ client, kit, forceRefresh: false, today: () => TODAY }).customer.load(linked[1]!);
    // the customer itself read fine: only the currency fell back to the setting
    expect(first.freshness.error).toBeNull();
    expect(first.value.customer.currency).toBe('AUD');
    expect(first.value.invoices.every((i) => i.currency === 'AUD')).toBe(true);
    state.clearFaults();
    const second = await createLoaders({ client, kit, forceRefresh: true, today: () => TODAY }).customer.load(linked[1]!);
    expect(second.value.customer.currency).toBe('GBP');
  });

  it('defaults the setting to USD', () => {
    expect(module().config.homeCurrency).toBe('USD');
  });
});
