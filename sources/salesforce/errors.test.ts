import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SourceError } from '../kit/errors.js';
import { HttpError, ResponseShapeError } from '../kit/http.js';
import { InvalidSalesforceIdError, SalesforceSessionRefusedError, mapSalesforceError } from './errors.js';

const URL_ = 'https://acme.my.salesforce.com/services/data/v62.0/query';
const rest = (status: number, errorCode: string, message = 'm', headers: Record<string, string> = {}) =>
  new HttpError(status, new Headers(headers), [{ message, errorCode }], URL_);

describe('mapSalesforceError', () => {
  it.each([
    [rest(401, 'INVALID_SESSION_ID'), 'UNAUTHENTICATED'],
    [rest(403, 'REQUEST_LIMIT_EXCEEDED'), 'RATE_LIMITED'],
    [rest(403, 'INSUFFICIENT_ACCESS'), 'FORBIDDEN'],
    [rest(403, 'API_DISABLED_FOR_ORG'), 'FORBIDDEN'],
    [rest(404, 'NOT_FOUND'), 'NOT_FOUND'],
    [rest(400, 'MALFORMED_QUERY'), 'BAD_REQUEST'],
    [rest(400, 'INVALID_FIELD'), 'BAD_REQUEST'],
    [rest(400, 'INVALID_TYPE'), 'BAD_REQUEST'],
    [rest(400, 'MALFORMED_ID'), 'BAD_REQUEST'],
    [rest(400, 'INVALID_QUERY_LOCATOR'), 'BAD_REQUEST'],
    [rest(500, 'UNKNOWN_EXCEPTION'), 'UNAVAILABLE'],
    [rest(503, 'SERVER_UNAVAILABLE'), 'UNAVAILABLE'],
    [new HttpError(502, new Headers(), '<html>Bad gateway</html>', URL_), 'UNAVAILABLE'],
    [new HttpError(400, new Headers(), { error: 'invalid_grant', error_description: 'expired access/refresh token' }, URL_), 'UNAUTHENTICATED'],
    [new HttpError(400, new Headers(), { error: 'invalid_client', error_description: 'invalid client credentials' }, URL_), 'UNAUTHENTICATED'],
    [new SalesforceSessionRefusedError(), 'UNAUTHENTICATED'],
    [new Error('Unable to refresh session due to: boom'), 'UNAUTHENTICATED'],
    [new InvalidSalesforceIdError('Account'), 'BAD_REQUEST'],
    [new ResponseShapeError('Salesforce query', ['records.0.Name: Required']), 'INVALID_RESPONSE'],
    [z.object({ a: z.string() }).safeParse({}).error, 'INVALID_RESPONSE'],
    [new SyntaxError('Unexpected end of JSON input'), 'INVALID_RESPONSE'],
    [Object.assign(new Error('request to x failed, reason: socket hang up'), { name: 'FetchError', code: 'ECONNRESET' }), 'UNAVAILABLE'],
    [Object.assign(new Error('request failed, reason: Network error'), { name: 'FetchError' }), 'UNAVAILABLE'],
    [Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' }), 'TIMEOUT'],
    [Object.assign(new Error('msg'), { name: 'QUERY_TIMEOUT', errorCode: 'QUERY_TIMEOUT' }), 'TIMEOUT'],
    [new Error('something else'), 'INTERNAL'],
    ['a string', 'INTERNAL'],
  ])('%# → %s', (input, code) => {
    const e = mapSalesforceError(input);
    expect(e).toBeInstanceOf(SourceError);
    expect(e.source).toBe('salesforce');
    expect(e.code).toBe(code);
  });

  it('keeps status, vendor code and Retry-After (429)', () => {
    expect(mapSalesforceError(rest(403, 'REQUEST_LIMIT_EXCEEDED'))).toMatchObject({ status: 403, vendorCode: 'REQUEST_LIMIT_EXCEEDED', retryable: true });
    expect(mapSalesforceError(rest(429, 'TOO_MANY', 'm', { 'retry-after': '12' }))).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 12 });
    expect(mapSalesforceError(rest(401, 'INVALID_SESSION_ID'))).toMatchObject({ retryable: false, vendorCode: 'INVALID_SESSION_ID' });
  });

  it("never copies Salesforce's message (it can echo query text and e-mails) into the error", () => {
    const e = mapSalesforceError(rest(400, 'INVALID_QUERY_FILTER_OPERATOR', "invalid ID field: jane.doe@example.com ' OR Name"));
    expect(e.message).not.toContain('jane.doe');
    expect(e.message).toBe('Salesforce answered 400 (INVALID_QUERY_FILTER_OPERATOR)');
    expect(e.userMessage).toContain('Salesforce');
  });

  it('passes SourceErrors through', () => {
    const s = new SourceError('salesforce', 'TIMEOUT', 'x');
    expect(mapSalesforceError(s)).toBe(s);
  });
});
