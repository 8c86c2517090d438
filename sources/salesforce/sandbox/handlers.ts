import { createHmac } from 'node:crypto';
import type { HttpHandler } from 'msw';
import { createRouter, renameField, type VendorStyle } from '../../sandbox/router.js';
import { SANDBOX_CREDENTIALS, bearerToken, type SandboxState } from '../../sandbox/state.js';
import { normalizeSalesforceId } from '../ids.js';
import { SOBJECTS, findName, salesforceDatabase } from './objects.js';
import { SoqlError, executeSoql } from './soql.js';
import { salesforceAuthorize, salesforceCodeGrant } from './oauth.js';
import { objectPermissions, offeredVersions, variantObjects, variantWorld } from './variant.js';
import { recycleBin } from './changes.js';

const PREFIX = '/salesforce';
/** The org's daily API request allowance, as Sforce-Limit-Info reports it. */
const API_LIMIT = 15_000;
const DEFAULT_BATCH = 2000;
const MIN_BATCH = 200;
const MAX_CURSORS = 50;
const CURSOR_TTL_MS = 15 * 60_000;
const ACCESS_TOKEN_TTL_S = 7200;
const ORG_ID = normalizeSalesforceId('00DPn0000000Org')!;
const INTEGRATION_USER_ID = normalizeSalesforceId('005Pn00000Intgr')!;

function sfJson(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json;charset=UTF-8', ...headers },
  });
}

/** Salesforce's REST error form: an array of { message, errorCode }. */
function sfError(status: number, errorCode: string, message: string, headers: Record<string, string> = {}): Response {
  return sfJson([{ message, errorCode }], status, headers);
}

const notFound = () => sfJson([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }], 404);

/** The OAuth endpoints answer in OAuth's own error form, not the REST array. */
function oauthError(error: string, description: string, status = 400): Response {
  return sfJson({ error, error_description: description }, status, { 'cache-control': 'no-cache,no-store' });
}

/** `v62.0` → `v62.0`; anything that is not a version Salesforce serves is an unknown resource. */
function apiVersion(raw: unknown): string | null {
  const m = /^v(\d{2})\.0$/.exec(String(raw));
  return m && Number(m[1]) >= 31 && Number(m[1]) <= 64 ? `v${m[1]}.0` : null;
}

/** `Sforce-Query-Options: batchSize=500`; Salesforce treats it as a hint between 200 and 2,000. */
function batchSizeOf(request: Request): number {
  const m = /batchSize\s*=\s*(\d+)/i.exec(request.headers.get('sforce-query-options') ?? '');
  if (!m) return DEFAULT_BATCH;
  return Math.min(DEFAULT_BATCH, Math.max(MIN_BATCH, Number(m[1])));
}

type Cursor = { records: Record<string, unknown>[]; totalSize: number; batchSize: number; touchedAt: number };

export const salesforceStyle: VendorStyle = {
  source: 'salesforce',
  prefix: PREFIX,
  serverError: (status) =>
    status === 503
      ? sfError(503, 'SERVER_UNAVAILABLE', 'Server temporarily unavailable. Please try again later.')
      : sfError(500, 'UNKNOWN_EXCEPTION', 'An unexpected error occurred. Please include this ErrorId if you contact support: 1930365681-32640 (-1355040339)'),
  // Salesforce refuses with 403 once the org's rolling 24-hour allowance is spent; it sends no Retry-After.
  rateLimited: () =>
    sfError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.', { 'Sforce-Limit-Info': `api-usage=${API_LIMIT + 1}/${API_LIMIT}` }),
  unauthenticated: () => sfError(401, 'INVALID_SESSION_ID', 'Session expired or invalid'),
  authenticate: (request, state) => state.isValidToken('salesforce', bearerToken(request)),
  // A field Panorama relies on disappears (as when an admin removes field-level access to it).
  drift: (body) => renameField(body, 'Name', null),
  headers: (state) => ({ 'Sforce-Limit-Info': `api-usage=${state.totalRequests('salesforce') + state.salesforceOtherApiUsage}/${API_LIMIT}` }),
};

/**
 * Salesforce's REST API as Panorama uses it: the OAuth refresh-token grant, SOQL query with server-side cursors
 * (query + queryMore), and record retrieve. Answers in Salesforce's shapes, status codes, headers and errors.
 */
export function salesforceSandbox(state: SandboxState): HttpHandler[] {
  const router = createRouter(state, salesforceStyle);
  const cursors = new Map<string, Cursor>();
  let cursorN = 0;

  const openCursor = (c: Omit<Cursor, 'touchedAt'>): string => {
    const now = Date.now();
    for (const [id, old] of cursors) if (now - old.touchedAt > CURSOR_TTL_MS) cursors.delete(id);
    while (cursors.size >= MAX_CURSORS) cursors.delete(cursors.keys().next().value!);
    const id = normalizeSalesforceId(`01gPn${(++cursorN).toString(36).padStart(10, '0')}`)!;
    cursors.set(id, { ...c, touchedAt: now });
    return id;
  };

  const page = (version: string, cursorId: string | null, c: Omit<Cursor, 'touchedAt'>, offset: number) => {
    const end = offset + c.batchSize;
    const records = c.records.slice(offset, end);
    if (end >= c.records.length) return { totalSize: c.totalSize, done: true, records };
    const id = cursorId ?? openCursor(c);
    return { totalSize: c.totalSize, done: false, nextRecordsUrl: `/services/data/${version}/query/${id}-${end}`, records };
  };

  const runQuery = (request: Request, rawVersion: unknown, includeDeleted: boolean): Response => {
    const version = apiVersion(rawVersion);
    if (!version) return notFound();
    const soql = new URL(request.url).searchParams.get('q');
    if (soql === null) return sfError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
    try {
      const pageChildren = (records: Record<string, unknown>[]) => {
        const { totalSize: _, ...batch } = page(version, null, { records, totalSize: records.length, batchSize: state.salesforceChildBatchSize }, 0);
        return batch;
      };
      const db = { ...salesforceDatabase(variantWorld(state.world, state.salesforceOrg)), deleted: (object: string) => recycleBin(state, object) };
      const result = executeSoql(soql, { db, objects: variantObjects(state.salesforceOrg), apiVersion: version, today: state.world.manifest.today, pageChildren, includeDeleted });
      return sfJson(page(version, null, { ...result, batchSize: batchSizeOf(request) }, 0));
    } catch (e) {
      if (e instanceof SoqlError) return sfError(400, e.errorCode, e.message);
      throw e;
    }
  };

  return [
    ...salesforceAuthorize(router, state),
    router.post(
      '/services/oauth2/token',
      'token',
      async ({ request }) => {
        const form = new URLSearchParams(await request.text());
        const creds = SANDBOX_CREDENTIALS.salesforce;
        if (form.get('grant_type') === 'authorization_code') return salesforceCodeGrant(state, form, request);
        if (form.get('grant_type') !== 'refresh_token') return oauthError('unsupported_grant_type', 'grant type not supported');
        if (form.get('client_id') !== creds.clientId) return oauthError('invalid_client_id', 'client identifier invalid');
        if (form.get('client_secret') !== creds.clientSecret) return oauthError('invalid_client', 'invalid client credentials');
        const refreshToken = form.get('refresh_token');
        if (!state.acceptsRefreshToken('salesforce', refreshToken)) return oauthError('invalid_grant', 'expired access/refresh token');
        const base = `${new URL(request.url).origin}${PREFIX}`;
        const id = `${base}/id/${ORG_ID}/${INTEGRATION_USER_ID}`;
        const issuedAt = String(Date.now());
        return sfJson(
          {
            access_token: state.issueToken('salesforce', ACCESS_TOKEN_TTL_S),
            signature: createHmac('sha256', creds.clientSecret).update(id + issuedAt).digest('base64'),
            scope: 'api refresh_token',
            instance_url: base,
            id,
            token_type: 'Bearer',
            issued_at: issuedAt,
          },
          200,
          { 'cache-control': 'no-cache,no-store' },
        );
      },
      { auth: false },
    ),

    // Versions: [{ label, url, version }] for every version the org offers (REST API Developer Guide, "List Available REST API Versions").
    router.get('/services/data/', 'versions', () =>
      sfJson(offeredVersions(state.salesforceOrg).map((version) => ({ label: `v${version}`, url: `/services/data/v${version}`, version }))),
    ),

    router.get('/services/data/:version/query', 'query', ({ request, params }) => runQuery(request, params.version, false)),
    // QueryAll: the same query, the recycle bin's records (deleted in the last 15 days) included, IsDeleted true
    router.get('/services/data/:version/queryAll', 'queryAll', ({ request, params }) => runQuery(request, params.version, true)),

    router.get('/services/data/:version/query/:locator', 'queryMore', ({ params }) => {
      const version = apiVersion(params.version);
      if (!version) return notFound();
      const m = /^([a-zA-Z0-9]{18})-(\d+)$/.exec(String(params.locator));
      const cursor = m ? cursors.get(m[1]!) : undefined;
      const offset = m ? Number(m[2]) : NaN;
      if (!m || !cursor || offset > cursor.records.length) return sfError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
      cursor.touchedAt = Date.now();
      return sfJson(page(version, m[1]!, cursor, offset));
    }),

    ...metadataRoutes(router, state),

    router.get('/services/data/:version/sobjects/:type/:id', 'sobject', ({ request, params }) => {
      const version = apiVersion(params.version);
      const def = findName(SOBJECTS, String(params.type))?.[1];
      if (!version || !def) return notFound();
      const raw = String(params.id);
      const id = normalizeSalesforceId(raw);
      if (!id) return sfError(400, 'MALFORMED_ID', `${def.name} ID: id value of incorrect type: ${raw}`);
      const record = id.startsWith(def.keyPrefix) ? salesforceDatabase(state.world).byId(def.name, id) : undefined;
      if (!record) return notFound();
      const wanted = new URL(request.url).searchParams.get('fields');
      let names = Object.keys(def.fields);
      if (wanted) {
        names = [];
        for (const f of wanted.split(',').map((s) => s.trim()).filter(Boolean)) {
          const found = findName(def.fields, f);
          if (!found) return sfError(400, 'INVALID_FIELD', `No such column '${f}' on sobject of type ${def.name}`);
          names.push(found[0]);
        }
        // As Salesforce does: the Id comes along (last) even when not asked for.
        if (!names.includes('Id')) names.push('Id');
      }
      const body: Record<string, unknown> = { attributes: { type: def.name, url: `/services/data/${version}/sobjects/${def.name}/${id}` } };
      for (const n of names) body[n] = record[n] ?? null;
      return sfJson(body);
    }),

    // Any other REST resource: Salesforce's own 404 (after the auth check, as Salesforce does).
    router.get('/services/data/*', 'unknown', () => notFound()),
  ];
}

/** sObject Describe (fields and the user's object permissions) and UserInfo (the integration user). */
function metadataRoutes(router: ReturnType<typeof createRouter>, state: SandboxState): HttpHandler[] {
  return [
    // sObject Describe: { name, label, keyPrefix, custom, fields: [{ name, type, label, custom, ... }], ... }
    // (REST API Developer Guide, "Get Field and Other Metadata for an Object"; types as DescribeSObjectResult Field.type).
    router.get('/services/data/:version/sobjects/:type/describe', 'describe', ({ params }) => {
      const version = apiVersion(params.version);
      const def = findName(variantObjects(state.salesforceOrg), String(params.type))?.[1];
      if (!version || !def) return notFound();
      const fields = Object.entries(def.fields).map(([name, type]) => ({
        name,
        type: type === 'datetime' ? 'datetime' : type,
        label: name.replace(/__c$/, '').replace(/_/g, ' '),
        custom: name.endsWith('__c'),
        updateable: type !== 'id',
      }));
      return sfJson({ name: def.name, label: def.name, keyPrefix: def.keyPrefix, custom: false, ...objectPermissions(state.salesforceOrg, def.name), fields, urls: { sobject: `/services/data/${version}/sobjects/${def.name}` } });
    }),

    // OpenID Connect UserInfo: the integration user (REST API Developer Guide / OAuth "UserInfo Endpoint").
    router.get('/services/oauth2/userinfo', 'userinfo', ({ request }) => {
      const base = `${new URL(request.url).origin}${PREFIX}`;
      return sfJson({
        sub: `${base}/id/${ORG_ID}/${INTEGRATION_USER_ID}`,
        user_id: INTEGRATION_USER_ID,
        organization_id: ORG_ID,
        preferred_username: 'panorama-integration@sandbox.example',
        name: 'Panorama Integration',
        user_type: 'STANDARD',
        active: true,
      });
    }),
  ];
}
