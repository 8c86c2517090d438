import { ZodError } from 'zod';
import { systemClock, type Clock } from '../kit/clock.js';
import { SourceError, codeForStatus, isNetworkError, isSourceError, parseRetryAfter } from '../kit/errors.js';
import { HttpError, ResponseShapeError } from '../kit/http.js';
import { QboFaultError, parseFault, type QboFault } from './types.js';

/** QBO's limits are per realm and minute, and its 429 carries no Retry-After: wait out the window. */
export const DEFAULT_RETRY_AFTER_SECONDS = 60;

/** OAuth errors of the token endpoint that mean the connection itself is gone (reconnect needed). */
const OAUTH_REFUSALS = new Set(['invalid_grant', 'invalid_client', 'unauthorized_client', 'invalid_request', 'unsupported_grant_type']);

type HttpFailure = { status: number; body: unknown; header: (name: string) => string | null };

/** node-quickbooks rejects with axios errors; read them by shape so Panorama does not depend on axios itself. */
function httpFailure(e: unknown): HttpFailure | null {
  if (e instanceof HttpError) return { status: e.status, body: e.body, header: (n) => e.headers.get(n) };
  const res = (e as { isAxiosError?: unknown; response?: { status?: unknown; data?: unknown; headers?: unknown } } | null)?.response;
  if (!(e as { isAxiosError?: unknown } | null)?.isAxiosError || !res || typeof res.status !== 'number') return null;
  const headers = res.headers as { get?: (n: string) => unknown } & Record<string, unknown> | undefined;
  return {
    status: res.status,
    body: res.data,
    header: (n) => {
      const v = typeof headers?.get === 'function' ? headers.get(n) : headers?.[n.toLowerCase()];
      return v === undefined || v === null ? null : String(v);
    },
  };
}

function describe(status: number | null, fault: QboFault | null): string {
  const where = status ? `QuickBooks answered HTTP ${status}` : 'QuickBooks answered with a fault';
  return fault ? `${where}: ${fault.message || fault.type} (code ${fault.code})` : where;
}

function fromFault(fault: QboFault, status: number | null): SourceError {
  const opts = { status: status ?? undefined, vendorCode: fault.code };
  const msg = describe(status, fault);
  if (OAUTH_REFUSALS.has(fault.code) || fault.code === '3200' || fault.code === '100') return new SourceError('quickbooks', 'UNAUTHENTICATED', msg, opts);
  if (fault.code === '3001') return new SourceError('quickbooks', 'RATE_LIMITED', msg, { ...opts, retryAfterSeconds: DEFAULT_RETRY_AFTER_SECONDS });
  if (fault.code === '3100') return new SourceError('quickbooks', 'FORBIDDEN', msg, opts);
  if (fault.code === '610') return new SourceError('quickbooks', 'NOT_FOUND', msg, opts);
  // 4000 (a query QBO cannot parse, e.g. an unknown field) and 4001 (a query it will not run): Panorama's request,
  // whatever type the fault carries, never the user's input.
  if (fault.code === '4000' || fault.code === '4001') return new SourceError('quickbooks', 'BAD_REQUEST', msg, opts);
  if (fault.type === 'SystemFault') return new SourceError('quickbooks', 'UNAVAILABLE', msg, opts);
  if (fault.type === 'ValidationFault') return new SourceError('quickbooks', 'BAD_REQUEST', msg, opts);
  return new SourceError('quickbooks', 'INTERNAL', msg, opts);
}

function fromHttp({ status, body, header }: HttpFailure, clock: Clock): SourceError {
  const fault = parseFault(body);
  const opts = { status, vendorCode: fault?.code };
  const msg = describe(status, fault);
  if (status === 429 || fault?.code === '3001') {
    return new SourceError('quickbooks', 'RATE_LIMITED', msg, {
      ...opts,
      retryAfterSeconds: parseRetryAfter(header('retry-after'), clock) ?? DEFAULT_RETRY_AFTER_SECONDS,
    });
  }
  if (status === 401 || (fault && OAUTH_REFUSALS.has(fault.code))) return new SourceError('quickbooks', 'UNAUTHENTICATED', msg, opts);
  if (status === 403) return new SourceError('quickbooks', 'FORBIDDEN', msg, opts);
  if (status >= 500) return new SourceError('quickbooks', 'UNAVAILABLE', msg, opts);
  if (fault?.code === '610') return new SourceError('quickbooks', 'NOT_FOUND', msg, opts);
  return new SourceError('quickbooks', codeForStatus(status), msg, opts);
}

/**
 * Any failure of the QuickBooks client → the shared error. The vendor's code stays in `vendorCode`; messages
 * carry status and fault code only (no tokens, no query text). Axios errors are not kept as `cause`: their
 * request config holds the bearer token.
 */
export function mapQuickbooksError(e: unknown, clock: Clock = systemClock): SourceError {
  if (isSourceError(e)) return e;
  const http = httpFailure(e);
  if (http) return fromHttp(http, clock);
  if (e instanceof QboFaultError) return fromFault(e.fault, null);
  if (e instanceof ResponseShapeError || e instanceof ZodError || e instanceof SyntaxError) {
    return new SourceError('quickbooks', 'INVALID_RESPONSE', `QuickBooks answered in an unexpected shape: ${e.message}`, { cause: e });
  }
  // node-quickbooks hands a 200 answer that holds a Fault to the callback as the error itself.
  const fault = parseFault(e);
  if (fault) return fromFault(fault, null);
  const code = (e as { code?: unknown } | null)?.code;
  if ((e as { isAxiosError?: unknown } | null)?.isAxiosError) {
    if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') return new SourceError('quickbooks', 'TIMEOUT', 'QuickBooks did not answer in time');
    return new SourceError('quickbooks', 'UNAVAILABLE', `QuickBooks connection failed (${typeof code === 'string' ? code : 'network error'})`);
  }
  if (isNetworkError(e)) return new SourceError('quickbooks', 'UNAVAILABLE', 'QuickBooks connection failed', { cause: e });
  const message = e instanceof Error ? e.message : String(e);
  return new SourceError('quickbooks', 'INTERNAL', `QuickBooks call failed unexpectedly: ${message}`, { cause: e instanceof Error ? e : undefined });
}
