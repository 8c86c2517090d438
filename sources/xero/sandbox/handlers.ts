import { randomBytes, randomUUID } from 'node:crypto';
import { HttpResponse, type HttpHandler } from 'msw';
import { createRouter, renameField, type VendorStyle } from '../../sandbox/router.js';
import { SANDBOX_CREDENTIALS, bearerToken, type SandboxState } from '../../sandbox/state.js';
import { XERO_PAGE_SIZE } from '../types.js';
import { xeroOrganisation, type XeroOrganisation } from './dataset.js';
import { xeroAuthorize, xeroCodeGrant } from './oauth.js';
import { WhereError, applyWhere } from './where.js';

/** Xero's access tokens last 30 minutes. */
const ACCESS_TOKEN_TTL_SECONDS = 1800;

/**
 * Xero's limits per organisation (developer.xero.com, "OAuth 2.0 API limits"): 60 calls in a rolling minute and
 * 5,000 a day; a 429 past either, with Retry-After and X-Rate-Limit-Problem. Tests may lower them.
 */
export type XeroSandboxLimits = { perMinute: number; perDay: number; calls: number[]; today: number };
const LIMITS = new WeakMap<SandboxState, XeroSandboxLimits>();
export function xeroSandboxLimits(state: SandboxState): XeroSandboxLimits {
  let l = LIMITS.get(state);
  if (!l) LIMITS.set(state, (l = { perMinute: 60, perDay: 5000, calls: [], today: 0 }));
  return l;
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) => HttpResponse.json(body as never, { status, headers });

/** Xero's problem body for a refused request. */
const problem = (status: number, title: string, detail: string) => json({ Type: null, Title: title, Status: status, Detail: detail, Instance: randomUUID(), Extensions: {} }, status);

function tooMany(retryAfterSeconds: number, which: 'minute' | 'day', l: XeroSandboxLimits): Response {
  return json({ Type: null, Title: 'Too Many Requests', Status: 429, Detail: `You have exceeded the ${which} rate limit` }, 429, {
    'retry-after': String(retryAfterSeconds),
    'x-rate-limit-problem': which,
    'x-minlimit-remaining': '0',
    'x-daylimit-remaining': String(Math.max(0, l.perDay - l.today)),
  });
}

function basicCredentials(request: Request): { id: string; secret: string } | null {
  const m = request.headers.get('authorization')?.match(/^Basic\s+(\S+)$/i);
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const at = decoded.indexOf(':');
  return at < 0 ? null : { id: decoded.slice(0, at), secret: decoded.slice(at + 1) };
}

const guids = (q: URLSearchParams, name: string) =>
  q.get(name) === null ? null : new Set(q.get(name)!.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean));

/**
 * Xero's Accounting API (Contacts, Invoices, Payments), its `/connections` and its identity server's token
 * endpoint, over the sandbox's Xero organisation (derived from the seeded world, see ./dataset.ts): paging by
 * `page` (100 a page; without `page`, everything), `where`, `IDs`, `ContactIDs`, `InvoiceNumbers`,
 * `If-Modified-Since`, the `xero-tenant-id` header, rotating refresh tokens, and the per-organisation limits with
 * their X-MinLimit-Remaining / X-DayLimit-Remaining headers.
 */
export function xeroSandbox(state: SandboxState): HttpHandler[] {
  const style: VendorStyle = {
    source: 'xero',
    prefix: '/xero',
    serverError: (status) => problem(status, status === 503 ? 'Service Unavailable' : 'Internal Server Error', 'An error occurred in Xero. Check the API Status page http://status.developer.xero.com for current service status.'),
    rateLimited: (retryAfterSeconds) => tooMany(retryAfterSeconds, 'minute', xeroSandboxLimits(state)),
    unauthenticated: () => problem(401, 'Unauthorized', 'AuthenticationUnsuccessful'),
    authenticate: (request, s) => s.isValidToken('xero', bearerToken(request)),
    // A changed API: the amount still owed moves to another name.
    drift: (body) => renameField(body, 'AmountDue', 'AmountOutstanding'),
    headers: () => ({ 'xero-correlation-id': randomUUID() }),
  };
  const r = createRouter(state, style);
  const org = (): XeroOrganisation => xeroOrganisation(state.world.quickbooks, state.world.manifest.today);

  /** Counts the call against the organisation's limits: the 429 to answer, or the headers of what is left. */
  const limit = (): Response | Record<string, string> => {
    const l = xeroSandboxLimits(state);
    const now = Date.now();
    l.calls = l.calls.filter((t) => t > now - 60_000);
    if (l.today >= l.perDay) return tooMany(3600, 'day', l);
    if (l.calls.length >= l.perMinute) return tooMany(Math.max(1, Math.ceil((l.calls[0]! + 60_000 - now) / 1000)), 'minute', l);
    l.calls.push(now);
    l.today++;
    return {
      'x-minlimit-remaining': String(l.perMinute - l.calls.length),
      'x-daylimit-remaining': String(l.perDay - l.today),
      'x-appminlimit-remaining': String(9999),
    };
  };

  /** A list endpoint: tenant, limits, filters, If-Modified-Since and paging, in Xero's order. */
  const list = <T extends { UpdatedDateUTC?: string }>(
    name: 'Contacts' | 'Invoices' | 'Payments',
    rows: () => T[],
    filters: (q: URLSearchParams) => ((row: T) => boolean) | Response,
  ) =>
    r.get(`/api.xro/2.0/${name}`, name.toLowerCase(), ({ request }) => {
      if (request.headers.get('xero-tenant-id')?.toLowerCase() !== org().tenantId) return problem(403, 'Forbidden', 'AuthenticationUnsuccessful');
      const left = limit();
      if (left instanceof Response) return left;
      const q = new URL(request.url).searchParams;
      const keep = filters(q);
      if (keep instanceof Response) return keep;
      let out: T[];
      try {
        out = applyWhere(rows(), q.get('where')).filter(keep);
      } catch (e) {
        if (e instanceof WhereError) return json({ ErrorNumber: 16, Type: 'QueryParseException', Message: e.message }, 400, left);
        throw e;
      }
      const since = request.headers.get('if-modified-since');
      if (since) {
        const at = Date.parse(/Z|[+-]\d\d:?\d\d$/.test(since) ? since : `${since}Z`);
        if (Number.isNaN(at)) return json({ ErrorNumber: 10, Type: 'ValidationException', Message: 'If-Modified-Since is not a date' }, 400, left);
        out = out.filter((row) => {
          const m = /^\/Date\((\d+)/.exec(row.UpdatedDateUTC ?? '');
          return m ? Number(m[1]) > at : false;
        });
      }
      const page = q.get('page');
      if (page !== null) {
        const n = Number(page);
        if (!Number.isInteger(n) || n < 1) return json({ ErrorNumber: 10, Type: 'ValidationException', Message: 'page must be a positive whole number' }, 400, left);
        out = out.slice((n - 1) * XERO_PAGE_SIZE, n * XERO_PAGE_SIZE);
      }
      return json({ Id: randomUUID(), Status: 'OK', ProviderName: 'Panorama', DateTimeUTC: `/Date(${Date.now()})/`, [name]: out }, 200, left);
    });

  return [
    ...xeroAuthorize(r, state, () => org().tenantName),
    r.post(
      '/identity/connect/token',
      'identity.token',
      async ({ request }) => {
        const c = SANDBOX_CREDENTIALS.xero;
        const client = basicCredentials(request);
        if (!client || client.id !== c.clientId || client.secret !== c.clientSecret) return json({ error: 'invalid_client' }, 400);
        const form = new URLSearchParams(await request.text());
        if (form.get('grant_type') === 'authorization_code') return xeroCodeGrant(state, form);
        if (form.get('grant_type') !== 'refresh_token') return json({ error: 'unsupported_grant_type' }, 400);
        const used = form.get('refresh_token') ?? '';
        const valid = state.refreshTokens.xero;
        if (!valid.has(used)) return json({ error: 'invalid_grant' }, 400);
        // Xero rotates the refresh token: the one just used stops working, the new one must be kept.
        valid.delete(used);
        const next = `sandbox-xero-refresh-${randomBytes(12).toString('base64url')}`;
        valid.add(next);
        return json({
          access_token: state.issueToken('xero', ACCESS_TOKEN_TTL_SECONDS),
          expires_in: ACCESS_TOKEN_TTL_SECONDS,
          token_type: 'Bearer',
          refresh_token: next,
          scope: state.xeroGrantedScopes,
        });
      },
      { auth: false },
    ),

    r.get('/connections', 'connections', () => {
      const o = org();
      return json([
        {
          id: '8c4ef4c5-1d2b-4a7a-9a0e-3a9c0c6b1f10',
          authEventId: 'd99ecdfe-391d-43d2-b834-17636ba90e8d',
          tenantId: o.tenantId,
          tenantType: 'ORGANISATION',
          tenantName: o.tenantName,
          createdDateUtc: '2026-01-05T09:00:00.0000000',
          updatedDateUtc: '2026-01-05T09:00:00.0000000',
        },
      ]);
    }),

    list('Contacts', () => org().contacts, (q) => {
      const ids = guids(q, 'IDs');
      return (c) => !ids || ids.has(c.ContactID);
    }),
    list('Invoices', () => org().invoices, (q) => {
      const ids = guids(q, 'IDs');
      const contacts = guids(q, 'ContactIDs');
      const numbers = q.get('InvoiceNumbers') === null ? null : new Set(q.get('InvoiceNumbers')!.split(',').map((n) => n.trim()));
      return (i) => (!ids || ids.has(i.InvoiceID)) && (!contacts || contacts.has(i.Contact.ContactID)) && (!numbers || numbers.has(i.InvoiceNumber ?? ''));
    }),
    list('Payments', () => org().payments, () => () => true),

    // Anything else under the API is not what this sandbox offers.
    r.get('/api.xro/2.0/*', 'unsupported', ({ request }) => problem(404, 'Not Found', `The resource ${new URL(request.url).pathname} was not found`)),
  ];
}
