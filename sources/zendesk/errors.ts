import { ZodError } from 'zod';
import { systemClock, type Clock } from '../kit/clock.js';
import { SourceError, codeForStatus, isNetworkError, isSourceError, parseRetryAfter } from '../kit/errors.js';
import { HttpError, ResponseShapeError } from '../kit/http.js';

/** The error code Zendesk put in its body, in whichever of its three error shapes it used. */
export function zendeskVendorCode(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as { error?: unknown; errors?: unknown };
  if (typeof b.error === 'string') return b.error;
  if (b.error && typeof b.error === 'object' && typeof (b.error as { title?: unknown }).title === 'string') {
    return (b.error as { title: string }).title;
  }
  if (Array.isArray(b.errors)) {
    const first = b.errors[0] as { code?: unknown } | undefined;
    if (typeof first?.code === 'string') return first.code;
  }
  return undefined;
}

/**
 * Zendesk error → shared error. Messages carry the status, the API path and Zendesk's error code only: never
 * the query string (it can hold a customer's name), credentials or personal data.
 */
export function mapZendeskError(e: unknown, clock: Clock = systemClock): SourceError {
  if (isSourceError(e)) return e;
  if (e instanceof HttpError) {
    const vendorCode = zendeskVendorCode(e.body);
    const path = safePath(e.message);
    const base = { status: e.status, vendorCode, cause: e };
    switch (true) {
      case e.status === 401:
        return new SourceError('zendesk', 'UNAUTHENTICATED', `Zendesk refused Panorama's credentials (401${vendorCode ? `: ${vendorCode}` : ''})`, base);
      case e.status === 403:
        return new SourceError('zendesk', 'FORBIDDEN', `Zendesk's API user may not read ${path} (403)`, base);
      case e.status === 404:
        return new SourceError('zendesk', 'NOT_FOUND', `Zendesk has no record at ${path} (404)`, base);
      case e.status === 429:
        return new SourceError('zendesk', 'RATE_LIMITED', `Zendesk rate limit reached (429${vendorCode ? `: ${vendorCode}` : ''})`, {
          ...base,
          retryAfterSeconds: parseRetryAfter(e.headers.get('retry-after'), clock),
        });
      case e.status === 400 || e.status === 422:
        // 422 is also what search answers past its 1,000-result window: still a request Panorama should not make.
        return new SourceError('zendesk', 'BAD_REQUEST', `Zendesk rejected the request to ${path} (${e.status}${vendorCode ? `: ${vendorCode}` : ''})`, base);
      case e.status >= 500:
        return new SourceError('zendesk', 'UNAVAILABLE', `Zendesk answered ${e.status} for ${path}`, {
          ...base,
          retryAfterSeconds: parseRetryAfter(e.headers.get('retry-after'), clock),
        });
      default:
        return new SourceError('zendesk', codeForStatus(e.status), `Zendesk answered ${e.status} for ${path}`, base);
    }
  }
  if (e instanceof ResponseShapeError || e instanceof ZodError || e instanceof SyntaxError) {
    return new SourceError('zendesk', 'INVALID_RESPONSE', e instanceof ResponseShapeError ? e.message : 'Zendesk answered with an unexpected body', { cause: e });
  }
  if (isAbort(e)) return new SourceError('zendesk', 'TIMEOUT', 'Zendesk call was aborted before it answered', { cause: e });
  // undici says "fetch failed"; a connection dropped inside the test interceptor says "Failed to fetch".
  if (isNetworkError(e) || (e instanceof TypeError && /fetch/i.test(e.message))) {
    return new SourceError('zendesk', 'UNAVAILABLE', 'Zendesk connection failed', { cause: e });
  }
  return new SourceError('zendesk', 'INTERNAL', 'Zendesk call failed unexpectedly', { cause: e });
}

function isAbort(e: unknown): boolean {
  return e instanceof Error && (e.name === 'AbortError' || e.name === 'TimeoutError');
}

/** HttpError's message is `HTTP <status> from <pathname>`; keep the path (ids only, never the query). */
function safePath(message: string): string {
  return message.match(/ from (\/\S*)$/)?.[1] ?? 'Zendesk';
}
