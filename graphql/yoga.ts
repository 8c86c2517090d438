import { randomUUID } from 'node:crypto';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';
import { createGraphQLError, createYoga, renderGraphiQL, type GraphiQLOptions, type YogaServerInstance } from 'graphql-yoga';
import type { SourcesRuntime } from '../sources/runtime.js';
import { useAudit, type AuditSink } from './audit.js';
import { createContext, type PanoramaContext, type ServerContext } from './context.js';
import { maskError, UNEXPECTED_ERROR, useMaskedDeferredErrors } from './errors.js';
import { isSourceError } from '../sources/kit/errors.js';
import { errorForLog, logText, logger } from '../sources/kit/logger.js';
import { createResponseCache, responseCacheSettings, type PanoramaResponseCache, type ResponseCacheSettings } from './response-cache.js';
import { createPanoramaSchema } from './schema.js';
import { MemoryLinkDecisions, type LinkDecisionStore } from './link-decisions.js';
import { DEFAULT_GRAPHQL_SETTINGS, type GraphqlSettings } from './settings.js';
import { useServedStaleErrors } from './served-stale.js';
import { useIntrospectionPolicy } from './use-introspection-policy.js';

/** Puts `nonce` on every inline `<script>` of an HTML page. */
export function withNonce(html: string, nonce: string | undefined): string {
  return nonce && /^[A-Za-z0-9+/=]+$/.test(nonce) ? html.replace(/<script(?=[\s>])/g, `<script nonce="${nonce}"`) : html;
}

export type PanoramaYoga = YogaServerInstance<ServerContext, PanoramaContext> & { responseCache: PanoramaResponseCache };

export type PanoramaYogaOptions = {
  /** Serve GraphiQL and answer introspection, to admins only. @default false */
  graphiql?: boolean;
  /** The GraphQL layer's parsed settings. @default every variable at its default */
  settings?: GraphqlSettings;
  /** The response cache's bounds; by default from `settings` (see `responseCacheSettings`). */
  responseCache?: ResponseCacheSettings;
  /** Where audit records go (default: the log; the app gives its store). */
  audit?: AuditSink;
  /** Where the admins' link decisions are kept (default: memory; the app gives its store). */
  decisions?: LinkDecisionStore;
};

/**
 * The GraphQL server: one schema composed from the source modules, a context per request (viewer from the
 * signed session, DataLoaders per request), audit of every read, and armor against abusive queries.
 */
export function createPanoramaYoga(runtime: SourcesRuntime, opts: PanoramaYogaOptions = {}): PanoramaYoga {
  const settings = opts.settings ?? DEFAULT_GRAPHQL_SETTINGS;
  const decisions = opts.decisions ?? new MemoryLinkDecisions();
  const responseCache = createResponseCache(opts.responseCache ?? responseCacheSettings(settings, runtime));
  const yoga = createYoga<ServerContext, PanoramaContext>({
    schema: createPanoramaSchema(runtime.modules),
    graphqlEndpoint: '/graphql',
    // GraphiQL documents the whole schema: to admins only, and only when enabled
    graphiql: opts.graphiql ? (_request, server) => (server.viewer?.role === 'admin' ? ({ title: 'Panorama GraphiQL', nonce: server.cspNonce } as GraphiQLOptions) : false) : false,
    // its page's inline scripts carry the response's CSP nonce (the edge names it in the policy)
    renderGraphiQL: (options) => withNonce(renderGraphiQL(options), (options as { nonce?: string } | undefined)?.nonce),
    // the edge (app/server/edge.ts) answers CORS by PANORAMA_CORS_ORIGINS; yoga's default would reflect any Origin
    cors: false,
    landingPage: false,
    // yoga's own log lines would print whole errors (with their inputs); Panorama logs through pino instead
    logging: {
      debug: () => undefined,
      info: () => undefined,
      warn: (...args: unknown[]) => logger.warn({ yoga: logText(args.map(String).join(' ')) }, 'graphql-yoga warning'),
      error: (...args: unknown[]) => {
        const e = args[0];
        // yoga reports every error it masks; a source's failure is normal and the kit already logged it, once per
        // upstream call (a list of 200 rows would otherwise print 200 stacks for one timeout)
        const original = e instanceof Error && e.name === 'GraphQLError' ? ((e as { originalError?: unknown }).originalError ?? e) : e;
        if (isSourceError(original)) return;
        logger.error({ err: errorForLog(e) }, 'graphql-yoga error');
      },
    },
    maskedErrors: { maskError, errorMessage: UNEXPECTED_ERROR },
    context: ({ viewer, request }) => {
      if (!viewer) {
        throw createGraphQLError('Sign in to use Panorama: this request has no valid session.', {
          extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
        });
      }
      // the audit's request id is the server's own: a client's x-request-id could be chosen to collide
      return createContext(runtime, viewer, randomUUID(), responseCache.clear, settings, decisions);
    },
    plugins: [
      EnvelopArmorPlugin({
        maxDepth: { n: 10 },
        maxAliases: { n: 15 },
        maxDirectives: { n: 20 },
        maxTokens: { n: 2000 },
        costLimit: { maxCost: 200_000 },
      }),
      useIntrospectionPolicy({ enabled: Boolean(opts.graphiql) }),
      // @defer: a page streams each section in as its system answers, from one execution (one context, one set of
      // DataLoaders, one audit record); see docs/decisions/035-sections-stream-in.md
      useDeferStream(),
      useMaskedDeferredErrors(),
      useAudit(opts.audit),
      useServedStaleErrors(() => runtime.clock.now()),
      ...(responseCache.plugin ? [responseCache.plugin] : []),
    ],
  });
  return Object.assign(yoga, { responseCache });
}
