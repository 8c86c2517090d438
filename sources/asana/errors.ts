import { ZodError } from 'zod';
import { systemClock, type Clock } from '../kit/clock.js';
import { SourceError, codeForStatus, isNetworkError, isSourceError, parseRetryAfter } from '../kit/errors.js';
import { HttpError, ResponseShapeError } from '../kit/http.js';
import { asanaErrorBodySchema } from './types.js';

/** The first message of Asana's `{ errors: [{ message, help, phrase }] }`, if the body has that shape. */
function vendorDetail(body: unknown): { message: string | null; phrase: string | null } {
  const parsed = asanaErrorBodySchema.safeParse(body);
  const first = parsed.success ? parsed.data.errors[0] : undefined;
  return { message: first?.message?.slice(0, 200) ?? null, phrase: first?.phrase ?? null };
}

/**
 * Asana error → shared code. Asana has no error codes of its own: `vendorCode` keeps the phrase of a 5xx (what
 * Asana support asks for) or the HTTP status. Messages carry Asana's own text, which names parameters and gids,
 * never tokens.
 */
export function mapAsanaError(e: unknown, clock: Clock = systemClock): SourceError {
  if (isSourceError(e)) return e;
  if (e instanceof HttpError) {
    const { message, phrase } = vendorDetail(e.body);
    const status = e.status;
    const code =
      status === 402
        ? 'FORBIDDEN' // the feature needs a paid Asana plan
        : codeForStatus(status);
    const text = `Asana answered ${status}${message ? `: ${message}` : ''}`;
    return new SourceError('asana', code, text, {
      status,
      vendorCode: phrase ?? `http_${status}`,
      retryAfterSeconds: status === 429 ? (parseRetryAfter(e.headers.get('retry-after'), clock) ?? 60) : undefined,
      cause: e,
    });
  }
  if (e instanceof ResponseShapeError || e instanceof ZodError || e instanceof SyntaxError) {
    const detail = e instanceof ResponseShapeError ? e.message : 'response did not parse';
    return new SourceError('asana', 'INVALID_RESPONSE', `Asana response not understood: ${detail}`, { cause: e });
  }
  if (e instanceof DOMException && (e.name === 'AbortError' || e.name === 'TimeoutError')) {
    return new SourceError('asana', 'TIMEOUT', 'Asana request was cancelled before it answered', { cause: e });
  }
  // undici says "fetch failed", msw's dropped connection "Failed to fetch": both are the network, not a bug.
  if (isNetworkError(e) || (e instanceof TypeError && /failed to fetch|fetch failed/i.test(e.message))) return new SourceError('asana', 'UNAVAILABLE', 'Asana connection failed', { cause: e });
  return new SourceError('asana', 'INTERNAL', `Asana call failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
}
