import type { Clock } from './clock.js';
import { SourceError, sourceName, type SourceId } from './errors.js';
import { documentedWaitSeconds } from './source-facts.js';

/**
 * Where each source's rate-limit window is kept. In one process a Map does; several instances share one store
 * (a Redis implementation of this interface) so that a 429 seen by one closes the source for all.
 */
export interface GateStore {
  /** Until when (ms since the epoch) the source must not be asked; null when no window was ever set. */
  closedUntil(source: SourceId): Promise<number | null>;
  /** Closes the source until `untilMs`; a window already in force that ends later is kept. */
  close(source: SourceId, untilMs: number): Promise<void>;
}

export class MemoryGateStore implements GateStore {
  readonly #until = new Map<SourceId, number>();

  async closedUntil(source: SourceId): Promise<number | null> {
    return this.#until.get(source) ?? null;
  }

  async close(source: SourceId, untilMs: number): Promise<void> {
    this.#until.set(source, Math.max(untilMs, this.#until.get(source) ?? 0));
  }
}


/** "14:32 UTC": when the window ends, as the section and the admin page say it. */
export function clockTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 16)} UTC`;
}

/**
 * A source's rate-limit gate: a RATE_LIMITED answer closes it until the vendor's Retry-After (or its documented
 * wait) has passed, and inside that window nothing is sent to the vendor.
 */
export class SourceGate {
  readonly source: SourceId;
  readonly #store: GateStore;
  readonly #clock: Clock;
  readonly #fallbackSeconds: number;

  constructor(source: SourceId, store: GateStore, clock: Clock, fallbackSeconds = documentedWaitSeconds(source)) {
    this.source = source;
    this.#store = store;
    this.#clock = clock;
    this.#fallbackSeconds = fallbackSeconds;
  }

  /** Until when the source is closed (ms), or null when requests may leave. */
  async closedUntil(): Promise<number | null> {
    const until = await this.#store.closedUntil(this.source);
    return until !== null && until > this.#clock.now() ? until : null;
  }

  /** Called with every failure of a call that reached the vendor: a rate limit closes the gate. Returns the window's end. */
  async observe(err: SourceError): Promise<number | null> {
    if (err.code !== 'RATE_LIMITED' || err.gated) return null;
    const seconds = err.retryAfterSeconds && err.retryAfterSeconds > 0 ? err.retryAfterSeconds : this.#fallbackSeconds;
    const until = this.#clock.now() + seconds * 1000;
    await this.#store.close(this.source, until);
    return until;
  }

  /** The error a call inside the window fails with: nothing was sent. */
  closedError(until: number): SourceError {
    const seconds = Math.max(1, Math.ceil((until - this.#clock.now()) / 1000));
    return new SourceError(this.source, 'RATE_LIMITED', `${this.source} not asked: it asked Panorama to wait until ${new Date(until).toISOString()}`, {
      retryAfterSeconds: seconds,
      retryAt: new Date(until).toISOString(),
      gated: true,
      userMessage: `${sourceName(this.source)} asked Panorama to wait until ${clockTime(until)} (rate limit); nothing is sent to it before then.`,
    });
  }
}
