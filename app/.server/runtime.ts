import { createSourcesRuntime, type SourcesRuntime } from '../../sources/runtime.js';
import { createPanoramaYoga, type PanoramaYoga } from '../../graphql/yoga.js';

type Panorama = { runtime: SourcesRuntime; yoga: PanoramaYoga };

declare global {
  // eslint-disable-next-line no-var
  var __panorama: Panorama | undefined;
}

/**
 * The process-wide sources and GraphQL server, built once from the environment (kept on globalThis so a dev
 * server's module reloads don't empty the cache).
 */
export function panorama(): Panorama {
  if (!globalThis.__panorama) {
    const runtime = createSourcesRuntime(process.env);
    globalThis.__panorama = { runtime, yoga: createPanoramaYoga(runtime, { graphiql: process.env.NODE_ENV !== 'production' }) };
  }
  return globalThis.__panorama;
}
