import type { Fetched, Freshness } from './domain.js';
import { isSourceError, sourceName, type SourceError, type SourceErrorCode, type SourceId } from './errors.js';

/** BROKEN_LINK: the customer holds an id of the system that names no record there (not an outage, not a link). */
export type SectionState = 'LIVE' | 'CACHED' | 'STALE' | 'FAILED' | 'NOT_LINKED' | 'AMBIGUOUS' | 'BROKEN_LINK' | 'FORBIDDEN';

/** What the UI shows next to every section: where the data came from, how old it is, and what went wrong. */
export type SectionStatus = {
  source: SourceId;
  state: SectionState;
  fetchedAt: string | null;
  ageSeconds: number | null;
  fromCache: boolean;
  stale: boolean;
  message: string | null;
  code: SourceErrorCode | 'NOT_LINKED' | 'AMBIGUOUS' | 'BROKEN_LINK' | 'FORBIDDEN' | null;
};

function ageOf(fetchedAt: string, now: number): number {
  return Math.max(0, Math.round((now - Date.parse(fetchedAt)) / 1000));
}

/** "40 s", "4 min", "3 h": the short age the freshness words use. */
export function shortAge(seconds: number): string {
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

/** Why a source is failing, in a few words: its HTTP status where it gave one. */
function failureReason(e: SourceError): string {
  if (e.status) return String(e.status);
  switch (e.code) {
    case 'TIMEOUT':
      return 'timed out';
    case 'UNAVAILABLE':
      return 'connection failed';
    case 'CIRCUIT_OPEN':
      return 'repeated failures';
    case 'INVALID_RESPONSE':
      return 'answer not understood';
    case 'UNAUTHENTICATED':
      return 'credentials refused';
    default:
      return e.code;
  }
}

/** What a section says once its source has failed and older data is shown: who, why, since when, how old. */
function failingMessage(name: string, e: SourceError, since: string | undefined, age: number): string {
  const answering = ['TIMEOUT', 'UNAVAILABLE', 'CIRCUIT_OPEN'].includes(e.code) ? "isn't answering" : 'is failing';
  const when = since ? ` since ${since.slice(11, 16)} UTC` : '';
  return `${name} ${answering} (${failureReason(e)})${when}; showing data from ${shortAge(age)} ago.`;
}

/** `now` (ms) comes from the runtime's clock, as every age in Panorama does. */
export function statusFromFreshness(freshness: Freshness, now: number): SectionStatus {
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
      message: freshness.error.budget && freshness.error.retryAt
        ? `${freshness.error.limitReason ?? `Panorama's ${name} budget is spent until ${freshness.error.retryAt.slice(11, 16)} UTC`}; showing data from ${shortAge(age)} ago.`
        : freshness.error.retryAt
        ? `${name} asked us to wait until ${freshness.error.retryAt.slice(11, 16)} UTC; showing data from ${shortAge(age)} ago.`
        : failingMessage(name, freshness.error, freshness.failingSince, age),
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
    // Stale without an error: a re-read is under way (stale-while-revalidate), and nothing has failed yet.
    message: freshness.stale ? 'Updating…' : `Updated ${shortAge(age)} ago`,
    code: null,
  };
}

export function statusFromFetched(fetched: Fetched<unknown>, now: number): SectionStatus {
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
