import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SourceError } from '../kit/errors.js';
import { SANDBOX_CREDENTIALS } from '../sandbox/state.js';
import { QuickbooksClient, type QuickbooksTokens } from './client.server.js';
import { mapQuickbooksError } from './errors.js';
import { quote } from './query-text.js';
import { SANDBOX_TODAY as TODAY, TEST_ORIGIN as ORIGIN, basicAuth as basic, sourceTestKit } from '../kit/testing.js';
import { quickbooksSource } from './index.js';

const sb = sourceTestKit(quickbooksSource);
const { state } = sb;
const config = sb.config();
const basicAuth = () => basic(SANDBOX_CREDENTIALS.quickbooks.clientId, SANDBOX_CREDENTIALS.quickbooks.clientSecret);
beforeAll(() => sb.listen());

afterEach(() => {
  state.clearFaults();
  state.resetCounts();
});
afterAll(() => sb.close());

const counts = () => state.requestCounts().quickbooks;
const failure = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return mapQuickbooksError(e);
  }
  throw new Error('expected a failure');
};

/** A client that starts from whatever refresh token the sandbox currently accepts (it rotates). */
function freshClient(opts: ConstructorParameters<typeof QuickbooksClient>[1] = {}) {
  return new QuickbooksClient(config, { refreshToken: [...state.refreshTokens.quickbooks][0]!, ...opts });
}

describe('tokens', () => {
  it('refreshes before the first call, and the refresh token rotates on each refresh', async () => {
    const seen: QuickbooksTokens[] = [];
    const startToken = [...state.refreshTokens.quickbooks][0]!;
    const client = freshClient({ onTokens: (t) => void seen.push(t) });
    await client.query('Customer', "WHERE Id = '1'");
    state.expireTokens('quickbooks');
    await client.query('Customer', "WHERE Id = '1'");
    expect(seen).toHaveLength(2);
    const [first, second] = seen as [QuickbooksTokens, QuickbooksTokens];
    // the second refresh used the token the first one returned: both are new and distinct
    expect(new Set([startToken, first.refreshToken, second.refreshToken]).size).toBe(3);
    expect([...state.refreshTokens.quickbooks]).toEqual([second.refreshToken]);
    expect(first.accessTokenExpiresAt).toBeGreaterThan(Date.now() + 3500_000);
    expect(counts()).toEqual({ 'oauth.token': 2, query: 3 });
    // an old refresh token is refused by the vendor
    for (const old of [startToken, first.refreshToken]) {
      const res = await fetch(`${ORIGIN}/quickbooks/oauth2/v1/tokens/bearer`, {
        method: 'POST',
        headers: { authorization: basicAuth(), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: old }).toString(),
      });
      expect(res.status).toBe(400);
    }
  });

  it('a client still holding a rotated-away refresh token is UNAUTHENTICATED (invalid_grant)', async () => {
    const stale = [...state.refreshTokens.quickbooks][0]!;
    await freshClient().query('Customer', "WHERE Id = '1'");
    const e = await failure(new QuickbooksClient(config, { refreshToken: stale }).query('Customer', "WHERE Id = '1'"));
    expect([e.code, e.vendorCode, e.status]).toEqual(['UNAUTHENTICATED', 'invalid_grant', 400]);
    expect(e.message).not.toContain(stale);
  });

  it('a second connection to the same company has its own refresh token, and each rotates without locking out the other', async () => {
    const refreshToken = state.authorize('quickbooks');
    const first = freshClient();
    let secondLatest = refreshToken;
    const second = new QuickbooksClient(config, { refreshToken, onTokens: (t) => void (secondLatest = t.refreshToken) });
    for (let round = 0; round < 3; round++) {
      await first.query('Customer', "WHERE Id = '1'");
      await second.query('Customer', "WHERE Id = '1'");
      state.expireTokens('quickbooks');
    }
    // two connections, each holding only its latest token
    expect(state.refreshTokens.quickbooks.size).toBe(2);
    expect(state.refreshTokens.quickbooks.has(refreshToken)).toBe(false);
    expect(state.refreshTokens.quickbooks.has(secondLatest)).toBe(true);
    state.refreshTokens.quickbooks.delete(secondLatest); // the other tests start from the one connection
  });

  it('bad client credentials are UNAUTHENTICATED (invalid_client)', async () => {
    const client = new QuickbooksClient({ ...config, clientSecret: 'wrong' }, { refreshToken: [...state.refreshTokens.quickbooks][0]! });
    const e = await failure(client.query('Customer', "WHERE Id = '1'"));
    expect([e.code, e.vendorCode]).toEqual(['UNAUTHENTICATED', 'invalid_client']);
    expect(SANDBOX_CREDENTIALS.quickbooks.clientSecret).not.toBe('wrong');
  });

  it('on a 401 refreshes once and retries the call once', async () => {
    const client = freshClient();
    await client.query('Customer', "WHERE Id = '1'");
    state.resetCounts();
    state.expireTokens('quickbooks');
    const rows = await client.query('Customer', "WHERE Id = '2'");
    expect(rows.map((r) => r.Id)).toEqual(['2']);
    expect(counts()).toEqual({ query: 2, 'oauth.token': 1 });
  });

  it('concurrent 401s share ONE refresh', async () => {
    const client = freshClient();
    await client.query('Customer', "WHERE Id = '1'");
    state.resetCounts();
    state.expireTokens('quickbooks');
    const all = await Promise.all(Array.from({ length: 6 }, (_, i) => client.query('Customer', `WHERE Id = '${i + 1}'`)));
    expect(all.map((r) => r[0]!.Id)).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(counts()).toEqual({ query: 12, 'oauth.token': 1 });
    expect(client.refreshes).toBe(2);
  });

  it('concurrent first calls share one refresh too', async () => {
    const client = freshClient();
    await Promise.all([client.query('Customer', "WHERE Id = '1'"), client.batch([{ bId: 'a', entity: 'Customer', query: "SELECT * FROM Customer WHERE Id = '2'" }])]);
    expect(counts()).toEqual({ 'oauth.token': 1, query: 1, batch: 1 });
  });

  it('persists the new refresh token BEFORE the new access token is used', async () => {
    const events: string[] = [];
    state.resetCounts();
    const client = freshClient({
      onTokens: async () => {
        events.push(`persist start, queries so far ${counts().query ?? 0}`);
        await new Promise((r) => setTimeout(r, 30));
        events.push(`persist end, queries so far ${counts().query ?? 0}`);
      },
    });
    await client.query('Customer', "WHERE Id = '1'");
    expect(events).toEqual(['persist start, queries so far 0', 'persist end, queries so far 0']);
    expect(counts().query).toBe(1);
  });

  it('when persisting fails the call fails, and the rotated token is kept in memory so the next call recovers', async () => {
    let fail = true;
    const stored: string[] = [];
    const client = freshClient({
      onTokens: (t) => {
        if (fail) throw new Error('disk full');
        stored.push(t.refreshToken);
      },
    });
    const e = await failure(client.query('Customer', "WHERE Id = '1'"));
    expect(e.code).toBe('INTERNAL');
    expect(counts().query).toBeUndefined();
    fail = false;
    await client.query('Customer', "WHERE Id = '1'");
    expect(stored).toEqual([...state.refreshTokens.quickbooks]);
  });

  it('refreshes ahead of expiry instead of collecting a 401', async () => {
    let now = Date.now();
    const client = freshClient({ now: () => now });
    await client.query('Customer', "WHERE Id = '1'");
    now += 3590_000; // within a minute of the hour
    state.resetCounts();
    await client.query('Customer', "WHERE Id = '1'");
    expect(counts()).toEqual({ 'oauth.token': 1, query: 1 });
  });

  it('stops after the one retry when the vendor keeps refusing the token', async () => {
    const client = freshClient();
    await client.query('Customer', "WHERE Id = '1'");
    state.resetCounts();
    state.setFault('quickbooks', { expiredToken: true });
    const e = await failure(client.query('Customer', "WHERE Id = '1'"));
    expect([e.code, e.vendorCode, e.status]).toEqual(['UNAUTHENTICATED', '3200', 401]);
    expect(counts()).toEqual({ query: 2, 'oauth.token': 1 });
  });
});

describe('queries through node-quickbooks', () => {
  it.each(["O'Brien & Sons", 'Back\\slash Engineering', '100% Natural Foods', 'The "Quoted" Company', 'Under_score Labs', "Zoë's Bakery & Café", '東京精密株式会社'])(
    'finds %s exactly by an escaped equality',
    async (name) => {
      const rows = await freshClient().query('Customer', `WHERE DisplayName = ${quote(name)}`);
      expect(rows.map((r) => r.DisplayName)).toEqual([name]);
    },
  );

  it('a batch of three queries is one request', async () => {
    const client = freshClient();
    const res = await client.batch([
      { bId: 'c', entity: 'Customer', query: "SELECT * FROM Customer WHERE Id IN ('1', '2')" },
      { bId: 'i', entity: 'Invoice', query: "SELECT * FROM Invoice WHERE CustomerRef IN ('1', '2') MAXRESULTS 1000" },
      { bId: 'p', entity: 'Payment', query: "SELECT * FROM Payment WHERE CustomerRef IN ('1', '2') MAXRESULTS 1000" },
    ]);
    expect(res.get('c')).toHaveLength(2);
    expect(res.get('i')!.map((i) => (i as { Id: string }).Id).sort()).toEqual(state.world.quickbooks.invoices.filter((i) => ['1', '2'].includes(i.CustomerRef.value)).map((i) => i.Id).sort());
    expect(res.get('p')!.map((p) => (p as { Id: string }).Id).sort()).toEqual(state.world.quickbooks.payments.filter((p) => ['1', '2'].includes(p.CustomerRef.value)).map((p) => p.Id).sort());
    expect(counts()).toEqual({ 'oauth.token': 1, batch: 1 });
  });

  it('a faulted batch item fails the call with the vendor code', async () => {
    const e = await failure(freshClient().batch([{ bId: 'x', entity: 'Customer', query: "SELECT * FROM Customer WHERE Id = '1' OR Id = '2'" }]));
    expect([e.code, e.vendorCode]).toEqual(['BAD_REQUEST', '4001']);
  });

  it('a refused query is BAD_REQUEST with the fault code, and no Detail in the message', async () => {
    const e = await failure(freshClient().query('Customer', "WHERE DisplayName = 'O'Brien'"));
    expect([e.code, e.vendorCode, e.status]).toEqual(['BAD_REQUEST', '4000', 400]);
    expect(e.message).not.toContain('Brien');
  });

  it('a malformed body is INVALID_RESPONSE, on the query path and the batch path', async () => {
    const client = freshClient();
    await client.query('Customer', "WHERE Id = '1'");
    state.setFault('quickbooks', { malformed: true });
    expect((await failure(client.query('Customer', "WHERE Id = '1'"))).code).toBe('INVALID_RESPONSE');
    expect((await failure(client.batch([{ bId: 'a', entity: 'Customer', query: 'SELECT * FROM Customer' }]))).code).toBe('INVALID_RESPONSE');
  });

  it('an aborted signal stops before any request', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(freshClient().query('Customer', '', ac.signal)).rejects.toThrow();
    expect(counts()).toEqual({});
  });

  it('another company\'s realm is FORBIDDEN (3100)', async () => {
    const client = new QuickbooksClient({ ...config, realmId: '1234' }, { refreshToken: [...state.refreshTokens.quickbooks][0]! });
    const e = await failure(client.query('Customer', "WHERE Id = '1'"));
    expect([e.code, e.vendorCode, e.status]).toEqual(['FORBIDDEN', '3100', 403]);
    expect(e).toBeInstanceOf(SourceError);
  });
});

describe('currency preferences (GET /preferences)', () => {
  afterEach(() => {
    state.quickbooksCompany = {};
  });

  it('reads the home currency and whether multicurrency is on, in one request', async () => {
    const c = freshClient();
    expect(await c.currencyPreferences()).toEqual({ homeCurrency: 'USD', multiCurrency: true });
    state.quickbooksCompany = { homeCurrency: 'GBP', singleCurrency: true };
    expect(await c.currencyPreferences()).toEqual({ homeCurrency: 'GBP', multiCurrency: false });
    expect(counts()?.preferences).toBe(2);
  });

  it('validates the answer at the boundary: a home currency that is no ISO code is INVALID_RESPONSE', async () => {
    const { unpackPreferences } = await import('./types.js');
    expect(unpackPreferences({ Preferences: { CurrencyPrefs: { HomeCurrency: { value: 'cad' } } }, time: 'x' })).toEqual({ homeCurrency: 'CAD', multiCurrency: null });
    // a company whose answer names no home currency: unknown, for the caller to fill from the setting
    expect(unpackPreferences({ Id: '1' })).toEqual({ homeCurrency: null, multiCurrency: null });
    expect(() => unpackPreferences({ CurrencyPrefs: { HomeCurrency: { value: 'Pounds' } } })).toThrow(/not an ISO 4217 code/);
    expect(() => unpackPreferences({ CurrencyPrefs: { MultiCurrencyEnabled: 'yes' } })).toThrow();
  });
});
