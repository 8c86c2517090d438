import { ttlOf, type SourceCache } from './kit/cache.js';
import type { Clock } from './kit/clock.js';
import type { SourceCategory } from './kit/contract.js';
import type { Fetched } from './kit/domain.js';
import { isSourceError, type SourceId } from './kit/errors.js';
import { FEED_OVERLAP_MS, type IndexFeed } from './kit/index-feed.js';
import { logger } from './kit/logger.js';
import type { SharedState } from './kit/shared-state.js';
import type { BoundSource, SourcesRuntime } from './runtime.js';

/**
 * Index upkeep: each source's index (CRM accounts, accounting customers, projects, support organizations) kept
 * warm for the link rules, by its change feed where the module declares one and by re-reading it where not; with
 * instances sharing Redis, read by the one holding the upkeep lease and copied by the others.
 */

/** The index each category keeps, as `<entity>` of its cache policies. */
export const INDEX_ENTITY: Record<SourceCategory, string> = {
  crm: 'accountIndex',
  accounting: 'customerIndex',
  projects: 'project-index',
  support: 'organizationIndex',
};

/** Where an index's change feed stands (per source, on the instance doing the upkeep). */
export type FeedState = {
  mechanism: string;
  /** Where the next round reads from; null until a full read gave one (or after the feed asked for a full read). */
  cursor: string | null;
  /** When the index was last read whole (its data's time). */
  fullReadAt: number | null;
  /** When changes were last applied (the round's start), or null. */
  changesAt: number | null;
  /** Why the last full read happened: 'first', 'interval', 'feed: <reason>', 'not cached'. */
  lastFullRead: string | null;
  /** The last round's failure (the index was left as it was), or null. */
  error: string | null;
};

/** How loading one index went (see `warmIndexes`). */
export type IndexWarmth = {
  source: SourceId;
  index: string;
  /** The index is there to be used (read now, or held from before: then `code` says why this round did not renew it). */
  ok: boolean;
  /** Rows the index holds. */
  rows: number | null;
  ms: number;
  /** True when the cache already held it (fresh, or stale and now being refreshed in the background). */
  fromCache: boolean;
  stale: boolean;
  code: string | null;
  /**
   * How this round kept it: `read` (the index loaded as its cache policy says), `full-read` (read whole: the first
   * time, the long interval or the feed asked), `changes` (its change feed's changes applied), `copied` (from the
   * upkeep instance), `fresh` (a fed index fresh beyond the next round: nothing asked).
   */
  via: 'read' | 'full-read' | 'changes' | 'copied' | 'fresh';
  /** The changes applied this round (`via: 'changes'`). */
  changes?: { upserts: number; removals: number };
};

/** What one upkeep round works with: the runtime's sources and cache, and what the rounds remember. */
type Upkeep = {
  list: BoundSource[];
  cache: SourceCache;
  clock: Clock;
  shared: SharedState | null;
  /** The long interval after which a fed index is read whole again. */
  fullReadMs: number;
  /** False: indexes are re-read whole when they expire, their feeds unused. */
  useFeeds: boolean;
  /** When each source's index was last loaded from the source. */
  indexLoaded: Map<SourceId, number>;
  feedStates: Map<SourceId, FeedState>;
};

type LoadedIndex = IndexWarmth & { fetchedAt: number | null; failed: boolean };

/** One source's index through its loaders (forced: read whole again). */
function readIndex(s: BoundSource, forceRefresh: boolean): Promise<Fetched<unknown[]>> {
  const l = s.createLoaders({ forceRefresh }) as unknown as Record<string, () => Promise<Fetched<unknown[]>>>;
  const fn = { crm: 'accountIndex', accounting: 'customerIndex', projects: 'projectIndex', support: 'organizationIndex' }[s.category];
  return l[fn]!();
}

/** The index read through its loaders, as a warmth report (never rejects). */
async function loadIndex(u: Upkeep, s: BoundSource, forceRefresh: boolean, via: IndexWarmth['via']): Promise<LoadedIndex> {
  const started = performance.now();
  const index = INDEX_ENTITY[s.category];
  try {
    const f = await readIndex(s, forceRefresh);
    const at = Date.parse(f.freshness.fetchedAt);
    if (Number.isFinite(at)) u.indexLoaded.set(s.id, at);
    // a forced read the source failed is served from the cache (stale-on-error): it read nothing whole
    const failed = Boolean(f.freshness.error) && f.freshness.fromCache;
    // (an index read as its policy says counts as warm even when served stale: it is there)
    const reportFailure = failed && via === 'full-read';
    const out = { source: s.id, index, ok: true, rows: f.value.length, ms: Math.round(performance.now() - started), fromCache: f.freshness.fromCache, stale: f.freshness.stale, code: reportFailure ? f.freshness.error!.code : null, via, fetchedAt: Number.isFinite(at) ? at : null, failed };
    if (!out.fromCache) logger.info({ source: s.id, index, rows: out.rows, ms: out.ms, via }, 'index loaded');
    return out;
  } catch (e) {
    const code = isSourceError(e) ? e.code : 'INTERNAL';
    logger.warn({ source: s.id, index, code }, 'index could not be loaded; it is loaded when first needed');
    return { source: s.id, index, ok: false, rows: null, ms: Math.round(performance.now() - started), fromCache: false, stale: false, code, via, fetchedAt: null, failed: true };
  }
}

/**
 * One round of a fed index: read whole the first time, on the long interval, when the feed says so or when the
 * cache no longer holds it; else the feed's changes since the cursor, applied to the cached index. A failed
 * round leaves the index as it was (stale once past its TTL, and marked so by the kit's failure), never blank.
 */
async function keepFed(u: Upkeep, s: BoundSource, feed: IndexFeed, roundMs: number): Promise<IndexWarmth> {
  const index = INDEX_ENTITY[s.category];
  const policy = s.kit.policyFor(index);
  const st: FeedState = u.feedStates.get(s.id) ?? { mechanism: feed.mechanism, cursor: null, fullReadAt: null, changesAt: null, lastFullRead: null, error: null };
  u.feedStates.set(s.id, st);
  const full = async (why: string, force: boolean): Promise<IndexWarmth> => {
    const w = await loadIndex(u, s, force, 'full-read');
    const { fetchedAt, failed, ...out } = w;
    if (failed || fetchedAt === null) {
      st.error = w.code;
      return out;
    }
    // A first read may find the index cached (read by a person, or copied from the upkeep instance): its time is the cursor's.
    if (!w.fromCache || st.fullReadAt === null) {
      st.fullReadAt = fetchedAt;
      st.lastFullRead = why;
    }
    try {
      // (a feed whose cursor is a token the vendor hands out asks for it through its kit)
      st.cursor = await feed.cursorAt(fetchedAt - FEED_OVERLAP_MS, new AbortController().signal);
      st.error = null;
    } catch (e) {
      st.cursor = null;
      st.error = isSourceError(e) ? e.code : 'INTERNAL';
    }
    return out.fromCache ? { ...out, via: 'read' } : out;
  };
  const now = u.clock.now();
  if (st.cursor === null) return full(st.fullReadAt === null ? 'first' : 'no cursor', st.fullReadAt !== null);
  if (st.fullReadAt !== null && now - st.fullReadAt >= u.fullReadMs) return full('interval', true);
  const held = s.kit.peek<unknown[]>(index, feed.indexId());
  if (!held) return full('not cached', false);
  const started = performance.now();
  const rows = held.value.length;
  // Asked when it would be stale by the next round, not every round: as often as its TTL, at one request or so
  // where a re-read costs every page.
  if (held.ageMs + roundMs <= ttlOf(policy, held.value)) return { source: s.id, index, ok: true, rows, ms: 0, fromCache: true, stale: false, code: null, via: 'fresh' };
  const failedRound = (code: string): IndexWarmth => {
    st.error = code;
    logger.warn({ source: s.id, index, code }, 'index changes could not be read; the index is kept as it was');
    return { source: s.id, index, ok: true, rows, ms: Math.round(performance.now() - started), fromCache: true, stale: !s.kit.peek(index, feed.indexId())?.fresh, code, via: 'changes' };
  };
  const refusal = await s.kit.backgroundRefusal(index);
  if (refusal) return failedRound(refusal.code);
  let changes;
  try {
    changes = await feed.changes(st.cursor, { now, signal: new AbortController().signal });
  } catch (e) {
    return failedRound(isSourceError(e) ? e.code : 'INTERNAL');
  }
  if (changes.kind === 'full-read') {
    logger.info({ source: s.id, index, reason: changes.reason }, 'the change feed asks for a full read of the index');
    st.cursor = null;
    return full(`feed: ${changes.reason}`, true);
  }
  const next = feed.apply(held.value, changes);
  // fresh for its TTL from this round's start; held one more round before a read would re-read it whole
  s.kit.replace(index, feed.indexId(), next, now, roundMs);
  st.cursor = changes.next;
  st.changesAt = now;
  st.error = null;
  u.indexLoaded.set(s.id, now);
  const counted = { upserts: changes.upserts.length, removals: changes.removals.length };
  if (counted.upserts + counted.removals > 0) logger.info({ source: s.id, index, ...counted }, 'index changes applied');
  return { source: s.id, index, ok: true, rows: next.length, ms: Math.round(performance.now() - started), fromCache: false, stale: false, code: null, via: 'changes', changes: counted };
}

/**
 * The upkeep instance leaves a copy of each index it holds in Redis, kept as long as the index may be served
 * stale, for the other instances to copy.
 */
async function publishIndexes(u: Upkeep, shared: SharedState): Promise<void> {
  for (const s of u.list.filter((x) => x.configured)) {
    for (const key of u.cache.keysWith(`${s.id}:${INDEX_ENTITY[s.category]}:`)) {
      const hit = u.cache.peek<unknown>(key);
      if (!hit) continue;
      const ttl = Math.max(1000, s.kit.policyFor(INDEX_ENTITY[s.category]).maxStaleMs);
      await shared.run((r) => r.set(shared.key(`index:${key}`), JSON.stringify({ fetchedAt: hit.fetchedAt, value: hit.value }), 'PX', ttl), () => null);
    }
  }
}

/** Not the upkeep instance: copies what it read into this instance's cache. `missing`: a source with no copy yet. */
async function copyIndexesFromLeader(u: Upkeep, shared: SharedState): Promise<{ results: IndexWarmth[]; missing: boolean }> {
  const results: IndexWarmth[] = [];
  let missing = false;
  for (const s of u.list.filter((x) => x.configured)) {
    const started = performance.now();
    const index = INDEX_ENTITY[s.category];
    const keys = await shared.run((r) => r.keys(shared.key(`index:${s.id}:${index}:*`)), () => [] as string[]);
    let rows: number | null = null;
    let at: number | null = null;
    let newest: unknown = null;
    for (const k of keys) {
      const raw = await shared.run((r) => r.get(k), () => null);
      if (!raw) continue;
      const copy = JSON.parse(raw) as { fetchedAt: number; value: unknown };
      u.cache.prime(k.slice(shared.key('index:').length), copy.value, copy.fetchedAt, s.kit.policyFor(index));
      rows = Array.isArray(copy.value) ? copy.value.length : null;
      if (copy.fetchedAt >= (at ?? 0)) newest = copy.value;
      at = Math.max(at ?? 0, copy.fetchedAt);
    }
    if (at === null) {
      missing = true;
      continue;
    }
    u.indexLoaded.set(s.id, at);
    results.push({ source: s.id, index, ok: true, rows, ms: Math.round(performance.now() - started), fromCache: true, stale: u.clock.now() - at > ttlOf(s.kit.policyFor(index), newest), code: null, via: 'copied' });
  }
  return { results, missing };
}

export type IndexUpkeep = Pick<SourcesRuntime, 'warmIndexes' | 'upkeep' | 'keepIndexesWarm' | 'indexLoadedAt' | 'feeds'>;

/** The runtime's index upkeep over its sources (see `SourcesRuntime.warmIndexes`, `upkeep`, `keepIndexesWarm`). */
export function createIndexUpkeep(deps: Omit<Upkeep, 'indexLoaded' | 'feedStates'>): IndexUpkeep {
  const u: Upkeep = { ...deps, indexLoaded: new Map(), feedStates: new Map() };
  const { list, shared } = u;

  const upkeepInterval = (intervalMs?: number): number => {
    const shortest = Math.min(...list.filter((s) => s.configured).map((s) => s.kit.policyFor(INDEX_ENTITY[s.category]).ttlMs));
    return Math.max(1000, intervalMs ?? (Number.isFinite(shortest) ? shortest : 60_000));
  };

  /** One round; `intervalMs` is how long until the next (default: the shortest index TTL, as `keepIndexesWarm`). */
  const warmIndexes = async (intervalMs?: number): Promise<IndexWarmth[]> => {
    const roundMs = upkeepInterval(intervalMs);
    // The field mapping first: the indexes' queries then leave out fields the vendor does not have.
    await Promise.all(list.filter((s) => s.configured && s.fieldMapping()?.checkedAt == null).map((s) => s.checkFields()));
    return Promise.all(
      list
        .filter((s) => s.configured)
        .map(async (s): Promise<IndexWarmth> => {
          if (s.feed && u.useFeeds) return keepFed(u, s, s.feed, roundMs);
          const { fetchedAt: _at, failed: _failed, ...out } = await loadIndex(u, s, false, 'read');
          return out;
        }),
    );
  };

  const upkeep: SourcesRuntime['upkeep'] = async (intervalMs) => {
    if (!shared || !shared.up) return { role: 'alone', results: await warmIndexes(intervalMs) };
    // The lease outlives two rounds: if its holder dies, another instance takes the upkeep over within that.
    const leader = await shared.lease('index-upkeep', upkeepInterval(intervalMs) * 2 + 1000);
    if (leader) {
      const results = await warmIndexes(intervalMs);
      await publishIndexes(u, shared);
      return { role: 'leader', results };
    }
    // A source with no copy yet (the leader is starting) is read here.
    const { results, missing } = await copyIndexesFromLeader(u, shared);
    if (missing) {
      const own = await warmIndexes(intervalMs);
      return { role: 'copied', results: [...results, ...own.filter((w) => !results.some((r) => r.source === w.source))] };
    }
    return { role: 'copied', results };
  };

  const keepIndexesWarm = (intervalMs?: number): (() => void) => {
    const every = upkeepInterval(intervalMs);
    const timer = setInterval(() => void upkeep(every).catch((e: unknown) => logger.warn({ err: (e as Error).name }, 'index upkeep failed')), every);
    timer.unref();
    return () => clearInterval(timer);
  };

  return {
    warmIndexes,
    upkeep,
    keepIndexesWarm,
    indexLoadedAt: (source) => u.indexLoaded.get(source) ?? null,
    feeds: () => Object.fromEntries([...u.feedStates].map(([id, st]) => [id, { ...st }])),
  };
}
