import { ZodError } from 'zod';
import { systemClock, type Clock } from '../kit/clock.js';
import { SourceError, codeForStatus, isNetworkError, isSourceError, parseRetryAfter, type SourceErrorCode } from '../kit/errors.js';
import { HttpError, ResponseShapeError } from '../kit/http.js';
import { sfOAuthErrorSchema, sfRestErrorSchema } from './types.js';

/** Salesforce refused an access token it had just issued: refreshing again would loop, so the call stops here. */
export class SalesforceSessionRefusedError extends Error {
  constructor() {
    super('Salesforce refused a session it had just issued');
    this.name = 'SalesforceSessionRefusedError';
  }
}

/** Panorama was asked for a record by something that is not a Salesforce id of that object. */
export class InvalidSalesforceIdError extends Error {
  constructor(what: string) {
    super(`not a Salesforce ${what} id`);
    this.name = 'InvalidSalesforceIdError';
  }
}

/** REST errorCode → shared code, where the code says more than the status. */
const BY_VENDOR_CODE: Record<string, SourceErrorCode> = {
  INVALID_SESSION_ID: 'UNAUTHENTICATED',
  REQUEST_LIMIT_EXCEEDED: 'RATE_LIMITED',
  API_CURRENTLY_DISABLED: 'UNAVAILABLE',
  SERVER_UNAVAILABLE: 'UNAVAILABLE',
  UNKNOWN_EXCEPTION: 'UNAVAILABLE',
  INSUFFICIENT_ACCESS: 'FORBIDDEN',
  INSUFFICIENT_ACCESS_OR_READONLY: 'FORBIDDEN',
  API_DISABLED_FOR_ORG: 'FORBIDDEN',
  FUNCTIONALITY_NOT_ENABLED: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  MALFORMED_QUERY: 'BAD_REQUEST',
  MALFORMED_ID: 'BAD_REQUEST',
  INVALID_FIELD: 'BAD_REQUEST',
  INVALID_TYPE: 'BAD_REQUEST',
  INVALID_QUERY_FILTER_OPERATOR: 'BAD_REQUEST',
  INVALID_QUERY_LOCATOR: 'BAD_REQUEST',
  NUMBER_OUTSIDE_VALID_RANGE: 'BAD_REQUEST',
  QUERY_TIMEOUT: 'TIMEOUT',
};

/** OAuth token-endpoint errors all mean the integration's credentials no longer work. */
const OAUTH_ERRORS = new Set(['invalid_grant', 'invalid_client', 'invalid_client_id', 'unsupported_grant_type', 'inactive_user', 'inactive_org', 'unauthorized_client']);

function vendorCodeOf(body: unknown): { code?: string; oauth: boolean } {
  const rest = sfRestErrorSchema.safeParse(body);
  if (rest.success) return { code: rest.data[0]!.errorCode, oauth: false };
  const oauth = sfOAuthErrorSchema.safeParse(body);
  if (oauth.success) return { code: oauth.data.error, oauth: true };
  return { oauth: false };
}

/**
 * Anything the Salesforce client throws → SourceError. Messages carry status and vendor code only: Salesforce's
 * own messages can echo query text (search terms, e-mails), so they stay out of logs and the UI.
 */
export function mapSalesforceError(e: unknown, clock: Clock = systemClock): SourceError {
  if (isSourceError(e)) return e;
  const fail = (code: SourceErrorCode, message: string, opts: { status?: number; vendorCode?: string; retryAfterSeconds?: number } = {}) =>
    new SourceError('salesforce', code, message, { ...opts, cause: e });

  if (e instanceof HttpError) {
    const { code: vendorCode, oauth } = vendorCodeOf(e.body);
    const status = e.status;
    const label = `Salesforce answered ${status}${vendorCode ? ` (${vendorCode})` : ''}`;
    const opts = { status, vendorCode };
    if (oauth && vendorCode && (OAUTH_ERRORS.has(vendorCode) || status === 400 || status === 401)) {
      return fail('UNAUTHENTICATED', `${label}: the token refresh was refused`, opts);
    }
    if (status === 429 || vendorCode === 'REQUEST_LIMIT_EXCEEDED') {
      return fail('RATE_LIMITED', `${label}: API request limit reached`, { ...opts, retryAfterSeconds: parseRetryAfter(e.headers.get('retry-after'), clock) });
    }
    if (status === 401) return fail('UNAUTHENTICATED', label, opts);
    if (status >= 500) return fail('UNAVAILABLE', label, opts);
    const byCode = vendorCode ? BY_VENDOR_CODE[vendorCode] : undefined;
    return fail(byCode ?? codeForStatus(status), label, opts);
  }
  if (e instanceof SalesforceSessionRefusedError) {
    return fail('UNAUTHENTICATED', e.message, { vendorCode: 'INVALID_SESSION_ID' });
  }
  if (e instanceof InvalidSalesforceIdError) return fail('BAD_REQUEST', `Salesforce request not sent: ${e.message}`);
  if (e instanceof ResponseShapeError || e instanceof ZodError || e instanceof SyntaxError) {
    return fail('INVALID_RESPONSE', e instanceof ResponseShapeError ? e.message : 'Salesforce answered with an unreadable body');
  }
  if (e instanceof Error) {
    // jsforce wraps a failed token refresh in a plain Error; the client replaces it where it can.
    if (e.message.startsWith('Unable to refresh session')) return fail('UNAUTHENTICATED', 'Salesforce token refresh failed');
    if (e.name === 'AbortError' || e.name === 'TimeoutError' || e.message === 'Request Timeout') {
      return fail('TIMEOUT', 'Salesforce did not answer in time');
    }
    // A REST error jsforce raised without the client's status capture (HttpApiError: name = errorCode).
    const code = (e as { errorCode?: unknown }).errorCode;
    if (typeof code === 'string' && BY_VENDOR_CODE[code]) return fail(BY_VENDOR_CODE[code], `Salesforce refused the call (${code})`, { vendorCode: code });
  }
  // node-fetch (under jsforce) reports a dropped or refused connection as FetchError, not always with a code.
  if (isNetworkError(e) || (e instanceof Error && e.name === 'FetchError')) return fail('UNAVAILABLE', 'Salesforce connection failed');
  return fail('INTERNAL', 'Salesforce call failed unexpectedly');
}
