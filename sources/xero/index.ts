import { checkXeroAccess } from './access.js';
import type { SourceModule } from '../kit/contract.js';
import { isCoordinated, type CoordinatedTokenStore } from '../kit/token-store.js';
import { systemClock } from '../kit/clock.js';
import { SANDBOX_CREDENTIALS, sandboxBase } from '../sandbox/constants.js';
import { XeroClient } from './client.server.js';
import { xeroConnect } from './connect.js';
import { contactIndexFeed } from './feed.js';
import { XERO_SANDBOX_WEBHOOK_KEY } from './sandbox/webhook-key.js';
import { xeroWebhook } from './webhook.js';
import { DEFAULT_TIMEOUT_MS, xeroConfigSchema, type XeroConfig } from './config.js';
import { mapXeroError } from './errors.js';
import { createLoaders, type XeroSource } from './loaders.js';
import { xeroSchema } from './schema.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Xero's web app. */
const APP_ORIGIN = 'https://go.xero.com';

/**
 * Link to a record in Xero's web app, as Xero's deep-link guide (developer.xero.com, "Deep link to Xero") builds
 * them: through `organisationlogin` with the organisation's ShortCode when it is set, so the link opens that
 * organisation; payments open as bank transactions, as Xero's own tools link them.
 */
export function xeroDeepLink(shortCode: string | null, entity: string, id: string): string {
  const key = encodeURIComponent(id);
  let path: string;
  switch (entity.toLowerCase()) {
    // the accounting slice links a customer as `Customer`; Xero calls it a contact
    case 'customer':
    case 'contact':
      path = `/Contacts/View/${key}`;
      break;
    case 'invoice':
      path = `/AccountsReceivable/View.aspx?InvoiceID=${key}`;
      break;
    case 'payment':
      path = `/Bank/ViewTransaction.aspx?bankTransactionID=${key}`;
      break;
    default:
      throw new Error(`Xero has no deep link for "${entity}"`);
  }
  return shortCode ? `${APP_ORIGIN}/organisationlogin/default.aspx?shortcode=${encodeURIComponent(shortCode)}&redirecturl=${path}` : `${APP_ORIGIN}${path}`;
}

/** Xero: the accounting source (contacts, sales invoices, payments) when PANORAMA_ACCOUNTING=xero. */
export const xeroSource: SourceModule<'accounting', XeroConfig, XeroSource> = {
  id: 'xero',
  displayName: 'Xero',
  category: 'accounting',
  schema: xeroSchema,
  entities: { customer: 'Contact', invoice: 'Invoice', payment: 'Payment' },
  // Found by the contact's name and its e-mail's domain; an exact link is the CRM's accounting id holding the ContactID.
  links: { heuristics: ['NAME', 'DOMAIN'], manyPerCustomer: false },
  statusPage: 'status.xero.com',
  // Xero: 60 calls a minute and 5,000 a day per organisation, 10,000 a minute per app (developer.xero.com, "OAuth 2.0
  // API limits", read 2026-12-02; the daily one is watched from X-DayLimit-Remaining). Its 429 sends Retry-After.
  limits: { perMinute: 60, waitSeconds: 60 },
  configSchema: xeroConfigSchema,
  sandbox: () => import('./sandbox/part.js').then((p) => p.sandboxPart),
  sandboxEnv: (baseUrl) => ({
    XERO_API_URL: `${sandboxBase(baseUrl)}/xero/api.xro/2.0`,
    XERO_CONNECTIONS_URL: `${sandboxBase(baseUrl)}/xero/connections`,
    XERO_TOKEN_URL: `${sandboxBase(baseUrl)}/xero/identity/connect/token`,
    XERO_AUTHORIZE_URL: `${sandboxBase(baseUrl)}/xero/identity/connect/authorize`,
    XERO_CLIENT_ID: SANDBOX_CREDENTIALS.xero.clientId,
    XERO_CLIENT_SECRET: SANDBOX_CREDENTIALS.xero.clientSecret,
    XERO_REFRESH_TOKEN: SANDBOX_CREDENTIALS.xero.refreshToken,
    // the sandbox signs its deliveries with it (POST /__sandbox/webhooks/xero)
    XERO_WEBHOOK_KEY: XERO_SANDBOX_WEBHOOK_KEY,
  }),
  timeoutMs: DEFAULT_TIMEOUT_MS,
  // the client's fetch takes the kit's signal: the kit's timeout, from XERO_TIMEOUT_MS, abandons the call
  timeoutOf: (config) => config.timeoutMs,
  cachePolicies: {
    default: { ttlMs: 60 * SECOND, swrMs: 5 * MINUTE, maxStaleMs: HOUR },
    customer: { ttlMs: 60 * SECOND, swrMs: 5 * MINUTE, maxStaleMs: HOUR },
    search: { ttlMs: 30 * SECOND, swrMs: MINUTE, maxStaleMs: 10 * MINUTE },
    invoiceNumber: { ttlMs: 30 * SECOND, swrMs: MINUTE, maxStaleMs: 10 * MINUTE },
    customerIndex: { ttlMs: 10 * MINUTE, swrMs: 30 * MINUTE, maxStaleMs: 6 * HOUR },
    overdueInvoices: { ttlMs: 5 * MINUTE, swrMs: 10 * MINUTE, maxStaleMs: HOUR },
  },
  mapError: mapXeroError,
  checkAccess: checkXeroAccess,
  connect: xeroConnect,
  indexFeed: contactIndexFeed,
  webhook: xeroWebhook,
  createClient: (config, deps) => ({
    baseCurrency: config.baseCurrency,
    api: new XeroClient({
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      // Xero rotates the refresh token on every refresh: keep the newest, and start from it after a restart.
      refreshToken: deps.tokens.load('xero') ?? config.refreshToken ?? '',
      // a token rotated or connected since (the own store is read after the client is built) is used from then on
      currentRefreshToken: () => deps.tokens.load('xero') ?? config.refreshToken,
      ...(config.tenantId ? { tenantId: config.tenantId } : {}),
      endpoints: config.endpoints,
      now: () => systemClock.now(),
      onTokens: (t) => deps.tokens.save('xero', t.refreshToken),
      // several instances on one Redis: one refreshes, the others use its token (ADR 027)
      ...(isCoordinated(deps.tokens) ? { refreshOnce: (stale, refresh, now) => (deps.tokens as CoordinatedTokenStore).refreshOnce('xero', stale, refresh, now) } : {}),
    }),
  }),
  createLoaders,
  deepLink: (config, entity, id) => xeroDeepLink(config.shortCode, entity, id),
  // Xero's 5,000 calls a day per organisation, as X-DayLimit-Remaining last said: the kit stops at Panorama's share
  apiUsage: (client) => client.api.apiUsage,
  register: {
    owner: 'Panorama platform team',
    trigger: 'on demand when a user opens a customer, list or search, when PANORAMA_ACCOUNTING=xero; cached per the policies. The contact index: read whole at start-up and daily (PANORAMA_INDEX_FULL_READ_HOURS), kept current in between by If-Modified-Since each round of index upkeep (the changed contacts only)',
    reads: [
      'Contact (customers only, IsCustomer==true): ContactID, name, e-mail, DEFAULT phone, POBOX (else STREET) address, Balances.AccountsReceivable.Outstanding, DefaultCurrency, ContactStatus',
      'Invoice (sales only, Type=="ACCREC"): InvoiceID, number, reference, status, date, due date, total, amount due, currency, sent to contact, and the payments applied to it',
      'Connections: the organisation (tenant) the token may read, when XERO_TENANT_ID is unset',
      'Contacts changed since the last round (If-Modified-Since: the contact index\'s changes; an archived contact stays, inactive)',
    ],
    transforms: [
      'invoice status (DRAFT / SENT / PARTIALLY_PAID / PAID / OVERDUE) and days overdue, computed against today (AUTHORISED = sent; DRAFT and SUBMITTED = draft; VOIDED and DELETED dropped)',
      'Xero dates (/Date(ms+0000)/ and ISO without a zone, UTC) read as UTC days',
      'payments taken from the invoices they were applied to; each in its invoice\'s currency',
      'address lines joined into one street line; every amount in its own currency (CurrencyCode), a contact naming none in XERO_BASE_CURRENCY',
    ],
    credentials: [
      'XERO_CLIENT_ID / XERO_CLIENT_SECRET (the Xero app, sent as Basic auth to the token endpoint)',
      'XERO_REFRESH_TOKEN, or "Connect Xero" on /admin/connections (authorization code with PKCE, asking for XERO_SCOPES): it rotates on every refresh, and the newest is handed to the token store before it is used',
      'XERO_TENANT_ID (optional: the organisation; unset, the only ORGANISATION of GET /connections)',
    ],
    scopes: [
      'accounting.contacts.read, accounting.transactions.read (or, for apps created since March 2026, accounting.invoices.read and accounting.payments.read), offline_access',
      'Checked at start-up and on "Check now" (credential scope check): the granted scopes from the token answer; a write scope or a scope for other data is flagged as more than needed, a missing read scope as less',
    ],
    failure: [
      'per call: a timeout of XERO_TIMEOUT_MS (default 8 s) a try, circuit breaker after 5 consecutive failed calls; 5xx, dropped connections and timeouts are retried as for every source (PANORAMA_RETRY_ATTEMPTS, default 2, all within PANORAMA_RETRY_DEADLINE_MS)',
      'expired access token (30 min): one shared refresh, then the call is retried once; a refused refresh → UNAUTHENTICATED (reconnect)',
      'throttled (HTTP 429; 60 calls a minute and 5,000 a day per organisation) → RATE_LIMITED, never retried; Panorama honours Retry-After: nothing is sent to Xero until it has passed (60 s when the answer names no wait), and reads are served from the cache',
      'Panorama\'s own budget: PANORAMA_BUDGET_XERO_PER_MINUTE (default 48, 80 % of 60); the daily allowance from X-DayLimit-Remaining, of which Panorama uses PANORAMA_BUDGET_SALESFORCE_DAILY_PERCENT (default 80 %)',
      'on failure the last cached answer is served, marked stale, up to the entity\'s max-stale age; an outage of Xero fails only the billing section',
    ],
    endpoints: [
      'POST {XERO_TOKEN_URL} (grant_type=refresh_token)',
      'GET {XERO_CONNECTIONS_URL} (the tenant, once, when XERO_TENANT_ID is unset)',
      'GET /api.xro/2.0/Contacts?IDs=…&page=n (a batch of customers) and ?where=IsCustomer==true&page=n (the index, search by Name.Contains)',
      'GET /api.xro/2.0/Invoices?ContactIDs=…&where=Type=="ACCREC"&page=n (their invoices with payments); ?where=Type=="ACCREC" AND Status=="AUTHORISED" AND DueDate<DateTime(y,m,d) (overdue); ?InvoiceNumbers=… (search by number)',
    ],
  },
};

declare module '../kit/errors.js' {
  interface SourceIds {
    xero: true;
  }
}
