import type { GraphQLError } from 'graphql';

/**
 * An answer delivered in parts (`@defer`): the first payload, then one for each deferred fragment as it completes
 * (the incremental format of graphql-tools' executor: `{ incremental: [{ data, path, label, errors }], hasNext }`).
 */
export type IncrementalItem = { data?: Record<string, unknown> | null; items?: unknown[]; path?: readonly (string | number)[]; label?: string; errors?: readonly GraphQLError[] };
export type Payload = {
  data?: Record<string, unknown> | null;
  errors?: readonly GraphQLError[];
  incremental?: IncrementalItem[];
  hasNext?: boolean;
  extensions?: Record<string, unknown>;
};

export const isAsyncIterable = (v: unknown): v is AsyncIterable<unknown> => typeof v === 'object' && v !== null && Symbol.asyncIterator in v;

/**
 * Passes every payload of a streamed answer through `onNext` (which may replace it), and calls `onEnd` once when
 * the stream ends — completed, failed, or given up by its reader.
 */
export function tapStream<T>(source: AsyncIterable<T>, onNext: (value: T) => T | void, onEnd: () => void): AsyncIterable<T> {
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    onEnd();
  };
  return {
    [Symbol.asyncIterator]() {
      const it = source[Symbol.asyncIterator]();
      return {
        async next() {
          try {
            const r = await it.next();
            if (r.done) {
              end();
              return r;
            }
            return { done: false, value: onNext(r.value) ?? r.value };
          } catch (e) {
            end();
            throw e;
          }
        },
        async return(value?: unknown) {
          end();
          return (await it.return?.(value)) ?? { done: true, value: undefined };
        },
        async throw(e?: unknown) {
          end();
          if (it.throw) return it.throw(e);
          throw e;
        },
      } as AsyncIterator<T>;
    },
  };
}

/** The errors a payload carries, its deferred parts' included. */
export function errorsOf(payload: Payload): readonly unknown[] {
  return [...(payload.errors ?? []), ...(payload.incremental ?? []).flatMap((i) => i.errors ?? [])];
}

/** Adds errors to a payload: beside the first payload's data, or with the first deferred part of a later one. */
export function withErrors<P extends Payload>(payload: P, errors: GraphQLError[]): P {
  if (!errors.length) return payload;
  const [first, ...rest] = payload.incremental ?? [];
  if (first) return { ...payload, incremental: [{ ...first, errors: [...(first.errors ?? []), ...errors] }, ...rest] };
  return { ...payload, errors: [...(payload.errors ?? []), ...errors] };
}

/** `node` with `data` merged in at `path`: the objects along the path copied, none changed (a path that is gone merges nothing). */
function mergedAt(node: unknown, path: readonly (string | number)[], data: Record<string, unknown>): unknown {
  if (!node || typeof node !== 'object') return node;
  if (!path.length) return { ...node, ...data };
  const [key, ...rest] = path;
  const copy = (Array.isArray(node) ? [...(node as unknown[])] : { ...(node as Record<string, unknown>) }) as Record<string | number, unknown>;
  copy[key!] = mergedAt((node as Record<string | number, unknown>)[key!], rest, data);
  return copy;
}

/**
 * Merges one payload into the answer so far (objects at the deferred part's path), returning the answer. What it
 * merged before is never changed: each part gives `into.data` a new root sharing what it did not touch, so an answer
 * taken earlier (a section already handed to the page) stays as it was without being copied whole.
 */
export function mergePayload(into: { data: Record<string, unknown> | null; errors: unknown[] }, payload: Payload): { data: Record<string, unknown> | null; errors: unknown[] } {
  if (payload.data !== undefined) into.data = payload.data ? { ...(into.data ?? {}), ...payload.data } : (into.data ?? payload.data);
  into.errors.push(...(payload.errors ?? []));
  for (const part of payload.incremental ?? []) {
    into.errors.push(...(part.errors ?? []));
    if (!part.data || !into.data) continue;
    into.data = mergedAt(into.data, part.path ?? [], part.data) as Record<string, unknown>;
  }
  return into;
}
