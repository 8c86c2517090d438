import { zendeskConnect } from './connect.js';
import { zendeskSchema } from './schema.js';
import { zendeskWebhook } from './webhook.js';
import type { SourceModule } from '../kit/contract.js';
import { SANDBOX_CREDENTIALS, SANDBOX_WEBHOOKS, sandboxBase } from '../sandbox/constants.js';
import { ZendeskClient } from './client.server.js';
import { zendeskConfigSchema, type ZendeskConfig } from './config.js';
import { mapZendeskError } from './errors.js';
import { checkZendeskAccess } from './access.js';
import { checkZendeskFields } from './fields.js';
import { createLoaders } from './loaders.js';
import { organizationIndexFeed } from './feed.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

export const ZENDESK_TIMEOUT_MS = 8000;

/** The record's page in Zendesk's agent workspace, on the account's own URL. */
export function zendeskDeepLink(config: ZendeskConfig, entity: string, id: string): string {
  const safe = encodeURIComponent(id);
  switch (entity.toLowerCase()) {
    case 'ticket':
      return `${config.baseUrl}/agent/tickets/${safe}`;
    case 'user':
      return `${config.baseUrl}/agent/users/${safe}`;
    default:
      // organizations are what this module links customers to, so they are also the fallback
      return `${config.baseUrl}/agent/organizations/${safe}`;
  }
}

export const zendeskSource: SourceModule<'support', ZendeskConfig, ZendeskClient> = {
  id: 'zendesk',
  displayName: 'Zendesk',
  category: 'support',
  schema: zendeskSchema,
  entities: { organization: 'Organization', ticket: 'Ticket' },
  links: { heuristics: ['NAME', 'DOMAIN'], manyPerCustomer: false },
  statusPage: 'status.zendesk.com',
  // Zendesk Support: 200 a minute on Team, up to 2,500 on Enterprise Plus with High Volume (developer.zendesk.com,
  // "Rate limits", read 2026-12-02): the lowest plan is assumed. Its 429 sends Retry-After.
  limits: { perMinute: 200, waitSeconds: 60 },
  configSchema: zendeskConfigSchema,
  sandbox: () => import('./sandbox/part.js').then((p) => p.sandboxPart),
  sandboxEnv: (baseUrl) => ({
    ZENDESK_BASE_URL: `${sandboxBase(baseUrl)}/zendesk`,
    ZENDESK_EMAIL: SANDBOX_CREDENTIALS.zendesk.email,
    ZENDESK_API_TOKEN: SANDBOX_CREDENTIALS.zendesk.apiToken,
    ZENDESK_WEBHOOK_SIGNING_SECRET: SANDBOX_WEBHOOKS.zendesk.signingSecret,
  }),
  timeoutMs: ZENDESK_TIMEOUT_MS,
  timeoutOf: (config) => config.timeoutMs,
  cachePolicies: {
    default: { ttlMs: 60 * SECOND, swrMs: 5 * MINUTE, maxStaleMs: HOUR },
    // A customer's organization and tickets: what a rep opens; fresh for a minute, stale-while-revalidate 5 min.
    customer: { ttlMs: 60 * SECOND, swrMs: 5 * MINUTE, maxStaleMs: HOUR },
    // Type-ahead results: short-lived, they only need to survive a few keystrokes and a page change.
    organizationSearch: { ttlMs: 30 * SECOND, swrMs: 2 * MINUTE, maxStaleMs: 15 * MINUTE },
    // Every organization (for heuristic linking / review): costly to page, slow to change.
    organizationIndex: { ttlMs: 5 * MINUTE, swrMs: 15 * MINUTE, maxStaleMs: 6 * HOUR },
    // Urgent open tickets feed the hand-off flags: kept fresh, since a new urgent ticket is what they are for.
    urgentTickets: { ttlMs: 60 * SECOND, swrMs: 2 * MINUTE, maxStaleMs: 30 * MINUTE },
  },
  mapError: mapZendeskError,
  createClient: (config, deps) => new ZendeskClient(config, () => deps.tokens.load('zendesk')),
  createLoaders,
  deepLink: zendeskDeepLink,
  checkFields: checkZendeskFields,
  checkAccess: checkZendeskAccess,
  fieldMapping: (client) => client.fields.report(),
  webhook: zendeskWebhook,
  connect: zendeskConnect,
  indexFeed: organizationIndexFeed,
  register: {
    owner: 'Panorama platform team',
    trigger: 'on demand when a user opens a customer, list or search; cached per the policies. The organization index: read whole at start-up and daily, kept current in between by the incremental organization export each round of index upkeep',
    reads: [
      'Organizations: id, name, external_id (or the custom organization field ZENDESK_ORGANIZATION_LINK_FIELD names, from organization_fields), domain_names, created_at (by the link field, by search, and the full list for linking)',
      'Organization fields: key, type and active of the custom organization fields (at start-up and on an admin check, only when the link is a custom field)',
      'Tickets of linked organizations: id, subject, status, priority, type, requester, assignee, created/updated times, satisfaction score',
      'Users named on those tickets (requester, assignee): id, name, e-mail',
      'Open urgent tickets across the account, with their organization, for hand-off flags',
    ],
    transforms: [
      'Links an organization to a customer when its link field equals the Salesforce Account Id, compared without case: by default the standard external_id (Zendesk compares external ids case-insensitively); with ZENDESK_ORGANIZATION_LINK_FIELD set to an organization field key (e.g. salesforce_account_id), that text field of organization_fields instead',
      'When the account has no such organization field, or it is not text (text, textarea, regexp), the exact link is off: organizations are linked by name and domain only (probable links), and the admin field mapping says MISSING or WRONG_TYPE',
      'Ticket status, priority and type are upper-cased into Panorama\'s enums; satisfaction is GOOD or BAD when the requester rated, otherwise none (offered/unoffered)',
      'Requester and assignee become people (id, name, e-mail); a deleted user shows as nobody',
      'Tickets are listed newest first; at most the newest 1,000 per organization (Zendesk search reaches 1,000 results)',
    ],
    credentials: [
      'ZENDESK_BASE_URL: the account URL, e.g. https://acme.zendesk.com',
      'ZENDESK_EMAIL + ZENDESK_API_TOKEN: an API token used as e-mail/token (Basic auth), of a dedicated agent',
      'or ZENDESK_OAUTH_TOKEN: an OAuth access token (Bearer), which takes precedence when set',
    ],
    scopes: [
      'A light agent (views every ticket, adds only private comments), or a custom agent role that can view all tickets and organizations; Panorama never writes',
      'Checked at start-up and on "Check now" (credential scope check): GET /api/v2/users/me gives the role and ticket restriction; an admin or full agent is flagged as more than needed, a ticket restriction as less',
      'With OAuth: the read scope only (or tickets:read organizations:read users:read)',
    ],
    failure: [
      'API tokens do not expire: a 401 ("Couldn\'t authenticate you") means the token was deleted or the agent removed — the section says to reconnect Zendesk; there is no refresh to try',
      '429 (APIRateLimitExceeded) honours Retry-After: nothing is sent to Zendesk until it has passed, and reads are served from the cache; 5xx, timeouts and resets are retried (PANORAMA_RETRY_ATTEMPTS, default 2), then mark the section unavailable and serve the last cached value (up to 1 h) marked stale',
      'A body that does not match the documented shape (e.g. external_id missing from an organization) fails with INVALID_RESPONSE and is logged, never cached; an organization_fields answer of another shape leaves the link field unchecked (used as configured) and the admin field mapping shows the error',
      'Search is indexed with a delay of up to a few minutes: a ticket created just now may show after the next refresh',
      'Request cost of one customer view, with the organization index warm: 1 search per 100 tickets (users and organizations sideloaded) — 1 request for a typical customer, and for a batch of up to 100 customers alike (a list); organizations/show_many?external_ids (with a custom link field: a type:organization <key>:"…" search per 40 accounts) only for accounts the index does not know while the index is past its TTL, and for every account on a forced refresh',
      'Without a warm index (or for accounts it does not know): 1 organizations/show_many (or organization search by the custom link field) + 1 search per 100 tickets',
      'The organization index (every organization, 100 a page) is read whole at start-up, then kept current by the incremental organization export: each round of index upkeep (every 5 min, its TTL) asks GET /api/v2/incremental/organizations?start_time=<the last export\'s end_time> — one request while fewer than 1000 organizations changed, following next_page until end_of_stream (at most 5 pages, else a full read) — and applies the changed organizations and drops those with deleted_at in the cached index; an organization renamed, created, deleted or given a CRM account id shows within 5 min. It is read whole again every PANORAMA_INDEX_FULL_READ_HOURS (default 24)',
      'The incremental export has its own rate limit (10 requests a minute, apart from the account\'s): its 429 is waited out by the export alone (its Retry-After), never closing Zendesk to other reads; meanwhile, and whenever the export fails, the index stays as it was, marked stale once past its TTL, never emptied, and the next round reads on from the same start_time',
    ],
    endpoints: [
      'GET /api/v2/organizations/show_many?external_ids=… (link by external_id, the default)',
      'GET /api/v2/search?query=type:organization <key>:"…" <key>:"…" (link by a custom organization field)',
      'GET /api/v2/organization_fields?per_page=100 (at start-up and on an admin check: whether the custom link field exists, as text)',
      'GET /api/v2/users/me (at start-up and on an admin check: the API user\'s role and ticket restriction, for the credential scope check)',
      'GET /api/v2/search?query=type:ticket organization:… &sort_by=created_at&sort_order=desc&include=tickets(users)',
      'GET /api/v2/search?query=type:organization … (organization search)',
      'GET /api/v2/search?query=type:ticket priority:urgent status<solved&include=tickets(users,organizations)',
      'GET /api/v2/organizations?page[size]=100 (cursor-paged index)',
      'GET /api/v2/incremental/organizations?start_time={unix} (the index\'s changes, then its next_page links)',
      'GET /api/v2/users/show_many?ids=… (only for users a sideload did not carry)',
      'GET /api/v2/organizations/show_many?ids=… (only for organizations the urgent-ticket search did not sideload)',
      'GET /api/v2/tickets/show_many?ids=…&include=users (a ticket by its number, for search)',
    ],
  },
};

declare module '../kit/errors.js' {
  interface SourceIds {
    zendesk: true;
  }
}
