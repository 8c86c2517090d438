import { Gauge } from 'prom-client';
import type { SourceErrorCode, SourceId } from './kit/errors.js';
import { metricsRegistry } from './kit/metrics.js';
import type { SourcesRuntime } from './runtime.js';

export type SourceState = 'UP' | 'DOWN' | 'FAILING' | 'RATE_LIMITED' | 'NOT_CONFIGURED';

export type SourceReadiness = {
  source: SourceId;
  state: SourceState;
  breaker: string;
  /** Since when calls have been failing (ISO), and the root cause. */
  failingSince: string | null;
  code: SourceErrorCode | null;
  status: number | null;
  /** Until when nothing is sent (a rate limit, or the budget spent), ISO. */
  closedUntil: string | null;
  budget: { perMinute: number; remaining: number } | null;
  /** The vendor's daily allowance as its last answer reported it, and the share Panorama stops at. */
  dailyAllowance: { used: number; limit: number; stopAt: number } | null;
  index: { loaded: boolean; ageSeconds: number | null };
};

/** Where the state instances share lives: `memory` (no REDIS_URL), `redis`, or `fallback` (Redis configured but down). */
export type SharedReadiness = { mode: 'memory' | 'redis' | 'fallback'; since: string | null; address: string | null; reason: string | null };

export type Readiness = { ready: boolean; shared: SharedReadiness; sources: SourceReadiness[] };

/**
 * Whether Panorama can serve people: every connected source's index is loaded (links and lists depend on them),
 * and each source's state. A source that is down does not make Panorama unready — its sections say so — but it
 * is reported.
 */
export async function readiness(runtime: SourcesRuntime): Promise<Readiness> {
  const now = runtime.clock.now();
  const sources = await Promise.all(
    runtime.list.map(async (s): Promise<SourceReadiness> => {
      const kit = s.kit;
      const loadedAt = runtime.indexLoadedAt(s.id);
      const index = { loaded: loadedAt !== null, ageSeconds: loadedAt === null ? null : Math.max(0, Math.round((now - loadedAt) / 1000)) };
      if (!s.configured) {
        return { source: s.id, state: 'NOT_CONFIGURED', breaker: kit.breakerState, failingSince: null, code: null, status: null, closedUntil: null, budget: null, dailyAllowance: null, index };
      }
      const gate = await kit.gate.closedUntil();
      const budget = kit.budget ? await kit.budget.state() : null;
      const failing = kit.failing;
      const allowance = kit.allowance?.state() ?? null;
      const spentUntil = budget?.remaining === 0 ? budget.resetAt : (allowance?.blockedUntil ?? null);
      const state: SourceState =
        kit.breakerState === 'open' ? 'DOWN' : gate !== null || spentUntil !== null ? 'RATE_LIMITED' : failing ? 'FAILING' : 'UP';
      const closedUntil = gate ?? spentUntil;
      return {
        source: s.id,
        state,
        breaker: kit.breakerState,
        failingSince: failing ? new Date(failing.since).toISOString() : null,
        code: failing?.error.code ?? null,
        status: failing?.error.status ?? null,
        closedUntil: closedUntil === null ? null : new Date(closedUntil).toISOString(),
        budget: kit.budget && budget ? { perMinute: kit.budget.perMinute, remaining: budget.remaining } : null,
        dailyAllowance: allowance ? { used: allowance.used, limit: allowance.limit, stopAt: allowance.stopAt } : null,
        index,
      };
    }),
  );
  // Redis down does not make Panorama unready: each instance serves from its own memory meanwhile, and says so.
  const st = runtime.sharedState();
  const shared: SharedReadiness = { mode: st.mode, since: st.mode === 'memory' ? null : new Date(st.since).toISOString(), address: st.address, reason: st.reason };
  return { ready: sources.every((s) => s.state === 'NOT_CONFIGURED' || s.index.loaded), shared, sources };
}

let observed: SourcesRuntime | null = null;

/** The runtime whose sources the gauges report (the process's one; in tests, the latest). */
export function observeRuntime(runtime: SourcesRuntime): void {
  observed = runtime;
}

const BREAKER_VALUE: Record<string, number> = { closed: 0, 'half-open': 1, open: 2, isolated: 3 };

async function collectInto(set: (r: SourceReadiness) => void): Promise<void> {
  if (!observed) return;
  for (const r of (await readiness(observed)).sources) if (r.state !== 'NOT_CONFIGURED') set(r);
}

new Gauge({
  name: 'panorama_source_breaker_state',
  help: 'Circuit breaker per source: 0 closed, 1 half-open, 2 open, 3 isolated',
  labelNames: ['source'] as const,
  registers: [metricsRegistry],
  async collect() {
    this.reset();
    await collectInto((r) => this.set({ source: r.source }, BREAKER_VALUE[r.breaker] ?? 3));
  },
});

new Gauge({
  name: 'panorama_source_closed_until_seconds',
  help: 'Until when nothing is sent to a source (rate limit or budget spent), as a Unix time; 0 when open',
  labelNames: ['source'] as const,
  registers: [metricsRegistry],
  async collect() {
    this.reset();
    await collectInto((r) => this.set({ source: r.source }, r.closedUntil ? Date.parse(r.closedUntil) / 1000 : 0));
  },
});

new Gauge({
  name: 'panorama_source_budget_remaining',
  help: 'Requests left in the current minute of a source budget (sources with a budget only)',
  labelNames: ['source'] as const,
  registers: [metricsRegistry],
  async collect() {
    this.reset();
    await collectInto((r) => r.budget && this.set({ source: r.source }, r.budget.remaining));
  },
});

new Gauge({
  name: 'panorama_source_index_age_seconds',
  help: 'Age of the index Panorama keeps per source (links, lists); absent until loaded',
  labelNames: ['source'] as const,
  registers: [metricsRegistry],
  async collect() {
    this.reset();
    await collectInto((r) => r.index.ageSeconds !== null && this.set({ source: r.source }, r.index.ageSeconds));
  },
});

new Gauge({
  name: 'panorama_source_daily_allowance_used_ratio',
  help: "Share of the vendor's daily API allowance used, as its last answer reported it (sources whose vendor reports one)",
  labelNames: ['source'] as const,
  registers: [metricsRegistry],
  async collect() {
    this.reset();
    await collectInto((r) => r.dailyAllowance && this.set({ source: r.source }, r.dailyAllowance.used / r.dailyAllowance.limit));
  },
});

new Gauge({
  name: 'panorama_cache_entries',
  help: 'Entries the cross-request source cache holds now (bounded by PANORAMA_CACHE_MAX_MB, each with its TTL)',
  registers: [metricsRegistry],
  collect() {
    this.set(observed?.cache.size ?? 0);
  },
});

new Gauge({
  name: 'panorama_cache_bytes',
  help: "Bytes the cross-request source cache holds now, by its own estimate of each entry's size",
  registers: [metricsRegistry],
  collect() {
    this.set(observed?.cache.calculatedBytes ?? 0);
  },
});
