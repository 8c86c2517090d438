import type { ExecutionResult } from 'graphql';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import { approximateBytes } from '../sources/kit/cache.js';
import type { Env } from '../sources/kit/settings.js';
import type { SourcesRuntime } from '../sources/runtime.js';
import type { ServerContext } from './context.js';
import { parseGraphqlSettings, type GraphqlSettings } from './settings.js';
import type { Viewer } from './viewer.js';

/**
 * The short reuse of whole answers: the same operation with the same variables, asked again by the same viewer
 * within a couple of seconds, is answered from memory instead of being executed again. What it may hold:
 * - only answers without errors whose sections all came from Panorama's source cache (CACHED) or have no record
 *   (NOT_LINKED, AMBIGUOUS): an answer that read a source just now (LIVE) would claim to be live when reused, and
 *   a failure (FAILED, STALE) is never reused. A reused answer's ages are those of when it was made, at most
 *   the TTL earlier;
 * - never a refresh (`refresh` or `refreshSystems`), and a refresh drops every answer held — and any answer still
 *   being executed when it happened is not kept either;
 * - never longer than the shortest customer-data TTL of the connected sources, never more than `maxEntries`
 *   answers nor more than `maxBytes` of them (by the source cache's byte estimate).
 * A request that says `Cache-Control: no-cache` is always executed. Reuse is per viewer (id and role), so no
 * answer crosses from one person or role to another. Every answer says `extensions.responseCache` whether it
 * was reused (`hit`) or kept (`didCache`, `ttl`).
 */
export type ResponseCacheSettings = { ttlMs: number; maxEntries: number; maxBytes: number };

export type PanoramaResponseCache = {
  settings: ResponseCacheSettings;
  plugin: Plugin | null;
  /** Drops every answer held (a refresh has just read a customer again). */
  clear: () => void;
  /** Answers held now. */
  size: () => number;
};

/** Marks an answer reused from the response cache (the audit records it as such). */
export const SERVED_FROM_RESPONSE_CACHE = Symbol.for('servedFromResponseCache');


/**
 * The response cache's bounds from the settings (`PANORAMA_RESPONSE_CACHE_SECONDS`, default 2, 0 turns reuse
 * off; `PANORAMA_RESPONSE_CACHE_MAX_ENTRIES`, default 200; `PANORAMA_RESPONSE_CACHE_MAX_MB`, default 20), never
 * longer than the shortest customer-data TTL of the connected sources. Given variables, parses them first.
 */
export function responseCacheSettings(settings: GraphqlSettings | Env, runtime: SourcesRuntime): ResponseCacheSettings {
  const { seconds, maxEntries, maxMb } = ('responseCache' in settings && typeof settings.responseCache === 'object' ? (settings as GraphqlSettings) : parseGraphqlSettings(settings as Env)).responseCache;
  const shortestDataTtl = Math.min(...runtime.list.filter((s) => s.configured).map((s) => s.kit.policyFor('default').ttlMs));
  return { ttlMs: Math.floor(Math.min(seconds * 1000, shortestDataTtl)), maxEntries, maxBytes: Math.floor(maxMb * 1024 * 1024) };
}

type Answer = ExecutionResult & { [SERVED_FROM_RESPONSE_CACHE]?: true };

export function createResponseCache(settings: ResponseCacheSettings): PanoramaResponseCache {
  if (settings.ttlMs <= 0 || settings.maxEntries <= 0 || settings.maxBytes <= 0) return { settings, plugin: null, clear: () => undefined, size: () => 0 };
  const answers = new LRUCache<string, ExecutionResult>({
    max: settings.maxEntries,
    maxSize: settings.maxBytes,
    // an answer bigger than the whole bound is simply not kept
    sizeCalculation: (answer, key) => Math.max(1, approximateBytes(answer.data) + key.length * 2),
    ttl: settings.ttlMs,
  });
  /** The cache key of each request that may be answered from, or kept in, the cache, and the generation it began in. */
  const keyOf = new WeakMap<Request, { key: string; generation: number }>();
  /** Bumped by every `clear`: an answer whose execution began before a refresh must not be kept after it. */
  let generation = 0;
  const meta = (result: ExecutionResult, responseCache: Record<string, unknown>): Answer => ({
    ...result,
    extensions: { ...result.extensions, responseCache },
  });

  const plugin: Plugin<Record<string, unknown>, ServerContext> = {
    onParams({ request, params, context, setResult }) {
      const viewer = context.viewer;
      if (!viewer || !reusable(request, params)) return;
      const key = cacheKey(viewer, params);
      keyOf.set(request, { key, generation });
      const held = answers.get(key);
      if (held) setResult({ ...meta(held, { hit: true }), [SERVED_FROM_RESPONSE_CACHE]: true } as Answer);
    },
    onExecutionResult({ request, result, setResult }) {
      const begun = keyOf.get(request);
      if (!begun || !result || Symbol.asyncIterator in result || (result as Answer)[SERVED_FROM_RESPONSE_CACHE]) return;
      const single = result as ExecutionResult;
      let keep = begun.generation === generation && !single.errors?.length && !hasUnsharableSection(single.data);
      if (keep) {
        answers.set(begun.key, single);
        keep = answers.has(begun.key); // false when the answer alone is over the byte bound
      }
      setResult(meta(single, keep ? { hit: false, didCache: true, ttl: settings.ttlMs } : { hit: false, didCache: false }));
    },
  };
  const clear = () => {
    generation++;
    answers.clear();
  };
  return { settings, plugin: plugin as Plugin, clear, size: () => answers.size };
}

/** Whether a request may be answered from (and kept in) the cache at all. */
function reusable(request: Request, params: GraphQLParams): boolean {
  // a conditional request is the client's own cache at work; `no-cache`/`no-store` ask for a fresh execution
  if (request.headers.has('if-none-match')) return false;
  if (/\bno-(cache|store)\b/i.test(request.headers.get('cache-control') ?? '')) return false;
  if (!params.query || /^\s*(mutation|subscription)\b/.test(params.query)) return false;
  return !isRefresh(params);
}

/** One key per viewer, operation and variables; the NUL separators cannot occur in any of the parts' text. */
function cacheKey(viewer: Viewer, params: GraphQLParams): string {
  return [viewer.id, viewer.role, params.operationName ?? '', params.query, JSON.stringify(params.variables ?? {})].join('\u0000');
}

/** A refresh asked through the variables (as the pages do) or written into the operation itself. */
export function isRefresh(params: { query?: string; variables?: Record<string, unknown> } | undefined): boolean {
  const v = params?.variables;
  if (v && (v.refresh === true || (Array.isArray(v.refreshSystems) && v.refreshSystems.length > 0))) return true;
  // an argument written as a literal (`refresh: true`, `refreshSystems: [<a system>]`), not a variable's declaration
  return /(?<!\$)\brefresh\s*:\s*true\b|(?<!\$)\brefreshSystems\s*:\s*\[?\s*[A-Z]/.test(params?.query ?? '');
}

const UNSHARABLE_STATES = new Set(['LIVE', 'FAILED', 'STALE']);

/** True when any section in the answer was read live, failed or is stale: such an answer is never reused. */
export function hasUnsharableSection(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasUnsharableSection);
  if (!value || typeof value !== 'object') return false;
  const record = value as Record<string, unknown>;
  if (typeof record.state === 'string' ? UNSHARABLE_STATES.has(record.state) : record.fromCache === false) return true;
  if (record.stale === true) return true;
  for (const k in record) if (Object.hasOwn(record, k) && typeof record[k] === 'object' && hasUnsharableSection(record[k])) return true;
  return false;
}
