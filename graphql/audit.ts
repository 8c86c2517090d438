import { randomUUID } from 'node:crypto';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import { logger } from '../sources/kit/logger.js';
import type { PanoramaContext, ServerContext } from './context.js';
import { SERVED_FROM_RESPONSE_CACHE } from './response-cache.js';

const audit = logger.child({ audit: true });

/** The name of a document's operation when the request names none. */
const OPERATION_NAME = /\b(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/;

export type AuditRecord = {
  requestId: string;
  userId: string | null;
  role: string | null;
  operation: string;
  customerIds: string[];
  errors: number;
  /** True when the answer was reused from the response cache rather than executed. */
  reused: boolean;
  ms: number;
};

/**
 * Every read is recorded, whether it was executed or answered from the response cache: who (id and role), which
 * operation, which customer ids, and how many errors. Search text and customer data never enter the audit
 * line. A request without a session is recorded too, with no user.
 */
export function useAudit(sink: (record: AuditRecord) => void = (r) => audit.info(r, 'graphql read')): Plugin<PanoramaContext, ServerContext> {
  const started = new WeakMap<Request, number>();
  // an answer reused by the response cache never reaches the point where yoga puts the params on the context
  const paramsOf = new WeakMap<Request, GraphQLParams>();
  return {
    onRequest({ request }) {
      started.set(request, performance.now());
    },
    onParams({ request, params }) {
      paramsOf.set(request, params);
    },
    onExecutionResult({ request, result, context }) {
      const ctx = context as Partial<PanoramaContext> & ServerContext & { params?: GraphQLParams };
      const params = ctx.params ?? paramsOf.get(request);
      const single = result && !(Symbol.asyncIterator in result) ? result : null;
      const vars = params?.variables ?? {};
      const customerIds = Object.entries(vars)
        .filter(([k, v]) => /^(id|customerId|ids)$/.test(k) && (typeof v === 'string' || Array.isArray(v)))
        .flatMap(([, v]) => (Array.isArray(v) ? v : [v]))
        .filter((v): v is string => typeof v === 'string')
        .slice(0, 50);
      sink({
        requestId: ctx.requestId ?? request.headers.get('x-request-id') ?? randomUUID(),
        userId: ctx.viewer?.id ?? null,
        role: ctx.viewer?.role ?? null,
        operation: params?.operationName ?? OPERATION_NAME.exec(params?.query ?? '')?.[1] ?? 'anonymous',
        customerIds,
        errors: single && Array.isArray(single.errors) ? single.errors.length : 0,
        reused: Boolean(single && (single as Record<symbol, unknown>)[SERVED_FROM_RESPONSE_CACHE]),
        ms: Math.round(performance.now() - (started.get(request) ?? performance.now())),
      });
    },
  };
}
