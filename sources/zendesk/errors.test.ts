import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HttpError, ResponseShapeError } from '../kit/http.js';
import { mapZendeskError } from './errors.js';

const http = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new HttpError(status, new Headers(headers), body, 'https://acme.zendesk.com/api/v2/search?query=type%3Aorganization%20Secret%20Name');

describe('mapZendeskError', () => {
  it.each([
    [401, { error: "Couldn't authenticate you" }, 'UNAUTHENTICATED', "Couldn't authenticate you"],
    [403, { error: 'Forbidden', description: 'You do not have access to this page.' }, 'FORBIDDEN', 'Forbidden'],
    [404, { error: 'RecordNotFound', description: 'Not found' }, 'NOT_FOUND', 'RecordNotFound'],
    [400, { error: { title: 'Invalid attribute', message: 'You passed an invalid value for the ids attribute.' } }, 'BAD_REQUEST', 'Invalid attribute'],
    [400, { errors: [{ code: 'InvalidPaginationParameter', title: 'page[after] is not valid' }] }, 'BAD_REQUEST', 'InvalidPaginationParameter'],
    [422, { error: 'invalid', description: 'Invalid search: Requested response size was greater than Search Response Limits' }, 'BAD_REQUEST', 'invalid'],
    [500, { errors: [{ code: 'Unavailable', title: 'Internal Server Error' }] }, 'UNAVAILABLE', 'Unavailable'],
    [503, { error: 'unavailable', description: 'Sorry' }, 'UNAVAILABLE', 'unavailable'],
    [502, '<html>Bad gateway</html>', 'UNAVAILABLE', undefined],
  ] as const)('%i %j → %s', (status, body, code, vendorCode) => {
    const e = mapZendeskError(http(status, body));
    expect(e.source).toBe('zendesk');
    expect(e.code).toBe(code);
    expect(e.status).toBe(status);
    expect(e.vendorCode).toBe(vendorCode);
    // the query (it can hold a customer's name) never reaches the message
    expect(e.message).not.toMatch(/Secret|query/);
  });

  it('keeps Retry-After on 429', () => {
    const e = mapZendeskError(http(429, { error: 'APIRateLimitExceeded', description: 'Number of allowed API requests per minute exceeded' }, { 'retry-after': '42' }));
    expect(e).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 42, vendorCode: 'APIRateLimitExceeded', retryable: true });
    expect(e.userMessage).toContain('in 42 s');
  });

  it('maps shape problems, aborts and network failures', () => {
    expect(mapZendeskError(new ResponseShapeError('Zendesk organization', ['organization.external_id: Required'])).code).toBe('INVALID_RESPONSE');
    expect(mapZendeskError(z.object({ a: z.string() }).safeParse({}).error).code).toBe('INVALID_RESPONSE');
    expect(mapZendeskError(new SyntaxError('Unexpected end of JSON input')).code).toBe('INVALID_RESPONSE');
    expect(mapZendeskError(new DOMException('aborted', 'AbortError')).code).toBe('TIMEOUT');
    expect(mapZendeskError(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } })).code).toBe('UNAVAILABLE');
    expect(mapZendeskError(new TypeError('Failed to fetch')).code).toBe('UNAVAILABLE');
    expect(mapZendeskError(new TypeError("Cannot read properties of undefined (reading 'id')")).code).toBe('INTERNAL');
  });
});
