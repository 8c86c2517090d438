import { randomUUID } from 'node:crypto';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { createGraphQLError, createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { SourcesRuntime } from '../sources/runtime.js';
import { useAudit } from './audit.js';
import { createContext, type PanoramaContext, type ServerContext } from './context.js';
import { maskError } from './errors.js';
import { logger } from '../sources/kit/logger.js';
import { createPanoramaSchema } from './schema.js';

export type PanoramaYoga = YogaServerInstance<ServerContext, PanoramaContext>;

/**
 * The GraphQL server: one schema composed from the source modules, a context per request (viewer from the
 * signed session, DataLoaders per request), audit of every read, and armor against abusive queries.
 */
export function createPanoramaYoga(runtime: SourcesRuntime, opts: { graphiql?: boolean } = {}): PanoramaYoga {
  return createYoga<ServerContext, PanoramaContext>({
    schema: createPanoramaSchema(),
    graphqlEndpoint: '/graphql',
    graphiql: opts.graphiql ?? false,
    landingPage: false,
    // yoga's own log lines would print whole errors (with their inputs); Panorama logs through pino instead
    logging: {
      debug: () => undefined,
      info: () => undefined,
      warn: (...args: unknown[]) => logger.warn({ yoga: args.map(String).join(' ').slice(0, 500) }, 'graphql-yoga warning'),
      error: (...args: unknown[]) => {
        const e = args[0];
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
      return createContext(runtime, viewer, request.headers.get('x-request-id') ?? randomUUID());
    },
    plugins: [
      EnvelopArmorPlugin({
        maxDepth: { n: 10 },
        maxAliases: { n: 15 },
        maxDirectives: { n: 20 },
        maxTokens: { n: 2000 },
        costLimit: { maxCost: 200_000 },
      }),
      useAudit(),
    ],
  });
}
