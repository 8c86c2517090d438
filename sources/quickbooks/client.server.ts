import { notConnected } from '../kit/connected-token.js';
import { qboQueries } from './query-text.js';
import { promisify } from 'node:util';
import { withRequestSignal } from './axios-signal.js';
import QuickBooks from 'node-quickbooks';
import { SourceError } from '../kit/errors.js';
import { ResponseShapeError } from '../kit/http.js';
import { logger } from '../kit/logger.js';
import { tokenRefreshes } from '../kit/metrics.js';
import type { QuickbooksConfig } from './config.js';
import { batchRequest, unpackBatch, unpackCdcCustomers, unpackPreferences, unpackQuery, unpackToken, type BatchQuery, type CdcCustomers, type QboCurrencyPrefs, type QboEntity, type QboRow } from './types.js';
import { beforeRequest } from '../kit/request-meter.js';

/** QBO answers at most 1000 rows per query. */
export const MAX_PAGE_SIZE = 1000;
/** A runaway guard: a million rows is far beyond what Panorama should ever page through. */
const MAX_PAGES = 1000;
/** Refresh a little before the access token's hour is up rather than collect a 401. */
const EXPIRY_SKEW_MS = 60_000;

export type QuickbooksTokens = {
  accessToken: string;
  /** The NEW refresh token: the one used to get it no longer works. */
  refreshToken: string;
  accessTokenExpiresAt: number;
  refreshTokenExpiresAt: number | null;
};

export type QuickbooksClientOptions = {
  /**
   * Called with every new token pair BEFORE the new access token is used. Intuit rotates the refresh token
   * on each refresh, so persist `refreshToken` here (and pass it back as `refreshToken` after a restart),
   * or the connection is lost. If it throws, the call fails and the new pair is kept in memory only.
   */
  onTokens?: (tokens: QuickbooksTokens) => void | Promise<void>;
  /** The latest persisted refresh token, when newer than the one in the environment. */
  refreshToken?: string;
  /**
   * The refresh token to use now, asked at each call: the stored (rotated, or connected on /admin/connections) one,
   * else the environment's. One that changed under the client (a new connection, a disconnect) replaces the one it
   * held and drops the access token granted from the old one; none at all is "not connected".
   */
  currentRefreshToken?: () => string | null;
  /**
   * Runs each refresh so that one instance of several does it (the shared token store): `refresh` is called
   * with the newest stored refresh token, or not at all when another instance's newer grant is returned.
   * Its grant is stored by it, so `onTokens` is not called then.
   */
  refreshOnce?: (stale: string | null, refresh: (refreshToken: string | null) => Promise<QuickbooksTokens>, nowMs: number) => Promise<Pick<QuickbooksTokens, 'accessToken' | 'refreshToken' | 'accessTokenExpiresAt'>>;
  /** Rows per page when paging. @default 1000 */
  pageSize?: number;
  now?: () => number;
};

export type PageOptions = {
  signal?: AbortSignal;
  /** Wraps each page's request (the loaders pass each page through the kit, for its own timeout). */
  runPage?: <T>(page: () => Promise<T>) => Promise<T>;
};

type Finder = 'findCustomers' | 'findInvoices' | 'findPayments';
const FINDERS: Record<QboEntity, Finder> = { Customer: 'findCustomers', Invoice: 'findInvoices', Payment: 'findPayments' };

const isUnauthorized = (e: unknown) => (e as { response?: { status?: unknown } } | null)?.response?.status === 401;

/**
 * QuickBooks Online through node-quickbooks (OAuth 2), with the token handling the library leaves out: an
 * in-memory token holder, refresh before expiry, one refresh shared by concurrent 401s, the rotated refresh
 * token handed to `onTokens` before the new access token is used, and one retry after a refresh.
 *
 * node-quickbooks takes no AbortSignal: each request it starts is given the caller's signal and the configured
 * timeout (`withRequestSignal`), so an abandoned call closes its socket; paging stops at the next page.
 */
export class QuickbooksClient {
  readonly config: QuickbooksConfig;
  readonly #qbo: QuickBooks;
  readonly #onTokens: QuickbooksClientOptions['onTokens'];
  readonly #refreshOnce: QuickbooksClientOptions['refreshOnce'];
  readonly #now: () => number;
  readonly pageSize: number;
  #accessToken: string | null = null;
  #accessExpiresAt = 0;
  #refreshToken: string;
  #refreshing: Promise<string> | null = null;
  readonly #currentRefreshToken: (() => string | null) | undefined;
  /** Token refreshes done, for the health page and tests. */
  refreshes = 0;

  constructor(config: QuickbooksConfig, opts: QuickbooksClientOptions = {}) {
    this.config = config;
    this.#onTokens = opts.onTokens;
    this.#refreshOnce = opts.refreshOnce;
    this.#now = opts.now ?? Date.now;
    this.pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, opts.pageSize ?? MAX_PAGE_SIZE));
    this.#currentRefreshToken = opts.currentRefreshToken;
    this.#refreshToken = opts.refreshToken ?? config.refreshToken ?? '';
    // Never call QuickBooks.setOauthVersion('2.0'): it fetches Intuit's discovery document over the network.
    this.#qbo = new QuickBooks(config.clientId, config.clientSecret, '', false, config.realmId, false, false, config.minorVersion, '2.0', this.#refreshToken);
    // The base URL static is read only in the constructor; the instance endpoint is what requests use.
    this.#qbo.endpoint = `${config.baseUrl}/v3/company/`;
  }

  /** One page of `select * from <entity> <clause>`; the clause carries WHERE/ORDERBY/STARTPOSITION/MAXRESULTS. */
  async query<E extends QboEntity>(entity: E, clause: string, signal?: AbortSignal): Promise<QboRow<E>[]> {
    const what = `QuickBooks ${entity} query`;
    const body = await this.#authorized(signal, () => promisify(this.#qbo[FINDERS[entity]].bind(this.#qbo))(` ${clause}`), what);
    return unpackQuery(body, entity, what);
  }

  /** Every row of `select * from <entity> <clause>`, paged with STARTPOSITION/MAXRESULTS (the clause must ORDER BY). */
  async queryAll<E extends QboEntity>(entity: E, clause: string, opts: PageOptions = {}): Promise<QboRow<E>[]> {
    const run = opts.runPage ?? ((page) => page());
    const out: QboRow<E>[] = [];
    for (let n = 0, start = 1; n < MAX_PAGES; n++, start += this.pageSize) {
      opts.signal?.throwIfAborted();
      const page = await run(() => this.query(entity, qboQueries.page(clause, start, this.pageSize), opts.signal));
      out.push(...page);
      if (page.length < this.pageSize) return out;
    }
    throw new SourceError('quickbooks', 'INTERNAL', `QuickBooks ${entity} query returned more than ${MAX_PAGES} pages; stopped`);
  }

  /** Up to 30 queries in ONE request (POST /batch); the rows per item id. A faulted item fails the whole call. */
  async batch(items: readonly BatchQuery[], signal?: AbortSignal): Promise<Map<string, unknown[]>> {
    if (items.length === 0) return new Map();
    if (items.length > 30) throw new SourceError('quickbooks', 'INTERNAL', 'QuickBooks batch takes at most 30 items');
    const what = 'QuickBooks batch';
    const body = await this.#authorized(signal, () => promisify(this.#qbo.batch.bind(this.#qbo))(batchRequest(items)), what);
    return unpackBatch(body, items, what);
  }

  /**
   * The company's currency preferences (GET /preferences, one request): its home currency, and whether
   * multicurrency is on. Records of a company without multicurrency may carry no CurrencyRef: they are in this one.
   */
  async currencyPreferences(signal?: AbortSignal): Promise<QboCurrencyPrefs> {
    const what = 'QuickBooks preferences';
    const body = await this.#authorized(signal, () => promisify(this.#qbo.getPreferences.bind(this.#qbo))(), what);
    return unpackPreferences(body);
  }

  /**
   * The customers changed or deleted since `changedSince` (Change Data Capture: at most 30 days back, at most 1000
   * objects an answer). `changedSince` is an ISO date-time in UTC (`…Z`), which needs no escaping in the URL.
   */
  async changedCustomers(changedSince: string, signal?: AbortSignal): Promise<CdcCustomers> {
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(changedSince)) throw new SourceError('quickbooks', 'INTERNAL', 'QuickBooks changedSince must be a UTC date-time');
    const what = 'QuickBooks Customer changes';
    const body = await this.#authorized(signal, () => promisify(this.#qbo.changeDataCapture.bind(this.#qbo))('Customer', changedSince), what);
    return unpackCdcCustomers(body, what);
  }

  /** Runs `call` with a valid access token; on 401 refreshes once (shared) and retries once. */
  async #authorized<T>(signal: AbortSignal | undefined, call: () => Promise<T>, what: string): Promise<T> {
    signal?.throwIfAborted();
    const token = await this.#validToken();
    try {
      return await this.#send(token, call, what, signal);
    } catch (e) {
      if (!isUnauthorized(e)) throw e;
      signal?.throwIfAborted();
      const fresh = await this.#refresh(token);
      return this.#send(fresh, call, what, signal);
    }
  }

  /**
   * The library reads `token` when it builds the request, synchronously inside `call`, so setting it right
   * before is race-free even with concurrent calls.
   */
  async #send<T>(token: string, call: () => Promise<T>, what: string, signal: AbortSignal | undefined): Promise<T> {
    // a call's further requests (a batch's next pages) each take a budget point (kit/request-meter.ts)
    await beforeRequest(signal);
    this.#qbo.token = token;
    try {
      return await withRequestSignal({ signal, timeoutMs: this.config.timeoutMs }, call);
    } catch (e) {
      // node-quickbooks dereferences the body before checking it: a body that is not JSON surfaces as a TypeError.
      if (e instanceof TypeError && !(e as { isAxiosError?: unknown }).isAxiosError) {
        throw new ResponseShapeError(what, ['body is not the documented JSON'], e);
      }
      throw e;
    }
  }

  async #validToken(): Promise<string> {
    const current = this.#currentRefreshToken ? this.#currentRefreshToken() : this.#refreshToken || null;
    if (!current) {
      this.#accessToken = null;
      throw notConnected('quickbooks');
    }
    if (current !== this.#refreshToken) {
      this.#refreshToken = current;
      this.#qbo.refreshToken = current;
      this.#accessToken = null;
    }
    if (this.#accessToken && this.#accessExpiresAt - EXPIRY_SKEW_MS > this.#now()) return this.#accessToken;
    return this.#refresh(this.#accessToken);
  }

  /** Refreshes unless another call already replaced `stale`; concurrent callers share one refresh. */
  #refresh(stale: string | null): Promise<string> {
    if (this.#accessToken && this.#accessToken !== stale && this.#accessExpiresAt - EXPIRY_SKEW_MS > this.#now()) {
      return Promise.resolve(this.#accessToken);
    }
    const coordinated = this.#refreshOnce;
    const run = coordinated
      ? () =>
          coordinated(stale, (rt) => this.#doRefresh(rt ?? undefined, false), this.#now()).then((t) => {
            this.#refreshToken = t.refreshToken;
            this.#qbo.refreshToken = t.refreshToken;
            this.#accessToken = t.accessToken;
            this.#accessExpiresAt = t.accessTokenExpiresAt;
            return t.accessToken;
          })
      : () => this.#doRefresh().then((t) => t.accessToken);
    this.#refreshing ??= run().then(
      (t) => (tokenRefreshes.inc({ source: 'quickbooks', outcome: 'ok' }), t),
      (e: unknown) => {
        tokenRefreshes.inc({ source: 'quickbooks', outcome: 'failed' });
        throw e;
      },
    ).finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  async #doRefresh(from?: string, notify = true): Promise<QuickbooksTokens> {
    if (from) this.#refreshToken = from;
    // A process-wide static, read synchronously when the refresh request is built.
    QuickBooks.TOKEN_URL = this.config.tokenUrl;
    this.#qbo.refreshToken = this.#refreshToken;
    // Shared by every caller waiting for it, so no one caller's signal may cancel it: its own timeout bounds it.
    const body = await withRequestSignal({ timeoutMs: this.config.timeoutMs }, () => promisify(this.#qbo.refreshAccessToken.bind(this.#qbo))());
    const grant = unpackToken(body);
    const now = this.#now();
    // The refresh token just used is dead from here on: keep the new one whatever happens next.
    this.#refreshToken = grant.refreshToken;
    this.#qbo.refreshToken = grant.refreshToken;
    this.refreshes++;
    const tokens: QuickbooksTokens = {
      accessToken: grant.accessToken,
      refreshToken: grant.refreshToken,
      accessTokenExpiresAt: now + grant.expiresInSeconds * 1000,
      refreshTokenExpiresAt: grant.refreshExpiresInSeconds === null ? null : now + grant.refreshExpiresInSeconds * 1000,
    };
    try {
      if (notify) await this.#onTokens?.(tokens);
    } catch (e) {
      logger.error({ source: 'quickbooks', err: e instanceof Error ? e.name : 'unknown' }, 'could not persist the rotated QuickBooks refresh token');
      throw new SourceError('quickbooks', 'INTERNAL', 'Could not store the new QuickBooks refresh token', { cause: e });
    }
    this.#accessToken = grant.accessToken;
    this.#accessExpiresAt = tokens.accessTokenExpiresAt;
    return tokens;
  }
}

export function createQuickbooksClient(config: QuickbooksConfig, opts: QuickbooksClientOptions = {}): QuickbooksClient {
  return new QuickbooksClient(config, opts);
}
