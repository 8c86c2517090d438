import type { Plugin } from 'graphql-yoga';
import { logger } from '../sources/kit/logger.js';
import type { PanoramaContext } from './context.js';

const audit = logger.child({ audit: true });

/**
 * Every read is recorded: who (id and role), which operation, which customer ids, and which top-level fields.
 * Search text and customer data never enter the audit line.
 */
export function useAudit(): Plugin<PanoramaContext> {
  return {
    onExecute({ args }) {
      const ctx = args.contextValue;
      const started = performance.now();
      const vars = (args.variableValues ?? {}) as Record<string, unknown>;
      const customerIds = Object.entries(vars)
        .filter(([k, v]) => /^(id|customerId|ids)$/.test(k) && (typeof v === 'string' || Array.isArray(v)))
        .flatMap(([, v]) => (Array.isArray(v) ? v : [v]))
        .slice(0, 50);
      return {
        onExecuteDone({ result }) {
          const errors = 'errors' in result && Array.isArray(result.errors) ? result.errors.length : 0;
          audit.info(
            {
              requestId: ctx.requestId,
              userId: ctx.viewer.id,
              role: ctx.viewer.role,
              operation: args.operationName ?? 'anonymous',
              customerIds,
              errors,
              ms: Math.round(performance.now() - started),
            },
            'graphql read',
          );
        },
      };
    },
  };
}
