import { HttpResponse } from 'msw';

/**
 * QuickBooks Online's error bodies, in the forms Intuit sends them:
 * - the API's own `Fault` (capitalised keys) for validation, not-found and system errors;
 * - the gateway's lowercase `fault` envelope for authentication (401) and authorization (403) failures;
 * - throttling as XML even when JSON was asked for (a long-standing QBO quirk; see too_many_requests_error.xml).
 */

/** QBO's timestamp style: local time of the Pacific data centre with its offset. */
export function qboTime(ms = Date.now()): string {
  return new Date(ms - 8 * 3_600_000).toISOString().replace('Z', '-08:00');
}

export type FaultError = { Message: string; Detail?: string; code: string; element?: string };

export function faultBody(type: string, errors: FaultError[]) {
  return { Fault: { Error: errors, type }, time: qboTime() };
}

export function faultResponse(status: number, type: string, errors: FaultError[]): Response {
  return HttpResponse.json(faultBody(type, errors), { status });
}

/** The object-not-found fault a read of an unknown id gets (400, code 610). */
export function objectNotFound(): Response {
  return faultResponse(400, 'ValidationFault', [
    {
      Message: 'Object Not Found',
      Detail: "Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees.",
      code: '610',
      element: '',
    },
  ]);
}

/** The gateway's envelope: lowercase keys, epoch time and a row of null siblings. */
function gatewayFault(status: number, message: string, detail: string | null, code: string, type: string): Response {
  return HttpResponse.json(
    {
      warnings: null,
      intuitObject: null,
      fault: { error: [{ message, detail, code, element: null }], type },
      report: null,
      queryResponse: null,
      batchItemResponse: [],
      attachableResponse: [],
      syncErrorResponse: null,
      requestId: null,
      time: Date.now(),
      status: null,
      cdcresponse: [],
    },
    { status },
  );
}

export function authenticationFailed(): Response {
  return gatewayFault(401, 'message=AuthenticationFailed; errorCode=003200; statusCode=401', 'Token expired: access token is not valid', '3200', 'AUTHENTICATION');
}

export function authorizationFailed(): Response {
  return gatewayFault(403, 'message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403', null, '3100', 'SERVICE');
}

export function throttled(): Response {
  const xml =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    `<IntuitResponse time="${qboTime()}" xmlns="http://schema.intuit.com/finance/v3">\n` +
    '  <Fault type="SERVICE">\n' +
    '    <Error code="3001">\n' +
    '      <Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message>\n' +
    '      <Detail>The request limit was reached.  Try again later</Detail>\n' +
    '    </Error>\n' +
    '  </Fault>\n' +
    '</IntuitResponse>';
  return new HttpResponse(xml, { status: 429, headers: { 'content-type': 'application/xml' } });
}

export function systemFault(status: 500 | 503): Response {
  return faultResponse(status, 'SystemFault', [
    {
      Message: 'An application error has occurred while processing your request',
      Detail: status === 503 ? 'System Failure Error: Service temporarily unavailable' : 'System Failure Error: An unexpected error occurred',
      code: '10000',
    },
  ]);
}

export function unsupportedOperation(path: string): Response {
  return faultResponse(400, 'ValidationFault', [
    { Message: 'Unsupported Operation', Detail: `Operation Could not find resource for relative : ${path} is not supported.`, code: '500' },
  ]);
}
