import { ZodError } from 'zod';
import { systemClock, type Clock } from '../kit/clock.js';
import { SourceError, codeForStatus, isNetworkError, isSourceError, parseRetryAfter } from '../kit/errors.js';
import { HttpError, ResponseShapeError } from '../kit/http.js';

/** Xero's 429 names its wait in Retry-After; a minute (its shortest window) when it does not. */
export const DEFAULT_RETRY_AFTER_SECONDS = 60;

/**
 * Any failure of the Xero client → the shared error. The client raises SourceErrors for Xero's own answers
 * (429 with Retry-After and X-Rate-Limit-Problem, 401 after one refresh, a refused refresh); what is left is the
 * network, a body that is not what Xero documents, or the request being cancelled.
 */
export function mapXeroError(e: unknown, clock: Clock = systemClock): SourceError {
  if (isSourceError(e)) return e;
  if (e instanceof HttpError) {
    return new SourceError('xero', codeForStatus(e.status), `Xero answered ${e.status}`, {
      status: e.status,
      retryAfterSeconds: e.status === 429 ? (parseRetryAfter(e.headers.get('retry-after'), clock) ?? DEFAULT_RETRY_AFTER_SECONDS) : undefined,
    });
  }
  if (e instanceof ResponseShapeError || e instanceof ZodError || e instanceof SyntaxError) {
    const detail = e instanceof ResponseShapeError ? e.message : 'response did not parse';
    return new SourceError('xero', 'INVALID_RESPONSE', `Xero answered in an unexpected shape: ${detail}`, { cause: e });
  }
  if (e instanceof DOMException && (e.name === 'AbortError' || e.name === 'TimeoutError')) {
    return new SourceError('xero', 'TIMEOUT', 'Xero request was cancelled before it answered', { cause: e });
  }
  if (isNetworkError(e) || (e instanceof TypeError && /failed to fetch|fetch failed/i.test(e.message))) {
    return new SourceError('xero', 'UNAVAILABLE', 'Xero connection failed', { cause: e });
  }
  return new SourceError('xero', 'INTERNAL', `Xero call failed unexpectedly: ${e instanceof Error ? e.message : String(e)}`, { cause: e instanceof Error ? e : undefined });
}
