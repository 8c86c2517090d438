import { createInMemoryCache, useResponseCache } from '@graphql-yoga/plugin-response-cache';
import type { Plugin } from 'graphql-yoga';
import { ConfigError } from '../sources/kit/config.js';
import type { SourcesRuntime } from '../sources/runtime.js';
import type { ServerContext } from './context.js';

/**
 * The short reuse of whole answers: the same operation with the same variables, asked again by the same viewer
 * within a couple of seconds, is answered from memory instead of being executed again. What it may hold:
 * - only answers without errors whose sections all came from Panorama's source cache (CACHED) or have no record
 *   (NOT_LINKED, AMBIGUOUS): an answer that read a source just now (LIVE) would claim to be live when reused, and
 *   a failure (FAILED, STALE) is never reused. A reused answer's ages are those of when it was made, at most
 *   the TTL earlier;
 * - never a refresh (`refresh` or `refreshSystems`), and a refresh drops every reused answer about its customer;
 * - never longer than the shortest customer-data TTL of the connected sources, and never more than `maxEntries`.
 * A request that says `Cache-Control: no-cache` is always executed. Reuse is per viewer (id and role), so no
 * answer crosses from one person or role to another.
 */
export type ResponseCacheSettings = { ttlMs: number; maxEntries: number };

export type PanoramaResponseCache = {
  settings: ResponseCacheSettings;
  plugin: Plugin | null;
  /** Drops every reused answer that shows this customer (after a refresh read it again). */
  invalidateCustomer: (customerId: string) => void;
};

const DEFAULT_SECONDS = 2;
const DEFAULT_MAX_ENTRIES = 200;

/** `PANORAMA_RESPONSE_CACHE_SECONDS` (default 2; 0 turns reuse off) and `PANORAMA_RESPONSE_CACHE_MAX_ENTRIES` (default 200). */
export function responseCacheSettings(env: Record<string, string | undefined>, runtime: SourcesRuntime): ResponseCacheSettings {
  const read = (name: string, fallback: number, integer: boolean): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) {
      throw new ConfigError(`${name} must be a ${integer ? 'whole number' : 'number of seconds'} of 0 or more, got "${raw}"`);
    }
    return n;
  };
  const seconds = read('PANORAMA_RESPONSE_CACHE_SECONDS', DEFAULT_SECONDS, false);
  const maxEntries = read('PANORAMA_RESPONSE_CACHE_MAX_ENTRIES', DEFAULT_MAX_ENTRIES, true);
  const shortestDataTtl = Math.min(...runtime.list.filter((s) => s.configured).map((s) => s.kit.policyFor('default').ttlMs));
  return { ttlMs: Math.floor(Math.min(seconds * 1000, shortestDataTtl)), maxEntries };
}

export function createResponseCache(settings: ResponseCacheSettings): PanoramaResponseCache {
  if (settings.ttlMs <= 0 || settings.maxEntries <= 0) return { settings, plugin: null, invalidateCustomer: () => undefined };
  const cache = createInMemoryCache({ max: settings.maxEntries });
  const plugin = useResponseCache<ServerContext>({
    cache,
    ttl: settings.ttlMs,
    session: (_request, context) => (context.viewer ? `${context.viewer.id}|${context.viewer.role}` : null),
    enabled: (request, context) => {
      if (!context.viewer) return false;
      // A conditional request would be answered 304 straight from the cache, before the session is known.
      if (request.headers.has('if-none-match')) return false;
      if (/\bno-(cache|store)\b/i.test(request.headers.get('cache-control') ?? '')) return false;
      return !isRefresh((context as { params?: { query?: string; variables?: Record<string, unknown> } }).params);
    },
    shouldCacheResult: ({ result }) => !result.errors?.length && !hasUnsharableSection(result.data),
    includeExtensionMetadata: true,
    invalidateViaMutation: false,
  }) as Plugin;
  return {
    settings,
    plugin,
    invalidateCustomer: (customerId) => void cache.invalidate([{ typename: 'Customer', id: customerId }]),
  };
}

/** A refresh asked through the variables (as the pages do) or written into the operation itself. */
export function isRefresh(params: { query?: string; variables?: Record<string, unknown> } | undefined): boolean {
  const v = params?.variables;
  if (v && (v.refresh === true || (Array.isArray(v.refreshSystems) && v.refreshSystems.length > 0))) return true;
  // an argument written as a literal (`refresh: true`, `refreshSystems: [ASANA]`), not a variable's declaration
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
