import { accountIndexFeed } from './feed.js';
import { salesforceConnect } from './connect.js';
import { tokenFrom } from '../kit/connected-token.js';
import { salesforceSchema } from './schema.js';
import type { CachePolicy } from '../kit/cache.js';
import { salesforceWebhook } from './webhook.js';
import type { SourceModule } from '../kit/contract.js';
import { SANDBOX_CREDENTIALS, SANDBOX_WEBHOOKS, sandboxBase } from '../sandbox/constants.js';
import { SalesforceClient } from './client.server.js';
import { salesforceConfigSchema, type SalesforceConfig } from './config.js';
import { mapSalesforceError } from './errors.js';
import { createLoaders } from './loaders.js';
import { normalizeIdOf } from './ids.js';
import { checkSalesforceAccess } from './access.js';
import { checkSalesforceFields } from './fields.js';
import { SALESFORCE_READS, SALESFORCE_TRANSFORMS } from './mapping.js';

/** Salesforce record ids: 15 case-sensitive or 18 case-safe characters. */
const ACCOUNT_ID_SHAPE = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

const SEC = 1000;
const MIN = 60 * SEC;

export const salesforceCachePolicies = {
  default: { ttlMs: 60 * SEC, swrMs: 5 * MIN, maxStaleMs: 60 * MIN },
  /** A customer's account, contacts and deals: what a rep looks at; changes a few times a day. */
  customer: { ttlMs: 60 * SEC, swrMs: 5 * MIN, maxStaleMs: 60 * MIN },
  /** Typed searches repeat within seconds (as-you-type, back button), rarely for long. */
  search: { ttlMs: 30 * SEC, swrMs: 2 * MIN, maxStaleMs: 15 * MIN },
  /** An account manager's book of accounts. */
  accountsByOwner: { ttlMs: 2 * MIN, swrMs: 10 * MIN, maxStaleMs: 2 * 60 * MIN },
  /** All accounts for identity matching: a few requests per 2,000 accounts, so kept longer. */
  accountIndex: { ttlMs: 10 * MIN, swrMs: 30 * MIN, maxStaleMs: 24 * 60 * MIN },
  /** A single-currency org's currency (Organization.DefaultCurrencyIsoCode): next to never changed. */
  orgCurrency: { ttlMs: 6 * 60 * MIN, swrMs: 24 * 60 * MIN, maxStaleMs: 7 * 24 * 60 * MIN },
} satisfies Record<string, CachePolicy> & { default: CachePolicy };

const LIGHTNING_OBJECTS: Record<string, string> = {
  account: 'Account',
  customer: 'Account',
  contact: 'Contact',
  opportunity: 'Opportunity',
  deal: 'Opportunity',
};

/** The record's page in Lightning Experience; an unknown entity falls back to the id URL, which redirects. */
export function salesforceDeepLink(config: SalesforceConfig, entity: string, id: string): string {
  const object = LIGHTNING_OBJECTS[entity.toLowerCase()];
  const safeId = encodeURIComponent(id);
  return object ? `${config.instanceUrl}/lightning/r/${object}/${safeId}/view` : `${config.instanceUrl}/${safeId}`;
}

export const salesforceSource: SourceModule<'crm', SalesforceConfig, SalesforceClient> = {
  id: 'salesforce',
  displayName: 'Salesforce',
  category: 'crm',
  schema: salesforceSchema,
  entities: { account: 'Account', contact: 'Contact', deal: 'Opportunity' },
  // Accounting customers are found by name and e-mail domain, support organizations by name and domains.
  links: { heuristics: ['NAME', 'DOMAIN'], manyPerCustomer: false },
  // The shape only: the loaders put an id in its canonical 18-character form (ids.ts) and refuse a bad checksum.
  accountIds: {
    recognise: (raw) => ACCOUNT_ID_SHAPE.test(raw),
    form: 'a 15- or 18-character Salesforce Account Id',
    name: 'Salesforce Account Id',
    // 15 and 18 characters are one id: other systems hold either (and Zendesk compares external ids in lower case)
    canonical: (raw) => normalizeIdOf('Account', raw.trim()),
  },
  statusPage: 'status.salesforce.com',
  // Salesforce has no per-minute limit: the org's allowance is per rolling 24 hours (watched from Sforce-Limit-Info).
  // REQUEST_LIMIT_EXCEEDED (403) says no wait, so Panorama asks again after 15 minutes.
  limits: { perMinute: null, waitSeconds: 900 },
  configSchema: salesforceConfigSchema,
  // Only the SALESFORCE_* entries; realm and workspace belong to other sources.
  sandbox: () => import('./sandbox/part.js').then((p) => p.sandboxPart),
  sandboxEnv: (baseUrl) => ({
    SALESFORCE_INSTANCE_URL: `${sandboxBase(baseUrl)}/salesforce`,
    SALESFORCE_LOGIN_URL: `${sandboxBase(baseUrl)}/salesforce`,
    SALESFORCE_CLIENT_ID: SANDBOX_CREDENTIALS.salesforce.clientId,
    SALESFORCE_CLIENT_SECRET: SANDBOX_CREDENTIALS.salesforce.clientSecret,
    SALESFORCE_REFRESH_TOKEN: SANDBOX_CREDENTIALS.salesforce.refreshToken,
    // the sandbox signs its notifications with these (POST /__sandbox/webhooks/salesforce)
    SALESFORCE_WEBHOOK_TOKEN: SANDBOX_WEBHOOKS.salesforce.token,
    SALESFORCE_WEBHOOK_ORGANIZATION_ID: SANDBOX_WEBHOOKS.salesforce.organizationId,
  }),
  timeoutMs: 8000,
  timeoutOf: (config) => config.timeoutMs,
  cachePolicies: salesforceCachePolicies,
  mapError: mapSalesforceError,
  // the environment's refresh token wins; else the connection an admin made on /admin/connections
  createClient: (config, deps) =>
    new SalesforceClient(config, tokenFrom('salesforce', config.refreshToken, deps.tokens), () => {
      // the connections page shows when a connection's token was last used to refresh
      if (!config.refreshToken) void deps.tokens.refreshed?.('salesforce').catch(() => undefined);
    }),
  createLoaders,
  deepLink: salesforceDeepLink,
  checkFields: checkSalesforceFields,
  checkAccess: checkSalesforceAccess,
  indexFeed: accountIndexFeed,
  fieldMapping: (client) => {
    const fields = client.fields.report();
    const version = client.version.report();
    return { ...fields, checkError: fields.checkError ?? version.checkError, fields: [...fields.fields, ...version.fields] };
  },
  apiUsage: (client) => client.apiUsage,
  webhook: salesforceWebhook,
  connect: salesforceConnect,
  register: {
    owner: 'Panorama platform team',
    trigger: 'on demand when a user opens a customer, list or search; cached per the policies. The account index: read whole at start-up and daily, kept current in between by a SystemModstamp query through QueryAll each round of index upkeep',
    reads: SALESFORCE_READS,
    transforms: SALESFORCE_TRANSFORMS,
    credentials: [
      'SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET: a connected app (or external client app) for Panorama',
      "SALESFORCE_REFRESH_TOKEN: issued to a dedicated integration user; access tokens are refreshed from it and kept in memory only",
      'SALESFORCE_INSTANCE_URL (My Domain) and SALESFORCE_LOGIN_URL (token endpoint host)',
    ],
    scopes: [
      'OAuth scopes: api, refresh_token (offline access)',
      'Integration user: API Enabled; Read on Account, Contact, Opportunity and User; no create/edit/delete, no View All Data or Modify All Data',
      'Checked at start-up and on "Check now" (credential scope check): describe says whether the user may read, create, edit or delete Account, Contact and Opportunity; anything beyond read is flagged on the admin page',
    ],
    failure: [
      'Every call has a timeout (SALESFORCE_TIMEOUT_MS, default 8 s) and passes a circuit breaker; failures become the shared codes (TIMEOUT, UNAVAILABLE, RATE_LIMITED, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, BAD_REQUEST, INVALID_RESPONSE)',
      'Expired session: one token refresh per call, then the call is retried once; a refused refresh is UNAUTHENTICATED (an admin must reconnect)',
      'jsforce\'s own GET retries are off; Panorama\'s extra attempts (SALESFORCE_HTTP_RETRIES, default 0) each take a budget point before they are sent: 5xx, dropped connections and timeouts are retried by the kit as for every source (PANORAMA_RETRY_ATTEMPTS, default 2); 403 REQUEST_LIMIT_EXCEEDED is never retried: nothing is sent to Salesforce for 15 min (it sends no Retry-After) and reads are served from the cache',
      "The org's daily API allowance is read from every answer (Sforce-Limit-Info: api-usage=N/M): the account index upkeep stops at 70 % of it and every read at 80 % (PANORAMA_BUDGET_SALESFORCE_DAILY_PERCENT, default 80); then nothing is sent for 15 min before one call reads the usage again, and reads are served from the cache, labelled",
      'Answers are validated; a missing or renamed field is INVALID_RESPONSE, never shown as blanks',
      'When Salesforce fails, cached data up to the policy\'s stale limit is shown and marked stale; other sections still load',
      'The account index (id, name, website, QuickBooks id: one query per 2,000 accounts) is loaded at start-up and kept warm in the background (TTL 10 min, stale-while-revalidate 30 min): it lets the accounting and heuristic links start beside the CRM read instead of after it',
      "The account index is then kept current by change: when due (its TTL), one QueryAll of the accounts whose SystemModstamp is past the last round's start less 5 min, deleted ones included (IsDeleted, kept 15 days in the recycle bin) — changed accounts replace theirs, deleted ones leave the index; it is read whole again every PANORAMA_INDEX_FULL_READ_HOURS (default 24), and at once when the cursor nears the recycle bin's 15 days, when 2,000 accounts changed in one round, or when the org refuses the query (a mapped field gone); a round that fails leaves the index as it was",
    ],
    endpoints: [
      'POST {SALESFORCE_LOGIN_URL}/services/oauth2/token (grant_type=refresh_token)',
      'GET {SALESFORCE_INSTANCE_URL}/services/data/v{version}/query?q={SOQL} (Account with Contacts and Opportunities subqueries; account search; accounts by owner; account index)',
      "GET {SALESFORCE_INSTANCE_URL}/services/data/v{version}/queryAll?q=SELECT Id, Name, Website, …, IsDeleted, SystemModstamp FROM Account WHERE SystemModstamp > {UTC date-time} ORDER BY SystemModstamp LIMIT 2000 (the account index's changes, deleted accounts included)",
      'GET {SALESFORCE_INSTANCE_URL}/services/data/ (at start-up and on an admin check: whether the org offers the configured API version)',
      'GET {SALESFORCE_INSTANCE_URL}/services/data/v{version}/sobjects/{Account|Contact|Opportunity}/describe (at start-up and on an admin check: which mapped custom fields exist, and their types; whether Opportunity has CurrencyIsoCode, i.e. the org is multi-currency)',
      "GET {SALESFORCE_INSTANCE_URL}/services/oauth2/userinfo (at start-up and on an admin check: the integration user the credential scope check names)",
      "GET {SALESFORCE_INSTANCE_URL}/services/data/v{version}/query?q=SELECT DefaultCurrencyIsoCode FROM Organization (a single-currency org's currency: once, then every 6 h at most)",
      'GET {SALESFORCE_INSTANCE_URL}/services/data/v{version}/query/{locator} (next batch of a query, or of an account\'s Contacts or Opportunities past the 200 Salesforce sends inline)',
    ],
  },
};

declare module '../kit/errors.js' {
  interface SourceIds {
    salesforce: true;
  }
}
