import { clockTime } from './gate.js';
import type { Clock } from './clock.js';
import { sourceName, type SourceError, type SourceId } from './errors.js';
import { logger } from './logger.js';
import { affectedBy } from './source-facts.js';

export type AlertKind = 'SOURCE_DOWN' | 'SOURCE_RECOVERED' | 'RECONNECT_NEEDED' | 'BUDGET_HIGH' | 'RATE_LIMITED';

/** One alert as Panorama sends it: Slack-compatible (`text`), plus fields for other receivers. No secrets, no customer data. */
export type AlertMessage = {
  text: string;
  panorama: {
    kind: AlertKind;
    source: SourceId;
    /** When the incident started (ISO). */
    since: string;
    /** For SOURCE_RECOVERED: how long the source was down, in seconds. */
    downSeconds?: number;
    code?: string;
    status?: number;
    vendorCode?: string;
  };
};

/** Where the kit reports what happens to calls; the notifier turns it into alerts, one per incident. */
export interface KitEvents {
  callSucceeded(source: SourceId): void;
  callFailed(source: SourceId, err: SourceError): void;
  breakerOpened(source: SourceId, cause: SourceError | null): void;
  rateLimited(source: SourceId, untilMs: number): void;
  budgetUsed(source: SourceId, used: number, perMinute: number, resetAtMs: number): void;
}

/** One incident as the admin page lists it: when it started and ended, why (a short reason), and what was said. */
export type Incident = { kind: AlertKind; source: SourceId; startedAt: string; endedAt: string | null; reason: string; text: string };

/** Incidents kept in memory, newest first (operational records of this process; the alerts went to the webhook). */
export const INCIDENTS_KEPT = 100;

const why = (e: SourceError | null) => (e ? `${e.status ? `HTTP ${e.status}` : e.code}${e.vendorCode ? ` (${e.vendorCode})` : ''}` : 'repeated failures');

/**
 * Sends alerts to PANORAMA_ALERT_WEBHOOK_URL (Slack-compatible JSON) when a source goes down (its breaker opens or
 * N calls in a row fail), recovers, refuses Panorama's credentials, nears its budget or imposes a rate limit. One
 * alert per incident; an incident ends when the source answers again (or the window or minute ends). Its own
 * failures are logged, never thrown. Without a URL the alerts are only logged.
 */
export class AlertNotifier implements KitEvents {
  readonly #url: string | null;
  readonly #threshold: number;
  readonly #clock: Clock;
  readonly #consecutive = new Map<SourceId, { n: number; since: number; last: SourceError }>();
  /** Open incidents by `<kind>:<source>`, with when they end by themselves (rate limit, budget minute). */
  readonly #open = new Map<string, { since: number; endsAt: number | null; incident: Incident }>();
  /** Recent incidents, newest first, for the admin page. */
  readonly incidents: Incident[] = [];
  /** Deliveries in flight (tests and shutdown may wait for them). */
  readonly #pending = new Set<Promise<void>>();

  constructor(opts: { webhookUrl?: string | null; consecutiveFailures?: number; clock: Clock }) {
    this.#url = opts.webhookUrl || null;
    this.#threshold = opts.consecutiveFailures ?? 5;
    this.#clock = opts.clock;
  }

  callSucceeded(source: SourceId): void {
    this.#consecutive.delete(source);
    const down = this.#open.get(`SOURCE_DOWN:${source}`);
    this.#close('RECONNECT_NEEDED', source);
    if (down) {
      this.#close('SOURCE_DOWN', source);
      const downSeconds = Math.round((this.#clock.now() - down.since) / 1000);
      this.#send({
        text: `:white_check_mark: ${sourceName(source)} is answering again, after ${formatDuration(downSeconds)} down (since ${clockTime(down.since)}).`,
        panorama: { kind: 'SOURCE_RECOVERED', source, since: new Date(down.since).toISOString(), downSeconds },
      });
    }
  }

  callFailed(source: SourceId, err: SourceError): void {
    if (err.gated) return;
    if (err.code === 'UNAUTHENTICATED') {
      this.#openIncident('RECONNECT_NEEDED', source, null, why(err), () => ({
        text: `:key: ${sourceName(source)} refused Panorama's credentials (${why(err)}): reconnect needed. An admin must reconnect ${sourceName(source)}; until then ${affectedBy(source)} show cached data or nothing.`,
        panorama: { kind: 'RECONNECT_NEEDED', source, since: new Date(this.#clock.now()).toISOString(), code: err.code, status: err.status, vendorCode: err.vendorCode },
      }));
    }
    if (!['TIMEOUT', 'UNAVAILABLE', 'INVALID_RESPONSE', 'UNAUTHENTICATED', 'INTERNAL'].includes(err.code)) return;
    const c = this.#consecutive.get(source);
    const run = { n: (c?.n ?? 0) + 1, since: c?.since ?? this.#clock.now(), last: err };
    this.#consecutive.set(source, run);
    if (run.n >= this.#threshold) this.#down(source, err, `${run.n} calls in a row failed`, run.since);
  }

  breakerOpened(source: SourceId, cause: SourceError | null): void {
    const run = this.#consecutive.get(source);
    this.#down(source, cause ?? run?.last ?? null, 'its circuit breaker opened', run?.since ?? this.#clock.now());
  }

  rateLimited(source: SourceId, untilMs: number): void {
    this.#openIncident('RATE_LIMITED', source, untilMs, 'rate limit', () => ({
      text: `:hourglass: ${sourceName(source)} imposed its rate limit: Panorama sends it nothing until ${clockTime(untilMs)} and serves cached data meanwhile (${affectedBy(source)}).`,
      panorama: { kind: 'RATE_LIMITED', source, since: new Date(this.#clock.now()).toISOString() },
    }));
  }

  budgetUsed(source: SourceId, used: number, perMinute: number, resetAtMs: number): void {
    if (perMinute <= 0 || used / perMinute <= 0.9) return;
    this.#openIncident('BUDGET_HIGH', source, resetAtMs, 'budget past 90 %', () => ({
      text: `:warning: Panorama has used ${used} of its ${perMinute} ${sourceName(source)} requests this minute (over 90 %); when it is spent, reads are served from the cache until ${clockTime(resetAtMs)}.`,
      panorama: { kind: 'BUDGET_HIGH', source, since: new Date(this.#clock.now()).toISOString() },
    }));
  }

  /**
   * The recent incidents, newest first. An incident that ends by itself (a rate-limit window, a budget's minute)
   * is closed here once its end has passed, so none is shown as still open after it ended.
   */
  recentIncidents(): readonly Incident[] {
    const now = this.#clock.now();
    for (const open of [...this.#open.values()]) {
      if (open.endsAt !== null && open.endsAt <= now) this.#close(open.incident.kind, open.incident.source);
    }
    return this.incidents;
  }

  /** Waits for the alerts being delivered. */
  async flush(): Promise<void> {
    await Promise.all([...this.#pending]);
  }

  #down(source: SourceId, cause: SourceError | null, how: string, since: number): void {
    this.#openIncident('SOURCE_DOWN', source, null, `${why(cause)}; ${how}`, () => ({
      text: `:rotating_light: ${sourceName(source)} is down: ${how} (${why(cause)}) since ${clockTime(since)}. Affected: ${affectedBy(source)}; cached data is shown, marked stale. Panorama keeps retrying.`,
      panorama: { kind: 'SOURCE_DOWN', source, since: new Date(since).toISOString(), code: cause?.code, status: cause?.status, vendorCode: cause?.vendorCode },
    }), since);
  }

  #openIncident(kind: AlertKind, source: SourceId, endsAt: number | null, reason: string, message: () => AlertMessage, since = this.#clock.now()): void {
    const key = `${kind}:${source}`;
    const open = this.#open.get(key);
    if (open && (open.endsAt === null || open.endsAt > this.#clock.now())) return; // one alert per incident
    if (open) this.#close(kind, source);
    const m = message();
    const incident: Incident = { kind, source, startedAt: new Date(since).toISOString(), endedAt: null, reason, text: m.text.replace(/^:[a-z_]+: /, '') };
    this.#open.set(key, { since, endsAt, incident });
    this.incidents.unshift(incident);
    this.incidents.length = Math.min(this.incidents.length, INCIDENTS_KEPT);
    this.#send(m);
  }

  #close(kind: AlertKind, source: SourceId): void {
    const open = this.#open.get(`${kind}:${source}`);
    if (!open) return;
    open.incident.endedAt = new Date(open.endsAt !== null ? Math.min(open.endsAt, this.#clock.now()) : this.#clock.now()).toISOString();
    this.#open.delete(`${kind}:${source}`);
  }

  #send(message: AlertMessage): void {
    logger.warn({ alert: message.panorama.kind, source: message.panorama.source }, message.text);
    if (!this.#url) return;
    const url = this.#url;
    const delivery = (async () => {
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(message),
          signal: AbortSignal.timeout(5000),
        });
        if (!res.ok) logger.error({ alert: message.panorama.kind, status: res.status }, 'alert webhook refused the alert');
        await res.body?.cancel();
      } catch (e) {
        logger.error({ alert: message.panorama.kind, err: e instanceof Error ? e.name : 'unknown' }, 'alert webhook could not be reached');
      }
    })();
    this.#pending.add(delivery);
    void delivery.finally(() => this.#pending.delete(delivery));
  }
}

function formatDuration(seconds: number): string {
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
