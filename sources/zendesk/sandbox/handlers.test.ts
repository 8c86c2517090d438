import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, sourceTestKit } from '../../kit/testing.js';
import { zendeskSource } from '../index.js';

const sb = sourceTestKit(zendeskSource);
const { state, env, api: API } = sb;
const auth = { authorization: basicAuth(`${env.ZENDESK_EMAIL}/token`, env.ZENDESK_API_TOKEN!) };
const get = (path: string, headers: Record<string, string> = auth) => fetch(path.startsWith('http') ? path : `${API}${path}`, { headers });
const body = async (res: Response) => (await res.json()) as Record<string, any>;

afterEach(() => state.clearFaults());
beforeAll(() => sb.listen());
afterAll(() => sb.close());

describe('zendesk sandbox: authentication', () => {
  it('refuses a missing, wrong or password credential with Zendesk\'s 401', async () => {
    for (const headers of [
      {} as Record<string, string>,
      { authorization: `Basic ${Buffer.from(`${env.ZENDESK_EMAIL}/token:wrong`).toString('base64')}` },
      { authorization: `Basic ${Buffer.from(`${env.ZENDESK_EMAIL}:${env.ZENDESK_API_TOKEN}`).toString('base64')}` },
      { authorization: 'Bearer not-issued' },
    ]) {
      const res = await get('/organizations/show_many?ids=1', headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Basic realm="Web Password"');
      expect(await body(res)).toEqual({ error: "Couldn't authenticate you" });
    }
  });

  it('accepts email/token Basic auth (e-mail case-insensitive) and an issued OAuth bearer token', async () => {
    const upper = `Basic ${Buffer.from(`${env.ZENDESK_EMAIL!.toUpperCase()}/token:${env.ZENDESK_API_TOKEN}`).toString('base64')}`;
    expect((await get('/organizations/show_many?ids=1', { authorization: upper })).status).toBe(200);
    const token = state.issueToken('zendesk', 3600);
    expect((await get('/organizations/show_many?ids=1', { authorization: `Bearer ${token}` })).status).toBe(200);
  });

  it('expires bearer tokens under the expiredToken fault, and keeps refusing them after it clears', async () => {
    const token = state.issueToken('zendesk', 3600);
    state.setFault('zendesk', { expiredToken: true });
    expect((await get('/organizations/show_many?ids=1', { authorization: `Bearer ${token}` })).status).toBe(401);
    state.clearFaults('zendesk');
    expect((await get('/organizations/show_many?ids=1', { authorization: `Bearer ${token}` })).status).toBe(401);
    expect((await get('/organizations/show_many?ids=1')).status).toBe(200);
  });
});

describe('zendesk sandbox: shapes, headers and errors', () => {
  const org = () => state.world.zendesk.organizations[0]!;

  it('answers an organization in Zendesk\'s shape, with its API url, on both path forms', async () => {
    for (const path of [`/organizations/${org().id}`, `/organizations/${org().id}.json`]) {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      const b = await body(res);
      expect(b.organization).toMatchObject({
        id: org().id,
        url: `${API}/organizations/${org().id}.json`,
        name: org().name,
        external_id: org().external_id,
        domain_names: org().domain_names,
      });
      expect(b.organization.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
  });

  it('carries the rate-limit headers on every answer, counting down', async () => {
    const a = await get(`/organizations/${org().id}`);
    const b = await get('/organizations/999');
    for (const res of [a, b]) {
      expect(res.headers.get('x-rate-limit')).toBe('700');
      expect(res.headers.get('ratelimit-limit')).toBe('700');
      expect(Number(res.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
    }
    expect(Number(b.headers.get('x-rate-limit-remaining'))).toBeLessThan(Number(a.headers.get('x-rate-limit-remaining')));
    expect(b.headers.get('ratelimit-remaining')).toBe(b.headers.get('x-rate-limit-remaining'));
  });

  it('answers 404 RecordNotFound for unknown and malformed ids', async () => {
    for (const path of ['/organizations/999', '/organizations/abc', '/organizations/999/tickets']) {
      const res = await get(path);
      expect(res.status).toBe(404);
      expect(await body(res)).toEqual({ error: 'RecordNotFound', description: 'Not found' });
    }
  });

  it('show_many answers by ids and (case-insensitively) by external ids; more than 100 → 400', async () => {
    const o = org();
    const byExt = await body(await get(`/organizations/show_many?external_ids=${o.external_id!.toLowerCase()},nope`));
    expect(byExt.organizations.map((x: { id: number }) => x.id)).toEqual([o.id]);
    expect(byExt).toMatchObject({ next_page: null, previous_page: null, count: 1 });

    const many = Array.from({ length: 101 }, (_, i) => i + 1).join(',');
    for (const path of [`/organizations/show_many?ids=${many}`, `/users/show_many?ids=${many}`, `/tickets/show_many?ids=${many}`]) {
      const res = await get(path);
      expect(res.status).toBe(400);
      expect((await body(res)).error).toMatchObject({ title: 'Invalid attribute' });
    }
    expect((await get('/users/show_many?ids=1,abc')).status).toBe(400);
    expect((await get('/organizations/show_many')).status).toBe(400);
  });

  it('tickets/show_many sideloads exactly the users its tickets name', async () => {
    const t = state.world.zendesk.tickets.slice(0, 3);
    const b = await body(await get(`/tickets/show_many?ids=${t.map((x) => x.id).join(',')}&include=users`));
    expect(b.tickets).toHaveLength(3);
    const want = new Set(t.flatMap((x) => [x.requester_id, x.submitter_id, x.assignee_id]).filter((x) => x !== null));
    expect(new Set(b.users.map((u: { id: number }) => u.id))).toEqual(want);
    // no sideload unless asked
    expect((await body(await get(`/tickets/show_many?ids=${t[0]!.id}`))).users).toBeUndefined();
  });

  it('organizations/search takes external_id or name, exact and case-insensitive, not both', async () => {
    const o = org();
    expect((await body(await get(`/organizations/search?name=${encodeURIComponent(o.name.toUpperCase())}`))).organizations).toHaveLength(1);
    expect((await body(await get(`/organizations/search?external_id=${o.external_id}`))).organizations[0].id).toBe(o.id);
    expect((await get(`/organizations/search?external_id=x&name=y`)).status).toBe(400);
  });

  it('answers faults in Zendesk\'s own form', async () => {
    state.setFault('zendesk', { status: 500 });
    let res = await get('/organizations/show_many?ids=1');
    expect(res.status).toBe(500);
    expect(await body(res)).toEqual({ errors: [{ code: 'Unavailable', title: 'Internal Server Error' }] });

    state.setFault('zendesk', { status: 503 });
    res = await get('/organizations/show_many?ids=1');
    expect(res.status).toBe(503);
    expect((await body(res)).error).toBe('unavailable');

    state.setFault('zendesk', { status: null, rateLimit: true, retryAfterSeconds: 42 });
    res = await get('/organizations/show_many?ids=1');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('42');
    expect(res.headers.get('x-rate-limit-remaining')).toBe('0');
    expect(await body(res)).toEqual({ error: 'APIRateLimitExceeded', description: 'Number of allowed API requests per minute exceeded' });

    state.setFault('zendesk', { rateLimit: false, malformed: true });
    res = await get('/organizations/show_many?ids=1');
    expect(res.status).toBe(200);
    await expect(res.json()).rejects.toThrow();

    state.setFault('zendesk', { malformed: false, drift: true });
    const drifted = await body(await get(`/organizations/${org().id}`));
    expect(drifted.organization.external_id).toBeUndefined();
    expect(drifted.organization.external_key).toBe(org().external_id);

    state.setFault('zendesk', { drift: false, reset: true });
    await expect(get('/organizations/show_many?ids=1')).rejects.toThrow();
  });

  it('applies an endpoint-scoped fault only there', async () => {
    state.setFault('zendesk', { status: 503, endpoint: 'search' });
    expect((await get('/search?query=type:ticket')).status).toBe(503);
    expect((await get('/organizations/show_many?ids=1')).status).toBe(200);
  });
});

describe('zendesk sandbox: search', () => {
  const q = (query: string, extra = '') => get(`/search?query=${encodeURIComponent(query)}${extra}`);

  it('answers results with result_type, count and offset links', async () => {
    const res = await q('type:ticket', '&per_page=25&page=2');
    const b = await body(res);
    expect(res.status).toBe(200);
    expect(b.results).toHaveLength(25);
    expect(b.results.every((r: { result_type: string }) => r.result_type === 'ticket')).toBe(true);
    expect(b.count).toBe(state.world.zendesk.tickets.length);
    expect(b.facets).toBeNull();
    const next = new URL(b.next_page);
    expect(next.pathname).toBe('/zendesk/api/v2/search.json');
    expect(next.searchParams.get('page')).toBe('3');
    expect(next.searchParams.get('query')).toBe('type:ticket');
    expect(new URL(b.previous_page).searchParams.get('page')).toBe('1');
  });

  it('sorts by created_at desc and sideloads users and organizations for ticket results', async () => {
    const o = state.world.zendesk.organizations[0]!;
    const b = await body(await q(`type:ticket organization:${o.id}`, '&sort_by=created_at&sort_order=desc&include=tickets(users,organizations)'));
    const created = b.results.map((r: { created_at: string }) => r.created_at);
    expect(created).toEqual([...created].sort().reverse());
    expect(b.organizations.map((x: { id: number }) => x.id)).toEqual([o.id]);
    const named = new Set(b.results.flatMap((r: { requester_id: number; assignee_id: number | null }) => [r.requester_id, r.assignee_id]).filter(Boolean));
    for (const id of named) expect(b.users.some((u: { id: number }) => u.id === id)).toBe(true);
  });

  it('refuses unsupported syntax with Zendesk\'s search error, never an empty answer', async () => {
    for (const query of ['type:ticket via:email', 'name:"unterminated', '*acme', '']) {
      const res = await q(query);
      expect(res.status).toBe(400);
      const b = await body(res);
      expect(b.error).toBe('invalid');
      expect(b.description).toMatch(/^Invalid search/);
    }
    const res = await get(`/search?query=type:ticket&page[size]=10`);
    expect(res.status).toBe(400);
    expect((await body(res)).error.message).toMatch(/page must be an integer from api\/v2\/search\/index/);
    expect((await q('type:ticket', '&sort_by=relevance')).status).toBe(400);
  });

  it('caps per_page at 100', async () => {
    expect((await body(await q('type:user', '&per_page=500'))).results).toHaveLength(100);
  });
});

describe('zendesk sandbox: account variants for the organization link field', () => {
  afterEach(() => {
    state.zendeskAccount = {};
  });
  const linked = () => state.world.zendesk.organizations.find((o) => o.external_id)!;

  it('the default account lists its custom organization fields (no link field among them)', async () => {
    const res = await body(await get('/organization_fields'));
    expect(res.organization_fields.map((f: { key: string; type: string }) => [f.key, f.type])).toEqual([['region', 'dropdown']]);
    expect(res).toMatchObject({ count: 1, next_page: null, previous_page: null });
  });

  it('a custom link field: listed as text, the id moves from external_id to organization_fields, and search finds it by key', async () => {
    const org = linked();
    state.zendeskAccount = { linkField: {} };
    const fields = await body(await get('/organization_fields'));
    expect(fields.organization_fields.find((f: { key: string }) => f.key === 'salesforce_account_id')).toMatchObject({ type: 'text', active: true });
    const shown = (await body(await get(`/organizations/${org.id}`))).organization;
    expect(shown.external_id).toBeNull();
    expect(shown.organization_fields.salesforce_account_id).toBe(org.external_id);
    // show_many by external id finds nothing now
    expect((await body(await get(`/organizations/show_many?external_ids=${org.external_id}`))).organizations).toEqual([]);
    const q = `type:organization salesforce_account_id:"${org.external_id!.toLowerCase()}" salesforce_account_id:"nope"`;
    const found = await body(await get(`/search?query=${encodeURIComponent(q)}`));
    expect(found.results.map((o: { id: number }) => o.id)).toEqual([org.id]);
    // the key is unknown to an account without the field
    state.zendeskAccount = {};
    expect((await get(`/search?query=${encodeURIComponent(q)}`)).status).toBe(400);
  });

  it('a link field of another type holds no value; a dropped one is nowhere; a drifted list renames key', async () => {
    const org = linked();
    state.zendeskAccount = { linkField: { type: 'integer' } };
    expect((await body(await get(`/organizations/${org.id}`))).organization.organization_fields.salesforce_account_id).toBeNull();
    state.zendeskAccount = { linkField: 'drop' };
    const dropped = (await body(await get(`/organizations/${org.id}`))).organization;
    expect(dropped.external_id).toBeNull();
    expect(dropped.organization_fields.salesforce_account_id).toBeUndefined();
    expect((await body(await get('/organization_fields'))).organization_fields.map((f: { key: string }) => f.key)).toEqual(['region']);
    state.zendeskAccount = { organizationFields: 'drifted' };
    const drifted = (await body(await get('/organization_fields'))).organization_fields[0];
    expect(drifted.key).toBeUndefined();
    expect(drifted.field_key).toBe('region');
  });
});

describe('zendesk sandbox: paging volume', () => {
  it('cursor-pages more than 100 organizations, each exactly once, forwards and back', async () => {
    state.regenerate({ size: 130, seed: 7, today: '2026-11-27' });
    const total = state.world.zendesk.organizations.length;
    expect(total).toBeGreaterThan(100);
    const seen: number[] = [];
    let url = `${API}/organizations?page[size]=50`;
    let pages = 0;
    let last: Record<string, any> = {};
    for (;;) {
      last = await body(await get(url));
      pages++;
      seen.push(...last.organizations.map((o: { id: number }) => o.id));
      if (!last.meta.has_more) break;
      url = last.links.next;
    }
    expect(pages).toBe(Math.ceil(total / 50));
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    // back from the last page
    const prev = await body(await get(last.links.prev));
    expect(prev.organizations).toHaveLength(50);
    expect(prev.meta.has_more).toBe(true);
    expect(prev.organizations.at(-1).id).toBeLessThan(last.organizations[0].id);

    expect((await get('/organizations?page[size]=101')).status).toBe(400);
    const bad = await get('/organizations?page[after]=not-a-cursor');
    expect(bad.status).toBe(400);
    expect(await body(bad)).toEqual({ errors: [{ code: 'InvalidPaginationParameter', title: 'page[after] is not valid' }] });
  });

  it('search pages up to 1,000 results and answers 422 past them', async () => {
    state.regenerate({ size: 400, seed: 7, today: '2026-11-27' });
    const total = state.world.zendesk.tickets.length;
    expect(total).toBeGreaterThan(1000);
    const page10 = await body(await get(`/search?query=type:ticket&page=10&per_page=100`));
    expect(page10.results).toHaveLength(100);
    expect(page10.count).toBe(total);
    // Zendesk still links page 11 — following it is refused
    const res = await get(page10.next_page);
    expect(res.status).toBe(422);
    expect(await body(res)).toEqual({ error: 'invalid', description: 'Invalid search: Requested response size was greater than Search Response Limits' });
    // a page straddling the window is cut at 1,000
    const straddle = await body(await get(`/search?query=type:ticket&page=34&per_page=30`));
    expect(straddle.results).toHaveLength(10);
  });
});
