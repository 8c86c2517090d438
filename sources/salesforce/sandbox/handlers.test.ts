import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS } from '../../sandbox/state.js';
import { TEST_ORIGIN, sourceTestKit } from '../../kit/testing.js';
import { salesforceSource } from '../index.js';
import { changeSalesforceAccount } from './changes.js';

const h = sourceTestKit(salesforceSource);
const accessToken = async () => (await h.authorization()).replace(/^Bearer /, '');
const { state, api } = h;
const sf = state.world.salesforce;
const tokenUrl = `${TEST_ORIGIN}/salesforce/services/oauth2/token`;
let token = '';

beforeAll(async () => {
  h.listen();
  token = await accessToken();
});
afterEach(() => state.clearFaults());
afterAll(() => h.close());

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(path.startsWith('http') ? path : `${api}${path}`, { headers: { authorization: `Bearer ${token}`, ...headers } });
const soql = (q: string, headers: Record<string, string> = {}) => get(`/query?q=${encodeURIComponent(q)}`, headers);
const grant = (fields: Record<string, string>) =>
  fetch(tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });
const creds = SANDBOX_CREDENTIALS.salesforce;
const goodGrant = { grant_type: 'refresh_token', client_id: creds.clientId, client_secret: creds.clientSecret, refresh_token: creds.refreshToken };

describe('Salesforce sandbox: OAuth token endpoint', () => {
  it('answers the refresh_token grant as Salesforce does', async () => {
    const res = await grant(goodGrant);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json;charset=UTF-8');
    expect(res.headers.get('cache-control')).toBe('no-cache,no-store');
    const body = (await res.json()) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'id', 'instance_url', 'issued_at', 'scope', 'signature', 'token_type']);
    expect(body.token_type).toBe('Bearer');
    expect(body.instance_url).toBe(`${TEST_ORIGIN}/salesforce`);
    expect(body.id).toMatch(/\/salesforce\/id\/00D[A-Za-z0-9]{15}\/005[A-Za-z0-9]{15}$/);
    expect(body.issued_at).toMatch(/^\d{13}$/);
    expect(body.signature).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(state.isValidToken('salesforce', body.access_token)).toBe(true);
  });

  it.each([
    [{ ...goodGrant, refresh_token: 'stolen' }, 'invalid_grant', 'expired access/refresh token'],
    [{ ...goodGrant, client_secret: 'wrong' }, 'invalid_client', 'invalid client credentials'],
    [{ ...goodGrant, client_id: 'someone-else' }, 'invalid_client_id', 'client identifier invalid'],
    [{ ...goodGrant, grant_type: 'password' }, 'unsupported_grant_type', 'grant type not supported'],
  ])('refuses a bad grant with 400 and OAuth error %#', async (fields, error, description) => {
    const res = await grant(fields);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error, error_description: description });
  });
});

describe('Salesforce sandbox: authentication and headers', () => {
  it('refuses a missing or unknown token with 401 INVALID_SESSION_ID', async () => {
    for (const headers of [{}, { authorization: 'Bearer nope' }] as Record<string, string>[]) {
      const res = await fetch(`${api}/query?q=${encodeURIComponent('SELECT Id FROM Account')}`, { headers });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    }
  });

  it('refuses tokens once they expire', async () => {
    const t = await accessToken();
    state.expireTokens('salesforce');
    const res = await fetch(`${api}/query?q=SELECT+Id+FROM+User`, { headers: { authorization: `Bearer ${t}` } });
    expect(res.status).toBe(401);
    token = await accessToken();
  });

  it('reports API usage in Sforce-Limit-Info on every answer, counting each request', async () => {
    const a = await soql('SELECT Id FROM User');
    const b = await soql('SELECT Id FROM Nope');
    const used = (r: Response) => Number(/^api-usage=(\d+)\/15000$/.exec(r.headers.get('sforce-limit-info') ?? '')?.[1]);
    expect(used(a)).toBe(state.totalRequests('salesforce') - 1);
    expect(used(b)).toBe(used(a) + 1);
  });
});

describe('Salesforce sandbox: query', () => {
  it('answers {totalSize, done, records} with JSON content type', async () => {
    const res = await soql('SELECT Id, Name, Email FROM User ORDER BY Name');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const body = (await res.json()) as { totalSize: number; done: boolean; records: { Name: string }[] };
    expect(body.totalSize).toBe(sf.users.length);
    expect(body.done).toBe(true);
    expect(body.records.map((r) => r.Name)).toEqual(sf.users.map((u) => u.Name).sort());
  });

  it('pages a child subquery past its inline batch: done false and a nextRecordsUrl, every child exactly once', async () => {
    const count = (id: string) => state.world.salesforce.contacts.filter((c) => c.AccountId === id).length;
    const a = [...state.world.salesforce.accounts].sort((x, y) => count(y.Id) - count(x.Id))[0]!;
    state.salesforceChildBatchSize = 2;
    try {
      const res = await soql(`SELECT Id, (SELECT Id FROM Contacts ORDER BY Name) FROM Account WHERE Id = '${a.Id}'`);
      const body = (await res.json()) as { records: { Contacts: { totalSize: number; done: boolean; nextRecordsUrl?: string; records: { Id: string }[] } }[] };
      let child = body.records[0]!.Contacts;
      expect(child).toMatchObject({ totalSize: count(a.Id), done: false });
      expect(child.records).toHaveLength(2);
      const seen = child.records.map((r) => r.Id);
      while (!child.done) {
        child = (await (await get(`${TEST_ORIGIN}/salesforce${child.nextRecordsUrl!}`)).json()) as typeof child;
        seen.push(...child.records.map((r) => r.Id));
      }
      expect(seen.sort()).toEqual(state.world.salesforce.contacts.filter((c) => c.AccountId === a.Id).map((c) => c.Id).sort());
    } finally {
      state.salesforceChildBatchSize = 200;
    }
  });

  it('pages with server-side cursors: batchSize hint, nextRecordsUrl, every record exactly once', async () => {
    state.resetCounts();
    const res = await soql('SELECT Id FROM Contact ORDER BY Id', { 'Sforce-Query-Options': 'batchSize=200' });
    let body = (await res.json()) as { totalSize: number; done: boolean; nextRecordsUrl?: string; records: { Id: string }[] };
    expect(body.totalSize).toBe(sf.contacts.length);
    expect(body.done).toBe(false);
    expect(body.records).toHaveLength(200);
    expect(body.nextRecordsUrl).toMatch(/^\/services\/data\/v62\.0\/query\/01g[A-Za-z0-9]{15}-200$/);
    const seen = body.records.map((r) => r.Id);
    while (!body.done) {
      const next = await get(`${TEST_ORIGIN}/salesforce${body.nextRecordsUrl!}`);
      expect(next.status).toBe(200);
      body = (await next.json()) as typeof body;
      expect(body.totalSize).toBe(sf.contacts.length);
      seen.push(...body.records.map((r) => r.Id));
    }
    expect(body.nextRecordsUrl).toBeUndefined();
    expect(seen).toEqual(sf.contacts.map((c) => c.Id).sort());
    // one query, then one queryMore per further batch of 200
    expect(state.requestCounts().salesforce).toEqual({ query: 1, queryMore: Math.ceil(sf.contacts.length / 200) - 1 });
  });

  it('keeps the batch size between 200 and 2,000', async () => {
    const body = (await (await soql('SELECT Id FROM Contact', { 'Sforce-Query-Options': 'batchSize=10' })).json()) as { records: unknown[] };
    expect(body.records).toHaveLength(200);
  });

  it('refuses an unknown query locator with INVALID_QUERY_LOCATOR', async () => {
    const res = await get('/query/01gPn0000000000zzzAAA-2000');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual([{ message: 'invalid query locator', errorCode: 'INVALID_QUERY_LOCATOR' }]);
  });

  it.each([
    ['SELECT Id FROM Acount', 'INVALID_TYPE'],
    ['SELECT Nope FROM Account', 'INVALID_FIELD'],
    ['SELECT Id FROM Account WHERE', 'MALFORMED_QUERY'],
    ['SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry', 'MALFORMED_QUERY'],
  ])('answers bad SOQL %s with 400 [{message, errorCode: %s}]', async (q, code) => {
    const res = await soql(q);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { message: string; errorCode: string }[];
    expect(body).toHaveLength(1);
    expect(body[0]!.errorCode).toBe(code);
    expect(body[0]!.message).toMatch(/ERROR at Row:1:Column:\d+/);
  });

  it('answers a missing q with MALFORMED_QUERY and an unknown API version or resource with 404 NOT_FOUND', async () => {
    expect((await get('/query')).status).toBe(400);
    const v = await fetch(`${TEST_ORIGIN}/salesforce/services/data/v9.0/query?q=SELECT+Id+FROM+User`, { headers: { authorization: `Bearer ${token}` } });
    expect(v.status).toBe(404);
    expect(await v.json()).toEqual([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    expect((await get('/limits')).status).toBe(404);
  });
});

describe('Salesforce sandbox: retrieve', () => {
  const a = sf.accounts[1]!;

  it('answers a record with attributes and all its fields; 15-character ids work', async () => {
    const res = await get(`/sobjects/Account/${a.Id.slice(0, 15)}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.attributes).toEqual({ type: 'Account', url: `/services/data/v62.0/sobjects/Account/${a.Id}` });
    expect(body.Name).toBe(a.Name);
    expect(body.QuickBooks_Customer_Id__c).toBe(a.QuickBooks_Customer_Id__c);
  });

  it('honours ?fields=', async () => {
    const body = await (await get(`/sobjects/account/${a.Id}?fields=Name,Website`)).json();
    expect(body).toEqual({ attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${a.Id}` }, Name: a.Name, Website: a.Website, Id: a.Id });
    expect(Object.keys(body as object)).toEqual(['attributes', 'Name', 'Website', 'Id']);
    expect((await get(`/sobjects/Account/${a.Id}?fields=Nope`)).status).toBe(400);
  });

  it('answers MALFORMED_ID for a non-id and NOT_FOUND for an unknown record, object or wrong prefix', async () => {
    const bad = await get('/sobjects/Account/abc');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual([{ message: 'Account ID: id value of incorrect type: abc', errorCode: 'MALFORMED_ID' }]);
    const contactId = sf.contacts[0]!.Id;
    for (const path of ['/sobjects/Account/001Pn0000009999', `/sobjects/Account/${contactId}`, `/sobjects/Widget__c/${a.Id}`]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(await res.json()).toEqual([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    }
  });
});

describe('Salesforce sandbox: faults answer in Salesforce form', () => {
  const q = () => soql('SELECT Id, Name FROM Account LIMIT 1');

  it('500 and 503 as Salesforce error arrays', async () => {
    state.setFault('salesforce', { status: 500 });
    const a = await q();
    expect(a.status).toBe(500);
    expect(((await a.json()) as { errorCode: string }[])[0]!.errorCode).toBe('UNKNOWN_EXCEPTION');
    state.setFault('salesforce', { status: 503 });
    const b = await q();
    expect(b.status).toBe(503);
    expect(await b.json()).toEqual([{ message: 'Server temporarily unavailable. Please try again later.', errorCode: 'SERVER_UNAVAILABLE' }]);
    expect(b.headers.get('sforce-limit-info')).toMatch(/^api-usage=\d+\/15000$/);
  });

  it('rate limit as 403 REQUEST_LIMIT_EXCEEDED with the allowance spent', async () => {
    state.setFault('salesforce', { rateLimit: true });
    const res = await q();
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual([{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]);
    expect(res.headers.get('sforce-limit-info')).toBe('api-usage=15001/15000');
  });

  it('expired token: 401 and every token forgotten, while the token endpoint still works', async () => {
    state.setFault('salesforce', { expiredToken: true });
    const res = await q();
    expect(res.status).toBe(401);
    expect(state.isValidToken('salesforce', token)).toBe(false);
    expect((await grant(goodGrant)).status).toBe(200);
    state.clearFaults();
    token = await accessToken();
  });

  it('malformed: 200 with a body that is not JSON; drift: Name missing; reset: no answer', async () => {
    state.setFault('salesforce', { malformed: true });
    const m = await q();
    expect(m.status).toBe(200);
    await expect(m.json()).rejects.toThrow();
    state.setFault('salesforce', { malformed: false, drift: true });
    const d = (await (await q()).json()) as { records: Record<string, unknown>[] };
    expect(d.records[0]).toHaveProperty('Id');
    expect(d.records[0]).not.toHaveProperty('Name');
    state.setFault('salesforce', { drift: false, reset: true });
    await expect(q()).rejects.toThrow();
  });

  it('latency delays the answer; hang never answers; a fault can target one endpoint', async () => {
    state.setFault('salesforce', { latencyMs: 150 });
    const t0 = Date.now();
    expect((await q()).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    state.setFault('salesforce', { latencyMs: 0, hang: true });
    await expect(fetch(`${api}/query?q=SELECT+Id+FROM+User`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(150) })).rejects.toThrow();
    state.setFault('salesforce', { hang: false, status: 503, endpoint: 'sobject' });
    expect((await q()).status).toBe(200);
    expect((await get(`/sobjects/Account/${sf.accounts[0]!.Id}`)).status).toBe(503);
  });
});

describe('Salesforce sandbox: QueryAll and the recycle bin', () => {
  it('QueryAll also answers accounts deleted in the last 15 days, IsDeleted true; Query never does', async () => {
    const victim = sf.accounts.at(-1)!;
    const out = changeSalesforceAccount(state, { action: 'delete', id: victim.Id });
    expect(out).toEqual({ id: victim.Id });
    const q = `SELECT Id, Name, IsDeleted, SystemModstamp FROM Account WHERE Id = '${victim.Id}'`;
    const plain = (await (await soql(q)).json()) as { totalSize: number };
    expect(plain.totalSize).toBe(0);
    const all = (await (await get(`/queryAll?q=${encodeURIComponent(q)}`)).json()) as { totalSize: number; records: { Id: string; IsDeleted: boolean; SystemModstamp: string }[] };
    expect(all.totalSize).toBe(1);
    expect(all.records[0]).toMatchObject({ Id: victim.Id, IsDeleted: true, SystemModstamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/) });
    // a stored account's SystemModstamp is its LastModifiedDate, and it is not deleted
    const kept = sf.accounts[0]!;
    const live = (await (await get(`/queryAll?q=${encodeURIComponent(`SELECT IsDeleted, SystemModstamp FROM Account WHERE Id = '${kept.Id}'`)}`)).json()) as { records: { IsDeleted: boolean; SystemModstamp: string }[] };
    expect(live.records[0]).toMatchObject({ IsDeleted: false, SystemModstamp: kept.LastModifiedDate });
  });
});
