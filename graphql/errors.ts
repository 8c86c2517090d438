import type { GraphQLError } from 'graphql';
import { createGraphQLError } from 'graphql-yoga';
import { isSourceError } from '../sources/kit/errors.js';
import { errorForLog, logger } from '../sources/kit/logger.js';

/**
 * A failed source becomes an error a person can act on, with `extensions` { source, code, retryable } that
 * tools can act on. Anything unexpected is masked: the client sees a reference, the log has the detail.
 */
// By name, not instanceof: graphql can be loaded twice (ESM and CJS builds) in one process.
const isGraphQLError = (e: unknown): e is GraphQLError => e instanceof Error && e.name === 'GraphQLError';

export function maskError(error: unknown, message: string): Error {
  const original = isGraphQLError(error) ? (error.originalError ?? error) : error;
  if (isSourceError(original)) {
    const path = isGraphQLError(error) ? error.path : undefined;
    return createGraphQLError(original.userMessage, {
      path,
      extensions: {
        code: original.code,
        source: original.source,
        retryable: original.retryable,
        ...(original.retryAfterSeconds !== undefined ? { retryAfterSeconds: original.retryAfterSeconds } : {}),
      },
    });
  }
  if (isGraphQLError(error) && (!error.originalError || isGraphQLError(error.originalError))) {
    return error; // validation errors, FORBIDDEN, BAD_USER_INPUT: already written for the caller
  }
  logger.error({ err: errorForLog(original) }, 'unexpected error in a resolver');
  return createGraphQLError(message, { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
}
