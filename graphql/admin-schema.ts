import type { SourceId } from '../sources/kit/errors.js';
import type { PanoramaContext } from './context.js';

/** The admin's view of the plumbing: how each source is doing, and what each integration is. */
export const adminTypeDefs = /* GraphQL */ `
  extend type Query {
    "Per source: connected, reachable, latency, error rate, cache hit rate, last error."
    sources: [SourceStatus!]! @access(group: ADMIN)
    "The integration register, generated from the source modules."
    integrations: [Integration!]! @access(group: ADMIN)
  }

  enum Reachability { UP DEGRADED DOWN UNKNOWN NOT_CONFIGURED }

  type SourceStatus {
    system: System!
    name: String!
    category: String!
    configured: Boolean!
    reachability: Reachability!
    "Upstream calls in the recent window (the last 200)."
    calls: Int!
    errorRate: Float!
    latencyP50Ms: Int
    cacheHitRate: Float
    cacheHits: Int!
    cacheMisses: Int!
    lastSuccessAt: String
    "Seconds from the last success to this request's now (Panorama's clock)."
    lastSuccessAgeSeconds: Int
    lastError: SourceErrorInfo
  }
  type SourceErrorInfo { at: String! "Seconds from the error to this request's now." ageSeconds: Int! code: String! message: String! }

  type Integration {
    system: System!
    name: String!
    category: String!
    owner: String!
    trigger: String!
    reads: [String!]!
    transforms: [String!]!
    credentials: [String!]!
    scopes: [String!]!
    failure: [String!]!
    endpoints: [String!]!
    timeoutMs: Int!
    cache: [CacheRule!]!
  }
  type CacheRule { entity: String! ttlSeconds: Int! staleWhileRevalidateSeconds: Int! staleIfErrorSeconds: Int! }
`;

export const adminResolvers = {
  Query: {
    sources: (_: unknown, __: unknown, ctx: PanoramaContext) =>
      ctx.runtime.list.map((s) => {
        const h = ctx.runtime.health.snapshot(s.id);
        const c = ctx.runtime.cache.stats[s.id] ?? { hits: 0, misses: 0, staleServed: 0, errorsServedStale: 0 };
        const lookups = c.hits + c.misses;
        return {
          system: s.id.toUpperCase(),
          name: s.displayName,
          category: s.category,
          configured: s.configured,
          reachability: reachability(s.configured, h),
          calls: h.calls,
          errorRate: Math.round(h.errorRate * 1000) / 1000,
          latencyP50Ms: h.p50Ms === null ? null : Math.round(h.p50Ms),
          cacheHitRate: lookups ? Math.round((c.hits / lookups) * 1000) / 1000 : null,
          cacheHits: c.hits,
          cacheMisses: c.misses,
          lastSuccessAt: h.lastSuccessAt,
          lastSuccessAgeSeconds: h.lastSuccessAt ? secondsSince(h.lastSuccessAt, ctx.now) : null,
          lastError: h.lastError ? { ...h.lastError, ageSeconds: secondsSince(h.lastError.at, ctx.now) } : null,
        };
      }),
    integrations: (_: unknown, __: unknown, ctx: PanoramaContext) =>
      ctx.runtime.list.map((s) => ({
        system: s.id.toUpperCase(),
        name: s.displayName,
        category: s.category,
        ...s.module.register,
        timeoutMs: s.module.timeoutMs,
        // the policies in force (the environment may have changed the module's defaults)
        cache: Object.keys(s.module.cachePolicies).map((entity) => ({ entity, p: s.kit.policyFor(entity) })).map(({ entity, p }) => ({
          entity,
          ttlSeconds: Math.round(p.ttlMs / 1000),
          staleWhileRevalidateSeconds: Math.round(p.swrMs / 1000),
          staleIfErrorSeconds: Math.round(p.maxStaleMs / 1000),
        })),
      })),
  },
};

/** Whole seconds from an ISO time to `now`, never negative. */
function secondsSince(iso: string, now: Date): number {
  return Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000));
}

function reachability(configured: boolean, h: { calls: number; errorRate: number; lastError: { at: string } | null; lastSuccessAt: string | null }) {
  if (!configured) return 'NOT_CONFIGURED';
  if (h.calls === 0) return 'UNKNOWN';
  const lastFailed = h.lastError && (!h.lastSuccessAt || h.lastError.at > h.lastSuccessAt);
  if (lastFailed && h.errorRate > 0.5) return 'DOWN';
  if (lastFailed || h.errorRate > 0.1) return 'DEGRADED';
  return 'UP';
}

export type { SourceId };
