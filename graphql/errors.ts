import type { GraphQLError } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { isSourceError } from '../sources/kit/errors.js';
import { errorForLog, logger } from '../sources/kit/logger.js';
import { isAsyncIterable, type Payload } from './incremental.js';

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

/** What the client reads for an error nobody wrote for it (yoga's own wording). */
export const UNEXPECTED_ERROR = 'Unexpected error.';

/**
 * Masks the errors of an answer's deferred parts the way yoga masks the others. Yoga's masking (envelop's
 * `useMaskedErrors`) reads a payload's `errors` only, and a deferred part carries its own (`incremental[].errors`):
 * without this a section streamed in sent a source's internal message ("… answered 503 for /api/v2/…") and no
 * `extensions` code, and an unexpected error's own text.
 */
export function useMaskedDeferredErrors(): Plugin {
  const masked = (payload: Payload): Payload | undefined => {
    if (!payload.incremental?.some((part) => part.errors?.length)) return undefined;
    return {
      ...payload,
      incremental: payload.incremental.map((part) => (part.errors?.length ? { ...part, errors: part.errors.map((e) => maskError(e, UNEXPECTED_ERROR) as GraphQLError) } : part)),
    };
  };
  return {
    onExecute() {
      return {
        onExecuteDone({ result }) {
          if (!isAsyncIterable(result)) return undefined;
          return {
            onNext({ result: payload, setResult }) {
              const replaced = masked(payload as Payload);
              if (replaced) setResult(replaced as Parameters<typeof setResult>[0]);
            },
          };
        },
      };
    },
  };
}
