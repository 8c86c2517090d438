import { NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { PanoramaContext, ServerContext } from './context.js';

/**
 * Introspection (`__schema`, `__type`) only for an admin, and only where GraphiQL is enabled: the schema names
 * every field group and vendor-derived type, which is a map for nobody else. `__typename` stays open to all.
 * Panorama's own pages never introspect.
 */
export function useIntrospectionPolicy(opts: { enabled: boolean }): Plugin<PanoramaContext, ServerContext> {
  return {
    onValidate({ context, addValidationRule }) {
      const viewer = (context as Partial<ServerContext>).viewer;
      if (opts.enabled && viewer?.role === 'admin') return;
      addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}
