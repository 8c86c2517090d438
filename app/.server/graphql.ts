import type { Viewer } from '../../graphql/viewer.js';
import { panorama } from './runtime.js';

export type GraphQLErrorShape = { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> };
export type OperationResult<T> = { data: T | null; errors: GraphQLErrorShape[] };

/**
 * Runs a GraphQL operation in-process for a Remix loader: the same schema, policy and audit as /graphql,
 * without an HTTP hop.
 */
export async function runOperation<T>(viewer: Viewer, query: string, variables: Record<string, unknown> = {}, operationName?: string): Promise<OperationResult<T>> {
  const { yoga } = panorama();
  const response = await yoga.fetch(
    'http://panorama.internal/graphql',
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query, variables, operationName }),
    },
    { viewer },
  );
  const body = (await response.json()) as { data?: T | null; errors?: GraphQLErrorShape[] };
  return { data: body.data ?? null, errors: body.errors ?? [] };
}
