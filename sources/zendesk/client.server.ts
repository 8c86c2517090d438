import { notConnected } from '../kit/connected-token.js';
import { decodeZendeskCredential } from './credential.js';
import type { z } from 'zod';
import { SourceError } from '../kit/errors.js';
import { fetchJson } from '../kit/http.js';
import type { ZendeskConfig } from './config.js';
import type { FieldMap } from '../kit/field-mapping.js';
import { zendeskFieldMap, type ZendeskFieldKey } from './fields.js';
import {
  zdMeSchema,
  type ZdMe,
  incrementalOrganizationsSchema,
  organizationFieldsPageSchema,
  type ZdOrganizationField,
  organizationResponseSchema,
  organizationSearchSchema,
  organizationsCursorPageSchema,
  organizationsResponseSchema,
  ticketSearchSchema,
  ticketsPageSchema,
  ticketsResponseSchema,
  usersResponseSchema,
} from './types.js';
import { mergedSignal } from '../kit/request-meter.js';

/** Zendesk's documented ceilings: show_many takes ≤ 100 ids, pages hold ≤ 100 records, search reaches 1,000. */
export const ZENDESK_MAX_IDS = 100;
export const ZENDESK_MAX_PAGE_SIZE = 100;
export const ZENDESK_SEARCH_WINDOW = 1000;

const ZENDESK_ID = /^[1-9]\d{0,18}$/;

/** Zendesk ids are positive integers; anything else is refused before it reaches a URL or a search query. */
export function assertZendeskId(id: string | number): string {
  const s = String(id);
  if (!ZENDESK_ID.test(s)) throw new SourceError('zendesk', 'BAD_REQUEST', 'Not a Zendesk record id (expected a positive integer)');
  return s;
}

/** External ids travel comma-separated, so a comma (or a control character) inside one would split it. */
export function assertExternalId(id: string): string {
  // eslint-disable-next-line no-control-regex
  if (!id || id.length > 255 || /[,\u0000-\u001f\u007f]/.test(id)) {
    throw new SourceError('zendesk', 'BAD_REQUEST', 'Not a usable Zendesk external id (empty, too long, or holds a comma or control character)');
  }
  return id;
}

/**
 * User text → search terms. Zendesk's query language has no escape character, so the text is reduced to the
 * word tokens Zendesk's index holds (letters, digits, marks — any script) and each is sent bare: quotes,
 * backslashes, `*` wildcards, `-` negation and `keyword:` forms in the text cannot change the query.
 * An unquoted term matches words that start with it, which is what a type-ahead search wants.
 */
export function searchTerms(text: string, maxTerms = 8): string[] {
  const words = text.normalize('NFC').match(/[\p{L}\p{N}\p{M}]+/gu) ?? [];
  return words.slice(0, maxTerms).map((w) => w.slice(0, 64));
}

/** `type:ticket organization:1 organization:2 …`: repeating a keyword ORs its values in Zendesk search. */
export function ticketsOfOrganizationsQuery(organizationIds: readonly (string | number)[]): string {
  if (organizationIds.length === 0) throw new SourceError('zendesk', 'BAD_REQUEST', 'No organization ids to search tickets for');
  return ['type:ticket', ...organizationIds.map((id) => `organization:${assertZendeskId(id)}`)].join(' ');
}

/**
 * A CRM account id as a search value: no quote, whitespace or control character can reach the query (Zendesk's
 * query language has no escape character), so the value is refused instead of escaped.
 */
export function assertLinkValue(value: string): string {
  // eslint-disable-next-line no-control-regex
  if (!value || value.length > 255 || /["\s\u0000-\u001f\u007f]/.test(value)) {
    throw new SourceError('zendesk', 'BAD_REQUEST', 'Not a usable organization link value (empty, too long, or holds a quote, space or control character)');
  }
  return value;
}

/**
 * `type:organization salesforce_account_id:"001…" salesforce_account_id:"001…"`: organizations whose custom
 * field holds one of the values. Zendesk's search reference lets a search name a custom organization field by
 * its key (`<key>:<value>`; support.zendesk.com/hc/en-us/articles/4408886879258, "Organization property
 * keywords"), double quotes ask for the exact phrase, and the same keyword repeated ORs its values.
 */
export function organizationsByFieldQuery(key: string, values: readonly string[]): string {
  if (!/^[A-Za-z0-9_]{1,64}$/.test(key)) throw new SourceError('zendesk', 'BAD_REQUEST', 'Not an organization field key');
  if (values.length === 0) throw new SourceError('zendesk', 'BAD_REQUEST', 'No values to search organizations for');
  return ['type:organization', ...values.map((v) => `${key}:"${assertLinkValue(v)}"`)].join(' ');
}

/** Values per organization search by field: keeps the query (and its URL) well below Zendesk's limits. */
export const ZENDESK_FIELD_VALUES_PER_SEARCH = 40;

export const URGENT_OPEN_TICKETS_QUERY = 'type:ticket priority:urgent status<solved';

/** `type:organization acme inc`: organizations matching every term (the terms already made safe for search). */
export function organizationsMatchingQuery(terms: readonly string[]): string {
  return ['type:organization', ...terms].join(' ');
}

export type SearchOptions = {
  page?: number;
  perPage?: number;
  sortBy?: 'created_at' | 'updated_at' | 'priority' | 'status' | 'ticket_type';
  sortOrder?: 'asc' | 'desc';
  /** Sideloads for ticket results (`include=tickets(users,organizations)`). */
  include?: ('users' | 'organizations')[];
};

/**
 * A thin typed client over Node's fetch for the Zendesk Support API v2 (read-only). Every answer is validated
 * with the zod schemas in types.ts; errors surface as HttpError / ResponseShapeError for `mapZendeskError`.
 */
export class ZendeskClient {
  readonly baseUrl: string;
  readonly apiBase: string;
  readonly #authorization: () => string;
  readonly #timeoutMs: number;
  readonly config: ZendeskConfig;
  /** The organization link field as last checked against the account's organization fields (checkZendeskFields). */
  readonly fields: FieldMap<ZendeskFieldKey>;

  /** `connected` is asked at each call when the environment has no token: the connection made on /admin/connections. */
  constructor(config: ZendeskConfig, connected: () => string | null = () => null) {
    this.config = config;
    this.fields = zendeskFieldMap(config);
    this.baseUrl = config.baseUrl;
    this.#timeoutMs = config.timeoutMs;
    this.apiBase = `${config.baseUrl}/api/v2`;
    const basic = (email: string, apiToken: string) => `Basic ${Buffer.from(`${email}/token:${apiToken}`).toString('base64')}`;
    const auth = config.auth;
    this.#authorization = auth
      ? () => (auth.kind === 'oauth' ? `Bearer ${auth.accessToken}` : basic(auth.email, auth.apiToken))
      : () => {
          const c = decodeZendeskCredential(connected());
          if (!c) throw notConnected('zendesk');
          return basic(c.email, c.apiToken);
        };
  }

  /** GET one API path (relative to /api/v2) with query parameters. */
  async get<S extends z.ZodTypeAny>(path: string, params: Record<string, string | number | undefined>, schema: S, what: string, signal?: AbortSignal): Promise<z.infer<S>> {
    const url = new URL(`${this.apiBase}${path}`);
    for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, String(v));
    return this.#fetch(url.toString(), schema, what, signal);
  }

  /** GET a link Zendesk handed back (links.next); only ever on this account's own API, so credentials stay home. */
  async follow<S extends z.ZodTypeAny>(link: string, schema: S, what: string, signal?: AbortSignal): Promise<z.infer<S>> {
    if (!link.startsWith(`${this.apiBase}/`)) {
      throw new SourceError('zendesk', 'INVALID_RESPONSE', 'Zendesk returned a pagination link outside its own API');
    }
    return this.#fetch(link, schema, what, signal);
  }

  async #fetch<S extends z.ZodTypeAny>(url: string, schema: S, what: string, signal?: AbortSignal): Promise<z.infer<S>> {
    return fetchJson(url, schema, {
      headers: { authorization: this.#authorization(), 'user-agent': 'Panorama/0.1 (read-only customer 360)' },
      // each request gives up after ZENDESK_TIMEOUT_MS even when the caller passed no signal of its own
      signal: signal ? mergedSignal([signal, AbortSignal.timeout(this.#timeoutMs)]) : AbortSignal.timeout(this.#timeoutMs),
      what: `Zendesk ${what}`,
    });
  }

  /** The user the credentials act as: its role and which tickets it may see (GET /api/v2/users/me). */
  async me(signal?: AbortSignal): Promise<ZdMe> {
    return (await this.get('/users/me', {}, zdMeSchema, 'users/me', signal)).user;
  }

  /**
   * Every custom organization field of the account: GET /api/v2/organization_fields (ListOrganizationFields,
   * OrganizationFieldsResponse), 100 a page, offset-paged through `next_page`.
   */
  async organizationFields(signal?: AbortSignal): Promise<ZdOrganizationField[]> {
    const out: ZdOrganizationField[] = [];
    let page = await this.get('/organization_fields', { per_page: ZENDESK_MAX_PAGE_SIZE }, organizationFieldsPageSchema, 'organization fields', signal);
    for (let i = 0; ; i++) {
      out.push(...page.organization_fields);
      if (!page.next_page) return out;
      if (i >= 50) throw new SourceError('zendesk', 'INVALID_RESPONSE', 'Zendesk organization fields did not end within 50 pages');
      page = await this.follow(page.next_page, organizationFieldsPageSchema, 'organization fields', signal);
    }
  }

  /**
   * Organizations whose custom field `key` holds one of the values, by search (there is no show_many by a
   * custom field): ceil(values / 40) searches, each paged while Zendesk counts more results than it sent.
   */
  async organizationsByField(key: string, values: readonly string[], signal?: AbortSignal) {
    checkBatch(values);
    const chunks: string[][] = [];
    for (let i = 0; i < values.length; i += ZENDESK_FIELD_VALUES_PER_SEARCH) chunks.push(values.slice(i, i + ZENDESK_FIELD_VALUES_PER_SEARCH));
    const pages = await Promise.all(
      chunks.map(async (chunk) => {
        const query = organizationsByFieldQuery(key, chunk);
        const found = [];
        for (let page = 1; ; page++) {
          const answer = await this.searchOrganizations(query, { page, perPage: ZENDESK_MAX_PAGE_SIZE }, signal);
          found.push(...answer.results);
          if (!answer.next_page || answer.results.length === 0 || page * ZENDESK_MAX_PAGE_SIZE >= Math.min(answer.count, ZENDESK_SEARCH_WINDOW)) return found;
        }
      }),
    );
    return { organizations: pages.flat() };
  }

  /**
   * One page of the incremental organization export: from `startTime` (Unix seconds, at least a minute ago), or
   * the `next_page` link of the page before. Zendesk limits these exports to 10 requests a minute, apart from
   * the account's own limit.
   */
  async incrementalOrganizations(from: { startTime: number } | { next: string }, signal?: AbortSignal) {
    if ('next' in from) return this.follow(from.next, incrementalOrganizationsSchema, 'incremental organizations', signal);
    return this.get('/incremental/organizations', { start_time: Math.floor(from.startTime) }, incrementalOrganizationsSchema, 'incremental organizations', signal);
  }

  /** One page of GET /organizations with cursor pagination; pass the previous page's `links.next` to go on. */
  async organizationsPage(next: string | null, signal?: AbortSignal, pageSize = ZENDESK_MAX_PAGE_SIZE) {
    if (next) return this.follow(next, organizationsCursorPageSchema, 'organizations page', signal);
    return this.get('/organizations', { 'page[size]': pageSize }, organizationsCursorPageSchema, 'organizations page', signal);
  }

  async organization(id: string, signal?: AbortSignal) {
    return this.get(`/organizations/${assertZendeskId(id)}`, {}, organizationResponseSchema, 'organization', signal);
  }

  /** Up to 100 organizations by external id (matched case-insensitively by Zendesk) in one request. */
  async organizationsByExternalIds(externalIds: readonly string[], signal?: AbortSignal) {
    checkBatch(externalIds);
    const list = externalIds.map(assertExternalId).join(',');
    return this.get('/organizations/show_many', { external_ids: list }, organizationsResponseSchema, 'organizations by external id', signal);
  }

  async organizationsByIds(ids: readonly string[], signal?: AbortSignal) {
    checkBatch(ids);
    return this.get('/organizations/show_many', { ids: ids.map(assertZendeskId).join(',') }, organizationsResponseSchema, 'organizations by id', signal);
  }

  /** Exact (case-insensitive) external id or name lookup, as organizations/search offers it. */
  async findOrganizations(by: { externalId: string } | { name: string }, signal?: AbortSignal) {
    const params = 'externalId' in by ? { external_id: assertExternalId(by.externalId) } : { name: by.name };
    return this.get('/organizations/search', params, organizationsResponseSchema, 'organization lookup', signal);
  }

  async usersByIds(ids: readonly (string | number)[], signal?: AbortSignal) {
    checkBatch(ids);
    return this.get('/users/show_many', { ids: ids.map(assertZendeskId).join(',') }, usersResponseSchema, 'users', signal);
  }

  async ticketsByIds(ids: readonly (string | number)[], signal?: AbortSignal) {
    checkBatch(ids);
    return this.get('/tickets/show_many', { ids: ids.map(assertZendeskId).join(','), include: 'users' }, ticketsResponseSchema, 'tickets', signal);
  }

  async organizationTickets(organizationId: string, page = 1, signal?: AbortSignal) {
    return this.get(
      `/organizations/${assertZendeskId(organizationId)}/tickets`,
      { page, per_page: ZENDESK_MAX_PAGE_SIZE, include: 'users' },
      ticketsPageSchema,
      'organization tickets',
      signal,
    );
  }

  /** One page of GET /search for a `type:ticket` query. */
  async searchTickets(query: string, opts: SearchOptions = {}, signal?: AbortSignal) {
    if (!/(^|\s)type:ticket(\s|$)/.test(query)) throw new SourceError('zendesk', 'BAD_REQUEST', 'searchTickets needs a type:ticket query');
    return this.get('/search', searchParams(query, opts), ticketSearchSchema, 'ticket search', signal);
  }

  /** One page of GET /search for a `type:organization` query. */
  async searchOrganizations(query: string, opts: SearchOptions = {}, signal?: AbortSignal) {
    if (!/(^|\s)type:organization(\s|$)/.test(query)) throw new SourceError('zendesk', 'BAD_REQUEST', 'searchOrganizations needs a type:organization query');
    return this.get('/search', searchParams(query, { ...opts, include: undefined }), organizationSearchSchema, 'organization search', signal);
  }
}

function checkBatch(ids: readonly unknown[]): void {
  if (ids.length === 0 || ids.length > ZENDESK_MAX_IDS) {
    throw new SourceError('zendesk', 'BAD_REQUEST', `show_many takes 1 to ${ZENDESK_MAX_IDS} ids (got ${ids.length})`);
  }
}

function searchParams(query: string, opts: SearchOptions): Record<string, string | number | undefined> {
  const page = opts.page ?? 1;
  const perPage = Math.min(Math.max(1, opts.perPage ?? ZENDESK_MAX_PAGE_SIZE), ZENDESK_MAX_PAGE_SIZE);
  if (!Number.isInteger(page) || page < 1 || (page - 1) * perPage >= ZENDESK_SEARCH_WINDOW) {
    throw new SourceError('zendesk', 'BAD_REQUEST', `Zendesk search only reaches its first ${ZENDESK_SEARCH_WINDOW} results`);
  }
  return {
    query,
    page,
    per_page: perPage,
    sort_by: opts.sortBy,
    sort_order: opts.sortOrder,
    include: opts.include?.length ? `tickets(${opts.include.join(',')})` : undefined,
  };
}
