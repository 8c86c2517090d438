import { notConnected } from '../kit/connected-token.js';
// jsforce's core only: its main entry also loads the Bulk, Metadata, SOAP, Streaming, Tooling… APIs (~15 MB more).
import { Connection, type HttpRequest, type TokenResponse } from 'jsforce/lib/core.js';
import type { z } from 'zod';
import { HttpError, ResponseShapeError, validate } from '../kit/http.js';
import { logger } from '../kit/logger.js';
import { tokenRefreshes } from '../kit/metrics.js';
import type { SalesforceConfig } from './config.js';
import { InvalidSalesforceIdError, SalesforceSessionRefusedError } from './errors.js';
import { normalizeIdOf, type KnownSObject } from './ids.js';
import { salesforceCurrencyMap, salesforceFieldMap, salesforceVersionMap, type SalesforceFieldKey } from './fields.js';
import type { FieldMap } from '../kit/field-mapping.js';
import { sfVersionsSchema, type SfVersions, sfDescribeSchema, sfUserInfoSchema, type SfUserInfo, sfQueryResultSchema, sfTokenResponseSchema, type SfDescribe, type SfQueryResult, type SfTokenResponse } from './types.js';
import { beforeRequest } from '../kit/request-meter.js';

export type CallOptions = { signal?: AbortSignal };
export type QueryOptions = CallOptions & {
  /** `Sforce-Query-Options: batchSize=N`: a hint (200–2,000) for records per batch. */
  batchSize?: number;
};

type CapturedResponse = { url: string; status: number; headers: Record<string, string>; body: string };
/** What one client call learned on its way: the last HTTP answer, and how many times its session was refused. */
type CallContext = { unauthorized: number; response: CapturedResponse | null; sent: number; signal: AbortSignal | undefined };
type JsforceResponse = { statusCode: number; headers: Record<string, string>; body: string };
type JsforceTransport = { httpRequest: (req: HttpRequest, options?: unknown) => Promise<JsforceResponse> };

const LOCATOR_PATH = /^\/services\/data\/v\d+\.\d\/query\/[A-Za-z0-9]+-\d+$/;

/**
 * Panorama's Salesforce client: a jsforce 3 `Connection` (OAuth refresh-token flow), with what jsforce leaves out
 * made explicit:
 * - Session refresh: jsforce notices the 401 and retries after refreshing; the refresh itself is done here so its
 *   failures keep their HTTP status, and each call refreshes at most once: a second 401 within one call (a token
 *   refused right after being issued) ends the call as UNAUTHENTICATED instead of looping until the timeout.
 *   The per-call bookkeeping rides on the per-call transport, not on AsyncLocalStorage: in Node 20 an active
 *   AsyncLocalStorage turns on promise hooks for the whole process, which makes every promise (and so every
 *   GraphQL request) markedly slower.
 * - Status codes: jsforce's errors carry Salesforce's errorCode but not the HTTP status; a per-call transport
 *   wrapper records the answer so errors become the kit's `HttpError` (status, headers, body).
 * - Retries: jsforce retries GETs on 420/429/5xx up to 5 times (0.5 s … 8 s apart, longer than the kit's timeout),
 *   below its transport, where no request can be counted. Its own are off; `httpRetries` (default 0) extra
 *   attempts are made here instead (5xx and dropped connections only, 250 ms then 500 ms apart), each taking a
 *   budget point before it is sent, so one call costs at most 1 + httpRetries requests, every one of them metered,
 *   and the kit's breaker and timeout see the real outcome. The request resent after a session refresh is counted
 *   as it goes out (jsforce sends it from inside the call).
 * - Cancelling: jsforce takes no AbortSignal. Its per-request `timeout` aborts the underlying fetch, and the
 *   caller's signal rejects the call at once (the kit's timeout is aggressive anyway).
 */
export class SalesforceClient {
  readonly config: SalesforceConfig;
  readonly connection: Connection;
  /** Token refreshes so far (for the health page and tests; the tokens themselves are never exposed). */
  refreshCount = 0;
  /** Which mapped custom fields this org has (see `checkSalesforceFields`); shared by every request. */
  readonly fields: FieldMap<SalesforceFieldKey>;
  /** Whether the org offers the configured REST API version (see `checkSalesforceFields`). */
  readonly version: FieldMap<'apiVersion'>;
  /** Whether Opportunity has CurrencyIsoCode, i.e. the org is multi-currency (see `checkSalesforceFields`). */
  readonly currency: FieldMap<'dealCurrency'>;
  /** Why the latest token refresh failed (jsforce hands callers a generic error instead). */
  #refreshError: unknown = null;
  readonly #currentRefreshToken: () => string | null;
  /** The refresh token the connection's access token was granted from. */
  #grantedFrom: string | null = null;

  /**
   * `refreshToken` is asked at each call (the environment's, else the connection made on /admin/connections): one
   * that changed drops the access token granted from the old one; none at all is "not connected".
   */
  constructor(config: SalesforceConfig, refreshToken: () => string | null = () => config.refreshToken, onRefresh: () => void = () => {}) {
    this.config = config;
    this.#currentRefreshToken = refreshToken;
    this.fields = salesforceFieldMap(config);
    this.version = salesforceVersionMap(config);
    this.currency = salesforceCurrencyMap();
    this.connection = new Connection({
      instanceUrl: config.instanceUrl,
      version: config.apiVersion,
      oauth2: { loginUrl: config.loginUrl, clientId: config.clientId, clientSecret: config.clientSecret },
      refreshToken: config.refreshToken ?? 'unused',
      // jsforce's debug log prints request URLs, which carry SOQL (search text, e-mails): never let an env turn it on.
      logLevel: 'NONE',
      refreshFn: (_conn, callback) => {
        this.#refresh().then(
          (t) => callback(null, t.access_token, t as unknown as TokenResponse),
          (e: unknown) => callback(e instanceof Error ? e : new Error(String(e))),
        );
      },
    });
    // Salesforce refresh tokens do not rotate, so there is nothing to persist; the access token stays in memory.
    this.connection.on('refresh', () => {
      this.refreshCount++;
      onRefresh();
      logger.info({ source: 'salesforce' }, 'access token refreshed');
    });
  }

  /** The org's API usage from the last answer's Sforce-Limit-Info header. */
  get apiUsage(): { used: number; limit: number } | undefined {
    return this.connection.limitInfo?.apiUsage;
  }

  /** One batch of a SOQL query (one request). */
  async query<S extends z.ZodTypeAny>(soql: string, record: S, opts: QueryOptions = {}): Promise<SfQueryResult<z.infer<S>>> {
    const body = await this.#call(opts.signal, (options) =>
      this.connection.request({ method: 'GET', url: `/query?q=${encodeURIComponent(soql)}`, headers: this.#queryHeaders(opts) }, options),
    );
    return validate(sfQueryResultSchema(record), body, 'Salesforce query');
  }

  /**
   * One batch of a SOQL query that also reads the recycle bin (QueryAll, REST API 29.0+): records deleted in the
   * last 15 days come back with IsDeleted true. Its next batches follow `nextRecordsUrl` as a query's do.
   */
  async queryIncludingDeleted<S extends z.ZodTypeAny>(soql: string, record: S, opts: QueryOptions = {}): Promise<SfQueryResult<z.infer<S>>> {
    const body = await this.#call(opts.signal, (options) =>
      this.connection.request({ method: 'GET', url: `/queryAll?q=${encodeURIComponent(soql)}`, headers: this.#queryHeaders(opts) }, options),
    );
    return validate(sfQueryResultSchema(record), body, 'Salesforce queryAll');
  }

  /** The next batch of a query, from the previous batch's `nextRecordsUrl` (one request). */
  async queryMore<S extends z.ZodTypeAny>(nextRecordsUrl: string, record: S, opts: QueryOptions = {}): Promise<SfQueryResult<z.infer<S>>> {
    // Only ever follow a query locator on our own instance, whatever the answer said.
    if (!LOCATOR_PATH.test(nextRecordsUrl)) throw new ResponseShapeError('Salesforce query', ['nextRecordsUrl: not a query locator path']);
    const body = await this.#call(opts.signal, (options) =>
      this.connection.request({ method: 'GET', url: nextRecordsUrl, headers: this.#queryHeaders(opts) }, options),
    );
    return validate(sfQueryResultSchema(record), body, 'Salesforce query');
  }

  /** The REST API versions the org offers (GET /services/data/, unversioned, one request). */
  async versions(opts: CallOptions = {}): Promise<SfVersions> {
    const body = await this.#call(opts.signal, (options) => this.connection.request({ method: 'GET', url: '/services/data/' }, options));
    return validate(sfVersionsSchema, body, 'Salesforce versions');
  }

  /** An object's metadata: its fields and their types (sObject Describe, one request). */
  async describe(type: string, opts: CallOptions = {}): Promise<SfDescribe> {
    const body = await this.#call(opts.signal, (options) => this.connection.request({ method: 'GET', url: `/sobjects/${type}/describe` }, options));
    return validate(sfDescribeSchema, body, `Salesforce ${type} describe`);
  }

  /** Who the integration user is (OpenID Connect UserInfo, one request). */
  async userInfo(opts: CallOptions = {}): Promise<SfUserInfo> {
    const body = await this.#call(opts.signal, (options) => this.connection.request({ method: 'GET', url: '/services/oauth2/userinfo' }, options));
    return validate(sfUserInfoSchema, body, 'Salesforce UserInfo');
  }

  /** One record by id (one request). */
  async retrieve<S extends z.ZodTypeAny>(type: KnownSObject, id: string, record: S, opts: CallOptions & { fields?: string[] } = {}): Promise<z.infer<S>> {
    const canonical = normalizeIdOf(type, id);
    if (!canonical) throw new InvalidSalesforceIdError(type);
    const fields = opts.fields?.length ? `?fields=${encodeURIComponent(opts.fields.join(','))}` : '';
    const body = await this.#call(opts.signal, (options) =>
      this.connection.request({ method: 'GET', url: `/sobjects/${type}/${canonical}${fields}` }, options),
    );
    return validate(record, body, `Salesforce ${type}`);
  }

  #queryHeaders(opts: QueryOptions): Record<string, string> | undefined {
    return opts.batchSize ? { 'Sforce-Query-Options': `batchSize=${opts.batchSize}` } : undefined;
  }

  async #call<T>(signal: AbortSignal | undefined, run: (options: object) => Promise<T>): Promise<T> {
    signal?.throwIfAborted();
    const ctx: CallContext = { unauthorized: 0, response: null, sent: 0, signal };
    const options = { transport: this.#capturing(ctx), timeout: this.config.timeoutMs, retry: NO_JSFORCE_RETRIES };
    const current = this.#currentRefreshToken();
    if (!current) {
      this.connection.accessToken = null as unknown as string;
      throw notConnected('salesforce');
    }
    if (current !== this.#grantedFrom) {
      this.#grantedFrom = current;
      this.connection.accessToken = null as unknown as string;
    }
    try {
      // Fetch the first token up front rather than spending a request on a certain 401. `since` is compared with
      // jsforce's own Date.now() stamp of its last refresh (its de-duplication), so it is wall-clock time, not "now".
      if (!this.connection.accessToken) await abortable(this.connection._refreshDelegate!.refresh(Date.now()), signal);
      for (let attempt = 0; ; attempt++) {
        // a call's further requests each take a budget point (kit/request-meter.ts)
        await beforeRequest(signal);
        ctx.sent = 0;
        try {
          return await abortable(run(options), signal);
        } catch (e) {
          if (attempt >= this.config.httpRetries || !isRetryableAnswer(e, ctx)) throw e;
        }
        await abortable(sleep(250 * 2 ** attempt), signal);
        ctx.response = null;
      }
    } catch (e) {
      throw this.#translate(e, ctx);
    }
  }

  /**
   * jsforce's transport, recording each answer of this call (jsforce's own errors drop the status). A second
   * 401 in one call means the session refreshed for it was refused too: the call ends there, no refresh again.
   */
  #capturing(ctx: CallContext): JsforceTransport {
    const base = this.connection._transport as unknown as JsforceTransport;
    return {
      httpRequest: (req, options) => {
        // the request resent after a refresh, from inside jsforce: counted as it goes out (the first was paid for)
        if (ctx.sent++ > 0) void beforeRequest(ctx.signal).catch(() => undefined);
        const pending = base.httpRequest(req, options);
        const checked = pending.then((res) => {
          ctx.response = { url: req.url, status: res.statusCode, headers: res.headers, body: res.body };
          if (res.statusCode === 401 && ++ctx.unauthorized > 1) throw new SalesforceSessionRefusedError();
          return res;
        });
        // jsforce pipes the answer through the promise's `stream()` and awaits the promise for the response
        return Object.assign(checked, { stream: () => (pending as unknown as { stream: () => unknown }).stream() });
      },
    };
  }

  #translate(e: unknown, ctx: CallContext): unknown {
    if (e instanceof Error && e.message.startsWith('Unable to refresh session') && this.#refreshError) return this.#refreshError;
    const res = ctx.response;
    if (typeof (e as { errorCode?: unknown } | null)?.errorCode === 'string' && res && res.status >= 400) {
      let body: unknown = res.body;
      try {
        body = JSON.parse(res.body);
      } catch {
        // keep the text (an HTML error page from a proxy, say)
      }
      return new HttpError(res.status, new Headers(res.headers), body, res.url);
    }
    return e;
  }

  /** jsforce shares one refresh between the calls waiting for it; its outcome is theirs. */
  async #refresh(): Promise<SfTokenResponse> {
    this.#refreshError = null;
    try {
      const t = await this.#requestToken();
      tokenRefreshes.inc({ source: 'salesforce', outcome: 'ok' });
      return t;
    } catch (e) {
      this.#refreshError = e;
      tokenRefreshes.inc({ source: 'salesforce', outcome: 'failed' });
      throw e;
    }
  }

  /** OAuth 2.0 refresh-token grant. Never retried: a refused grant will not succeed on a second try. */
  async #requestToken(): Promise<SfTokenResponse> {
    const url = `${this.config.loginUrl}/services/oauth2/token`;
    const timeout = AbortSignal.timeout(this.config.timeoutMs);
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: this.config.clientId,
        client_secret: this.config.clientSecret,
        refresh_token: this.#grantedFrom ?? this.#currentRefreshToken() ?? '',
      }),
      signal: timeout,
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch (e) {
      if (res.ok) throw new ResponseShapeError('Salesforce token', ['body is not valid JSON'], e);
    }
    if (!res.ok) throw new HttpError(res.status, res.headers, body, url);
    return validate(sfTokenResponseSchema, body, 'Salesforce token');
  }
}

/** jsforce retries nothing itself: a retry is made by `#call`, where it can take its budget point. */
const NO_JSFORCE_RETRIES = { maxRetries: 0, methods: [] as string[] };
const RETRYABLE_STATUS = new Set([500, 502, 503, 504]);
const DROPPED = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET']);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A 5xx answer, or a connection dropped before one (node-fetch's FetchError, under jsforce): worth another attempt
 * of a GET. Refusals (401/403/429) never are, nor a request jsforce's own timeout ended (the kit's timeout governs).
 */
function isRetryableAnswer(e: unknown, ctx: CallContext): boolean {
  if (ctx.response) return RETRYABLE_STATUS.has(ctx.response.status);
  const { name, code } = (e ?? {}) as { name?: unknown; code?: unknown };
  return name === 'FetchError' || (typeof code === 'string' && DROPPED.has(code));
}

function abortable<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

export function createSalesforceClient(config: SalesforceConfig, refreshToken?: () => string | null): SalesforceClient {
  return new SalesforceClient(config, refreshToken);
}
