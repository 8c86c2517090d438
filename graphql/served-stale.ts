import type { ExecutionResult } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { Freshness } from '../sources/kit/domain.js';
import type { SourceId } from '../sources/kit/errors.js';
import { statusFromFreshness } from '../sources/kit/section-status.js';

/**
 * A source that failed while its cached data was served still answers with data; without an error entry, a
 * GraphQL client would never learn of the outage. Each request notes the sources served stale because they failed,
 * and the answer gets one error per source beside its data, with `extensions` { source, code, retryable,
 * servedStaleSince }.
 */
const servedStale = new WeakMap<object, Map<SourceId, Freshness>>();

export function noteServedStale(context: object, freshness: Freshness): void {
  if (!freshness.error) return;
  let m = servedStale.get(context);
  if (!m) servedStale.set(context, (m = new Map()));
  if (!m.has(freshness.source)) m.set(freshness.source, freshness);
}

const isAsyncIterable = (v: unknown): v is AsyncIterable<unknown> => typeof v === 'object' && v !== null && Symbol.asyncIterator in v;

export function useServedStaleErrors(now: () => number): Plugin {
  return {
    onExecute({ args }) {
      return {
        onExecuteDone({ result, setResult }) {
          const m = servedStale.get(args.contextValue as object);
          if (!m?.size || isAsyncIterable(result)) return;
          const r = result as ExecutionResult;
          const entries = [...m.values()].map((f) => {
            const e = f.error!;
            return createGraphQLError(statusFromFreshness(f, now()).message ?? e.userMessage, {
              extensions: {
                source: f.source,
                code: e.code,
                retryable: e.retryable,
                servedStaleSince: f.failingSince ?? null,
                dataFetchedAt: f.fetchedAt,
                ...(e.retryAt ? { retryAt: e.retryAt } : {}),
              },
            });
          });
          setResult({ ...r, errors: [...(r.errors ?? []), ...entries] });
        },
      };
    },
  };
}
