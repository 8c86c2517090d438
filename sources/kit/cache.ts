import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { LRUCache } from 'lru-cache';
import { systemClock, type Clock } from './clock.js';

/**
 * How long one kind of upstream answer may be reused.
 * - `ttlMs`: fresh for this long; served from cache without asking the source.
 * - `swrMs`: after that, served stale for this long more while one background refresh runs.
 * - `maxStaleMs`: when the source fails, a value up to this old is served (stale-if-error) and marked stale.
 */
export type CachePolicy = {
  ttlMs: number;
  swrMs: number;
  maxStaleMs: number;
  /**
   * A longer TTL for a larger value, never shorter than `ttlMs`: an index read whole costs a request a page, so a
   * bigger one is read less often (its age is still told as it is).
   */
  ttlFor?: (value: unknown) => number;
};

/** How long a value is fresh under a policy: its TTL, or longer for a larger value (`ttlFor`). */
export function ttlOf(policy: CachePolicy, value: unknown): number {
  return policy.ttlFor ? Math.max(policy.ttlMs, policy.ttlFor(value)) : policy.ttlMs;
}

export type CacheOutcome = {
  fetchedAt: number;
  fromCache: boolean;
  stale: boolean;
  /** Set when the source failed and an older value was served instead. */
  error?: unknown;
};

/**
 * A held value: as the object it was read as, or (`packed`) as its JSON deflated — outside V8's heap, in about a
 * third of its JSON's bytes and a tenth of its objects', unpacked and parsed again when read. A customer's entries
 * are held packed; an index stays an object, as the structures built on it are kept per index object.
 */
type Entry = { value: unknown; fetchedAt: number; ttlMs: number; packed?: Uint8Array };

/**
 * Deflated JSON, copied to a buffer of its own size (zlib answers in a slice of a 16 KB chunk, which it would keep
 * whole). Level 1: ~25 µs for a customer's invoices, where the gain over higher levels is a few per cent.
 */
function pack(value: unknown): Uint8Array | undefined {
  const text = JSON.stringify(value) as string | undefined;
  return text === undefined ? undefined : new Uint8Array(deflateRawSync(text, { level: 1 }));
}

const valueOf = (entry: Entry): unknown => (entry.packed === undefined ? entry.value : JSON.parse(inflateRawSync(entry.packed).toString('utf8')));

/** What a packed value's own ArrayBuffer costs beside its bytes. */
const BUFFER_OVERHEAD_BYTES = 96;
type FetchContext = { load: (signal: AbortSignal) => Promise<unknown>; policy: CachePolicy; packed: boolean };

export type CacheStats = { hits: number; misses: number; staleServed: number; errorsServedStale: number };

/**
 * The cross-request cache every source call passes through (keyed `<system>:<entity>:<id>`), bounded in bytes.
 * lru-cache's `fetch` gives in-flight de-duplication (concurrent misses share one upstream call),
 * stale-while-revalidate and stale-on-error; failures are never stored.
 */
export class SourceCache {
  readonly #lru: LRUCache<string, Entry, FetchContext>;
  /** Stamps fetchedAt and measures ages; expiry itself stays on lru-cache's own monotonic timer (unless `expireOnClock`). */
  readonly #clock: Clock;
  readonly stats: Record<string, CacheStats> = {};
  /** Told of every refresh and invalidation made here, so other instances drop their copies (shared state). */
  peers: { refreshed: (key: string) => void; invalidated: (prefix: string) => void } | null = null;

  /**
   * `expireOnClock`: entries expire on the clock's time instead of lru-cache's monotonic timer, so a test that
   * steps a manual clock through a day sees every expiry (and the re-reads it causes) as production would.
   */
  constructor(opts: { maxBytes: number; clock?: Clock; expireOnClock?: boolean }) {
    const clock = (this.#clock = opts.clock ?? systemClock);
    this.#lru = new LRUCache<string, Entry, FetchContext>({
      ...(opts.expireOnClock ? { perf: { now: () => clock.now() }, ttlResolution: 0 } : {}),
      maxSize: opts.maxBytes,
      sizeCalculation: (entry, key) => Math.max(1, (entry.packed === undefined ? approximateBytes(entry.value) : entry.packed.byteLength + BUFFER_OVERHEAD_BYTES) + key.length * 2 + 64),
      noDeleteOnStaleGet: true,
      // An entry evicted (or invalidated) while its load is in flight must not fail its readers: the load runs
      // on — with its own signal, as the kit's timeout governs it — and its value goes to them, uncached.
      ignoreFetchAbort: true,
      fetchMethod: async (_key, _stale, { context, options }) => {
        const value = await context.load(new AbortController().signal);
        options.ttl = ttlOf(context.policy, value);
        if (context.packed) {
          const packed = pack(value);
          if (packed) return { value: undefined, packed, fetchedAt: clock.now(), ttlMs: 0 };
        }
        return { value, fetchedAt: clock.now(), ttlMs: 0 };
      },
    });
  }

  #loading = 0;

  /** Loads running now, in the background ones included (a simulation waits for them before it moves its clock on). */
  get loading(): number {
    return this.#loading;
  }

  get size(): number {
    return this.#lru.size;
  }

  get calculatedBytes(): number {
    return this.#lru.calculatedSize;
  }

  get maxBytes(): number {
    return this.#lru.maxSize;
  }

  /** The keys held that start with the prefix. */
  keysWith(prefix: string): string[] {
    return [...this.#lru.keys()].filter((k) => k.startsWith(prefix));
  }

  /**
   * Holds a value another instance loaded (an index the upkeep instance read), as if loaded here at `fetchedAt`:
   * fresh for what is left of the policy's TTL. A value already held that is as new or newer is kept.
   */
  /**
   * `holdMs` keeps it that much longer before a read re-loads it (an index its change feed keeps current: it is
   * stale past its TTL, but re-read whole only if the feed has not renewed it by then).
   */
  prime(key: string, value: unknown, fetchedAt: number, policy: CachePolicy, opts: { holdMs?: number } = {}): boolean {
    const held = this.#lru.peek(key, { allowStale: true });
    if (held && held.fetchedAt >= fetchedAt) return false;
    const left = ttlOf(policy, value) - (this.#clock.now() - fetchedAt) + (opts.holdMs ?? 0);
    this.#lru.set(key, { value, fetchedAt, ttlMs: 0 }, { ttl: Math.max(1, left) });
    return this.#lru.has(key) || this.#lru.peek(key, { allowStale: true }) !== undefined;
  }

  /** Drops one entry (another instance read it again); whether it was held. */
  drop(key: string): boolean {
    return this.#lru.delete(key);
  }

  /** Drops every entry whose key starts with the prefix (a per-customer refresh); other instances are told. */
  invalidate(prefix: string, opts: { fromPeer?: boolean } = {}): number {
    if (!opts.fromPeer) this.peers?.invalidated(prefix);
    let n = 0;
    for (const key of [...this.#lru.keys()]) {
      if (key.startsWith(prefix)) {
        this.#lru.delete(key);
        n++;
      }
    }
    return n;
  }

  clear(): void {
    this.#lru.clear();
  }

  /** The value held for a key, fresh or stale, without loading anything or touching its recency; undefined when none. */
  peek<T>(key: string): { value: T; fetchedAt: number } | undefined {
    const entry = this.#lru.peek(key, { allowStale: true });
    return entry ? { value: valueOf(entry) as T, fetchedAt: entry.fetchedAt } : undefined;
  }

  async get<T>(
    key: string,
    policy: CachePolicy,
    load: (signal: AbortSignal) => Promise<T>,
    opts: { forceRefresh?: boolean; statsKey?: string; packed?: boolean } = {},
  ): Promise<{ value: T; outcome: CacheOutcome }> {
    const started = this.#clock.now();
    const stats = (this.stats[opts.statsKey ?? key.split(':')[0] ?? 'all'] ??= {
      hits: 0,
      misses: 0,
      staleServed: 0,
      errorsServedStale: 0,
    });
    const existing = this.#lru.peek(key, { allowStale: true });
    const age = existing ? started - existing.fetchedAt : Infinity;
    const mayServeStaleOnError = age <= policy.maxStaleMs;
    // Past the stale-while-revalidate window a stale value is no longer served as-is: the caller waits for a
    // fresh one, and only gets the old one back if the source fails.
    const mustWait = opts.forceRefresh || age > (existing && policy.ttlFor ? ttlOf(policy, valueOf(existing)) : policy.ttlMs) + policy.swrMs;
    let loadError: unknown;
    let loaded = false;
    let loadedValue: { value: T } | undefined;
    const status: LRUCache.Status<string, Entry, FetchContext> = {};
    const entry = await this.#lru.fetch(key, {
      ttl: policy.ttlMs,
      allowStale: !mustWait,
      forceRefresh: mustWait && existing !== undefined,
      allowStaleOnFetchRejection: mayServeStaleOnError,
      noDeleteOnFetchRejection: mayServeStaleOnError,
      status,
      context: {
        policy,
        packed: opts.packed ?? false,
        load: async (signal) => {
          loaded = true;
          this.#loading++;
          try {
            const value = await load(signal);
            loadedValue = { value };
            return value;
          } catch (e) {
            loadError = e;
            throw e;
          } finally {
            this.#loading--;
          }
        },
      },
    });
    if (entry === undefined && !loadError && !status.fetchError) {
      // Too large for the cache's bound: lru-cache kept nothing, but the caller still gets the value (a caller that
      // joined someone else's load of it reads it itself).
      const value = loadedValue ? loadedValue.value : await load(new AbortController().signal);
      stats.misses++;
      return { value, outcome: { fetchedAt: this.#clock.now(), fromCache: false, stale: false } };
    }
    if (entry === undefined) {
      // lru-cache suppresses the error when stale-on-error was allowed but nothing was cached.
      throw loadError ?? status.fetchError ?? new Error(`cache fetch for ${key} returned nothing`);
    }
    // Served from the cache when this call did not load it, when its load failed (stale-on-error), or when a
    // stale value was returned while the load runs in the background.
    const fromCache = !loaded || Boolean(loadError) || entry.fetchedAt < started;
    // A forced refresh read the source again: other instances drop their older copy and read it when next asked.
    if (opts.forceRefresh && !fromCache) this.peers?.refreshed(key);
    // the value this call loaded as it was read; one held packed is unpacked once for this caller
    const value = (loadedValue && !fromCache ? loadedValue.value : valueOf(entry)) as T;
    const stale = this.#clock.now() - entry.fetchedAt > ttlOf(policy, value);
    if (!fromCache) stats.misses++;
    else stats.hits++;
    if (stale) stats.staleServed++;
    const error = fromCache && (loadError ?? status.fetchError);
    if (error) stats.errorsServedStale++;
    return {
      value,
      outcome: { fetchedAt: entry.fetchedAt, fromCache, stale: stale || Boolean(error), ...(error ? { error } : {}) },
    };
  }
}

/** Byte size of a JSON-able value, close enough to bound memory without serialising it. */
export function approximateBytes(value: unknown): number {
  if (value === null || value === undefined) return 8;
  switch (typeof value) {
    case 'string':
      return 40 + value.length * 2;
    case 'number':
    case 'boolean':
      return 16;
    case 'object': {
      let n = 40;
      if (Array.isArray(value)) {
        for (const v of value) n += 8 + approximateBytes(v);
        return n;
      }
      // for…in rather than Object.entries: no pair arrays allocated for every object of every value stored
      const record = value as Record<string, unknown>;
      for (const k in record) if (Object.hasOwn(record, k)) n += 16 + k.length * 2 + approximateBytes(record[k]);
      return n;
    }
    default:
      return 16;
  }
}
