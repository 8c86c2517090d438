import type { Clock } from './clock.js';
import { clockTime } from './gate.js';
import { SourceError, sourceName, type SourceId } from './errors.js';

/** A vendor's own allowance as its last answer reported it (Salesforce: `Sforce-Limit-Info: api-usage=N/M`). */
export type ApiUsage = { used: number; limit: number };

/** How long Panorama stays away once its share of the allowance is used, before one call reads the usage again. */
export const ALLOWANCE_RECHECK_SECONDS = 900;

/** Percentage points below the share at which background work (index upkeep) stops, leaving the rest to people. */
export const ALLOWANCE_BACKGROUND_MARGIN = 10;

export type AllowanceState = ApiUsage & {
  /** When the usage was last reported (ms). */
  at: number;
  /** Calls used at which Panorama stops sending (its share of the allowance). */
  stopAt: number;
  /** Calls used at which background work stops. */
  backgroundStopAt: number;
  /** Until when nothing is sent (ms), or null. */
  blockedUntil: number | null;
};

/**
 * A source's daily allowance, when the vendor reports one on its answers (Salesforce's org-wide rolling 24-hour
 * API request limit, shared with every other integration of the org). Panorama uses at most `sharePercent` of it:
 * once the reported usage reaches that share, nothing more is sent for ALLOWANCE_RECHECK_SECONDS, reads are
 * served from the cache, and then one call reads the usage again. Background work stops
 * ALLOWANCE_BACKGROUND_MARGIN points earlier. The vendor's own refusal (REQUEST_LIMIT_EXCEEDED) is never reached
 * through Panorama alone.
 */
export class DailyAllowance {
  readonly source: SourceId;
  readonly sharePercent: number;
  readonly #read: () => ApiUsage | undefined;
  readonly #clock: Clock;
  readonly #recheckMs: number;
  #last: (ApiUsage & { at: number }) | null = null;

  constructor(source: SourceId, sharePercent: number, clock: Clock, read: () => ApiUsage | undefined, recheckSeconds = ALLOWANCE_RECHECK_SECONDS) {
    this.source = source;
    this.sharePercent = sharePercent;
    this.#read = read;
    this.#clock = clock;
    this.#recheckMs = recheckSeconds * 1000;
  }

  /** Takes the usage the source's last answer reported (called after every call that reached it). */
  observe(): void {
    const u = this.#read();
    if (!u || !(u.limit > 0) || !(u.used >= 0)) return;
    if (this.#last && this.#last.used === u.used && this.#last.limit === u.limit && this.blockedUntil(false) !== null) return;
    this.#last = { used: u.used, limit: u.limit, at: this.#clock.now() };
  }

  #stopAt(limit: number, background: boolean): number {
    const percent = Math.max(0, this.sharePercent - (background ? ALLOWANCE_BACKGROUND_MARGIN : 0));
    return Math.floor((limit * percent) / 100);
  }

  /** Until when nothing is sent (people's reads), or only people's reads are sent (`background`); null when calls may leave. */
  blockedUntil(background: boolean): number | null {
    const l = this.#last;
    if (!l || l.used < this.#stopAt(l.limit, background)) return null;
    const until = l.at + this.#recheckMs;
    return until > this.#clock.now() ? until : null;
  }

  state(): AllowanceState | null {
    const l = this.#last;
    if (!l) return null;
    return { ...l, stopAt: this.#stopAt(l.limit, false), backgroundStopAt: this.#stopAt(l.limit, true), blockedUntil: this.blockedUntil(false) };
  }

  /** The error of a read not sent because Panorama's share of the allowance is used. */
  spentError(until: number, background = false): SourceError {
    const l = this.#last!;
    const name = sourceName(this.source);
    const percent = Math.floor((l.used / l.limit) * 100);
    const fmt = (n: number) => n.toLocaleString('en-US');
    const reason = `${name}'s daily API allowance is ${percent} % used (${fmt(l.used)} of ${fmt(l.limit)}${background ? '; the rest is kept for people' : ''}); Panorama asks again at ${clockTime(until)}`;
    return new SourceError(this.source, 'RATE_LIMITED', `${this.source} daily allowance ${l.used}/${l.limit} past Panorama's ${this.sharePercent} % share`, {
      retryAt: new Date(until).toISOString(),
      retryAfterSeconds: Math.max(1, Math.ceil((until - this.#clock.now()) / 1000)),
      gated: true,
      budget: true,
      limitReason: reason,
      userMessage: `${reason}; nothing is sent to ${name} before then.`,
    });
  }
}
