import type { LoadersByCategory, SchemaContext } from '../sources/kit/contract.js';
import type { SourcesRuntime } from '../sources/runtime.js';
import type { CustomerView } from './customer-view.js';
import type { Viewer } from './viewer.js';

/** What every resolver receives: who is asking, this request's DataLoaders, and the process-wide sources. */
export type PanoramaContext = SchemaContext & {
  viewer: Viewer;
  requestId: string;
  runtime: SourcesRuntime;
  /** Built per request: batching and de-duplication live for one request only. */
  loaders: LoadersByCategory;
  /** One view per customer id per request, so links and sections are resolved once. */
  customers: Map<string, CustomerView>;
  now: Date;
};

/** Set by the server for each request: the viewer from the signed session. */
export type ServerContext = { viewer: Viewer | null };

export function createContext(runtime: SourcesRuntime, viewer: Viewer, requestId: string): PanoramaContext {
  return {
    viewer,
    requestId,
    runtime,
    loaders: runtime.createLoaders({ forceRefresh: false }),
    customers: new Map(),
    now: new Date(),
    deepLink: (source, entity, id) => runtime.bySource[source].deepLink(entity, id),
  };
}
