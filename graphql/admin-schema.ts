import type { SourceErrorCode, SourceId } from '../sources/kit/errors.js';
import type { PanoramaContext } from './context.js';
import { ttlOf, type CachePolicy } from '../sources/kit/cache.js';

/** The admin's view of the plumbing: how each source is doing, and what each integration is. */
export const adminTypeDefs = /* GraphQL */ `
  extend type Query {
    "Per source: connected, reachable, latency, error rate, cache hit rate, last error. refreshSystems: ask those sources now (check now) before answering."
    sources(refreshSystems: [System!]): [SourceStatus!]! @access(group: ADMIN)
    "The integration register, generated from the source modules."
    integrations: [Integration!]! @access(group: ADMIN)
    "Per configured source: each mapped vendor field as last checked against the vendor. refreshSystems: ask those sources again first (check now)."
    fieldMappings(refreshSystems: [System!]): [SourceFieldMapping!]! @access(group: ADMIN)
    "Per configured source: what its credential may do (object permissions, granted scopes, role, membership) against what Panorama needs, which is to read. refreshSystems: ask those sources again first (check now)."
    credentialAccess(refreshSystems: [System!]): [SourceAccess!]! @access(group: ADMIN)
    "Recent incidents (a source down, credentials refused, a rate limit, a budget past 90 %), newest first."
    incidents: [Incident!]! @access(group: ADMIN)
    "Per source: whether its webhook is on (its secret set) and its last delivery, verified or refused."
    webhooks: [SourceWebhook!]! @access(group: ADMIN)
  }

  enum WebhookOutcome { INVALIDATED HANDSHAKE REFUSED MALFORMED }

  type SourceWebhook {
    system: System!
    "The source's display name."
    name: String!
    "How the vendor pushes its changes (its own term)."
    mechanism: String!
    "Whether its settings turn the endpoint on; off, it answers 404."
    enabled: Boolean!
    "The path the vendor posts to."
    path: String!
    lastDelivery: WebhookDelivery
  }

  type WebhookDelivery {
    "ISO time it was received."
    at: String!
    ageSeconds: Int!
    outcome: WebhookOutcome!
    verified: Boolean!
    "Why it was refused or malformed."
    reason: String
    "The records the vendor said changed, by its entity names (ids only)."
    entities: [WebhookEntities!]!
    "Cache entries dropped on the instance that received it."
    dropped: Int!
  }

  type WebhookEntities { entity: String! count: Int! ids: [String!]! }

  enum FieldMappingState { FOUND MISSING WRONG_TYPE OFF NOT_CHECKED }

  type SourceFieldMapping {
    system: System!
    "The source's display name."
    name: String!
    "When the vendor was last asked (ISO time); null before the first check."
    checkedAt: String
    "Seconds from the last check to this request's now (Panorama's clock)."
    checkedAgeSeconds: Int
    "Why the last check could not be made (an error code), or null."
    checkError: String
    fields: [FieldMapping!]!
  }

  type FieldMapping {
    key: String!
    "What the field is for, in Panorama's words."
    label: String!
    "The vendor object that holds it."
    object: String!
    "The setting that names the field (the one to change)."
    setting: String!
    "The configured field name; null when the setting is empty."
    field: String
    state: FieldMappingState!
    "The type the vendor reported, when the field exists."
    foundType: String
    "The types the mapping accepts."
    accepted: [String!]!
    "What Panorama does without it."
    without: String!
  }

  "READ_ONLY: every grant matches. CAN_WRITE: some grant goes beyond reading. REACHES_LESS: some grant falls short of what Panorama reads. UNKNOWN: the vendor did not say. NOT_CHECKED: not asked yet."
  enum AccessState { READ_ONLY CAN_WRITE REACHES_LESS UNKNOWN NOT_CHECKED }
  enum GrantVerdict { MATCHES MORE LESS UNKNOWN }

  type SourceAccess {
    system: System!
    "The source's display name."
    name: String!
    state: AccessState!
    "The user or app the credential acts as, as the vendor names it."
    principal: String
    "When the vendor was last asked (ISO time); null before the first check."
    checkedAt: String
    checkedAgeSeconds: Int
    "Why the last check could not be made (an error code), or null; the last answer stays."
    checkError: String
    grants: [AccessGrant!]!
  }

  type AccessGrant {
    "What it is about, in the vendor's words (an object, a workspace, the scopes)."
    subject: String!
    "What Panorama needs there."
    needs: String!
    "What the credential has, as the vendor reported it."
    has: String!
    verdict: GrantVerdict!
    "Whether the vendor offers a narrower grant that would still do."
    narrower: Boolean!
    "What to change, or why nothing narrower exists; null when the grant matches."
    advice: String
  }

  enum IncidentKind { SOURCE_DOWN SOURCE_RECOVERED RECONNECT_NEEDED BUDGET_HIGH RATE_LIMITED }

  type Incident {
    kind: IncidentKind!
    system: System!
    name: String!
    startedAt: String!
    "Null while it lasts."
    endedAt: String
    "From its start to its end (or to this request's now, while it lasts)."
    durationSeconds: Int!
    "The cause in a few words (an HTTP status, a vendor code, how it was noticed)."
    reason: String!
    "What the alert said."
    text: String!
  }

  "Panorama's own per-minute request budget for a source."
  type SourceBudget { perMinute: Int! used: Int! remaining: Int! "When the minute turns." resetsAt: String! }

  "The vendor's own daily allowance, as its last answer reported it, and the share Panorama stops at."
  type DailyAllowance {
    used: Int!
    limit: Int!
    sharePercent: Int!
    "Calls used at which Panorama stops sending (index upkeep stops 10 points earlier)."
    stopAt: Int!
    backgroundStopAt: Int!
    reportedAt: String!
    "Until when nothing is sent, once the share is used."
    blockedUntil: String
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
    "When the source is failing: the root cause, since when, and the next step."
    diagnosis: String
    "Null when the source has no per-minute budget."
    budget: SourceBudget
    "Null when the vendor reports no daily allowance (or Panorama does not watch it)."
    dailyAllowance: DailyAllowance
  }
  type SourceErrorInfo {
    at: String!
    "Seconds from the error to this request's now."
    ageSeconds: Int!
    code: String!
    "What happened, in plain words (for everyone who reads the admin page)."
    summary: String!
    "The error as the system or the network gave it (for the admin's details)."
    message: String!
  }

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
    "The credential scope check as last made (null for a source not configured)."
    access: SourceAccess
  }
  """
  How long one kind of a source's data is served from the cache. \`ttlSeconds\`: for what is held now — a rule that
  grows with its value (an index read whole, a request a page) is longer for a larger one.
  """
  type CacheRule { entity: String! ttlSeconds: Int! growsWithSize: Boolean! staleWhileRevalidateSeconds: Int! staleIfErrorSeconds: Int! }
`;

export const adminResolvers = {
  Query: {
    sources: async (_: unknown, args: { refreshSystems?: string[] | null }, ctx: PanoramaContext) => {
      // "Check now": one forced read of each named source's index (nothing is sent inside a rate-limit window).
      const check = new Set((args.refreshSystems ?? []).map((s) => s.toLowerCase()));
      if (check.size) {
        // what the page showed before the check (a reused answer of a moment ago) is no longer the truth
        ctx.forgetReusedAnswers();
        const l = ctx.runtime.createLoaders({ forceRefresh: true });
        const probe = { crm: () => l.crm.accountIndex(), accounting: () => l.accounting.customerIndex(), projects: () => l.projects.projectIndex(), support: () => l.support.organizationIndex() };
        const checked = ctx.runtime.list.filter((s) => s.configured && check.has(s.id));
        for (const s of checked) s.kit.letProbeThrough();
        await Promise.all(checked.map((s) => Promise.all([probe[s.category]().catch(() => null), s.checkFields(), s.checkAccess()])));
      }
      return Promise.all(ctx.runtime.list.map(async (s) => {
        const h = ctx.runtime.health.snapshot(s.id);
        const c = ctx.runtime.cache.stats[s.id] ?? { hits: 0, misses: 0, staleServed: 0, errorsServedStale: 0 };
        const lookups = c.hits + c.misses;
        return {
          system: s.id.toUpperCase(),
          name: s.displayName,
          category: s.category,
          configured: s.configured,
          // set up, but no token yet (none in the environment, no connection on /admin/connections)
          reachability: s.kit.failing?.error.code === 'NOT_CONFIGURED' ? 'NOT_CONFIGURED' : s.configured && (s.kit.breakerState === 'open' || (s.kit.failing?.count ?? 0) >= DOWN_AFTER) ? 'DOWN' : reachability(s.configured, h),
          diagnosis: s.configured ? diagnose(s.module.statusPage, s.displayName, s.kit, await s.kit.gate.closedUntil()) : null,
          calls: h.calls,
          errorRate: Math.round(h.errorRate * 1000) / 1000,
          latencyP50Ms: h.p50Ms === null ? null : Math.round(h.p50Ms),
          cacheHitRate: lookups ? Math.round((c.hits / lookups) * 1000) / 1000 : null,
          cacheHits: c.hits,
          cacheMisses: c.misses,
          lastSuccessAt: h.lastSuccessAt,
          lastSuccessAgeSeconds: h.lastSuccessAt ? secondsSince(h.lastSuccessAt, ctx.now) : null,
          lastError: h.lastError ? { ...h.lastError, summary: errorInWords(h.lastError.code, s.displayName), ageSeconds: secondsSince(h.lastError.at, ctx.now) } : null,
          budget: s.configured ? await budgetOf(s.kit) : null,
          dailyAllowance: s.configured ? allowanceOf(s.kit) : null,
        };
      }));
    },
    fieldMappings: async (_: unknown, args: { refreshSystems?: string[] | null }, ctx: PanoramaContext) => {
      const check = new Set((args.refreshSystems ?? []).map((s) => s.toLowerCase()));
      await Promise.all(ctx.runtime.list.filter((s) => s.configured && check.has(s.id)).map((s) => s.checkFields()));
      return ctx.runtime.list.flatMap((s) => {
        const r = s.fieldMapping();
        if (!r) return [];
        return [{
          system: s.id.toUpperCase(),
          name: s.displayName,
          checkedAt: r.checkedAt === null ? null : new Date(r.checkedAt).toISOString(),
          checkedAgeSeconds: r.checkedAt === null ? null : Math.max(0, Math.round((ctx.now.getTime() - r.checkedAt) / 1000)),
          checkError: r.checkError,
          fields: r.fields.map((f) => ({ ...f, accepted: f.types })),
        }];
      });
    },
    credentialAccess: async (_: unknown, args: { refreshSystems?: string[] | null }, ctx: PanoramaContext) => {
      const check = new Set((args.refreshSystems ?? []).map((s) => s.toLowerCase()));
      await Promise.all(ctx.runtime.list.filter((s) => s.configured && check.has(s.id)).map((s) => s.checkAccess()));
      return ctx.runtime.list.flatMap((s) => accessOf(s, ctx.now) ?? []);
    },
    webhooks: (_: unknown, __: unknown, ctx: PanoramaContext) =>
      ctx.runtime.webhooks().map((w) => ({
        system: w.source.toUpperCase(),
        name: ctx.runtime.bySource[w.source].displayName,
        mechanism: w.mechanism,
        enabled: w.enabled,
        path: w.path,
        lastDelivery: w.last
          ? { ...w.last, at: new Date(w.last.at).toISOString(), ageSeconds: Math.max(0, Math.round((ctx.now.getTime() - w.last.at) / 1000)), outcome: w.last.outcome.toUpperCase() }
          : null,
      })),
    incidents: (_: unknown, __: unknown, ctx: PanoramaContext) =>
      ctx.runtime.alerts.recentIncidents().map((i) => ({
        ...i,
        system: i.source.toUpperCase(),
        name: ctx.runtime.bySource[i.source].displayName,
        durationSeconds: Math.max(0, Math.round(((i.endedAt ? Date.parse(i.endedAt) : ctx.now.getTime()) - Date.parse(i.startedAt)) / 1000)),
      })),
    integrations: (_: unknown, __: unknown, ctx: PanoramaContext) =>
      ctx.runtime.list.map((s) => ({
        system: s.id.toUpperCase(),
        name: s.displayName,
        category: s.category,
        ...s.module.register,
        timeoutMs: s.module.timeoutMs,
        access: accessOf(s, ctx.now),
        // the policies in force (the environment may have changed the module's defaults)
        cache: Object.keys(s.module.cachePolicies).map((entity) => ({ entity, p: s.kit.policyFor(entity) })).map(({ entity, p }) => ({
          entity,
          ttlSeconds: Math.round(heldTtlMs(ctx, s.id, entity, p) / 1000),
          growsWithSize: Boolean(p.ttlFor),
          staleWhileRevalidateSeconds: Math.round(p.swrMs / 1000),
          staleIfErrorSeconds: Math.round(p.maxStaleMs / 1000),
        })),
      })),
  },
};

type Kit = PanoramaContext['runtime']['list'][number]['kit'];

/** The TTL in force for what the cache holds of an entity (the largest, when it holds several), else the rule's own. */
function heldTtlMs(ctx: PanoramaContext, source: string, entity: string, p: CachePolicy): number {
  if (!p.ttlFor) return p.ttlMs;
  const held = ctx.runtime.cache.keysWith(`${source}:${entity}:`).map((k) => ctx.runtime.cache.peek(k)?.value);
  return Math.max(p.ttlMs, ...held.map((v) => ttlOf(p, v)));
}

/** A source's last credential scope check, as the schema's SourceAccess; null when it has none. */
function accessOf(s: PanoramaContext['runtime']['list'][number], now: Date) {
  const r = s.access();
  if (!r) return null;
  return {
    system: s.id.toUpperCase(),
    name: s.displayName,
    state: r.state,
    principal: r.principal,
    checkedAt: r.checkedAt === null ? null : new Date(r.checkedAt).toISOString(),
    checkedAgeSeconds: r.checkedAt === null ? null : Math.max(0, Math.round((now.getTime() - r.checkedAt) / 1000)),
    checkError: r.checkError,
    grants: r.grants,
  };
}

async function budgetOf(kit: Kit) {
  const b = kit.budget;
  if (!b) return null;
  const { remaining, resetAt } = await b.state();
  return { perMinute: b.perMinute, used: b.perMinute - remaining, remaining, resetsAt: new Date(resetAt).toISOString() };
}

function allowanceOf(kit: Kit) {
  const a = kit.allowance;
  const st = a?.state();
  if (!a || !st) return null;
  return {
    used: st.used,
    limit: st.limit,
    sharePercent: a.sharePercent,
    stopAt: st.stopAt,
    backgroundStopAt: st.backgroundStopAt,
    reportedAt: new Date(st.at).toISOString(),
    blockedUntil: st.blockedUntil === null ? null : new Date(st.blockedUntil).toISOString(),
  };
}

/** Whole seconds from an ISO time to `now`, never negative. */
function secondsSince(iso: string, now: Date): number {
  return Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000));
}

/** Failed calls in a row (with none succeeding) after which a source is DOWN, not DEGRADED. */
const DOWN_AFTER = 3;

/** A source error in plain words: what the system did, never its own error text. */
export function errorInWords(code: SourceErrorCode, name: string): string {
  switch (code) {
    case 'TIMEOUT':
      return `${name} did not answer in time.`;
    case 'UNAVAILABLE':
      return `${name} could not be reached, or answered with a fault on its side.`;
    case 'RATE_LIMITED':
      return `${name} asked Panorama to slow down (its rate limit).`;
    case 'UNAUTHENTICATED':
      return `${name} refused Panorama's credentials (expired, revoked or wrong).`;
    case 'FORBIDDEN':
      return `${name} refused: Panorama's user there lacks a permission.`;
    case 'NOT_FOUND':
      return `${name} has no such record (deleted, merged, or a wrong link).`;
    case 'BAD_REQUEST':
      return `${name} refused Panorama's query (usually a field that is missing or named differently in ${name}).`;
    case 'INVALID_RESPONSE':
      return `${name} answered in a shape Panorama does not understand (its API may have changed).`;
    case 'CIRCUIT_OPEN':
      return `Panorama paused calls to ${name} after repeated failures.`;
    case 'NOT_CONFIGURED':
      return `${name} is not connected (connect it on /admin/connections), or not set up in Panorama's settings.`;
    default:
      return `Panorama failed while reading ${name}.`;
  }
}

/** Root cause first, then what Panorama does about it, then what a person can do. */
/** `statusPage`: the vendor's public status page, which the module declares. */
function diagnose(statusPage: string, name: string, kit: PanoramaContext['runtime']['list'][number]['kit'], gatedUntil: number | null): string | null {
  const f = kit.failing;
  if (gatedUntil !== null && (!f || f.error.code === 'RATE_LIMITED')) {
    const budget = f?.error.budget ?? false;
    const whose = budget ? `Panorama's own per-minute budget for ${name} is spent` : `${name} asked Panorama to slow down`;
    const since = f ? ` since ${new Date(f.since).toISOString().slice(11, 16)} UTC` : '';
    return `${whose}${since}; nothing is sent until ${new Date(gatedUntil).toISOString().slice(11, 19)} UTC, as asked, and pages show what was read before. If it happens daily, raise the budget or the vendor's limit.`;
  }
  if (!f) return null;
  const since = `since ${new Date(f.since).toISOString().slice(11, 16)} UTC`;
  const e = f.error;
  if (e.code === 'NOT_CONFIGURED') return `${name} is not connected: no token in the environment and no connection; connect it on /admin/connections.`;
  const every = f.count > 1 ? `to every call (${f.count})` : 'to the last call';
  if (e.code === 'UNAUTHENTICATED') return `${name} refused Panorama's credentials ${since}; reconnect ${name} (new credentials in its settings).`;
  if (e.code === 'FORBIDDEN') return `${name} refused Panorama's user access ${since}; check that user's permissions in ${name}.`;
  if (e.code === 'INVALID_RESPONSE') return `${name} answered in a shape Panorama does not understand ${since} (its API may have changed); check ${statusPage} and the logs.`;
  if (e.code === 'BAD_REQUEST') return `${name} refused Panorama's query ${since}, usually because a mapped field is missing or named differently there; see "Field mapping" below and press "Check now".`;
  const answer = e.status ? `answered ${e.status}` : e.code === 'TIMEOUT' ? 'did not answer in time' : 'could not be reached';
  const retry = kit.breakerState === 'open' ? `Panorama retries every ${Math.round(kit.breakerRetryMs / 1000)} s` : 'Panorama retries on every read';
  return `${name} ${answer} ${every} ${since}; ${retry}; check ${statusPage}.`;
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
