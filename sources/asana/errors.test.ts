import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SourceError } from '../kit/errors.js';
import { HttpError, ResponseShapeError } from '../kit/http.js';
import { mapAsanaError } from './errors.js';

const http = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new HttpError(status, new Headers(headers), body, 'https://app.asana.com/api/1.0/projects');
const errors = (message: string, extra: object = {}) => ({ errors: [{ message, help: 'docs', ...extra }] });

describe('mapAsanaError', () => {
  it.each([
    [400, 'BAD_REQUEST'],
    [401, 'UNAUTHENTICATED'],
    [402, 'FORBIDDEN'],
    [403, 'FORBIDDEN'],
    [404, 'NOT_FOUND'],
    [429, 'RATE_LIMITED'],
    [500, 'UNAVAILABLE'],
    [503, 'UNAVAILABLE'],
    [504, 'UNAVAILABLE'],
  ])('maps HTTP %i to %s', (status, code) => {
    expect(mapAsanaError(http(status, errors('x'))).code).toBe(code);
  });

  it("keeps Asana's message, and the phrase of a server error as vendorCode", () => {
    const e = mapAsanaError(http(500, errors('Server Error', { phrase: '6 sad squid snuggle softly' })));
    expect(e).toBeInstanceOf(SourceError);
    expect(e).toMatchObject({ source: 'asana', status: 500, vendorCode: '6 sad squid snuggle softly', retryable: true });
    expect(e.message).toBe('Asana answered 500: Server Error');
    expect(mapAsanaError(http(404, errors('project: Unknown object: 42'))).vendorCode).toBe('http_404');
  });

  it('reads Retry-After on 429 (seconds, or 60 when absent)', () => {
    expect(mapAsanaError(http(429, errors('slow down'), { 'retry-after': '17' })).retryAfterSeconds).toBe(17);
    expect(mapAsanaError(http(429, 'not json')).retryAfterSeconds).toBe(60);
    expect(mapAsanaError(http(400, errors('x'), { 'retry-after': '17' })).retryAfterSeconds).toBeUndefined();
  });

  it('copes with a body that is not the Asana error shape', () => {
    expect(mapAsanaError(http(502, '<html>Bad gateway</html>')).message).toBe('Asana answered 502');
  });

  it('maps shape and parse failures to INVALID_RESPONSE', () => {
    expect(mapAsanaError(new ResponseShapeError('Asana projects', ['data.0.gid: Required'])).code).toBe('INVALID_RESPONSE');
    expect(mapAsanaError(z.object({ a: z.string() }).safeParse({}).error).code).toBe('INVALID_RESPONSE');
    expect(mapAsanaError(new SyntaxError('Unexpected end of JSON input')).code).toBe('INVALID_RESPONSE');
  });

  it('maps network failures and aborts', () => {
    expect(mapAsanaError(new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } })).code).toBe('UNAVAILABLE');
    expect(mapAsanaError(new DOMException('aborted', 'AbortError')).code).toBe('TIMEOUT');
    expect(mapAsanaError(new Error('boom')).code).toBe('INTERNAL');
  });

  it('passes a SourceError through unchanged', () => {
    const e = new SourceError('asana', 'BAD_REQUEST', 'bad gid');
    expect(mapAsanaError(e)).toBe(e);
  });

  it('never puts the token in the message', () => {
    const e = mapAsanaError(http(401, errors('Not Authorized')));
    expect(e.message).not.toMatch(/sandbox-asana-pat|Bearer/);
    expect(e.userMessage).toMatch(/Asana/);
  });
});
