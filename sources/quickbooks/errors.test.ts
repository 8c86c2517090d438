import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SourceError } from '../kit/errors.js';
import { HttpError, ResponseShapeError } from '../kit/http.js';
import { DEFAULT_RETRY_AFTER_SECONDS, mapQuickbooksError } from './errors.js';
import { QboFaultError } from './types.js';

/** What node-quickbooks rejects with: an axios error, whose request config carries the bearer token. */
function axiosError(status: number | null, data: unknown = null, headers: Record<string, string> = {}, code?: string) {
  return Object.assign(new Error(status ? `Request failed with status code ${status}` : 'Network Error'), {
    isAxiosError: true,
    code,
    config: { headers: { Authorization: 'Bearer secret-access-token' } },
    response: status === null ? undefined : { status, data, headers },
  });
}

const apiFault = (code: string, type: string, message = 'm') => ({ Fault: { Error: [{ Message: message, Detail: 'DisplayName = Jane Doe', code }], type }, time: 't' });
const gatewayFault = (code: string, message: string) => ({ fault: { error: [{ message, detail: null, code, element: null }], type: 'AUTHENTICATION' }, time: 1 });
const throttleXml =
  '<IntuitResponse><Fault type="SERVICE"><Error code="3001"><Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message><Detail>The request limit was reached.</Detail></Error></Fault></IntuitResponse>';

describe('mapQuickbooksError', () => {
  it.each([
    ['401 gateway AuthenticationFailed', axiosError(401, gatewayFault('3200', 'message=AuthenticationFailed; errorCode=003200; statusCode=401')), 'UNAUTHENTICATED', '3200'],
    ['400 invalid_grant from the token endpoint', axiosError(400, { error: 'invalid_grant' }), 'UNAUTHENTICATED', 'invalid_grant'],
    ['401 invalid_client from the token endpoint', axiosError(401, { error: 'invalid_client' }), 'UNAUTHENTICATED', 'invalid_client'],
    ['403 ApplicationAuthorizationFailed', axiosError(403, gatewayFault('3100', 'message=ApplicationAuthorizationFailed')), 'FORBIDDEN', '3100'],
    ['403 ThrottleExceeded (older QBO throttling)', axiosError(403, throttleXml.replace('429', '403')), 'RATE_LIMITED', '3001'],
    ['429 ThrottleExceeded as XML', axiosError(429, throttleXml), 'RATE_LIMITED', '3001'],
    ['400 object not found', axiosError(400, apiFault('610', 'ValidationFault', 'Object Not Found')), 'NOT_FOUND', '610'],
    ['400 query parse error', axiosError(400, apiFault('4000', 'ValidationFault', 'Error parsing query')), 'BAD_REQUEST', '4000'],
    ['400 invalid query', axiosError(400, apiFault('4001', 'ValidationFault', 'Invalid query')), 'BAD_REQUEST', '4001'],
    ['400 query parse error under another fault type', axiosError(400, apiFault('4000', 'QueryParserFault', 'Error parsing query')), 'BAD_REQUEST', '4000'],
    ['500 SystemFault', axiosError(500, apiFault('10000', 'SystemFault')), 'UNAVAILABLE', '10000'],
    ['503 without a body', axiosError(503, ''), 'UNAVAILABLE', undefined],
    ['502 HTML from a proxy', axiosError(502, '<html>Bad Gateway</html>'), 'UNAVAILABLE', undefined],
    ['404', axiosError(404, null), 'NOT_FOUND', undefined],
  ] as const)('%s → %s', (_label, err, code, vendorCode) => {
    const e = mapQuickbooksError(err);
    expect(e).toBeInstanceOf(SourceError);
    expect(e.source).toBe('quickbooks');
    expect(e.code).toBe(code);
    expect(e.vendorCode).toBe(vendorCode);
    expect(e.status).toBe(err.response!.status);
  });

  it('waits out the per-minute window when QBO gives no Retry-After, and honours one when given', () => {
    expect(mapQuickbooksError(axiosError(429, throttleXml)).retryAfterSeconds).toBe(DEFAULT_RETRY_AFTER_SECONDS);
    expect(mapQuickbooksError(axiosError(429, throttleXml, { 'retry-after': '7' })).retryAfterSeconds).toBe(7);
    const withGetter = axiosError(429, throttleXml);
    (withGetter.response as { headers: unknown }).headers = { get: (n: string) => (n === 'retry-after' ? '12' : undefined) };
    expect(mapQuickbooksError(withGetter).retryAfterSeconds).toBe(12);
  });

  it('never puts the token, the fault Detail or the query into the message, nor keeps the axios error', () => {
    const e = mapQuickbooksError(axiosError(400, apiFault('4000', 'ValidationFault', 'Error parsing query')));
    expect(e.message).toBe('QuickBooks answered HTTP 400: Error parsing query (code 4000)');
    expect(JSON.stringify({ m: e.message, c: String(e.cause) })).not.toMatch(/secret|Jane/);
    expect(e.cause).toBeUndefined();
  });

  it('maps network failures to UNAVAILABLE and an axios timeout to TIMEOUT', () => {
    expect(mapQuickbooksError(axiosError(null, null, {}, 'ERR_NETWORK')).code).toBe('UNAVAILABLE');
    expect(mapQuickbooksError(axiosError(null)).code).toBe('UNAVAILABLE');
    expect(mapQuickbooksError(axiosError(null, null, {}, 'ECONNABORTED')).code).toBe('TIMEOUT');
    expect(mapQuickbooksError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })).code).toBe('UNAVAILABLE');
  });

  it('maps shapes it did not expect to INVALID_RESPONSE', () => {
    expect(mapQuickbooksError(new ResponseShapeError('QuickBooks query', ['Balance: Required'])).code).toBe('INVALID_RESPONSE');
    expect(mapQuickbooksError(z.object({ a: z.string() }).safeParse({}).error).code).toBe('INVALID_RESPONSE');
    expect(mapQuickbooksError(new SyntaxError('Unexpected end of JSON input')).code).toBe('INVALID_RESPONSE');
  });

  it('maps a fault inside a 200 answer (batch item, or the body node-quickbooks rejects with)', () => {
    const item = mapQuickbooksError(new QboFaultError({ type: 'ValidationFault', code: '4001', message: 'Invalid query' }, 'batch'));
    expect([item.code, item.vendorCode, item.status]).toEqual(['BAD_REQUEST', '4001', undefined]);
    expect(mapQuickbooksError(apiFault('3200', 'AuthenticationFault')).code).toBe('UNAUTHENTICATED');
    expect(mapQuickbooksError(apiFault('610', 'ValidationFault')).code).toBe('NOT_FOUND');
    expect(mapQuickbooksError(apiFault('10000', 'SystemFault')).code).toBe('UNAVAILABLE');
  });

  it('reads the kit\'s HttpError too, and passes SourceErrors through', () => {
    const http = new HttpError(429, new Headers({ 'retry-after': '3' }), throttleXml, 'http://x/q');
    expect(mapQuickbooksError(http)).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 3, vendorCode: '3001' });
    const own = new SourceError('quickbooks', 'BAD_REQUEST', 'x');
    expect(mapQuickbooksError(own)).toBe(own);
  });

  it('anything else is INTERNAL', () => {
    expect(mapQuickbooksError(new Error('boom')).code).toBe('INTERNAL');
    expect(mapQuickbooksError('weird').code).toBe('INTERNAL');
  });
});
