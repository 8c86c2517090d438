import { randomUUID } from 'node:crypto';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { createGraphQLError, createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { SourcesRuntime } from '../sources/runtime.js';
import { useAudit, type AuditSink } from './audit.js';
import { createContext, type PanoramaContext, type ServerContext } from './context.js';
import { maskError } from './errors.js';
import { isSourceError } from '../sources/kit/errors.js';
import { logger } from '../sources/kit/logger.js';
import { createResponseCache, responseCacheSettings, type PanoramaResponseCache, type ResponseCacheSettings } from './response-cache.js';
import { createPanoramaSchema } from './schema.js';
import { DEFAULT_GRAPHQL_SETTINGS, type GraphqlSettings } from './settings.js';
import { useServedStaleErrors } from './served-stale.js';

export type PanoramaYoga = YogaServerInstance<ServerContext, PanoramaContext> & { responseCache: PanoramaResponseCache };

export type PanoramaYogaOptions = {
  /** Serve GraphiQL (to signed-in viewers only). @default false */
  graphiql?: boolean;
  /** The GraphQL layer's parsed settings. @default every variable at its default */
  settings?: GraphqlSettings;
  /** The response cache's bounds; by default from `settings` (see `responseCacheSettings`). */
  responseCache?: ResponseCacheSettings;
  /** Where audit records go (default: the log; the app gives its store). */
  audit?: AuditSink;
};

/**
 * The GraphQL server: one schema composed from the source modules, a context per request (viewer from the
 * signed session, DataLoaders per request), audit of every read, and armor against abusive queries.
 */
export function createPanoramaYoga(runtime: SourcesRuntime, opts: PanoramaYogaOptions = {}): PanoramaYoga {
  const settings = opts.settings ?? DEFAULT_GRAPHQL_SETTINGS;
  const responseCache = createResponseCache(opts.responseCache ?? responseCacheSettings(settings, runtime));
  const yoga = createYoga<ServerContext, PanoramaContext>({
    schema: createPanoramaSchema(),
    graphqlEndpoint: '/graphql',
    // GraphiQL documents the whole schema: never to a request without a signed-in viewer
    graphiql: opts.graphiql ? (_request, server) => Boolean(server.viewer) : false,
    landingPage: false,
    // yoga's own log lines would print whole errors (with their inputs); Panorama logs through pino instead
    logging: {
      debug: () => undefined,
      info: () => undefined,
      warn: (...args: unknown[]) => logger.warn({ yoga: args.map(String).join(' ').slice(0, 500) }, 'graphql-yoga warning'),
      error: (...args: unknown[]) => {
        const e = args[0];
        // yoga reports every error it masks; a source's failure is normal and the kit already logged it, once per
        // upstream call (a list of 200 rows would otherwise print 200 stacks for one timeout)
        const original = e instanceof Error && e.name === 'GraphQLError' ? ((e as { originalError?: unknown }).originalError ?? e) : e;
        if (isSourceError(original)) return;
        logger.error({ err: e instanceof Error ? { name: e.name, message: e.message, stack: e.stack } : String(e) }, 'graphql-yoga error');
      },
    },
    maskedErrors: { maskError },
    context: ({ viewer, request }) => {
      if (!viewer) {
        throw createGraphQLError('Sign in to use Panorama: this request has no valid session.', {
          extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
        });
      }
      // the audit's request id is the server's own: a client's x-request-id could be chosen to collide
      return createContext(runtime, viewer, randomUUID(), responseCache.clear, settings);
    },
    plugins: [
      EnvelopArmorPlugin({
        maxDepth: { n: 10 },
        maxAliases: { n: 15 },
        maxDirectives: { n: 20 },
        maxTokens: { n: 2000 },
        costLimit: { maxCost: 200_000 },
      }),
      useAudit(opts.audit),
      useServedStaleErrors(() => runtime.clock.now()),
      ...(responseCache.plugin ? [responseCache.plugin] : []),
    ],
  });
  return Object.assign(yoga, { responseCache });
}
