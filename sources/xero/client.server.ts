import type { z } from 'zod';
import { notConnected } from '../kit/connected-token.js';
import { SourceError } from '../kit/errors.js';
import { validate } from '../kit/http.js';
import type { TokenGrant } from '../kit/token-store.js';
import { idParam } from './where.js';
import {
  XERO_PAGE_SIZE,
  xeroConnectionsSchema,
  xeroContactsPageSchema,
  xeroInvoicesPageSchema,
  xeroPaymentsPageSchema,
  xeroTokenResponseSchema,
  type XeroContact,
  type XeroInvoice,
  type XeroPayment,
} from './types.js';
import { beforeRequest } from '../kit/request-meter.js';

const SOURCE = 'xero' as const;
/** A runaway guard: 1,000 pages of 100 is far beyond one customer's records. */
const MAX_PAGES = 1000;
/** Calls a day per organisation (developer.xero.com, "OAuth 2.0 API limits"). */
export const XERO_DAILY_LIMIT = 5000;
/** Refresh a little before the access token's 30 minutes are up rather than collect a 401. */
const EXPIRY_SKEW_MS = 60_000;

export type XeroEndpoints = {
  /** https://api.xero.com/api.xro/2.0 */
  api: string;
  /** https://api.xero.com/connections */
  connections: string;
  /** https://identity.xero.com/connect/token */
  token: string;
};

export const XERO_ENDPOINTS: XeroEndpoints = {
  api: 'https://api.xero.com/api.xro/2.0',
  connections: 'https://api.xero.com/connections',
  token: 'https://identity.xero.com/connect/token',
};

export type XeroClientOptions = {
  clientId: string;
  clientSecret: string;
  /** The latest refresh token (persisted one when newer than the environment's); empty when none is known yet. */
  refreshToken: string;
  /**
   * The refresh token to use now, asked at each call: the stored (rotated, or connected on /admin/connections) one,
   * else the environment's. A different one than held drops the access token granted from the old one; none at
   * all is "not connected". @default the `refreshToken` held
   */
  currentRefreshToken?: () => string | null;
  /** The organisation to read; when absent, the only ORGANISATION among `/connections` (more than one is an error). */
  tenantId?: string;
  endpoints?: XeroEndpoints;
  fetch?: typeof fetch;
  now: () => number;
  /** Called with every new grant BEFORE it is used: Xero rotates the refresh token on every refresh. */
  onTokens?: (grant: TokenGrant) => void | Promise<void>;
  /** The shared token store's locked refresh (see CoordinatedTokenStore.refreshOnce). */
  refreshOnce?: (stale: string | null, refresh: (refreshToken: string | null) => Promise<TokenGrant>, nowMs: number) => Promise<TokenGrant>;
};

export type ListOptions = {
  /** A `where` expression built with ./where.ts (values already quoted). */
  where?: string;
  /** GUIDs for the `IDs` (Contacts, Invoices) parameter. */
  ids?: readonly string[];
  /** GUIDs for the Invoices `ContactIDs` parameter. */
  contactIds?: readonly string[];
  /** Only records changed since this instant (`If-Modified-Since`), for index upkeep. */
  modifiedSince?: Date;
  /** Invoice numbers for the Invoices `InvoiceNumbers` parameter. */
  invoiceNumbers?: readonly string[];
  signal?: AbortSignal;
  /**
   * Runs each page's request (the kit's `upstream`: timeout, retries, breaker, budget, gate), so every request
   * Panorama sends Xero counts against its limits. @default the request itself, with `signal`
   */
  runPage?: <R>(page: (signal: AbortSignal) => Promise<R>) => Promise<R>;
};

/** Seconds from a Retry-After header (delta-seconds or HTTP date), or undefined. */
export function retryAfterSeconds(header: string | null, nowMs: number): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - nowMs) / 1000));
}

/** What the last answer said is left of Xero's limits (X-MinLimit-Remaining, X-DayLimit-Remaining, X-AppMinLimit-Remaining). */
export type XeroLimitsLeft = { minute: number | null; day: number | null; appMinute: number | null };

const intHeader = (h: Headers, name: string) => {
  const v = h.get(name);
  return v !== null && /^\d+$/.test(v) ? Number(v) : null;
};

/**
 * Xero's Accounting API over fetch: OAuth 2 refresh with the rotating refresh token, tenant discovery from
 * `/connections`, `xero-tenant-id` on every call, paging by `page` (100 a page), `If-Modified-Since`, and
 * vendor errors mapped to the kit's codes (429 → RATE_LIMITED with Retry-After and the limit that was hit).
 */
export class XeroClient {
  readonly #o: XeroClientOptions;
  readonly #endpoints: XeroEndpoints;
  readonly #fetch: typeof fetch;
  #refreshToken: string;
  #access: TokenGrant | null = null;
  #refreshing: Promise<TokenGrant> | null = null;
  #grantedScopes: string[] | null = null;
  #tenantId: string | null;
  /** Remaining calls as the last response said. */
  limitsLeft: XeroLimitsLeft = { minute: null, day: null, appMinute: null };

  /** Xero's daily allowance as the last answer reported it (X-DayLimit-Remaining of 5,000 a day per organisation). */
  get apiUsage(): { used: number; limit: number } | undefined {
    const left = this.limitsLeft.day;
    return left === null ? undefined : { used: Math.max(0, XERO_DAILY_LIMIT - left), limit: XERO_DAILY_LIMIT };
  }

  constructor(options: XeroClientOptions) {
    this.#o = options;
    this.#endpoints = options.endpoints ?? XERO_ENDPOINTS;
    // looked up at each call, not kept: a fetch patched after start-up (a proxy, a test's interceptor) is used
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#refreshToken = options.refreshToken;
    this.#tenantId = options.tenantId ?? null;
  }

  async #refresh(refreshToken: string | null): Promise<TokenGrant> {
    const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken ?? this.#refreshToken });
    const basic = Buffer.from(`${this.#o.clientId}:${this.#o.clientSecret}`).toString('base64');
    const res = await this.#fetch(this.#endpoints.token, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
    });
    if (!res.ok) {
      throw new SourceError(SOURCE, res.status === 400 || res.status === 401 ? 'UNAUTHENTICATED' : 'UNAVAILABLE', `Xero token refresh failed (${res.status})`, {
        status: res.status,
        userMessage: 'Panorama could not sign in to the accounting system. Ask an admin to reconnect it.',
      });
    }
    const t = validate(xeroTokenResponseSchema, await res.json(), 'Xero token response');
    if (t.scope !== undefined) this.#grantedScopes = t.scope.split(/\s+/).filter(Boolean);
    return { accessToken: t.access_token, refreshToken: t.refresh_token, accessTokenExpiresAt: this.#o.now() + t.expires_in * 1000 };
  }

  /**
   * The scopes the connection was granted: from the last token answer this instance received, else from the
   * access token's `scope` claim (Xero's access tokens are JWTs); null when neither says. Gets an access token
   * first if there is none.
   */
  async grantedScopes(): Promise<string[] | null> {
    const token = await this.#accessToken();
    return this.#grantedScopes ?? scopeClaim(token);
  }

  /** One refresh at a time; the rotated refresh token is handed to `onTokens` before the access token is used. */
  async #accessToken(force = false): Promise<string> {
    const current = this.#o.currentRefreshToken ? this.#o.currentRefreshToken() : this.#refreshToken || null;
    if (!current) {
      this.#access = null;
      throw notConnected(SOURCE);
    }
    if (current !== this.#refreshToken && !this.#refreshing) {
      // connected (or reconnected) since: the access token granted from the old one belongs to that connection
      this.#refreshToken = current;
      this.#access = null;
    }
    if (!force && this.#access && this.#access.accessTokenExpiresAt - EXPIRY_SKEW_MS > this.#o.now()) return this.#access.accessToken;
    this.#refreshing ??= (async () => {
      const stale = this.#access?.accessToken ?? null;
      const grant = this.#o.refreshOnce
        ? await this.#o.refreshOnce(stale, (rt) => this.#refresh(rt), this.#o.now())
        : await this.#refresh(this.#refreshToken);
      if (!this.#o.refreshOnce) await this.#o.onTokens?.(grant);
      this.#refreshToken = grant.refreshToken;
      this.#access = grant;
      return grant;
    })().finally(() => {
      this.#refreshing = null;
    });
    return (await this.#refreshing).accessToken;
  }

  async #send(url: string, headers: Record<string, string>, signal?: AbortSignal, retried = false): Promise<Response> {
    const token = await this.#accessToken();
    // a call's further requests (pages, a retry after 401) each take a budget point (kit/request-meter.ts)
    await beforeRequest(signal);
    const res = await this.#fetch(url, { headers: { ...headers, authorization: `Bearer ${token}`, accept: 'application/json' }, signal });
    if (res.status === 401 && !retried) {
      await this.#accessToken(true);
      return this.#send(url, headers, signal, true);
    }
    this.limitsLeft = {
      minute: intHeader(res.headers, 'x-minlimit-remaining') ?? this.limitsLeft.minute,
      day: intHeader(res.headers, 'x-daylimit-remaining') ?? this.limitsLeft.day,
      appMinute: intHeader(res.headers, 'x-appminlimit-remaining') ?? this.limitsLeft.appMinute,
    };
    if (!res.ok && res.status !== 304) throw this.#errorOf(res);
    return res;
  }

  #errorOf(res: Response): SourceError {
    const status = res.status;
    if (status === 429) {
      const problem = res.headers.get('x-rate-limit-problem') ?? 'minute';
      return new SourceError(SOURCE, 'RATE_LIMITED', `Xero ${problem} limit reached`, {
        status,
        retryAfterSeconds: retryAfterSeconds(res.headers.get('retry-after'), this.#o.now()),
        limitReason: problem,
      });
    }
    const code = status === 400 ? 'BAD_REQUEST' : status === 401 ? 'UNAUTHENTICATED' : status === 403 ? 'FORBIDDEN' : status === 404 ? 'NOT_FOUND' : 'UNAVAILABLE';
    return new SourceError(SOURCE, code, `Xero answered ${status}`, { status });
  }

  /** The tenant to read: the configured one, else the only ORGANISATION connection. */
  async tenantId(signal?: AbortSignal): Promise<string> {
    if (this.#tenantId) return this.#tenantId;
    const res = await this.#send(this.#endpoints.connections, {}, signal);
    const orgs = validate(xeroConnectionsSchema, await res.json(), 'Xero connections').filter((c) => c.tenantType === 'ORGANISATION');
    if (orgs.length !== 1) {
      throw new SourceError(SOURCE, 'NOT_CONFIGURED', orgs.length ? 'Several Xero organisations are connected: set the tenant id' : 'No Xero organisation is connected', {
        userMessage: 'The accounting connection does not name one organisation. Ask an admin to set it.',
      });
    }
    this.#tenantId = orgs[0]!.tenantId;
    return this.#tenantId;
  }

  async #list<S extends z.ZodTypeAny, T>(path: string, schema: S, pick: (page: z.infer<S>) => T[], o: ListOptions): Promise<T[]> {
    const run = o.runPage ?? (<R>(page: (signal: AbortSignal) => Promise<R>) => page(o.signal ?? new AbortController().signal));
    const headers: Record<string, string> = {};
    if (o.modifiedSince) headers['if-modified-since'] = o.modifiedSince.toISOString().slice(0, 19);
    const out: T[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const q = new URLSearchParams({ page: String(page) });
      if (o.where) q.set('where', o.where);
      if (o.ids) q.set('IDs', idParam(o.ids));
      if (o.contactIds) q.set('ContactIDs', idParam(o.contactIds));
      if (o.invoiceNumbers) q.set('InvoiceNumbers', o.invoiceNumbers.join(','));
      const rows = await run(async (signal) => {
        const tenant = await this.tenantId(signal);
        const res = await this.#send(`${this.#endpoints.api}/${path}?${q}`, { ...headers, 'xero-tenant-id': tenant }, signal);
        // 304: nothing changed since If-Modified-Since.
        if (res.status === 304) return null;
        return pick(validate(schema, await res.json(), `Xero ${path}`));
      });
      if (rows === null) break;
      out.push(...rows);
      if (rows.length < XERO_PAGE_SIZE) break;
    }
    return out;
  }

  contacts(o: ListOptions = {}): Promise<XeroContact[]> {
    return this.#list('Contacts', xeroContactsPageSchema, (p) => p.Contacts, o);
  }

  invoices(o: ListOptions = {}): Promise<XeroInvoice[]> {
    return this.#list('Invoices', xeroInvoicesPageSchema, (p) => p.Invoices, o);
  }

  payments(o: ListOptions = {}): Promise<XeroPayment[]> {
    return this.#list('Payments', xeroPaymentsPageSchema, (p) => p.Payments, o);
  }
}

/** The `scope` claim of a JWT access token (a list, or a space-separated string); null for an opaque token. */
function scopeClaim(token: string): string[] | null {
  const part = token.split('.')[1];
  if (!part || token.split('.').length !== 3) return null;
  try {
    const claims: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    const scope = claims && typeof claims === 'object' ? (claims as { scope?: unknown }).scope : undefined;
    if (Array.isArray(scope)) return scope.filter((x): x is string => typeof x === 'string');
    return typeof scope === 'string' ? scope.split(/\s+/).filter(Boolean) : null;
  } catch {
    return null;
  }
}
