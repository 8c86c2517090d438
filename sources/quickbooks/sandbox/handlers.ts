import { randomBytes, randomUUID } from 'node:crypto';
import { HttpResponse, type HttpHandler } from 'msw';
import { createRouter, renameField, type VendorStyle } from '../../sandbox/router.js';
import { SANDBOX_CREDENTIALS, bearerToken, type SandboxState } from '../../sandbox/state.js';
import {
  authenticationFailed,
  authorizationFailed,
  faultResponse,
  objectNotFound,
  qboTime,
  systemFault,
  throttled,
  unsupportedOperation,
  type FaultError,
} from './faults.js';
import { QboQueryError, runQuery } from './qbo-query.js';
import { quickbooksAuthorize, quickbooksCodeGrant } from './oauth.js';
import { preferencesBody, qboVariantWorld } from './variant.js';

const ACCESS_TOKEN_TTL_SECONDS = 3600;
/** About 101 days, as Intuit answers. */
const REFRESH_TOKEN_TTL_SECONDS = 8_726_400;
const MAX_BATCH_ITEMS = 30;

const json = (body: unknown, status = 200) => HttpResponse.json(body as never, { status });

function queryFault(e: QboQueryError): FaultError {
  return { Message: e.faultMessage, Detail: e.detail, code: e.code };
}

/** Runs one query; a query QBO would refuse becomes its ValidationFault. */
function answerQuery(state: SandboxState, query: string | null): Response {
  try {
    return json({ QueryResponse: runQuery(qboVariantWorld(state.world, state.quickbooksCompany), query ?? ''), time: qboTime() });
  } catch (e) {
    if (e instanceof QboQueryError) return faultResponse(400, 'ValidationFault', [queryFault(e)]);
    throw e;
  }
}

/** Change Data Capture looks back 30 days at most, and answers at most 1000 objects. */
const CDC_LOOKBACK_MS = 30 * 86_400_000;
const CDC_MAX_OBJECTS = 1000;
const CDC_ENTITIES = ['Customer', 'Invoice', 'Payment'] as const;

/**
 * `GET /cdc?entities=<list>&changedSince=<date-time>`: every entity of the list changed after `changedSince`
 * (its MetaData.LastUpdatedTime), whole, and each deleted since as `{ Id, status: "Deleted", MetaData }`; at most
 * 1000 objects; a `changedSince` more than 30 days back, or none, is refused as QBO refuses it.
 */
function answerCdc(state: SandboxState, q: URLSearchParams): Response {
  const invalid = (detail: string) => faultResponse(400, 'ValidationFault', [{ Message: 'Request has invalid or unsupported property', Detail: detail, code: '2010' }]);
  const entities = (q.get('entities') ?? '').split(',').map((e) => e.trim()).filter(Boolean);
  const raw = q.get('changedSince');
  if (entities.length === 0) return invalid('Required parameter entities is missing in the request');
  if (!raw) return invalid('Required parameter changedSince is missing in the request');
  const since = Date.parse(raw);
  if (!Number.isFinite(since)) return invalid(`Invalid changedSince date ${raw}`);
  if (state.clock.now() - since > CDC_LOOKBACK_MS) return invalid(`Operation cdc with changedSince date ${raw} which is older than fixed days is not supported.`);
  const unknown = entities.find((e) => !CDC_ENTITIES.some((k) => k.toLowerCase() === e.toLowerCase()));
  if (unknown) return invalid(`Unsupported entity ${unknown} for cdc`);
  const w = state.world.quickbooks;
  const tables = { Customer: w.customers, Invoice: w.invoices, Payment: w.payments } as const;
  let left = CDC_MAX_OBJECTS;
  const parts = entities.map((e) => {
    const entity = CDC_ENTITIES.find((k) => k.toLowerCase() === e.toLowerCase())!;
    const changed: unknown[] = (tables[entity] as { MetaData: { LastUpdatedTime: string } }[]).filter((r) => Date.parse(r.MetaData.LastUpdatedTime) > since);
    const deleted = state.deletions.quickbooks
      .filter((d) => d.entity === entity && d.at > since)
      .map((d) => ({ domain: 'QBO', status: 'Deleted', Id: d.id, MetaData: { LastUpdatedTime: qboTime(d.at) } }));
    const rows = [...changed, ...deleted].slice(0, left);
    left -= rows.length;
    return rows.length ? { [entity]: rows, startPosition: 1, maxResults: rows.length, totalCount: rows.length } : {};
  });
  return json({ CDCResponse: [{ QueryResponse: parts }], time: qboTime(state.clock.now()) });
}

function basicCredentials(request: Request): { id: string; secret: string } | null {
  const m = request.headers.get('authorization')?.match(/^Basic\s+(\S+)$/i);
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const at = decoded.indexOf(':');
  return at < 0 ? null : { id: decoded.slice(0, at), secret: decoded.slice(at + 1) };
}

/**
 * QuickBooks Online's accounting API and Intuit's OAuth 2 token endpoint, over the sandbox world:
 * token refresh (rotating refresh tokens), the query endpoint (a real query interpreter), batch queries,
 * reads by id and the company's Preferences (its home currency; see `QuickbooksCompanyVariant`), with QBO's status codes, fault bodies and `intuit_tid` header.
 */
export function quickbooksSandbox(state: SandboxState): HttpHandler[] {
  const style: VendorStyle = {
    source: 'quickbooks',
    prefix: '/quickbooks',
    serverError: systemFault,
    // QBO says nothing about when to come back (no Retry-After); its limits are per minute and realm.
    rateLimited: () => throttled(),
    unauthenticated: authenticationFailed,
    authenticate: (request, s) => s.isValidToken('quickbooks', bearerToken(request)),
    // A changed API: the open balance moves to another name on every entity that has one.
    drift: (body) => renameField(body, 'Balance', 'OpenBalance'),
    headers: () => ({ intuit_tid: randomUUID() }),
  };
  const r = createRouter(state, style);
  const realm = (params: Record<string, unknown>) => params.realmId === state.world.quickbooks.realmId;

  const read = (entity: 'Customer' | 'Invoice' | 'Payment', rows: () => { Id: string }[]) =>
    r.get(`/v3/company/:realmId/${entity.toLowerCase()}/:id`, `${entity.toLowerCase()}.read`, ({ params }) => {
      if (!realm(params)) return authorizationFailed();
      const row = rows().find((x) => x.Id === params.id);
      return row ? json({ [entity]: row, time: qboTime() }) : objectNotFound();
    });

  return [
    ...quickbooksAuthorize(r, state),
    r.post(
      '/oauth2/v1/tokens/bearer',
      'oauth.token',
      async ({ request }) => {
        const c = SANDBOX_CREDENTIALS.quickbooks;
        const client = basicCredentials(request);
        if (!client || client.id !== c.clientId || client.secret !== c.clientSecret) return json({ error: 'invalid_client' }, 401);
        const form = new URLSearchParams(await request.text());
        if (form.get('grant_type') === 'authorization_code') return quickbooksCodeGrant(state, form);
        if (form.get('grant_type') !== 'refresh_token') return json({ error: 'unsupported_grant_type' }, 400);
        const used = form.get('refresh_token') ?? '';
        if (!state.acceptsRefreshToken('quickbooks', used)) return json({ error: 'invalid_grant' }, 400);
        // Intuit rotates the refresh token: the one just used stops working, the new one must be kept.
        state.spendRefreshToken('quickbooks', used);
        const next = state.authorize('quickbooks');
        return HttpResponse.json(
          {
            token_type: 'bearer',
            expires_in: ACCESS_TOKEN_TTL_SECONDS,
            refresh_token: next,
            x_refresh_token_expires_in: REFRESH_TOKEN_TTL_SECONDS,
            access_token: state.issueToken('quickbooks', ACCESS_TOKEN_TTL_SECONDS),
          },
          { headers: { 'cache-control': 'no-cache, no-store', pragma: 'no-cache' } },
        );
      },
      { auth: false },
    ),

    r.get('/v3/company/:realmId/query', 'query', ({ params, request }) => {
      if (!realm(params)) return authorizationFailed();
      return answerQuery(state, new URL(request.url).searchParams.get('query'));
    }),
    // QBO also takes the query as the body of a POST (Content-Type: application/text).
    r.post('/v3/company/:realmId/query', 'query', async ({ params, request }) => {
      if (!realm(params)) return authorizationFailed();
      return answerQuery(state, await request.text());
    }),

    r.post('/v3/company/:realmId/batch', 'batch', async ({ params, request }) => {
      if (!realm(params)) return authorizationFailed();
      let body: unknown;
      try {
        body = await request.json();
      } catch {
        return faultResponse(400, 'ValidationFault', [
          { Message: 'Request has invalid or unsupported property', Detail: 'The request body is not valid JSON', code: '2010' },
        ]);
      }
      const items = (body as { BatchItemRequest?: unknown } | null)?.BatchItemRequest;
      if (!Array.isArray(items) || items.length === 0) {
        return faultResponse(400, 'ValidationFault', [
          { Message: 'Required param missing, need to supply the required value for the API', Detail: 'Required parameter BatchItemRequest is missing in the request', code: '2020' },
        ]);
      }
      if (items.length > MAX_BATCH_ITEMS) {
        return faultResponse(400, 'ValidationFault', [
          { Message: 'Request has invalid or unsupported property', Detail: `Max of ${MAX_BATCH_ITEMS} batch items allowed per request`, code: '2010' },
        ]);
      }
      const out = items.map((raw: unknown) => {
        const item = (raw ?? {}) as { bId?: unknown; Query?: unknown; operation?: unknown };
        const bId = typeof item.bId === 'string' ? item.bId : '';
        if (typeof item.Query === 'string') {
          try {
            return { bId, QueryResponse: runQuery(qboVariantWorld(state.world, state.quickbooksCompany), item.Query) };
          } catch (e) {
            if (e instanceof QboQueryError) return { bId, Fault: { Error: [queryFault(e)], type: 'ValidationFault' } };
            throw e;
          }
        }
        // The sandbox is read-only: writes are refused the way QBO refuses an operation it does not offer.
        return {
          bId,
          Fault: {
            Error: [{ Message: 'Unsupported Operation', Detail: `Operation ${String(item.operation ?? 'unknown')} is not supported.`, code: '500' }],
            type: 'ValidationFault',
          },
        };
      });
      return json({ BatchItemResponse: out, time: qboTime() });
    }),

    read('Customer', () => qboVariantWorld(state.world, state.quickbooksCompany).quickbooks.customers),
    read('Invoice', () => qboVariantWorld(state.world, state.quickbooksCompany).quickbooks.invoices),
    read('Payment', () => qboVariantWorld(state.world, state.quickbooksCompany).quickbooks.payments),

    // The company's preferences (read-only here): what Panorama reads of them is the home currency.
    r.get('/v3/company/:realmId/preferences', 'preferences', ({ params }) => {
      if (!realm(params)) return authorizationFailed();
      return json(preferencesBody(state.quickbooksCompany));
    }),

    r.get('/v3/company/:realmId/cdc', 'cdc', ({ params, request }) => {
      if (!realm(params)) return authorizationFailed();
      return answerCdc(state, new URL(request.url).searchParams);
    }),


    // Anything else under the company is an operation this sandbox does not offer, refused as QBO does.
    r.get('/v3/company/:realmId/*', 'unsupported', ({ request }) => unsupportedOperation(new URL(request.url).pathname)),
    r.post('/v3/company/:realmId/*', 'unsupported', ({ request }) => unsupportedOperation(new URL(request.url).pathname)),
  ];
}
