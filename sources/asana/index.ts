import { asanaConnect } from './connect.js';
import { tokenFrom } from '../kit/connected-token.js';
import { asanaSchema } from './schema.js';
import { asanaWebhook } from './webhook.js';
import type { SourceModule } from '../kit/contract.js';
import { AsanaClient, MAX_PAGE_SIZE } from './client.server.js';
import { ASANA_TIMEOUT_MS, asanaConfigSchema, type AsanaConfig } from './config.js';
import { mapAsanaError } from './errors.js';
import { checkAsanaAccess } from './access.js';
import { checkAsanaFields } from './fields.js';
import { INDEX_FIELDS, PROJECT_FIELDS, TASK_FIELDS, createLoaders } from './loaders.js';

/** The sandbox dataset's workspace (sources/sandbox/dataset.ts); a test checks the two agree. */
import { ASANA_WORKSPACE_GID, SANDBOX_CREDENTIALS, SANDBOX_WEBHOOKS, sandboxBase } from '../sandbox/constants.js';

export const SANDBOX_WORKSPACE_GID = ASANA_WORKSPACE_GID;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Pages of the project index the upkeep may read whole in an idle hour: a larger workspace is read less often. */
export const INDEX_PAGES_PER_HOUR = 36;

/**
 * How long a read of the project index stays fresh: 30 min, or as long as reading it whole again at
 * INDEX_PAGES_PER_HOUR takes for a larger workspace (100 projects a page), at most 5 h — 14,500 projects, 145
 * pages, are read every 4 h. Asana offers no change feed for a workspace's projects (see the policy below).
 */
export function projectIndexTtlMs(rows: unknown): number {
  const pages = Array.isArray(rows) ? Math.ceil(rows.length / MAX_PAGE_SIZE) : 1;
  return Math.min(5 * HOUR, Math.max(30 * MINUTE, Math.round((pages / INDEX_PAGES_PER_HOUR) * HOUR)));
}

/** Asana's web app; deep links always point at the real one, also when the API is the sandbox. */
const WEB_APP = 'https://app.asana.com';

export function asanaDeepLink(_config: AsanaConfig | null, entity: string, id: string): string {
  const gid = encodeURIComponent(id);
  switch (entity.toLowerCase()) {
    case 'task':
    case 'milestone':
      return `${WEB_APP}/0/0/${gid}`;
    default:
      // a project's list view; also the fallback, as projects are what this module links to
      return `${WEB_APP}/0/${gid}/list`;
  }
}

/** Asana project names start with the customer's name: "Acme Inc — Website rebuild". */
export function projectCustomerName(projectName: string): string {
  // the last separator: the customer's own name may contain one ("Smith - Jones — Onboarding")
  return projectName.match(/^(.*\S)\s+[—–-]\s+[^—–]*$/)?.[1] ?? projectName;
}

export const asanaSource: SourceModule<'projects', AsanaConfig, AsanaClient> = {
  id: 'asana',
  displayName: 'Asana',
  category: 'projects',
  schema: asanaSchema,
  entities: { project: 'Project', milestone: 'Task' },
  // A customer may have several projects, named after it: "Acme Inc — Website rebuild".
  links: { heuristics: ['NAME'], manyPerCustomer: true, customerNameOf: projectCustomerName },
  statusPage: 'status.asana.com',
  // Asana: 150 requests a minute on the free plan, 1,500 on paid plans (developers.asana.com, "Rate limits", read
  // 2026-12-02): the free one is assumed. Its 429 sends Retry-After.
  limits: { perMinute: 150, waitSeconds: 60 },
  configSchema: asanaConfigSchema,
  sandbox: () => import('./sandbox/part.js').then((p) => p.sandboxPart),
  sandboxEnv: (baseUrl) => ({
    ASANA_BASE_URL: `${sandboxBase(baseUrl)}/asana/api/1.0`,
    ASANA_ACCESS_TOKEN: SANDBOX_CREDENTIALS.asana.accessToken,
    ASANA_WORKSPACE_GID: SANDBOX_WORKSPACE_GID,
    ASANA_WEBHOOK_TOKEN: SANDBOX_WEBHOOKS.asana.token,
  }),
  timeoutMs: ASANA_TIMEOUT_MS,
  timeoutOf: (config) => config.timeoutMs,
  cachePolicies: {
    default: { ttlMs: 60 * SECOND, swrMs: 5 * MINUTE, maxStaleMs: HOUR },
    projects: { ttlMs: 60 * SECOND, swrMs: 5 * MINUTE, maxStaleMs: HOUR },
    // Every project of the workspace, paged (10 requests at 1,000 projects): costly to build and slow to change.
    // Asana offers no change feed for a workspace's projects that fits an index (GET /projects takes no
    // modified_since; the events API streams one resource each, a project or a task; workspace events need an
    // Enterprise+ service account), so it is read whole again every 30 min rather than every 5, less often as it
    // grows (projectIndexTtlMs) — its webhook, when set, drops it at once when a project changes.
    'project-index': { ttlMs: 30 * MINUTE, swrMs: 30 * MINUTE, maxStaleMs: 6 * HOUR, ttlFor: projectIndexTtlMs },
  },
  mapError: mapAsanaError,
  createClient: (config, deps) => new AsanaClient(config, tokenFrom('asana', config.accessToken, deps.tokens)),
  createLoaders,
  deepLink: asanaDeepLink,
  checkFields: checkAsanaFields,
  checkAccess: checkAsanaAccess,
  fieldMapping: (client) => client.fields.report(),
  webhook: asanaWebhook,
  connect: asanaConnect,
  register: {
    owner: 'Panorama platform team',
    trigger: 'on demand when a user opens a customer, list or search; cached per the policies',
    reads: [
      `Projects of one workspace (project index): ${INDEX_FIELDS.join(', ')}`,
      `Project details of linked projects: ${PROJECT_FIELDS.join(', ')}`,
      `Tasks and milestones of linked projects: ${TASK_FIELDS.join(', ')}`,
    ],
    transforms: [
      'Links a project to a customer when its text custom field (default "Salesforce Account Id", or the field gid configured) holds the Salesforce Account Id (15- and 18-character forms match)',
      'Project status from the colour of its latest status: green → on track, yellow → at risk, red → off track, blue → on hold, complete → complete, none → unknown (complete if the project is marked complete)',
      'Milestones are tasks of subtype "milestone"; task counts, done counts and overdue counts (open and due before today) come from ordinary tasks',
      'Owner name and e-mail are shown as the project tool holds them; nothing is written back',
    ],
    credentials: ['ASANA_ACCESS_TOKEN: a personal access token (or OAuth access token) of a read-only service user in the workspace', 'ASANA_WORKSPACE_GID'],
    scopes: [
      'Read access to the workspace projects Panorama should show (membership of their teams); with OAuth scopes: projects:read, tasks:read, custom_fields:read, users:read, workspaces:read',
      'Checked at start-up and on "Check now" (credential scope check): the token user\'s workspace membership; an admin or a full member is flagged as more than needed (a view-only licence is enough), a guest as less',
    ],
    failure: [
      'Personal access tokens do not refresh: a 401 means the token was revoked or its user removed — the section shows "reconnect Asana" and an admin issues a new token',
      '429 honours Retry-After: nothing is sent to Asana until it has passed, and reads are served from the cache; 5xx, timeouts and resets are retried (PANORAMA_RETRY_ATTEMPTS, default 2), then mark the section unavailable and serve the last cached value (up to 1 h for project details, 6 h for the index) marked stale',
      'A response that does not match the documented shape (API drift) fails the section with INVALID_RESPONSE and is logged; it is never cached',
      'Asana has no search by custom-field value: the project index (every project of the workspace, 100 a page) is loaded at start-up and kept warm in the background, re-read whole every 30 min, or less often for a large workspace (at most 36 pages an idle hour: 14,500 projects every 4 h, never more than 5 h apart), served stale while refreshing for 30 min more: Asana has no change feed for the projects of a workspace that fits an index (GET /projects takes no modified_since; the events API streams one project or task each), so the index is kept by a longer full-read interval instead; a project linked within that window appears after the next read, a forced refresh, or at once when the Asana webhook (ASANA_WEBHOOK_TOKEN) reports the change',
      'POST /batch takes at most 10 actions: a page of N linked projects costs ceil(2N / 10) batch requests (projects found by name share them), plus the index pages only if the index is cold',
      'List rows show a project summary (counts by status, worst status, next due date) read from the project index alone: no request per customer',
    ],
    endpoints: [
      'GET /projects?workspace={gid}&limit=100&opt_fields=…',
      'POST /batch (actions: GET /projects/{gid}, GET /projects/{gid}/tasks)',
      'GET /projects/{gid}, GET /projects/{gid}/tasks, GET /tasks/{gid} (client, outside batches)',
      'GET /workspaces/{gid}, GET /workspaces/{gid}/custom_fields (at start-up and on an admin check: whether the account field exists, as text)',
      'GET /users/me/workspace_memberships?opt_fields=is_active,is_admin,is_guest,is_view_only,workspace,user.name (at start-up and on an admin check: the token user\'s membership, for the credential scope check)',
    ],
  },
};

declare module '../kit/errors.js' {
  interface SourceIds {
    asana: true;
  }
}
