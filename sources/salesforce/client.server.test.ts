import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HttpError, ResponseShapeError } from '../kit/http.js';
import { InvalidSalesforceIdError, SalesforceSessionRefusedError, mapSalesforceError } from './errors.js';
import { meterRequests } from '../kit/request-meter.js';
import { sourceTestKit } from '../kit/testing.js';
import { salesforceSource } from './index.js';
import { sfAccountSchema } from './types.js';

const h = sourceTestKit(salesforceSource);
const { state } = h;
const sf = state.world.salesforce;
const anyRecord = z.object({ Id: z.string() }).passthrough();
const counts = () => ({ ...state.requestCounts().salesforce });
/** A call's signal with a meter: how many budget points its further requests took (its first is paid by the kit). */
const metered = () => {
  const signal = new AbortController().signal;
  const meter = { points: 0 };
  meterRequests(signal, async () => void meter.points++);
  return { signal, meter };
};
const caught = async (p: Promise<unknown>): Promise<unknown> => p.then(() => new Error('expected a rejection'), (e: unknown) => e);

beforeAll(() => h.listen());
afterEach(() => {
  state.clearFaults();
  state.resetCounts();
});
afterAll(() => h.close());

describe('SalesforceClient: session', () => {
  it('fetches its first token up front: one token request, then the query (no wasted 401)', async () => {
    const client = h.client();
    const page = await client.query('SELECT Id FROM User', anyRecord);
    expect(page.records).toHaveLength(sf.users.length);
    expect(counts()).toEqual({ token: 1, query: 1 });
    expect(client.refreshCount).toBe(1);
    expect(client.apiUsage).toEqual({ used: 2, limit: 15000 });
  });

  it('refreshes an expired session itself: exactly one refresh, and the query succeeds', async () => {
    const client = h.client();
    await client.query('SELECT Id FROM User', anyRecord);
    state.resetCounts();
    state.expireTokens('salesforce');
    const { signal, meter } = metered();
    const page = await client.query('SELECT Id FROM Account', anyRecord, { signal });
    expect(page.totalSize).toBe(sf.accounts.length);
    expect(counts()).toEqual({ token: 1, query: 2 }); // 401, refresh, retry
    expect(meter.points).toBe(1); // the query sent again took its point
    expect(client.refreshCount).toBe(2);
  });

  it('shares one refresh between concurrent calls that all met the expired session', async () => {
    const client = h.client();
    await client.query('SELECT Id FROM User', anyRecord);
    state.resetCounts();
    state.expireTokens('salesforce');
    const pages = await Promise.all([1, 2, 3].map(() => client.query('SELECT Id FROM User', anyRecord)));
    expect(pages.every((p) => p.totalSize === sf.users.length)).toBe(true);
    expect(counts().token).toBe(1);
  });

  it('a refused refresh keeps its OAuth error: 400 invalid_grant → UNAUTHENTICATED', async () => {
    const client = h.client();
    state.refreshTokens.salesforce.clear();
    try {
      const e = await caught(client.query('SELECT Id FROM User', anyRecord));
      expect(e).toBeInstanceOf(HttpError);
      expect((e as HttpError).status).toBe(400);
      const mapped = mapSalesforceError(e);
      expect(mapped.code).toBe('UNAUTHENTICATED');
      expect(mapped.vendorCode).toBe('invalid_grant');
      expect(counts()).toEqual({ token: 1 });
    } finally {
      state.refreshTokens.salesforce.add(h.env.SALESFORCE_REFRESH_TOKEN!);
    }
  });

  it('a session refused right after a refresh ends the call (no refresh loop): UNAUTHENTICATED', async () => {
    const client = h.client();
    await client.query('SELECT Id FROM User', anyRecord);
    state.resetCounts();
    state.setFault('salesforce', { expiredToken: true });
    const e = await caught(client.query('SELECT Id FROM User', anyRecord));
    expect(e).toBeInstanceOf(SalesforceSessionRefusedError);
    expect(mapSalesforceError(e).code).toBe('UNAUTHENTICATED');
    expect(counts()).toEqual({ token: 1, query: 2 });
    // Once Salesforce accepts sessions again, the next call recovers by itself.
    state.clearFaults();
    expect((await client.query('SELECT Id FROM User', anyRecord)).totalSize).toBe(sf.users.length);
  });

  it('a token endpoint that is down is UNAVAILABLE, not an authentication problem', async () => {
    const client = h.client();
    state.setFault('salesforce', { status: 503, endpoint: 'token' });
    const e = await caught(client.query('SELECT Id FROM User', anyRecord));
    expect(e).toBeInstanceOf(HttpError);
    expect(mapSalesforceError(e).code).toBe('UNAVAILABLE');
  });
});

describe('SalesforceClient: retries (jsforce\'s own are off; SALESFORCE_HTTP_RETRIES extra attempts, each metered)', () => {
  it('default: no retry of its own (the source kit retries every source alike), so a 503 costs one request and keeps its status', async () => {
    const client = h.client();
    await client.query('SELECT Id FROM User', anyRecord);
    state.resetCounts();
    state.setFault('salesforce', { status: 503 });
    const e = await caught(client.query('SELECT Id FROM User', anyRecord));
    expect(e).toBeInstanceOf(HttpError);
    expect((e as HttpError).status).toBe(503);
    expect(mapSalesforceError(e)).toMatchObject({ code: 'UNAVAILABLE', vendorCode: 'SERVER_UNAVAILABLE', status: 503 });
    expect(counts()).toEqual({ query: 1 });
  });

  it('SALESFORCE_HTTP_RETRIES=1: a 5xx is tried once more (two requests per call), the second taking a budget point', async () => {
    const client = h.client({ env: { SALESFORCE_HTTP_RETRIES: '1' } });
    await client.query('SELECT Id FROM User', anyRecord);
    state.resetCounts();
    state.setFault('salesforce', { status: 500 });
    const { signal, meter } = metered();
    const e = await caught(client.query('SELECT Id FROM User', anyRecord, { signal }));
    expect(mapSalesforceError(e)).toMatchObject({ code: 'UNAVAILABLE', status: 500 });
    expect(counts()).toEqual({ query: 2 });
    expect(meter.points).toBe(1);
  });

  it('SALESFORCE_HTTP_RETRIES=2: a 503 that clears is answered on the retry; a spent budget sends no retry at all', async () => {
    const client = h.client({ env: { SALESFORCE_HTTP_RETRIES: '2' } });
    await client.query('SELECT Id FROM User', anyRecord);
    state.resetCounts();
    state.setFault('salesforce', { status: 503 });
    const { signal, meter } = metered();
    const answered = client.query('SELECT Id FROM User', anyRecord, { signal });
    setTimeout(() => state.clearFaults(), 100); // between the first attempt and the second (250 ms later)
    expect((await answered).totalSize).toBe(sf.users.length);
    expect(counts()).toEqual({ query: 2 });
    expect(meter.points).toBe(1);

    state.setFault('salesforce', { status: 503 });
    state.resetCounts();
    const spent = new AbortController().signal;
    meterRequests(spent, async () => {
      throw new Error('budget spent');
    });
    expect(await caught(client.query('SELECT Id FROM User', anyRecord, { signal: spent }))).toMatchObject({ message: 'budget spent' });
    expect(counts()).toEqual({ query: 1 });
  });

  it('SALESFORCE_HTTP_RETRIES=1: a dropped connection is tried once more too', async () => {
    const client = h.client({ env: { SALESFORCE_HTTP_RETRIES: '1' } });
    await client.query('SELECT Id FROM User', anyRecord);
    state.resetCounts();
    state.setFault('salesforce', { reset: true });
    const { signal, meter } = metered();
    expect(mapSalesforceError(await caught(client.query('SELECT Id FROM User', anyRecord, { signal }))).code).toBe('UNAVAILABLE');
    expect(meter.points).toBe(1);
  });

  it('never retries a rate limit (403 REQUEST_LIMIT_EXCEEDED) → RATE_LIMITED', async () => {
    const client = h.client();
    await client.query('SELECT Id FROM User', anyRecord);
    state.resetCounts();
    state.setFault('salesforce', { rateLimit: true });
    const mapped = mapSalesforceError(await caught(client.query('SELECT Id FROM User', anyRecord)));
    expect(mapped).toMatchObject({ code: 'RATE_LIMITED', vendorCode: 'REQUEST_LIMIT_EXCEEDED', status: 403 });
    expect(counts()).toEqual({ query: 1 });
  });
});

describe('SalesforceClient: answers and errors', () => {
  const client = h.client({ env: { SALESFORCE_HTTP_RETRIES: '0', SALESFORCE_TIMEOUT_MS: '300' } });

  it('bad SOQL becomes an HttpError carrying Salesforce\'s error array → BAD_REQUEST', async () => {
    const e = await caught(client.query('SELECT Nope FROM Account', anyRecord));
    expect(e).toBeInstanceOf(HttpError);
    expect((e as HttpError).body).toEqual([expect.objectContaining({ errorCode: 'INVALID_FIELD' })]);
    const mapped = mapSalesforceError(e);
    expect(mapped).toMatchObject({ code: 'BAD_REQUEST', vendorCode: 'INVALID_FIELD', status: 400 });
    expect(mapped.message).not.toContain('Nope'); // query text stays out of messages
  });

  it('retrieve: a record; a non-id is refused before any request; an unknown one is NOT_FOUND', async () => {
    const a = sf.accounts[2]!;
    const r = await client.retrieve('Account', a.Id.slice(0, 15), z.object({ Id: z.string(), Name: z.string() }).passthrough(), { fields: ['Name'] });
    expect(r).toMatchObject({ Id: a.Id, Name: a.Name });
    state.resetCounts();
    const bad = await caught(client.retrieve('Account', "1' OR Name != '", anyRecord));
    expect(bad).toBeInstanceOf(InvalidSalesforceIdError);
    expect(mapSalesforceError(bad).code).toBe('BAD_REQUEST');
    expect(counts()).toEqual({});
    const missing = await caught(client.retrieve('Account', '001Pn0000009999', anyRecord));
    expect(mapSalesforceError(missing)).toMatchObject({ code: 'NOT_FOUND', vendorCode: 'NOT_FOUND', status: 404 });
  });

  it('malformed and drifted answers are ResponseShapeErrors → INVALID_RESPONSE', async () => {
    state.setFault('salesforce', { malformed: true });
    const m = await caught(client.query('SELECT Id, Name FROM Account LIMIT 1', sfAccountSchema));
    expect(m).toBeInstanceOf(ResponseShapeError);
    expect(mapSalesforceError(m).code).toBe('INVALID_RESPONSE');
    state.setFault('salesforce', { malformed: false, drift: true });
    const soql = 'SELECT Id, Name, Website, Phone, Industry, Tier__c, BillingStreet, BillingCity, BillingState, BillingPostalCode, BillingCountry, ShippingStreet, ShippingCity, ShippingState, ShippingPostalCode, ShippingCountry, OwnerId, Owner.Name, Owner.Email, QuickBooks_Customer_Id__c, CreatedDate, LastModifiedDate FROM Account LIMIT 1';
    const d = await caught(client.query(soql, sfAccountSchema));
    expect(d).toBeInstanceOf(ResponseShapeError);
    expect((d as ResponseShapeError).issues.join()).toContain('records.0.Name');
    state.clearFaults();
    expect((await client.query(soql, sfAccountSchema)).records).toHaveLength(1);
  });

  it('a dropped connection → UNAVAILABLE; a hung one is aborted by jsforce at SALESFORCE_TIMEOUT_MS → TIMEOUT', async () => {
    await client.query('SELECT Id FROM User', anyRecord);
    state.setFault('salesforce', { reset: true });
    expect(mapSalesforceError(await caught(client.query('SELECT Id FROM User', anyRecord))).code).toBe('UNAVAILABLE');
    state.setFault('salesforce', { reset: false, hang: true });
    const t0 = Date.now();
    expect(mapSalesforceError(await caught(client.query('SELECT Id FROM User', anyRecord))).code).toBe('TIMEOUT');
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it("the caller's AbortSignal ends the call at once", async () => {
    state.setFault('salesforce', { latencyMs: 5000 });
    const ac = new AbortController();
    const t0 = Date.now();
    const p = caught(client.query('SELECT Id FROM User', anyRecord, { signal: ac.signal }));
    setTimeout(() => ac.abort(new Error('caller gave up')), 50);
    expect(((await p) as Error).message).toBe('caller gave up');
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('refuses to follow a nextRecordsUrl that is not a query locator on this instance', async () => {
    for (const url of ['https://evil.example/services/data/v62.0/query/01gX-2000', '/services/data/v62.0/sobjects/Account']) {
      expect(await caught(client.queryMore(url, anyRecord))).toBeInstanceOf(ResponseShapeError);
    }
  });
});
