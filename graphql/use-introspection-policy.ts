import type { ASTVisitor, ValidationContext } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { PanoramaContext, ServerContext } from './context.js';

/** Refuses `__schema` and `__type` (names beginning with `__` belong to introspection alone). */
function noIntrospection(context: ValidationContext): ASTVisitor {
  return {
    Field(node) {
      const name = node.name.value;
      if (name !== '__schema' && name !== '__type') return;
      context.reportError(
        createGraphQLError(`GraphQL introspection has been disabled for this request: "${name}" is answered only to admins, where GraphiQL is enabled (PANORAMA_GRAPHIQL).`, {
          nodes: [node],
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
        }),
      );
    },
  };
}

/**
 * Introspection (`__schema`, `__type`) only for an admin, and only where GraphiQL is enabled: the schema names
 * every field group and type, a map for nobody else. `__typename` stays open to all. Panorama's own pages never
 * introspect.
 */
export function useIntrospectionPolicy(opts: { enabled: boolean }): Plugin<PanoramaContext, ServerContext> {
  return {
    onValidate({ context, addValidationRule }) {
      const viewer = (context as Partial<ServerContext>).viewer;
      if (opts.enabled && viewer?.role === 'admin') return;
      addValidationRule(noIntrospection);
    },
  };
}
