import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Fetched, CrmCustomer } from '../kit/domain.js';
import { SourceBudget } from '../kit/budget.js';
import { SourceError } from '../kit/errors.js';
import type { FaultPatch } from '../sandbox/state.js';
import { sourceTestKit } from '../kit/testing.js';
import { salesforceSource } from './index.js';
import { HttpError } from '../kit/http.js';
import { checkSalesforceFields } from './fields.js';
import { sfOpportunitySchema } from './types.js';

const h = sourceTestKit(salesforceSource);
const { state } = h;
const sf = state.world.salesforce;
const manifest = state.world.manifest;
const counts = () => ({ ...state.requestCounts().salesforce });
const rejection = async (p: Promise<unknown>): Promise<SourceError> => {
  const e = await p.then(() => new Error('expected a rejection'), (x: unknown) => x);
  expect(e).toBeInstanceOf(SourceError);
  return e as SourceError;
};

beforeAll(() => h.listen());
afterEach(() => {
  state.clearFaults();
  state.resetCounts();
});
afterAll(() => h.close());

describe('customer loader', () => {
  it('maps one account with its owner, contacts and opportunities from the sandbox', async () => {
    const { loaders } = h.setup();
    const a = sf.accounts.find((x) => x.QuickBooks_Customer_Id__c && sf.opportunities.some((o) => o.AccountId === x.Id && !o.IsClosed))!;
    const owner = sf.users.find((u) => u.Id === a.OwnerId)!;
    const { value, freshness } = await loaders.customer.load(a.Id);
    expect(freshness).toMatchObject({ source: 'salesforce', fromCache: false, stale: false, error: null });
    expect(value.account).toEqual({
      id: a.Id,
      name: a.Name,
      website: a.Website,
      phone: a.Phone,
      industry: a.Industry,
      tier: a.Tier__c,
      billingAddress: { street: a.BillingStreet, city: a.BillingCity, region: a.BillingState, postalCode: a.BillingPostalCode, country: a.BillingCountry },
      shippingAddress: { street: a.ShippingStreet, city: a.ShippingCity, region: a.ShippingState, postalCode: a.ShippingPostalCode, country: a.ShippingCountry },
      owner: { id: owner.Id, name: owner.Name, email: owner.Email },
      accountingCustomerId: a.QuickBooks_Customer_Id__c,
      createdAt: new Date(Date.parse(a.CreatedDate.replace('+0000', 'Z'))).toISOString(),
      updatedAt: new Date(Date.parse(a.LastModifiedDate.replace('+0000', 'Z'))).toISOString(),
    });
    const contacts = sf.contacts.filter((c) => c.AccountId === a.Id);
    expect(value.contacts.map((c) => c.id).sort()).toEqual(contacts.map((c) => c.Id).sort());
    expect(value.contacts[0]).toMatchObject({ primary: true, id: contacts.find((c) => c.Primary__c)!.Id, accountId: a.Id });
    const opps = sf.opportunities.filter((o) => o.AccountId === a.Id);
    expect(value.opportunities.map((o) => o.id).sort()).toEqual(opps.map((o) => o.Id).sort());
    for (const o of value.opportunities) {
      const src = opps.find((x) => x.Id === o.id)!;
      expect(o.outcome).toBe(src.IsWon ? 'WON' : src.IsClosed ? 'LOST' : 'OPEN');
      expect(o).toMatchObject({ stage: src.StageName, amount: src.Amount, closeDate: src.CloseDate, owner: { id: owner.Id, name: owner.Name } });
    }
    const closeDates = value.opportunities.map((o) => o.closeDate!);
    expect(closeDates).toEqual([...closeDates].sort().reverse());
  });

  it('follows a subquery that Salesforce pages: every contact and opportunity, in order, one request per further batch', async () => {
    const { loaders } = h.setup();
    const count = (id: string) => sf.contacts.filter((c) => c.AccountId === id).length;
    const a = [...sf.accounts].sort((x, y) => count(y.Id) - count(x.Id))[0]!;
    const contacts = sf.contacts.filter((c) => c.AccountId === a.Id);
    const opps = sf.opportunities.filter((o) => o.AccountId === a.Id);
    expect(contacts.length).toBeGreaterThan(2);
    state.salesforceChildBatchSize = 2;
    try {
      const { value } = await loaders.customer.load(a.Id);
      expect(value.contacts.map((c) => c.id).sort()).toEqual(contacts.map((c) => c.Id).sort());
      expect(value.contacts[0]).toMatchObject({ primary: true });
      expect(value.opportunities.map((o) => o.id).sort()).toEqual(opps.map((o) => o.Id).sort());
      const more = (n: number) => Math.max(0, Math.ceil(n / 2) - 1);
      const { query, queryMore = 0 } = counts();
      expect({ query, queryMore }).toEqual({ query: 1, queryMore: more(contacts.length) + more(opps.length) });
      expect(queryMore).toBeGreaterThan(0);
    } finally {
      state.salesforceChildBatchSize = 200;
    }
  });

  it('costs ONE query for a batch of ids, then serves them from the cache', async () => {
    const { loaders, next } = h.setup();
    const ids = sf.accounts.slice(0, 12).map((a) => a.Id);
    const results = await Promise.all(ids.map((id) => loaders.customer.load(id)));
    expect(results.map((r) => r.value.account.id)).toEqual(ids);
    expect(counts()).toEqual({ token: 1, query: 1 });
    const again = await next().customer.loadMany(ids);
    expect((again as Fetched<CrmCustomer>[]).every((r) => r.freshness.fromCache)).toBe(true);
    expect(counts()).toEqual({ token: 1, query: 1 });
  });

  it('only asks for the ids it has not cached, still in one query', async () => {
    const { loaders, next } = h.setup();
    await loaders.customer.load(sf.accounts[0]!.Id);
    state.resetCounts();
    const r = (await next().customer.loadMany(sf.accounts.slice(0, 5).map((a) => a.Id))) as Fetched<CrmCustomer>[];
    expect(r.map((x) => x.freshness.fromCache)).toEqual([true, false, false, false, false]);
    expect(counts()).toEqual({ query: 1 });
  });

  it('forceRefresh goes upstream even when cached', async () => {
    const { loaders, next } = h.setup();
    await loaders.customer.load(sf.accounts[0]!.Id);
    state.resetCounts();
    const r = await next(true).customer.load(sf.accounts[0]!.Id);
    expect(r.freshness.fromCache).toBe(false);
    expect(counts()).toEqual({ query: 1 });
  });

  it('accepts 15-character and any-case 18-character ids as the same customer (one cache entry)', async () => {
    const { loaders, next } = h.setup();
    const a = sf.accounts[3]!;
    expect((await loaders.customer.load(a.Id.slice(0, 15))).value.account.id).toBe(a.Id);
    const r = await next().customer.load(a.Id.toLowerCase());
    expect(r.value.account.id).toBe(a.Id);
    expect(r.freshness.fromCache).toBe(true);
    expect(counts().query).toBe(1);
  });

  it('refuses malformed ids with BAD_REQUEST before any request; the rest of the batch still loads', async () => {
    const { loaders } = h.setup();
    const good = sf.accounts[0]!.Id;
    const bad = ["001' OR Name != '", 'abc', sf.contacts[0]!.Id, `${good.slice(0, 15)}ZZZ`];
    const results = await loaders.customer.loadMany([good, ...bad]);
    expect((results[0] as Fetched<CrmCustomer>).value.account.id).toBe(good);
    for (const r of results.slice(1)) expect(r).toMatchObject({ code: 'BAD_REQUEST', source: 'salesforce' });
    expect(counts()).toEqual({ token: 1, query: 1 });
    state.resetCounts();
    await rejection(h.setup().loaders.customer.load('not-an-id'));
    expect(counts()).toEqual({});
  });

  it('answers NOT_FOUND for a well-formed id Salesforce does not have', async () => {
    const e = await rejection(h.setup().loaders.customer.load('001Pn0000009999'));
    expect(e.code).toBe('NOT_FOUND');
  });
});

describe('searchAccounts', () => {
  it.each(manifest.trickyNames.map((t) => [t.name, t.accountId]))('finds %s exactly (quotes, backslashes, %% and _ escaped)', async (name, id) => {
    const { loaders } = h.setup();
    const r = await loaders.searchAccounts(name, 20);
    expect(r.value.map((a) => a.id)).toEqual([id]);
    expect(r.value[0]!.name).toBe(name);
  });

  it('does not widen a name holding % or _ to a look-alike (LIKE wildcards escaped as \\% and \\_)', async () => {
    const { loaders } = h.setup();
    const base = sf.accounts.find((a) => a.Name === '100% Natural Foods')!;
    // `%` unescaped would match "100 Natural Foods Outlet"; `_` unescaped would match "UnderXscore Labs"
    const decoys = [
      { ...structuredClone(base), Id: '001Pn00000DECOY1AAA', Name: '100 Natural Foods Outlet', Website: null },
      { ...structuredClone(base), Id: '001Pn00000DECOY2AAA', Name: 'UnderXscore Labs', Website: null },
    ];
    sf.accounts.push(...decoys);
    try {
      expect((await loaders.searchAccounts('100% Natural', 20)).value.map((a) => a.name)).toEqual(['100% Natural Foods']);
      expect((await loaders.searchAccounts('Under_score', 20)).value.map((a) => a.name)).toEqual(['Under_score Labs']);
      // the look-alikes are found by their own names
      expect((await loaders.searchAccounts('100 Natural Foods Outlet', 20)).value.map((a) => a.name)).toEqual(['100 Natural Foods Outlet']);
    } finally {
      sf.accounts.splice(sf.accounts.length - decoys.length, decoys.length);
    }
  });

  it('treats wildcard characters in the text as literal', async () => {
    const { loaders } = h.setup();
    expect((await loaders.searchAccounts('%', 50)).value.map((a) => a.name)).toEqual(['100% Natural Foods']);
    expect((await loaders.searchAccounts('_', 50)).value.map((a) => a.name)).toEqual(['Under_score Labs']);
    expect((await loaders.searchAccounts('\\', 50)).value.map((a) => a.name)).toEqual(['Back\\slash Engineering']);
    const apostrophes = sf.accounts.filter((a) => a.Name.includes("'")).map((a) => a.Id).sort();
    expect(apostrophes.length).toBeGreaterThanOrEqual(2); // at least the two planted names
    expect((await loaders.searchAccounts("'", 50)).value.map((a) => a.id).sort()).toEqual(apostrophes);
  });

  it('matches part of the name or the website, ignoring case; one request; cached per text and limit', async () => {
    const { loaders, next } = h.setup();
    const a = sf.accounts[30]!;
    const domain = new URL(a.Website!).hostname.replace(/^www\./, '');
    const byDomain = await loaders.searchAccounts(domain.toUpperCase(), 10);
    expect(byDomain.value.map((x) => x.id)).toContain(a.Id);
    expect(counts()).toEqual({ token: 1, query: 1 });
    const again = await next().searchAccounts(` ${domain.toLowerCase()} `, 10);
    expect(again.freshness.fromCache).toBe(true);
    expect(counts()).toEqual({ token: 1, query: 1 });
  });

  it('orders by name and honours the limit; empty text lists accounts', async () => {
    const { loaders } = h.setup();
    const r = await loaders.searchAccounts('', 7);
    const expected = [...sf.accounts].sort((x, y) => (x.Name.toLowerCase() < y.Name.toLowerCase() ? -1 : 1)).slice(0, 7);
    expect(r.value.map((a) => a.id)).toEqual(expected.map((a) => a.Id));
  });

  it('refuses absurdly long text without asking Salesforce', async () => {
    expect((await rejection(h.setup().loaders.searchAccounts('x'.repeat(500), 10))).code).toBe('BAD_REQUEST');
    expect(counts()).toEqual({});
  });
});

describe('accountsByOwnerEmail and accountIndex (small world)', () => {
  it("returns the owner's accounts; escapes the e-mail; refuses a non-e-mail", async () => {
    const { loaders } = h.setup();
    const owner = sf.users[0]!;
    const r = await loaders.accountsByOwnerEmail(owner.Email);
    expect(r.value.map((a) => a.id).sort()).toEqual(sf.accounts.filter((a) => a.OwnerId === owner.Id).map((a) => a.Id).sort());
    expect((await loaders.accountsByOwnerEmail("o'neil\\x@example.com")).value).toEqual([]);
    expect((await rejection(loaders.accountsByOwnerEmail("x' OR Name != '"))).code).toBe('BAD_REQUEST');
  });

  it('accountIndex lists every account in one request at this size', async () => {
    const { loaders } = h.setup();
    const r = await loaders.accountIndex();
    expect(r.value).toHaveLength(sf.accounts.length);
    expect(counts()).toEqual({ token: 1, query: 1 });
  });
});

describe('faults through client + kit → shared error codes', () => {
  const id = () => sf.accounts[5]!.Id;
  /** A warmed-up client (token already issued), so each case counts only the call under test. */
  const warm = async (o: Parameters<typeof h.setup>[0] = {}) => {
    const s = h.setup(o);
    await s.loaders.searchAccounts('warm-up', 1);
    state.resetCounts();
    return s;
  };
  const fault = async (patch: FaultPatch, o: Parameters<typeof h.setup>[0] = {}) => {
    state.clearFaults();
    const { loaders } = await warm(o);
    state.setFault('salesforce', patch);
    return rejection(loaders.customer.load(id()));
  };

  it('latency below the timeout: the answer arrives', async () => {
    const { loaders } = await warm({ timeoutMs: 2000 });
    state.setFault('salesforce', { latencyMs: 150 });
    expect((await loaders.customer.load(id())).value.account.id).toBe(id());
  });

  it('hang: the kit gives up at its timeout → TIMEOUT (jsforce aborts the request itself soon after)', async () => {
    const t0 = Date.now();
    const e = await fault({ hang: true }, { timeoutMs: 300, env: { SALESFORCE_TIMEOUT_MS: '400' } });
    expect(e.code).toBe('TIMEOUT');
    expect(e.retryable).toBe(true);
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it('500 and 503 → UNAVAILABLE (jsforce retries nothing by default: one request)', async () => {
    for (const status of [500, 503] as const) {
      const e = await fault({ status });
      expect(e).toMatchObject({ code: 'UNAVAILABLE', status, retryable: true });
      expect(counts()).toEqual({ query: 1 });
      state.resetCounts();
    }
  });

  it('SALESFORCE_HTTP_RETRIES=1 through the loaders: the retry is sent and takes a budget point of its own', async () => {
    const budget = new SourceBudget('salesforce', 1_000, h.sandbox.clock);
    const { loaders } = await warm({ budget, env: { SALESFORCE_HTTP_RETRIES: '1' } });
    const before = (await budget.state()).remaining;
    state.setFault('salesforce', { status: 500 });
    // a search sends its query on a signal merged from the attempt's and the caller's: the meter goes with it
    expect((await rejection(loaders.searchAccounts('acme', 5))).code).toBe('UNAVAILABLE');
    expect(counts()).toEqual({ query: 2 });
    expect(before - (await budget.state()).remaining).toBe(2);
  });

  it('rate limit → RATE_LIMITED (403 REQUEST_LIMIT_EXCEEDED, one request)', async () => {
    const e = await fault({ rateLimit: true });
    expect(e).toMatchObject({ code: 'RATE_LIMITED', vendorCode: 'REQUEST_LIMIT_EXCEEDED', status: 403 });
    expect(counts()).toEqual({ query: 1 });
  });

  it('expired token that stays refused → UNAUTHENTICATED after exactly one refresh', async () => {
    const e = await fault({ expiredToken: true });
    expect(e).toMatchObject({ code: 'UNAUTHENTICATED', retryable: false });
    expect(counts()).toEqual({ query: 2, token: 1 });
  });

  it('malformed body and drifted fields → INVALID_RESPONSE', async () => {
    expect((await fault({ malformed: true })).code).toBe('INVALID_RESPONSE');
    state.clearFaults();
    const drift = await fault({ drift: true });
    expect(drift.code).toBe('INVALID_RESPONSE');
    expect(drift.message).toContain('Name');
  });

  it('connection reset → UNAVAILABLE', async () => {
    expect((await fault({ reset: true })).code).toBe('UNAVAILABLE');
  });

  it('a failing Salesforce still yields the cached customer, marked stale with the error', async () => {
    const { loaders, next } = await warm();
    await loaders.customer.load(id());
    state.setFault('salesforce', { status: 503 });
    const r = await next(true).customer.load(id());
    expect(r.value.account.id).toBe(id());
    expect(r.freshness).toMatchObject({ fromCache: true, stale: true, error: { code: 'UNAVAILABLE' } });
  });

  it('repeated failures open the breaker → CIRCUIT_OPEN without further requests', async () => {
    const { next } = await warm({ breaker: { threshold: 2, halfOpenAfterMs: 60_000 }, env: { SALESFORCE_HTTP_RETRIES: '0' } });
    state.setFault('salesforce', { status: 500 });
    await rejection(next().searchAccounts('a', 5));
    await rejection(next().searchAccounts('b', 5));
    const before = state.totalRequests('salesforce');
    expect((await rejection(next().searchAccounts('c', 5))).code).toBe('CIRCUIT_OPEN');
    expect(state.totalRequests('salesforce')).toBe(before);
  });
});

describe('deal currency', () => {
  afterEach(() => {
    state.salesforceOrg = {};
  });

  /** A client and kit whose field mapping has been checked against the org (describe), and the SOQL they send. */
  async function checked(env: Record<string, string> = {}, orgFails = false) {
    const s = h.setup({ env });
    const soql: string[] = [];
    const query = s.client.query.bind(s.client);
    vi.spyOn(s.client, 'query').mockImplementation(async (q, record, opts) => {
      soql.push(q);
      if (orgFails && q.includes('FROM Organization')) throw new HttpError(500, new Headers(), [{ message: 'boom', errorCode: 'UNKNOWN_EXCEPTION' }], 'http://sf/query');
      return query(q, record, opts);
    });
    // as at start-up: describe, and for a single-currency org its currency
    await checkSalesforceFields(s.client, s.kit);
    return { ...s, soql };
  }
  const withDeals = () => sf.accounts.filter((a) => sf.opportunities.filter((o) => o.AccountId === a.Id).length >= 3).slice(0, 5).map((a) => a.Id);

  it("a single-currency org: CurrencyIsoCode is never selected, and every deal is in the org's currency", async () => {
    state.salesforceOrg = { currency: 'GBP' };
    const s = await checked();
    expect(s.client.currency.state('dealCurrency')).toBe('MISSING');
    const loaders = s.next();
    const got = (await loaders.customer.loadMany(withDeals())) as Fetched<CrmCustomer>[];
    const deals = got.flatMap((f) => f.value.opportunities);
    expect(deals.length).toBeGreaterThan(5);
    expect(deals.every((d) => d.currency === 'GBP')).toBe(true);
    expect(s.soql.some((q) => /\bCurrencyIsoCode\b/i.test(q))).toBe(false);
    // read once, at the check: the requests take it from the cache
    expect(s.soql.filter((q) => q === 'SELECT DefaultCurrencyIsoCode FROM Organization')).toHaveLength(1);
    await s.next(true).customer.load(withDeals()[0]!);
    expect(s.soql.filter((q) => q.includes('FROM Organization'))).toHaveLength(1);
  });

  it('a single-currency org answers a query naming CurrencyIsoCode with 400 INVALID_FIELD, as Salesforce does', async () => {
    const { client } = h.setup();
    const e = await client.query('SELECT Id, CurrencyIsoCode FROM Opportunity', sfOpportunitySchema).then(() => null, (x: unknown) => x);
    expect(e).toBeInstanceOf(HttpError);
    expect((e as HttpError).status).toBe(400);
    expect(JSON.stringify((e as HttpError).body)).toContain('INVALID_FIELD');
  });

  it('a multi-currency org: each deal carries its own currency (some in EUR), and no org default is read', async () => {
    state.salesforceOrg = { multiCurrency: { dealCurrency: 'EUR' } };
    const s = await checked();
    expect(s.client.currency.state('dealCurrency')).toBe('FOUND');
    const got = (await s.next().customer.loadMany(withDeals())) as Fetched<CrmCustomer>[];
    const deals = got.flatMap((f) => f.value.opportunities);
    const byCurrency = new Set(deals.map((d) => d.currency));
    expect(byCurrency).toEqual(new Set(['USD', 'EUR']));
    // the sandbox puts every third deal of the world in euros
    const euros = new Set(sf.opportunities.filter((_, i) => i % 3 === 1).map((o) => o.Id));
    for (const d of deals) expect(d.currency).toBe(euros.has(d.id) ? 'EUR' : 'USD');
    expect(s.soql.some((q) => q.includes('Amount, CurrencyIsoCode'))).toBe(true);
    expect(s.soql.some((q) => q.includes('FROM Organization'))).toBe(false);
  });

  it('before describe has answered, names no currency rather than assume one', async () => {
    const s = h.setup();
    expect(s.client.currency.state('dealCurrency')).toBe('NOT_CHECKED');
    const f = await s.loaders.customer.load(withDeals()[0]!);
    expect(f.value.opportunities.every((d) => d.currency === null)).toBe(true);
  });

  it("uses SALESFORCE_DEFAULT_CURRENCY while the org's currency cannot be read; unset, no currency", async () => {
    for (const [env, expected] of [[{ SALESFORCE_DEFAULT_CURRENCY: 'chf' }, 'CHF'], [{}, null]] as const) {
      state.salesforceOrg = { currency: 'GBP' };
      const s = await checked(env, true);
      const f = await s.next().customer.load(withDeals()[0]!);
      // the customer itself read fine: only the currency fell back
      expect(f.freshness.error).toBeNull();
      expect(f.value.opportunities.every((d) => d.currency === expected)).toBe(true);
    }
  });
});
