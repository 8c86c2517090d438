import { print } from 'graphql';
import type { ResultOf, TadaDocumentNode, VariablesOf } from 'gql.tada';
import type { Viewer } from '../../graphql/viewer.js';
import { mergePayload, type Payload } from '../../graphql/incremental.js';
import { panorama } from './runtime.js';

export type GraphQLErrorShape = { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> };
export type OperationResult<T> = { data: T | null; errors: GraphQLErrorShape[] };

/** A typed operation (`graphql(\`query …\`)` of app/graphql.ts): its result and variables come from the schema. */
export type Operation = TadaDocumentNode<any, any>;

const printed = new WeakMap<Operation, string>();
/** The operation's text as it is sent (printed once per document). */
export function operationText(document: Operation): string {
  let text = printed.get(document);
  if (text === undefined) printed.set(document, (text = print(document as never)));
  return text;
}

/**
 * Runs a GraphQL operation in-process for a Remix loader: the same schema, policy and audit as /graphql,
 * without an HTTP hop.
 */
export async function runOperation<D extends Operation>(viewer: Viewer, document: D, variables: VariablesOf<D>, operationName?: string): Promise<OperationResult<ResultOf<D>>> {
  type T = ResultOf<D>;
  const { yoga } = panorama();
  const response = await yoga.fetch(
    'http://panorama.internal/graphql',
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: operationText(document), variables, operationName }),
    },
    { viewer },
  );
  const body = (await response.json()) as { data?: T | null; errors?: GraphQLErrorShape[] };
  return { data: body.data ?? null, errors: body.errors ?? [] };
}

type Merged = { data: Record<string, unknown> | null; errors: unknown[] };

/** An operation whose `@defer` parts arrive one by one: the first payload, then each labelled part as it lands. */
export type StreamedOperation<T> = {
  /** The first payload: the fields not deferred (the page's shell). */
  first: Promise<OperationResult<T>>;
  /** The answer as it stands once the part labelled `label` has landed (the whole answer when none was deferred). */
  part: (label: string) => Promise<OperationResult<T>>;
  /** The whole answer, every part merged. */
  done: Promise<OperationResult<T>>;
};

/**
 * Runs an operation in-process as `runOperation` does, but takes its answer as it streams (`@defer`, over
 * server-sent events): the same schema, policy, masking and audit — one execution, one record — and each labelled
 * part is handed on the moment its fields have resolved. A part that never comes (its parent was null, or the
 * stream broke) resolves with the answer as it stood at the end, so no page waits forever.
 */
export function streamOperation<D extends Operation>(viewer: Viewer, document: D, variables: VariablesOf<D>, operationName?: string): StreamedOperation<ResultOf<D>> {
  type T = ResultOf<D>;
  const query = operationText(document);
  const { yoga } = panorama();
  const waiting = new Map<string, { promise: Promise<OperationResult<T>>; resolve: (r: OperationResult<T>) => void }>();
  const slot = (label: string) => {
    let s = waiting.get(label);
    if (!s) {
      let resolve!: (r: OperationResult<T>) => void;
      const promise = new Promise<OperationResult<T>>((r) => (resolve = r));
      waiting.set(label, (s = { promise, resolve }));
    }
    return s;
  };
  const merged: Merged = { data: null, errors: [] };
  let ended: OperationResult<T> | null = null;
  // the answer as it stands: `mergePayload` never changes what it merged before, so a later part leaves it as it was
  const snapshot = (): OperationResult<T> => ({ data: merged.data as T | null, errors: [...merged.errors] as GraphQLErrorShape[] });
  let resolveFirst!: (r: OperationResult<T>) => void;
  const first = new Promise<OperationResult<T>>((r) => (resolveFirst = r));
  const done = (async () => {
    try {
      const response = await yoga.fetch(
        'http://panorama.internal/graphql',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
          body: JSON.stringify({ query, variables, operationName }),
        },
        { viewer },
      );
      if (!response.body || !response.headers.get('content-type')?.includes('text/event-stream')) {
        const body = (await response.json()) as { data?: Record<string, unknown> | null; errors?: unknown[] };
        mergePayload(merged, { data: body.data ?? null, errors: (body.errors ?? []) as never });
      } else {
        let isFirst = true;
        for await (const payload of serverSentEvents(response.body)) {
          mergePayload(merged, payload);
          if (isFirst) {
            isFirst = false;
            // Handed over after a turn of the event loop's timers, not at once: the caller renders the page's
            // shell (a while of synchronous work) as soon as it has this, and the deferred parts' requests to the
            // vendors should be on their way first rather than wait for that render. Their way out passes
            // through the loop's poll phase, so `setImmediate` (the same turn's check phase) was too early: the
            // vendor calls then left after the render, and the first section landed ~12 ms later
            // (docs/performance.md, "The first section, sooner").
            const shell = snapshot();
            setTimeout(() => resolveFirst(shell), 0);
          }
          for (const part of payload.incremental ?? []) if (part.label) slot(part.label).resolve(snapshot());
        }
      }
    } catch (e) {
      merged.errors.push({ message: 'This part of the page could not be read; reload the page to try again.', extensions: { code: 'STREAM_BROKEN' } });
      if (!(e instanceof Error && e.name === 'AbortError')) console.error(e);
    }
    const end = snapshot();
    ended = end;
    resolveFirst(end);
    for (const s of waiting.values()) s.resolve(end);
    return end;
  })();
  return {
    first,
    done,
    part: (label) => (ended ? Promise.resolve(ended) : slot(label).promise),
  };
}

/** The `next` events of a server-sent-events body, parsed. */
export async function* serverSentEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<Payload> {
  const decoder = new TextDecoder();
  let buffer = '';
  // where the search for an event's end goes on from: a large event arrives in many chunks, and each new chunk
  // is searched alone (with the one character before it), not the whole event again
  let searched = 0;
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n', searched)) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      searched = 0;
      let name = 'message';
      let data = '';
      for (const line of event.split('\n')) {
        if (line.startsWith('event:')) name = line.slice(6).trim();
        else if (line.startsWith('data:')) data += line.slice(5).trimStart();
      }
      if (name === 'next' && data) yield JSON.parse(data) as Payload;
      if (name === 'complete') return;
    }
    searched = Math.max(0, buffer.length - 1);
  }
}
