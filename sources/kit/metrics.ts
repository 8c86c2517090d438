import { Counter, Histogram, Registry } from 'prom-client';
import { systemClock, type Clock } from './clock.js';
import type { SourceErrorCode, SourceId } from './errors.js';

export const metricsRegistry = new Registry();

export const upstreamRequests = new Counter({
  name: 'panorama_upstream_requests_total',
  help: 'Calls made to a source system, by outcome',
  labelNames: ['source', 'operation', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const upstreamDuration = new Histogram({
  name: 'panorama_upstream_duration_seconds',
  help: 'Time taken by calls to a source system',
  labelNames: ['source', 'operation'] as const,
  buckets: [0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10],
  registers: [metricsRegistry],
});

export const upstreamRetries = new Counter({
  name: 'panorama_upstream_retries_total',
  help: 'Upstream reads retried after a 5xx, a dropped connection or a timeout',
  labelNames: ['source'] as const,
  registers: [metricsRegistry],
});

/** Access-token refreshes by outcome (`ok`, `failed`): a failed one means an admin must reconnect the source. */
export const tokenRefreshes = new Counter({
  name: 'panorama_token_refreshes_total',
  help: 'Access-token refreshes of a source, by outcome (ok, failed)',
  labelNames: ['source', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const cacheLookups = new Counter({
  name: 'panorama_cache_lookups_total',
  help: 'Cross-request cache lookups, by result',
  labelNames: ['source', 'result'] as const,
  registers: [metricsRegistry],
});

type CallRecord = { at: number; ms: number; ok: boolean };

export type SourceHealthSnapshot = {
  source: SourceId;
  calls: number;
  errors: number;
  errorRate: number;
  p50Ms: number | null;
  lastSuccessAt: string | null;
  lastError: { at: string; code: SourceErrorCode; message: string } | null;
};

/** A short memory of recent calls per source, for the admin's source status page. */
export class SourceHealth {
  readonly #window: number;
  readonly #records = new Map<SourceId, CallRecord[]>();
  readonly #lastError = new Map<SourceId, { at: number; code: SourceErrorCode; message: string }>();
  readonly #lastSuccess = new Map<SourceId, number>();

  readonly #clock: Clock;

  constructor(opts: { window?: number; clock?: Clock } = {}) {
    this.#window = opts.window ?? 200;
    this.#clock = opts.clock ?? systemClock;
  }

  record(source: SourceId, ms: number, error?: { code: SourceErrorCode; message: string }): void {
    const list = this.#records.get(source) ?? [];
    const at = this.#clock.now();
    list.push({ at, ms, ok: !error });
    if (list.length > this.#window) list.shift();
    this.#records.set(source, list);
    if (error) this.#lastError.set(source, { at, ...error });
    else this.#lastSuccess.set(source, at);
  }

  snapshot(source: SourceId): SourceHealthSnapshot {
    const list = this.#records.get(source) ?? [];
    const errors = list.filter((r) => !r.ok).length;
    const times = list.filter((r) => r.ok).map((r) => r.ms).sort((a, b) => a - b);
    const last = this.#lastError.get(source);
    const ok = this.#lastSuccess.get(source);
    return {
      source,
      calls: list.length,
      errors,
      errorRate: list.length ? errors / list.length : 0,
      p50Ms: times.length ? (times[Math.floor(times.length / 2)] ?? null) : null,
      lastSuccessAt: ok ? new Date(ok).toISOString() : null,
      lastError: last ? { at: new Date(last.at).toISOString(), code: last.code, message: last.message } : null,
    };
  }
}
