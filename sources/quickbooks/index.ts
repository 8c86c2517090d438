import { checkQuickbooksAccess } from './access.js';
import { quickbooksConnect } from './connect.js';
import { quickbooksSchema } from './schema.js';
import { quickbooksWebhook } from './webhook.js';
import type { SourceModule } from '../kit/contract.js';
import { SANDBOX_CREDENTIALS, SANDBOX_WEBHOOKS, sandboxBase } from '../sandbox/constants.js';
import { QuickbooksClient } from './client.server.js';
import { DEFAULT_TIMEOUT_MS, quickbooksConfigSchema, type QuickbooksConfig } from './config.js';
import { mapQuickbooksError } from './errors.js';
import { createLoaders } from './loaders.js';
import { customerIndexFeed } from './feed.js';
import { QBO_SANDBOX_REALM_ID } from './sandbox/realm.js';
import { isCoordinated, type CoordinatedTokenStore } from '../kit/token-store.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** QuickBooks Online's web app; the same host serves sandbox companies' links in Panorama. */
const APP_ORIGIN = 'https://app.qbo.intuit.com';

export function quickbooksDeepLink(entity: string, id: string): string {
  const key = encodeURIComponent(id);
  switch (entity.toLowerCase()) {
    case 'customer':
      return `${APP_ORIGIN}/app/customerdetail?nameId=${key}`;
    case 'invoice':
      return `${APP_ORIGIN}/app/invoice?txnId=${key}`;
    case 'payment':
      return `${APP_ORIGIN}/app/recvpayment?txnId=${key}`;
    default:
      throw new Error(`QuickBooks has no deep link for "${entity}"`);
  }
}

/** QuickBooks Online: the accounting source (customers, invoices, payments). */
export const quickbooksSource: SourceModule<'accounting', QuickbooksConfig, QuickbooksClient> = {
  id: 'quickbooks',
  displayName: 'QuickBooks Online',
  shortName: 'QuickBooks',
  category: 'accounting',
  schema: quickbooksSchema,
  entities: { customer: 'Customer', invoice: 'Invoice', payment: 'Payment' },
  links: { heuristics: ['NAME', 'DOMAIN'], manyPerCustomer: false },
  statusPage: 'status.developer.intuit.com',
  // Intuit: 500 requests a minute per company (realm), and a 429 ThrottleExceeded carries no Retry-After
  // (developer.intuit.com, "API call limits and throttles", read 2026-12-02): a minute away.
  limits: { perMinute: 500, waitSeconds: 60 },
  configSchema: quickbooksConfigSchema,
  sandbox: () => import('./sandbox/part.js').then((p) => p.sandboxPart),
  sandboxEnv: (baseUrl) => ({
    QUICKBOOKS_BASE_URL: `${sandboxBase(baseUrl)}/quickbooks`,
    QUICKBOOKS_TOKEN_URL: `${sandboxBase(baseUrl)}/quickbooks/oauth2/v1/tokens/bearer`,
    QUICKBOOKS_AUTHORIZE_URL: `${sandboxBase(baseUrl)}/quickbooks/connect/oauth2`,
    QUICKBOOKS_CLIENT_ID: SANDBOX_CREDENTIALS.quickbooks.clientId,
    QUICKBOOKS_CLIENT_SECRET: SANDBOX_CREDENTIALS.quickbooks.clientSecret,
    QUICKBOOKS_REFRESH_TOKEN: SANDBOX_CREDENTIALS.quickbooks.refreshToken,
    QUICKBOOKS_REALM_ID: QBO_SANDBOX_REALM_ID,
    QUICKBOOKS_WEBHOOK_VERIFIER_TOKEN: SANDBOX_WEBHOOKS.quickbooks.verifierToken,
  }),
  timeoutMs: DEFAULT_TIMEOUT_MS,
  // node-quickbooks takes no timeout of its own: the kit's, from QUICKBOOKS_TIMEOUT_MS, abandons the call
  timeoutOf: (config) => config.timeoutMs,
  cachePolicies: {
    default: { ttlMs: 60 * SECOND, swrMs: 5 * MINUTE, maxStaleMs: HOUR },
    customer: { ttlMs: 60 * SECOND, swrMs: 5 * MINUTE, maxStaleMs: HOUR },
    search: { ttlMs: 30 * SECOND, swrMs: MINUTE, maxStaleMs: 10 * MINUTE },
    invoiceNumber: { ttlMs: 30 * SECOND, swrMs: MINUTE, maxStaleMs: 10 * MINUTE },
    customerIndex: { ttlMs: 10 * MINUTE, swrMs: 30 * MINUTE, maxStaleMs: 6 * HOUR },
    overdueInvoices: { ttlMs: 5 * MINUTE, swrMs: 10 * MINUTE, maxStaleMs: HOUR },
    // the company's home currency: set when the company is created, next to never changed
    preferences: { ttlMs: 6 * HOUR, swrMs: 24 * HOUR, maxStaleMs: 7 * 24 * HOUR },
  },
  mapError: mapQuickbooksError,
  // The second argument lets the runtime wire `onTokens` to a store: the refresh token rotates on every refresh.
  createClient: (config: QuickbooksConfig, deps) =>
    new QuickbooksClient(config, {
      // QuickBooks rotates the refresh token on every refresh: keep the newest, and start from it after a restart.
      refreshToken: deps.tokens.load('quickbooks') ?? undefined,
      // a token rotated or connected since (the own store is read after the client is built) is used from then on
      currentRefreshToken: () => deps.tokens.load('quickbooks') ?? config.refreshToken,
      onTokens: (t) => deps.tokens.save('quickbooks', t.refreshToken),
      // several instances on one Redis: one refreshes, the others use its token (ADR 027)
      ...(isCoordinated(deps.tokens) ? { refreshOnce: (stale, refresh, now) => (deps.tokens as CoordinatedTokenStore).refreshOnce('quickbooks', stale, refresh, now) } : {}),
    }),
  createLoaders,
  deepLink: (_config, entity, id) => quickbooksDeepLink(entity, id),
  webhook: quickbooksWebhook,
  connect: quickbooksConnect,
  checkAccess: checkQuickbooksAccess,
  indexFeed: customerIndexFeed,
  register: {
    owner: 'Panorama platform team',
    trigger: 'on demand when a user opens a customer, list or search; cached per the policies. The customer index: read whole at start-up and daily, kept current in between by Change Data Capture each round of index upkeep',
    reads: [
      'Customer: id, display, company and fully qualified name, primary e-mail and phone, billing address, open balance and balance with jobs, currency, active, and for a sub-customer (job) its parent (ParentRef, Job, Level)',
      'Invoice: id, number, date, due date, total, open balance, currency, e-mail/print status, customer memo, customer',
      'Payment: id, date, amount, currency, customer, and the invoices it was applied to',
      'Preferences: the company\'s home currency and whether multicurrency is on (CurrencyPrefs), once, cached 6 h',
    ],
    transforms: [
      'invoice status (DRAFT / SENT / PARTIALLY_PAID / PAID / OVERDUE) and days overdue, computed against today',
      'payments linked to the invoices they settle',
      'billing address lines joined into one street line',
      'every amount in its own currency (CurrencyRef); a record naming none is in its customer\'s, and a customer naming none in the company\'s home currency (Preferences); while Preferences cannot be read, QUICKBOOKS_HOME_CURRENCY (default USD) stands in and a warning is logged',
      'a customer\'s sub-customers (jobs) found in the customer index; their invoices and payments shown under the top-level customer, each with the job\'s name',
    ],
    credentials: [
      'QUICKBOOKS_CLIENT_ID / QUICKBOOKS_CLIENT_SECRET (the Intuit app)',
      'QUICKBOOKS_REFRESH_TOKEN (rotates on every refresh: the newest is handed to onTokens and must be persisted)',
      'QUICKBOOKS_REALM_ID (the company)',
    ],
    scopes: [
      'com.intuit.quickbooks.accounting (Intuit has no read-only accounting scope; Panorama only reads)',
      'Checked at start-up and on "Check now" (credential scope check): a read of the company\'s Preferences shows the grant holds the accounting scope, which the admin page shows as read and write, the vendor\'s floor',
    ],
    failure: [
      'per call: a timeout of QUICKBOOKS_TIMEOUT_MS (default 8 s) a try, circuit breaker after 5 consecutive failed calls; 5xx, dropped connections and timeouts are retried as for every source (PANORAMA_RETRY_ATTEMPTS, default 2, all within PANORAMA_RETRY_DEADLINE_MS)',
      'expired access token: one shared refresh, then the call is retried once; a refused refresh → UNAUTHENTICATED (reconnect)',
      'throttled (HTTP 429 / fault 3001, 500 requests per minute per company) → RATE_LIMITED, never retried: nothing is sent to QuickBooks for 60 s (its 429 carries no Retry-After) and reads are served from the cache',
      'on failure the last cached answer is served, marked stale, up to the entity\'s max-stale age',
      'the customer index (1000 customers a page, for heuristic links) is read whole at start-up, then kept current by Change Data Capture: each round of index upkeep (every 5 min) asks GET /cdc?entities=Customer&changedSince=<the last round\'s start, less 5 min> — one request — and applies the changed customers and drops the deleted ones (status "Deleted") in the cached index; it is read whole again every PANORAMA_INDEX_FULL_READ_HOURS (default 24), and at once when the cursor is older than CDC\'s 30 days, when QuickBooks refuses it (ValidationFault) or when an answer holds 1000 objects (it may have left changes out)',
      'when the changes cannot be read (QuickBooks down, throttled, the budget kept for people) the index stays as it was, marked stale once past its TTL (10 min), never emptied; the next round tries again from the same cursor',
    ],
    endpoints: [
      'POST {QUICKBOOKS_TOKEN_URL} (grant_type=refresh_token)',
      'POST /v3/company/{realm}/batch (customers and their jobs with their invoices and payments: one request per 100 customers)',
      'GET /v3/company/{realm}/query (search by display name; customer index and overdue invoices, 1000 rows per page)',
      'GET /v3/company/{realm}/preferences (the home currency: once, then every 6 h at most)',
      'GET /v3/company/{realm}/cdc?entities=Customer&changedSince={UTC date-time} (the customer index\'s changes, Change Data Capture)',
    ],
  },
};

declare module '../kit/errors.js' {
  interface SourceIds {
    quickbooks: true;
  }
}
