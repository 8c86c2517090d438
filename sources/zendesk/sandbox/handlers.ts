import { HttpResponse, type HttpHandler } from 'msw';
import { createRouter, renameField, type VendorStyle } from '../../sandbox/router.js';
import { SANDBOX_CREDENTIALS, bearerToken, type SandboxState } from '../../sandbox/state.js';
import type { ZdOrganization, ZdTicket, ZdUser } from './records.js';
import {
  InvalidAttributeError,
  PagingError,
  cursorPage,
  offsetLinks,
  offsetParams,
  usesCursor,
} from './paging.js';
import { SearchError, compile, searchable, sortRecords, type SearchRecord } from './search-query.js';
import { apiOrganization, apiTicket, apiUser, zdTime } from './serialize.js';
import { apiUserRole, organizationFieldTypes, organizationFieldsOf, zendeskVariantData, zendeskVariantWorld } from './variant.js';

const PREFIX = '/zendesk';
/** Zendesk's account-wide limit on the Team plan; every answer reports it and what is left this minute. */
const RATE_LIMIT = 700;
/** Search reaches its first 1,000 results only; a page past them is refused with 422. */
const SEARCH_WINDOW = 1000;
const MAX_IDS = 100;

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };
const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  HttpResponse.json(body as never, { status, headers: { ...JSON_HEADERS, ...headers } });

const notFound = () => json({ error: 'RecordNotFound', description: 'Not found' }, 404);

/** Zendesk Support API v2 (the read endpoints Panorama uses), served under `/zendesk`. */
export function zendeskSandbox(state: SandboxState): HttpHandler[] {
  let window = -1;
  let used = 0;
  const style: VendorStyle = {
    source: 'zendesk',
    prefix: PREFIX,
    serverError: (status) =>
      status === 500
        ? json({ errors: [{ code: 'Unavailable', title: 'Internal Server Error' }] }, 500)
        : json({ error: 'unavailable', description: 'Sorry, we could not complete your request. Please try again in a moment.' }, 503),
    rateLimited: (retryAfterSeconds) =>
      json({ error: 'APIRateLimitExceeded', description: 'Number of allowed API requests per minute exceeded' }, 429, {
        'Retry-After': String(retryAfterSeconds),
        'X-Rate-Limit': String(RATE_LIMIT),
        'X-Rate-Limit-Remaining': '0',
        'ratelimit-limit': String(RATE_LIMIT),
        'ratelimit-remaining': '0',
        'ratelimit-reset': String(retryAfterSeconds),
      }),
    unauthenticated: () => json({ error: "Couldn't authenticate you" }, 401, { 'WWW-Authenticate': 'Basic realm="Web Password"' }),
    authenticate: (request, s) => {
      const header = request.headers.get('authorization') ?? '';
      const basic = /^Basic\s+(\S+)$/i.exec(header);
      if (basic) {
        const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
        const sep = decoded.indexOf('/token:');
        const c = SANDBOX_CREDENTIALS.zendesk;
        return sep > 0 && decoded.slice(0, sep).toLowerCase() === c.email.toLowerCase() && decoded.slice(sep + 7) === c.apiToken;
      }
      return s.isValidToken('zendesk', bearerToken(request));
    },
    // The API "renamed" the organization's external id: the link Panorama relies on is gone from the payload.
    drift: (body) => renameField(body, 'external_id', 'external_key'),
    headers: () => {
      const now = Date.now();
      const minute = Math.floor(now / 60_000);
      if (minute !== window) {
        window = minute;
        used = 0;
      }
      used++;
      const remaining = String(Math.max(0, RATE_LIMIT - used));
      return {
        'X-Rate-Limit': String(RATE_LIMIT),
        'X-Rate-Limit-Remaining': remaining,
        'ratelimit-limit': String(RATE_LIMIT),
        'ratelimit-remaining': remaining,
        'ratelimit-reset': String(60 - Math.floor((now % 60_000) / 1000)),
      };
    },
  };

  const r = createRouter(state, style);
  /** Every path answers with and without the `.json` suffix, as Zendesk does. */
  const get: Get = (path, endpoint, resolver) => [
    r.get(path, endpoint, guard(resolver)),
    r.get(`${path}.json`, endpoint, guard(resolver)),
  ];
  return [...organizationRoutes(state, get), ...userAndTicketRoutes(state, get), ...searchRoutes(state, get)];
}

type Resolver = Parameters<ReturnType<typeof createRouter>['get']>[2];
type Get = (path: string, endpoint: string, resolver: Resolver) => HttpHandler[];

/** The API base as the client reached it, so `url` and pagination links point back at this sandbox. */
const apiOf = (request: Request) => `${new URL(request.url).origin}${PREFIX}/api/v2`;
/** The request's own URL with Zendesk's `.json` suffix, the form its pagination links take. */
const selfUrl = (request: Request) => {
  const u = new URL(request.url);
  if (!u.pathname.endsWith('.json')) u.pathname += '.json';
  return u;
};
const apiPath = (request: Request) => new URL(request.url).pathname.slice(PREFIX.length + 1).replace(/\.json$/, '');
const idParam = (raw: unknown): number | null => {
  const s = String(raw).replace(/\.json$/, '');
  return /^\d{1,19}$/.test(s) ? Number(s) : null;
};
const ids = (request: Request, param: 'ids' | 'external_ids'): string[] | null => {
  const raw = new URL(request.url).searchParams.get(param);
  if (raw === null) return null;
  const list = raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (list.length === 0) throw new InvalidAttributeError(param, 'Invalid parameter: the list is empty', apiPath(request));
  if (list.length > MAX_IDS) {
    throw new InvalidAttributeError(param, `Invalid parameter: at most ${MAX_IDS} values are allowed`, apiPath(request));
  }
  if (param === 'ids' && list.some((s) => !/^\d{1,19}$/.test(s))) {
    throw new InvalidAttributeError(param, 'Invalid parameter: ids must be integers', apiPath(request));
  }
  return list;
};

/** The Zendesk records as this account (the state's variant) holds them. */
const zdOf = (state: SandboxState) => zendeskVariantData(state.world.zendesk, state.zendeskAccount);

const sideloadUsers = (state: SandboxState, tickets: ZdTicket[], api: string) => {
  const want = new Set<number>();
  for (const t of tickets) for (const id of [t.requester_id, t.submitter_id, t.assignee_id]) if (id !== null) want.add(id);
  return zdOf(state).users.filter((u) => want.has(u.id)).map((u) => apiUser(u, api));
};
const sideloadOrganizations = (state: SandboxState, orgIds: (number | null)[], api: string) => {
  const want = new Set(orgIds.filter((id): id is number => id !== null));
  return zdOf(state).organizations.filter((o) => want.has(o.id)).map((o) => apiOrganization(o, api));
};
const includes = (state: SandboxState, request: Request, resource: 'tickets' | 'users' | 'organizations'): Set<string> => {
  // An account (or endpoint) that does not honour sideloads answers without them.
  if (state.zendeskIgnoresSideloads) return new Set();
  // `include=users,groups` or, on search, `include=tickets(users,organizations)`; unknown names are ignored.
  const raw = new URL(request.url).searchParams.get('include') ?? '';
  const out = new Set<string>();
  for (const m of raw.matchAll(/(\w+)(?:\(([\w,]*)\))?/g)) {
    if (m[2] !== undefined) {
      if (m[1] === resource) for (const s of m[2].split(',')) if (s) out.add(s);
    } else out.add(m[1]!);
  }
  return out;
};


/** The incremental exports' own limit, apart from the account's: 10 requests a minute. */
const INCREMENTAL_PER_MINUTE = 10;
/** Items an incremental export page holds at most. */
const INCREMENTAL_PAGE = 1000;

/**
 * GET /api/v2/incremental/organizations?start_time=<unix> (IncrementalOrganizationExport): the organizations
 * updated at or after start_time, oldest first, and those deleted since with `deleted_at`; 1000 a page, each
 * page's `end_time` the time of its last item and `next_page` the export from there, `end_of_stream` once it
 * reaches the present. start_time must be at least a minute back; 10 requests a minute (the sandbox clock's).
 */
function incrementalOrganizations(state: SandboxState) {
  let minute = -1;
  let used = 0;
  return ({ request }: { request: Request }) => {
    const now = state.clock.now();
    if (Math.floor(now / 60_000) !== minute) {
      minute = Math.floor(now / 60_000);
      used = 0;
    }
    if (++used > INCREMENTAL_PER_MINUTE) {
      const wait = 60 - Math.floor((now % 60_000) / 1000);
      return json({ error: 'APIRateLimitExceeded', description: 'Number of allowed incremental export API requests per minute exceeded' }, 429, { 'Retry-After': String(wait) });
    }
    const raw = new URL(request.url).searchParams.get('start_time');
    if (raw === null || !/^\d{1,12}$/.test(raw)) throw new InvalidAttributeError('start_time', 'start_time is required and must be a Unix time in seconds', apiPath(request));
    const start = Number(raw);
    if (start > Math.floor(now / 1000) - 60) return json({ error: 'InvalidValue', description: 'Too recent start_time. Use a start_time older than 1 minute' }, 422);
    const api = apiOf(request);
    const secs = (iso: string) => Math.floor(Date.parse(iso) / 1000);
    const items = [
      ...zdOf(state).organizations.filter((o) => secs(o.updated_at) >= start).map((o) => ({ at: secs(o.updated_at), body: apiOrganization(o, api) as Record<string, unknown> })),
      ...state.deletions.zendesk
        .filter((d) => d.entity === 'organization' && Math.floor(d.at / 1000) >= start && d.record)
        .map((d) => ({ at: Math.floor(d.at / 1000), body: { ...apiOrganization(d.record as ZdOrganization, api), deleted_at: zdTime(new Date(d.at).toISOString()) } })),
    ].sort((a, b) => a.at - b.at);
    const page = items.slice(0, INCREMENTAL_PAGE);
    const more = items.length > INCREMENTAL_PAGE;
    const endTime = page.length ? page[page.length - 1]!.at : start;
    const next = new URL(`${api}/incremental/organizations.json`);
    next.searchParams.set('start_time', String(endTime));
    return json({ organizations: page.map((i) => i.body), count: page.length, end_of_stream: !more, end_time: endTime, next_page: more ? next.toString() : null });
  };
}

function organizationRoutes(state: SandboxState, get: Get): HttpHandler[] {
  const zd = () => zdOf(state);
  return [
    ...get('/api/v2/incremental/organizations', 'incremental.organizations', incrementalOrganizations(state)),

    // The account's custom organization fields (ListOrganizationFields → OrganizationFieldsResponse), offset-paged
    // as documented, at most 100 a page.
    ...get('/api/v2/organization_fields', 'organization_fields.list', ({ request }) => {
      const { page, perPage } = offsetParams(new URL(request.url).searchParams, apiPath(request));
      const api = apiOf(request);
      const all = organizationFieldsOf(state.zendeskAccount);
      const drifted = state.zendeskAccount.organizationFields === 'drifted';
      return json({
        organization_fields: all.slice((page - 1) * perPage, page * perPage).map(({ key, ...f }) => ({
          ...f,
          ...(drifted ? { field_key: key } : { key }),
          url: `${api}/organization_fields/${f.id}.json`,
          description: '',
          raw_title: f.title,
          raw_description: '',
          regexp_for_validation: null,
          created_at: zdTime('2024-01-15T09:00:00.000Z'),
          updated_at: zdTime('2024-01-15T09:00:00.000Z'),
        })),
        ...offsetLinks(selfUrl(request), page, perPage, all.length),
      });
    }),

    ...get('/api/v2/organizations/show_many', 'organizations.show_many', ({ request }) => {
      const api = apiOf(request);
      const byId = ids(request, 'ids');
      const byExternal = ids(request, 'external_ids');
      let found: ZdOrganization[];
      if (byId) {
        const want = new Set(byId.map(Number));
        found = zd().organizations.filter((o) => want.has(o.id));
      } else if (byExternal) {
        const want = new Set(byExternal.map((s) => s.toLowerCase()));
        found = zd().organizations.filter((o) => o.external_id !== null && want.has(o.external_id.toLowerCase()));
      } else {
        throw new InvalidAttributeError('ids', 'Invalid parameter: ids or external_ids is required', apiPath(request));
      }
      return json({ organizations: found.map((o) => apiOrganization(o, api)), next_page: null, previous_page: null, count: found.length });
    }),

    ...get('/api/v2/organizations/search', 'organizations.search', ({ request }) => {
      const params = new URL(request.url).searchParams;
      const externalId = params.get('external_id');
      const name = params.get('name');
      if ((externalId === null) === (name === null)) {
        throw new InvalidAttributeError('external_id', 'Invalid parameter: give either external_id or name, not both', apiPath(request));
      }
      const want = (externalId ?? name)!.toLowerCase();
      const found = zd().organizations.filter((o) => ((externalId !== null ? o.external_id : o.name) ?? '').toLowerCase() === want);
      const api = apiOf(request);
      return json({ organizations: found.map((o) => apiOrganization(o, api)), next_page: null, previous_page: null, count: found.length });
    }),

    ...get('/api/v2/organizations/:id/tickets', 'organizations.tickets', ({ request, params }) => {
      const id = idParam(params.id);
      if (id === null || !zd().organizations.some((o) => o.id === id)) return notFound();
      const { page, perPage } = offsetParams(new URL(request.url).searchParams, apiPath(request));
      const all = zd().tickets.filter((t) => t.organization_id === id);
      const tickets = all.slice((page - 1) * perPage, page * perPage);
      const api = apiOf(request);
      return json({
        tickets: tickets.map((t) => apiTicket(t, api)),
        ...(includes(state, request, 'tickets').has('users') ? { users: sideloadUsers(state, tickets, api) } : {}),
        ...offsetLinks(selfUrl(request), page, perPage, all.length),
      });
    }),

    ...get('/api/v2/organizations/:id', 'organizations.show', ({ request, params }) => {
      const id = idParam(params.id);
      const org = id === null ? undefined : zd().organizations.find((o) => o.id === id);
      return org ? json({ organization: apiOrganization(org, apiOf(request)) }) : notFound();
    }),

    ...get('/api/v2/organizations', 'organizations.list', ({ request }) => {
      const params = new URL(request.url).searchParams;
      const api = apiOf(request);
      const all = [...zd().organizations].sort((a, b) => a.id - b.id);
      if (usesCursor(params)) {
        const { page, meta, links } = cursorPage(all, params, selfUrl(request));
        return json({ organizations: page.map((o) => apiOrganization(o, api)), meta, links });
      }
      const { page, perPage } = offsetParams(params, apiPath(request));
      return json({
        organizations: all.slice((page - 1) * perPage, page * perPage).map((o) => apiOrganization(o, api)),
        ...offsetLinks(selfUrl(request), page, perPage, all.length),
      });
    }),
  ];
}

function userAndTicketRoutes(state: SandboxState, get: Get): HttpHandler[] {
  const zd = () => zdOf(state);
  return [
    // the API user the credentials belong to (Panorama checks a pasted API token with it)
    ...get('/api/v2/users/me', 'users.me', ({ request }) =>
      json({ user: { id: 361000000001, url: `${apiOf(request)}/users/361000000001.json`, name: 'Panorama integration', email: SANDBOX_CREDENTIALS.zendesk.email, ...apiUserRole(state.zendeskAccount), active: true, verified: true } }),
    ),
    ...get('/api/v2/users/show_many', 'users.show_many', ({ request }) => {
      const list = ids(request, 'ids');
      if (!list) throw new InvalidAttributeError('ids', 'Invalid parameter: ids is required', apiPath(request));
      const want = new Set(list.map(Number));
      const users: ZdUser[] = zd().users.filter((u) => want.has(u.id));
      const api = apiOf(request);
      return json({ users: users.map((u) => apiUser(u, api)), next_page: null, previous_page: null, count: users.length });
    }),

    ...get('/api/v2/tickets/show_many', 'tickets.show_many', ({ request }) => {
      const list = ids(request, 'ids');
      if (!list) throw new InvalidAttributeError('ids', 'Invalid parameter: ids is required', apiPath(request));
      const want = new Set(list.map(Number));
      const tickets = zd().tickets.filter((t) => want.has(t.id));
      const api = apiOf(request);
      return json({
        tickets: tickets.map((t) => apiTicket(t, api)),
        ...(includes(state, request, 'tickets').has('users') ? { users: sideloadUsers(state, tickets, api) } : {}),
        next_page: null,
        previous_page: null,
        count: tickets.length,
      });
    }),
  ];
}

function searchRoutes(state: SandboxState, get: Get): HttpHandler[] {
  return [
    ...get('/api/v2/search', 'search', ({ request }) => {
      const params = new URL(request.url).searchParams;
      const query = params.get('query');
      if (query === null || !query.trim()) throw new SearchError('Invalid search: the query parameter is required');
      if (usesCursor(params)) {
        // Search is offset-paged only; this is how Zendesk turns `page[size]` away.
        throw new InvalidAttributeError('page', 'Invalid parameter: page must be an integer', 'api/v2/search/index');
      }
      const { page, perPage } = offsetParams(params, 'api/v2/search/index');
      const world = zendeskVariantWorld(state.world, state.zendeskAccount);
      const search = compile(query, world, organizationFieldTypes(state.zendeskAccount));
      const sortBy = params.get('sort_by');
      const sortOrder = params.get('sort_order') ?? 'desc';
      if (sortBy !== null && !['created_at', 'updated_at', 'priority', 'status', 'ticket_type'].includes(sortBy)) {
        throw new InvalidAttributeError('sort_by', 'Invalid parameter: sort_by must be one of created_at, updated_at, priority, status, ticket_type', 'api/v2/search/index');
      }
      if (!['asc', 'desc'].includes(sortOrder)) {
        throw new InvalidAttributeError('sort_order', 'Invalid parameter: sort_order must be asc or desc', 'api/v2/search/index');
      }
      let hits: SearchRecord[] = searchable(world, search.types).filter(search.matches);
      const sort = sortBy ? { field: sortBy as NonNullable<typeof search.sort>['field'], order: sortOrder as 'asc' | 'desc' } : search.sort;
      if (sort) hits = sortRecords(hits, sort);
      const offset = (page - 1) * perPage;
      if (offset >= SEARCH_WINDOW) {
        return json({ error: 'invalid', description: 'Invalid search: Requested response size was greater than Search Response Limits' }, 422);
      }
      const pageHits = hits.slice(offset, Math.min(offset + perPage, SEARCH_WINDOW));
      const api = apiOf(request);
      const results = pageHits.map((h) =>
        h.type === 'ticket'
          ? { ...apiTicket(h.record, api), result_type: 'ticket' }
          : h.type === 'organization'
            ? { ...apiOrganization(h.record, api), result_type: 'organization' }
            : { ...apiUser(h.record, api), result_type: 'user' },
      );
      const tickets = pageHits.flatMap((h) => (h.type === 'ticket' ? [h.record] : []));
      const ticketIncludes = includes(state, request, 'tickets');
      const userIncludes = includes(state, request, 'users');
      const sideloads: Record<string, unknown> = {};
      if (ticketIncludes.has('users')) sideloads.users = sideloadUsers(state, tickets, api);
      if (ticketIncludes.has('organizations') || userIncludes.has('organizations')) {
        sideloads.organizations = sideloadOrganizations(
          state,
          pageHits.flatMap((h) => (h.type === 'organization' ? [] : [h.record.organization_id])),
          api,
        );
      }
      if (ticketIncludes.has('groups')) sideloads.groups = [];
      // `count` is the full number of matches, even past the 1,000 that can be paged to.
      return json({ results, facets: null, ...sideloads, ...offsetLinks(selfUrl(request), page, perPage, hits.length) });
    }),
  ];
}

/** Vendor errors thrown while answering become Zendesk's own bodies. */
function guard(resolver: Resolver): Resolver {
  return async (info) => {
    try {
      return await resolver(info);
    } catch (e) {
      if (e instanceof SearchError) return json({ error: 'invalid', description: e.description }, 400);
      if (e instanceof InvalidAttributeError) return json(e.body(), 400);
      if (e instanceof PagingError) return json({ errors: [{ code: e.code, title: e.title }] }, 400);
      throw e;
    }
  };
}

