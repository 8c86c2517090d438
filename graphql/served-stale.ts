import type { ExecutionResult } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { Freshness } from '../sources/kit/domain.js';
import type { SourceId } from '../sources/kit/errors.js';
import { isAsyncIterable, withErrors, type Payload } from './incremental.js';
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

export function useServedStaleErrors(now: () => number): Plugin {
  const errorOf = (f: Freshness) => {
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
  };
  return {
    onExecute({ args }) {
      const context = args.contextValue as object;
      return {
        onExecuteDone({ result, setResult }) {
          if (isAsyncIterable(result)) {
            // streamed in parts: each source's entry goes with the first part sent after its section was served
            const sent = new Set<SourceId>();
            return {
              onNext({ result: payload, setResult: replace }) {
                const fresh = [...(servedStale.get(context)?.values() ?? [])].filter((f) => !sent.has(f.source));
                for (const f of fresh) sent.add(f.source);
                if (fresh.length) replace(withErrors(payload as Payload, fresh.map(errorOf)) as ExecutionResult);
              },
            };
          }
          const m = servedStale.get(context);
          if (!m?.size) return;
          const r = result as ExecutionResult;
          setResult({ ...r, errors: [...(r.errors ?? []), ...[...m.values()].map(errorOf)] });
          return undefined;
        },
      };
    },
  };
}
