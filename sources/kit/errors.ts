import { systemClock, type Clock } from './clock.js';
import { nameOfSource } from './source-facts.js';

/**
 * Shared error codes every source maps its vendor errors to. The GraphQL layer and the UI only ever see
 * these, never a vendor's own code (that stays in `vendorCode` for logs and the admin page).
 */
export const SOURCE_ERROR_CODES = [
  'TIMEOUT',
  'UNAVAILABLE',
  'RATE_LIMITED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_REQUEST',
  'INVALID_RESPONSE',
  'CIRCUIT_OPEN',
  'NOT_CONFIGURED',
  'INTERNAL',
] as const;

export type SourceErrorCode = (typeof SOURCE_ERROR_CODES)[number];

/**
 * The ids of the source modules. The kit names none: each module adds its own id in its folder
 * (`declare module '../kit/errors.js' { interface SourceIds { asana: true } }`), so a new module is a new folder,
 * and a table keyed by `SourceId` still has to name every module.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface, @typescript-eslint/no-empty-object-type
export interface SourceIds {}
export type SourceId = keyof SourceIds & string;

const RETRYABLE: ReadonlySet<SourceErrorCode> = new Set(['TIMEOUT', 'UNAVAILABLE', 'RATE_LIMITED', 'CIRCUIT_OPEN']);

/** A source's name in running text, from its module (source-facts.ts). */
export function sourceName(id: SourceId): string {
  return nameOfSource(id);
}

export class SourceError extends Error {
  readonly source: SourceId;
  readonly code: SourceErrorCode;
  readonly status: number | undefined;
  readonly vendorCode: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  /** When a rate-limited source may be asked again (ISO), once the kit's gate has closed it. */
  readonly retryAt: string | undefined;
  /** True when nothing was sent: the source's rate-limit gate refused the call. */
  readonly gated: boolean;
  /** True when the limit is Panorama's own per-minute budget for the source, not the vendor's. */
  readonly budget: boolean;
  /** For a limit of Panorama's own: what a stale section says of it, up to its end time ("… is spent until 14:32 UTC"). */
  readonly limitReason: string | undefined;
  /** The request was never sent: what the user typed is not an id of this system (the only BAD_REQUEST that is theirs). */
  readonly invalidInput: boolean;
  readonly #userMessage: string | undefined;

  constructor(
    source: SourceId,
    code: SourceErrorCode,
    message: string,
    opts: {
      status?: number;
      vendorCode?: string;
      retryAfterSeconds?: number;
      retryAt?: string;
      gated?: boolean;
      budget?: boolean;
      limitReason?: string;
      cause?: unknown;
      userMessage?: string;
      invalidInput?: boolean;
    } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = 'SourceError';
    this.source = source;
    this.code = code;
    this.status = opts.status;
    this.vendorCode = opts.vendorCode;
    this.retryAfterSeconds = opts.retryAfterSeconds;
    this.retryAt = opts.retryAt;
    this.gated = opts.gated ?? false;
    this.budget = opts.budget ?? false;
    this.limitReason = opts.limitReason;
    this.invalidInput = opts.invalidInput ?? false;
    this.#userMessage = opts.userMessage;
  }

  get retryable(): boolean {
    return RETRYABLE.has(this.code);
  }

  /** What a support rep reads next to the section: what happened, which system, what to do. */
  get userMessage(): string {
    if (this.#userMessage) return this.#userMessage;
    const name = sourceName(this.source);
    switch (this.code) {
      case 'TIMEOUT':
        return `${name} didn't answer in time. Try refreshing in a minute.`;
      case 'UNAVAILABLE':
        return `${name} is not reachable right now. Try refreshing in a minute.`;
      case 'RATE_LIMITED':
        if (this.retryAt) return `${name} asked Panorama to wait until ${this.retryAt.slice(11, 16)} UTC (rate limit).`;
        return `${name} asked Panorama to slow down (rate limit). Try again ${
          this.retryAfterSeconds ? `in ${this.retryAfterSeconds} s` : 'shortly'
        }.`;
      case 'UNAUTHENTICATED':
        return `Panorama's connection to ${name} was refused (credentials expired or revoked). Ask an admin to reconnect ${name}.`;
      case 'FORBIDDEN':
        return `Panorama's ${name} user is not allowed to read this. Ask an admin to check its permissions.`;
      case 'NOT_FOUND':
        return `${name} has no record for this customer.`;
      case 'INVALID_RESPONSE':
        return `${name} answered with data Panorama did not understand (its API may have changed). An admin has been alerted in the logs.`;
      case 'CIRCUIT_OPEN':
        return `${name} failed several times in a row; Panorama is giving it a short rest before asking again.`;
      case 'NOT_CONFIGURED':
        return `${name} is not connected to Panorama.`;
      case 'BAD_REQUEST':
        return `${name} turned down Panorama's request${this.vendorCode ? ` (${this.vendorCode})` : ''}, so this section can't be shown; the rest of the page is unaffected. Panorama's settings for ${name} may not match it: an admin can check the field mapping on the admin page.`;
      default:
        return `${name} failed unexpectedly. Try refreshing; if it persists, ask an admin.`;
    }
  }
}

export function isSourceError(e: unknown): e is SourceError {
  return e instanceof SourceError;
}

/** Maps an HTTP status to the shared code; vendor modules refine it from the body. */
export function codeForStatus(status: number): SourceErrorCode {
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 429) return 'RATE_LIMITED';
  if (status === 400 || status === 422) return 'BAD_REQUEST';
  if (status >= 500) return 'UNAVAILABLE';
  return 'INTERNAL';
}

/**
 * A client library's own timeout (axios "timeout of N ms exceeded", undici's connect and headers timeouts,
 * `AbortSignal.timeout`): the vendor did not answer in time, which is a TIMEOUT rather than a failed connection.
 */
export function isTimeoutError(e: unknown): boolean {
  const err = e as { code?: unknown; name?: unknown; message?: unknown; cause?: { code?: unknown; name?: unknown } } | null;
  const code = err?.code ?? err?.cause?.code;
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT') return true;
  if (code === 'ECONNABORTED' && typeof err?.message === 'string' && /timeout/i.test(err.message)) return true;
  return err?.name === 'TimeoutError' || err?.cause?.name === 'TimeoutError';
}

/** Network-level failures (reset, refused, DNS) that every client library surfaces differently. */
export function isNetworkError(e: unknown): boolean {
  const code = (e as { code?: unknown; cause?: { code?: unknown } } | null)?.code ??
    (e as { cause?: { code?: unknown } } | null)?.cause?.code;
  return (
    typeof code === 'string' &&
    ['ECONNRESET', 'ECONNREFUSED', 'ENOTFOUND', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'ECONNABORTED', 'EAI_AGAIN'].includes(code)
  ) || (e instanceof TypeError && /fetch failed|failed to fetch|network|socket/i.test(e.message));
}

/** Seconds to wait: Retry-After is either seconds or an HTTP date, which is measured from the clock's now. */
export function parseRetryAfter(value: string | null | undefined, clock: Clock = systemClock): number | undefined {
  if (!value) return undefined;
  const n = Number(value);
  if (Number.isFinite(n) && n >= 0) return n;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.round((date - clock.now()) / 1000));
}
