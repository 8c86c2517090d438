import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS } from '../../sandbox/state.js';
import { TEST_ORIGIN as ORIGIN, basicAuth as basic, sourceTestKit } from '../../kit/testing.js';
import { quickbooksSource } from '../index.js';

const sb = sourceTestKit(quickbooksSource);
const { state, api } = sb;
const basicAuth = (id: string = SANDBOX_CREDENTIALS.quickbooks.clientId, secret: string = SANDBOX_CREDENTIALS.quickbooks.clientSecret) => basic(id, secret);
const accessToken = async () => (await sb.authorization()).replace(/^Bearer /, '');
const TOKEN_URL = `${ORIGIN}/quickbooks/oauth2/v1/tokens/bearer`;
let token: string;

beforeAll(async () => {
  sb.listen();
  token = await accessToken();
});
afterEach(() => {
  state.clearFaults();
  state.resetCounts();
});
afterAll(() => sb.close());

const get = (path: string, auth: string | null = `Bearer ${token}`) =>
  fetch(`${api}${path}`, { headers: { accept: 'application/json', ...(auth ? { authorization: auth } : {}) } });
const query = (q: string, auth?: string | null) => get(`/query?query=${encodeURIComponent(q)}&minorversion=75`, auth);
const post = (path: string, body: unknown) =>
  fetch(`${api}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
const refresh = (refreshToken: string, auth = basicAuth(), grant = 'refresh_token') =>
  fetch(TOKEN_URL, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ grant_type: grant, refresh_token: refreshToken }).toString(),
  });

const QBO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}-08:00$/;

describe('token endpoint (Intuit OAuth 2)', () => {
  it('answers a refresh with a bearer token pair and rotates the refresh token', async () => {
    const before = [...state.refreshTokens.quickbooks][0]!;
    const res = await refresh(before);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('no-store');
    expect(res.headers.get('intuit_tid')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'token_type', 'x_refresh_token_expires_in']);
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 3600 });
    expect(body.refresh_token).not.toBe(before);
    // the used refresh token stops working; the new one works (once)
    const again = await refresh(before);
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ error: 'invalid_grant' });
    expect((await refresh(body.refresh_token as string)).status).toBe(200);
  });

  it('refuses unknown client credentials with 401 invalid_client', async () => {
    const res = await refresh([...state.refreshTokens.quickbooks][0]!, basicAuth(SANDBOX_CREDENTIALS.quickbooks.clientId, 'wrong'));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'invalid_client' });
    expect((await refresh('x', 'Bearer nope')).status).toBe(401);
  });

  it('refuses other grant types', async () => {
    const res = await refresh('x', basicAuth(), 'password');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'unsupported_grant_type' });
  });
});

describe('authentication and realm', () => {
  it('answers 401 with the gateway\'s AuthenticationFailed fault without a valid bearer token', async () => {
    for (const auth of [null, 'Bearer not-a-token']) {
      const res = await query('SELECT * FROM Customer', auth);
      expect(res.status).toBe(401);
      const body = (await res.json()) as { fault: { error: { code: string; message: string }[]; type: string } };
      expect(body.fault.type).toBe('AUTHENTICATION');
      expect(body.fault.error[0]).toMatchObject({ code: '3200', message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401' });
    }
  });

  it('answers 403 ApplicationAuthorizationFailed for another company\'s realm', async () => {
    const res = await fetch(`${ORIGIN}/quickbooks/v3/company/1234/query?query=${encodeURIComponent('SELECT * FROM Customer')}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(403);
    const body = (await res.json()) as { fault: { error: { code: string }[] } };
    expect(body.fault.error[0]!.code).toBe('3100');
  });
});

describe('query endpoint', () => {
  it('answers the QueryResponse envelope with QBO\'s headers', async () => {
    const res = await query("SELECT * FROM Customer WHERE Id IN ('1', '2')");
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(res.headers.get('intuit_tid')).toMatch(/^[0-9a-f-]{36}$/);
    const body = (await res.json()) as { QueryResponse: { Customer: { Id: string }[]; startPosition: number; maxResults: number }; time: string };
    expect(body.QueryResponse.Customer.map((c) => c.Id)).toEqual(['1', '2']);
    expect(body.QueryResponse).toMatchObject({ startPosition: 1, maxResults: 2 });
    expect(body.time).toMatch(QBO_TIME);
    expect(body.QueryResponse.Customer[0]).toEqual(state.world.quickbooks.customers[0]);
  });

  it('answers { QueryResponse: {} } when nothing matches, and totalCount for COUNT(*)', async () => {
    const empty = (await (await query("SELECT * FROM Invoice WHERE DocNumber = 'none'")).json()) as Record<string, unknown>;
    expect(empty.QueryResponse).toEqual({});
    const count = (await (await query('SELECT COUNT(*) FROM Invoice')).json()) as Record<string, unknown>;
    expect(count.QueryResponse).toEqual({ totalCount: state.world.quickbooks.invoices.length });
  });

  it('takes the query as a POST body too', async () => {
    const res = await fetch(`${api}/query?minorversion=75`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/text' },
      body: "select * from Customer where DisplayName = 'O\\'Brien & Sons'",
    });
    const body = (await res.json()) as { QueryResponse: { Customer: { DisplayName: string }[] } };
    expect(body.QueryResponse.Customer.map((c) => c.DisplayName)).toEqual(["O'Brien & Sons"]);
  });

  it('answers a query it cannot run with a 400 ValidationFault', async () => {
    const res = await query("SELECT * FROM Customer WHERE Id = '1' OR Id = '2'");
    expect(res.status).toBe(400);
    const body = (await res.json()) as { Fault: { Error: { code: string; Message: string; Detail: string }[]; type: string }; time: string };
    expect(body.Fault.type).toBe('ValidationFault');
    expect(body.Fault.Error[0]).toMatchObject({ code: '4001', Message: 'Invalid query' });
    expect(body.time).toMatch(QBO_TIME);
    const parse = (await (await query("SELECT * FROM Customer WHERE DisplayName = 'O'Brien'")).json()) as typeof body;
    expect(parse.Fault.Error[0]).toMatchObject({ code: '4000', Message: 'Error parsing query' });
    const empty = (await (await get('/query')).json()) as typeof body;
    expect(empty.Fault.Error[0]!.Detail).toBe('QueryParserError: The query provided was empty');
  });
});

describe('reads by id', () => {
  it.each([
    ['customer', 'Customer', () => state.world.quickbooks.customers[3]!],
    ['invoice', 'Invoice', () => state.world.quickbooks.invoices[3]!],
    ['payment', 'Payment', () => state.world.quickbooks.payments[3]!],
  ] as const)('GET /%s/:id answers { %s, time }', async (path, key, record) => {
    const r = record();
    const res = await get(`/${path}/${r.Id}?minorversion=75`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body[key]).toEqual(r);
    expect(body.time).toMatch(QBO_TIME);
  });

  it('answers an unknown id with the 400 Object Not Found fault (610)', async () => {
    const res = await get('/customer/999999');
    expect(res.status).toBe(400);
    const body = (await res.json()) as { Fault: { Error: { code: string; Message: string }[]; type: string } };
    expect(body.Fault).toMatchObject({ type: 'ValidationFault', Error: [{ code: '610', Message: 'Object Not Found' }] });
  });

  it('refuses what it does not offer as an Unsupported Operation', async () => {
    const res = await get('/vendor/1');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { Fault: { Error: { Message: string }[] } }).Fault.Error[0]!.Message).toBe('Unsupported Operation');
  });
});

describe('batch endpoint', () => {
  it('answers every query item in one request, faults per item', async () => {
    const res = await post('/batch?minorversion=75', {
      BatchItemRequest: [
        { bId: 'c', Query: "SELECT * FROM Customer WHERE Id IN ('1', '2')" },
        { bId: 'i', Query: "SELECT * FROM Invoice WHERE CustomerRef IN ('1', '2') MAXRESULTS 1000" },
        { bId: 'bad', Query: 'SELECT * FROM Customer WHERE' },
        { bId: 'none', Query: "SELECT * FROM Payment WHERE CustomerRef = '999999'" },
        { bId: 'w', operation: 'create', Customer: { DisplayName: 'x' } },
      ],
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { BatchItemResponse: Record<string, unknown>[]; time: string };
    const by = Object.fromEntries(body.BatchItemResponse.map((r) => [r.bId, r]));
    expect((by.c!.QueryResponse as { Customer: unknown[] }).Customer).toHaveLength(2);
    expect((by.i!.QueryResponse as { Invoice: unknown[] }).Invoice).toHaveLength(
      state.world.quickbooks.invoices.filter((i) => ['1', '2'].includes(i.CustomerRef.value)).length,
    );
    expect(by.bad!.Fault).toMatchObject({ type: 'ValidationFault', Error: [{ code: '4000' }] });
    expect(by.none!.QueryResponse).toEqual({});
    expect(by.w!.Fault).toMatchObject({ Error: [{ Message: 'Unsupported Operation' }] });
    expect(state.requestCounts().quickbooks).toEqual({ batch: 1 });
  });

  it('refuses more than 30 items, and a body without items', async () => {
    const items = Array.from({ length: 31 }, (_, i) => ({ bId: `b${i}`, Query: 'SELECT * FROM Customer' }));
    const res = await post('/batch', { BatchItemRequest: items });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { Fault: { type: string } }).Fault.type).toBe('ValidationFault');
    expect((await post('/batch', {})).status).toBe(400);
  });
});

describe('faults, in QuickBooks\' own words', () => {
  it.each([500, 503] as const)('%i → SystemFault', async (status) => {
    state.setFault('quickbooks', { status });
    const res = await query('SELECT * FROM Customer');
    expect(res.status).toBe(status);
    expect(res.headers.get('intuit_tid')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const body = (await res.json()) as { Fault: { Error: { code: string }[]; type: string } };
    expect(body.Fault).toMatchObject({ type: 'SystemFault', Error: [{ code: '10000' }] });
  });

  it('rate limit → 429 ThrottleExceeded (3001), as XML, with no Retry-After', async () => {
    state.setFault('quickbooks', { rateLimit: true, retryAfterSeconds: 5 });
    const res = await query('SELECT * FROM Customer');
    expect(res.status).toBe(429);
    expect(res.headers.get('content-type')).toContain('application/xml');
    expect(res.headers.get('retry-after')).toBeNull();
    const xml = await res.text();
    expect(xml).toContain('<Fault type="SERVICE">');
    expect(xml).toContain('<Error code="3001">');
    expect(xml).toContain('message=ThrottleExceeded; errorCode=003001; statusCode=429');
  });

  it('expired token → 401 for every API call, while refreshing still works', async () => {
    state.setFault('quickbooks', { expiredToken: true });
    expect((await query('SELECT * FROM Customer')).status).toBe(401);
    const res = await refresh([...state.refreshTokens.quickbooks][0]!);
    expect(res.status).toBe(200);
    const fresh = ((await res.json()) as { access_token: string }).access_token;
    expect((await query('SELECT * FROM Customer', `Bearer ${fresh}`)).status).toBe(401);
    // the sandbox forgot every access token it had issued; a new one works once the fault is gone
    state.clearFaults();
    expect((await query('SELECT * FROM Customer', `Bearer ${fresh}`)).status).toBe(401);
    token = await accessToken();
    expect((await query('SELECT * FROM Customer')).status).toBe(200);
  });

  it('malformed → 200 with a body that is not JSON', async () => {
    state.setFault('quickbooks', { malformed: true });
    const res = await query('SELECT * FROM Customer');
    expect(res.status).toBe(200);
    await expect(res.json()).rejects.toThrow();
  });

  it('drift → Balance renamed to OpenBalance wherever it appears', async () => {
    state.setFault('quickbooks', { drift: true });
    const body = (await (await query("SELECT * FROM Invoice WHERE Id = '10001'")).json()) as { QueryResponse: { Invoice: Record<string, unknown>[] } };
    const inv = body.QueryResponse.Invoice[0]!;
    expect(inv.Balance).toBeUndefined();
    expect(inv.OpenBalance).toBe(state.world.quickbooks.invoices[0]!.Balance);
  });

  it('latency delays the answer; reset drops the connection', async () => {
    state.setFault('quickbooks', { latencyMs: 150 });
    const t = performance.now();
    expect((await query('SELECT * FROM Customer')).status).toBe(200);
    expect(performance.now() - t).toBeGreaterThanOrEqual(140);
    state.setFault('quickbooks', { latencyMs: 0, reset: true });
    await expect(query('SELECT * FROM Customer')).rejects.toThrow(TypeError);
  });

  it('a fault limited to one endpoint leaves the others alone; every request is counted', async () => {
    state.setFault('quickbooks', { status: 500, endpoint: 'query' });
    expect((await query('SELECT * FROM Customer')).status).toBe(500);
    expect((await post('/batch', { BatchItemRequest: [{ bId: 'a', Query: 'SELECT * FROM Customer' }] })).status).toBe(200);
    expect((await get('/customer/1')).status).toBe(200);
    expect(state.requestCounts().quickbooks).toEqual({ query: 1, batch: 1, 'customer.read': 1 });
  });
});
