import type { Fetched, Freshness } from './domain.js';
import { isSourceError, sourceName, type SourceErrorCode, type SourceId } from './errors.js';

export type SectionState = 'LIVE' | 'CACHED' | 'STALE' | 'FAILED' | 'NOT_LINKED' | 'AMBIGUOUS' | 'FORBIDDEN';

/** What the UI shows next to every section: where the data came from, how old it is, and what went wrong. */
export type SectionStatus = {
  source: SourceId;
  state: SectionState;
  fetchedAt: string | null;
  ageSeconds: number | null;
  fromCache: boolean;
  stale: boolean;
  message: string | null;
  code: SourceErrorCode | 'NOT_LINKED' | 'AMBIGUOUS' | 'FORBIDDEN' | null;
};

function ageOf(fetchedAt: string, now: number): number {
  return Math.max(0, Math.round((now - Date.parse(fetchedAt)) / 1000));
}

function describeAge(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} minutes`;
  return `${Math.round(seconds / 3600)} hours`;
}

export function statusFromFreshness(freshness: Freshness, now = Date.now()): SectionStatus {
  const age = ageOf(freshness.fetchedAt, now);
  const name = sourceName(freshness.source);
  if (freshness.error) {
    return {
      source: freshness.source,
      state: 'STALE',
      fetchedAt: freshness.fetchedAt,
      ageSeconds: age,
      fromCache: true,
      stale: true,
      message: freshness.error.retryAt
        ? `${name} asked us to wait until ${freshness.error.retryAt.slice(11, 16)} UTC; showing data from ${describeAge(age)} ago.`
        : `${name} didn't answer (${freshness.error.userMessage.replace(/\s*Try.*$/, '')}) — showing data from ${describeAge(age)} ago.`,
      code: freshness.error.code,
    };
  }
  return {
    source: freshness.source,
    state: freshness.stale ? 'STALE' : freshness.fromCache ? 'CACHED' : 'LIVE',
    fetchedAt: freshness.fetchedAt,
    ageSeconds: age,
    fromCache: freshness.fromCache,
    stale: freshness.stale,
    message: freshness.stale ? `Showing data from ${describeAge(age)} ago while ${name} is asked again.` : null,
    code: null,
  };
}

export function statusFromFetched(fetched: Fetched<unknown>, now = Date.now()): SectionStatus {
  return statusFromFreshness(fetched.freshness, now);
}

export function statusFromError(source: SourceId, e: unknown): SectionStatus {
  const message = isSourceError(e) ? e.userMessage : `${sourceName(source)} failed unexpectedly.`;
  return {
    source,
    state: 'FAILED',
    fetchedAt: null,
    ageSeconds: null,
    fromCache: false,
    stale: false,
    message,
    code: isSourceError(e) ? e.code : 'INTERNAL',
  };
}

export function statusNotLinked(source: SourceId, why?: string): SectionStatus {
  return {
    source,
    state: 'NOT_LINKED',
    fetchedAt: null,
    ageSeconds: null,
    fromCache: false,
    stale: false,
    message: why ?? `No ${sourceName(source)} record is linked to this customer.`,
    code: 'NOT_LINKED',
  };
}
