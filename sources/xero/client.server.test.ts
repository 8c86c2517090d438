import { describe, expect, it } from 'vitest';
import { manualClock } from '../kit/clock.js';
import { SourceError } from '../kit/errors.js';
import { SANDBOX_TODAY } from '../kit/testing.js';
import { XeroClient, XERO_ENDPOINTS, retryAfterSeconds } from './client.server.js';
import { customersWhere, idParam, quote } from './where.js';

const TENANT = '70784a63-d24b-46a9-a4db-0e70a274b056';
const guid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const contact = (n: number) => ({ ContactID: guid(n), Name: `Contact ${n}`, IsCustomer: true });

type Seen = { url: URL; headers: Record<string, string>; body?: string };

/** A fake Xero: token endpoint rotating refresh tokens, /connections, and paged Contacts. */
function fakeXero(opts: { contacts?: number; tenants?: number; rateLimitFirst?: boolean } = {}) {
  const seen: Seen[] = [];
  let issued = 0;
  let live = 'rt-0';
  let limited = opts.rateLimitFirst ?? false;
  const all = Array.from({ length: opts.contacts ?? 0 }, (_, i) => contact(i + 1));
  const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
  const fetcher = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const headers = Object.fromEntries(Object.entries((init?.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]));
    seen.push({ url, headers, body: init?.body ? String(init.body) : undefined });
    if (url.href === XERO_ENDPOINTS.token) {
      const rt = new URLSearchParams(String(init!.body)).get('refresh_token');
      if (rt !== live) return json({ error: 'invalid_grant' }, 400);
      live = `rt-${++issued}`;
      return json({ access_token: `at-${issued}`, refresh_token: live, expires_in: 1800, token_type: 'Bearer' });
    }
    if (url.href === XERO_ENDPOINTS.connections) {
      return json(Array.from({ length: opts.tenants ?? 1 }, (_, i) => ({ id: guid(900 + i), tenantId: i ? guid(800 + i) : TENANT, tenantType: 'ORGANISATION', tenantName: `Org ${i}` })));
    }
    if (limited) {
      limited = false;
      return json({}, 429, { 'retry-after': '17', 'x-rate-limit-problem': 'minute', 'x-minlimit-remaining': '0' });
    }
    const page = Number(url.searchParams.get('page'));
    return json({ Contacts: all.slice((page - 1) * 100, page * 100) }, 200, { 'x-minlimit-remaining': '55', 'x-daylimit-remaining': '4990', 'x-appminlimit-remaining': '9999' });
  }) as typeof fetch;
  return { fetcher, seen, get live() { return live; } };
}

function client(x: ReturnType<typeof fakeXero>, extra: Partial<ConstructorParameters<typeof XeroClient>[0]> = {}) {
  const clock = manualClock(`${SANDBOX_TODAY}T09:00:00Z`);
  const rotated: string[] = [];
  const c = new XeroClient({ clientId: 'id', clientSecret: 'secret', refreshToken: 'rt-0', fetch: x.fetcher, now: () => clock.now(), onTokens: (g) => void rotated.push(g.refreshToken), ...extra });
  return { c, clock, rotated };
}

describe('Xero client', () => {
  it('pages by `page` until a short page: 250 contacts in 3 calls, tenant header on each', async () => {
    const x = fakeXero({ contacts: 250 });
    const { c } = client(x);
    const rows = await c.contacts({ where: customersWhere() });
    expect(rows).toHaveLength(250);
    const calls = x.seen.filter((s) => s.url.pathname.endsWith('/Contacts'));
    expect(calls.map((s) => s.url.searchParams.get('page'))).toEqual(['1', '2', '3']);
    expect(calls.every((s) => s.headers['xero-tenant-id'] === TENANT && s.headers.authorization === 'Bearer at-1')).toBe(true);
    expect(calls[0]!.url.searchParams.get('where')).toBe('IsCustomer==true');
    expect(c.limitsLeft).toEqual({ minute: 55, day: 4990, appMinute: 9999 });
  });

  it('an exact multiple of 100 ends on the empty page after it', async () => {
    const x = fakeXero({ contacts: 200 });
    expect(await client(x).c.contacts()).toHaveLength(200);
    expect(x.seen.filter((s) => s.url.pathname.endsWith('/Contacts'))).toHaveLength(3);
  });

  it('sends If-Modified-Since as Xero’s UTC timestamp without milliseconds', async () => {
    const x = fakeXero({ contacts: 1 });
    await client(x).c.contacts({ modifiedSince: new Date('2026-11-26T08:07:06.543Z') });
    expect(x.seen.find((s) => s.url.pathname.endsWith('/Contacts'))!.headers['if-modified-since']).toBe('2026-11-26T08:07:06');
  });

  it('429 becomes RATE_LIMITED with Retry-After seconds and the limit that was hit', async () => {
    const x = fakeXero({ contacts: 1, rateLimitFirst: true });
    const err = await client(x).c.contacts().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect(err).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 17, limitReason: 'minute' });
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-27T09:00:00Z');
    expect(retryAfterSeconds('30', now)).toBe(30);
    expect(retryAfterSeconds('Fri, 27 Nov 2026 09:01:00 GMT', now)).toBe(60);
    expect(retryAfterSeconds(null, now)).toBeUndefined();
  });

  it('the refresh token rotates on every refresh: each new one is handed over before use and used next time', async () => {
    const x = fakeXero({ contacts: 1 });
    const { c, clock, rotated } = client(x);
    await c.contacts();
    clock.advance(31 * 60_000); // past the 30-minute access token
    await c.contacts();
    expect(rotated).toEqual(['rt-1', 'rt-2']);
    const refreshes = x.seen.filter((s) => s.url.href === XERO_ENDPOINTS.token).map((s) => new URLSearchParams(s.body).get('refresh_token'));
    expect(refreshes).toEqual(['rt-0', 'rt-1']);
    expect(x.seen.find((s) => s.url.href === XERO_ENDPOINTS.token)!.headers.authorization).toBe(`Basic ${Buffer.from('id:secret').toString('base64')}`);
  });

  it('concurrent calls share one refresh', async () => {
    const x = fakeXero({ contacts: 1 });
    const { c, rotated } = client(x);
    await Promise.all([c.contacts(), c.contacts(), c.contacts()]);
    expect(rotated).toEqual(['rt-1']);
  });

  it('runs the refresh through the shared token store’s lock when given one', async () => {
    const x = fakeXero({ contacts: 1 });
    const locked: (string | null)[] = [];
    const { c, rotated } = client(x, {
      refreshOnce: async (stale, refresh) => {
        locked.push(stale);
        return refresh('rt-0');
      },
    });
    await c.contacts();
    expect(locked).toEqual([null]);
    expect(rotated).toEqual([]); // the store keeps the grant itself
  });

  it('discovers the tenant from /connections; several organisations need the tenant id set', async () => {
    const one = fakeXero({ contacts: 0 });
    expect(await client(one).c.tenantId()).toBe(TENANT);
    const two = fakeXero({ tenants: 2 });
    await expect(client(two).c.tenantId()).rejects.toMatchObject({ code: 'NOT_CONFIGURED' });
    expect(await client(two, { tenantId: guid(801) }).c.tenantId()).toBe(guid(801));
  });
});

describe('Xero where values', () => {
  it('quotes plain text and refuses what a Xero literal cannot carry', () => {
    expect(quote('Acme & Sons')).toBe('"Acme & Sons"');
    expect(customersWhere(' Acme ')).toBe('IsCustomer==true AND Name.Contains("Acme")');
    for (const bad of ['Acme" OR 1==1 OR Name=="', 'back\\slash', 'new\nline']) {
      expect(() => customersWhere(bad)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    }
  });

  it('ids are GUIDs before they are sent', () => {
    expect(idParam([guid(1).toUpperCase(), guid(2)])).toBe(`${guid(1)},${guid(2)}`);
    expect(() => idParam(["1' OR '1'='1"])).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    expect(() => idParam([])).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
  });
});
