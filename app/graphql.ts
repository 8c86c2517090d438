import { initGraphQLTada, type TadaDocumentNode } from 'gql.tada';
import type { introspection } from '../sources/graphql-env.js';

/**
 * The pages' GraphQL documents, typed from the schema: `graphql(\`query …\`)` parses the operation, and tsc checks
 * it against the schema's introspection types (`npm run schema:types` writes them) and infers its result and
 * variables (`ResultOf`, `VariablesOf`). Fragments are not masked: a fragment's fields are read where it is spread,
 * as the pages always have.
 */
export const graphql = initGraphQLTada<{ introspection: introspection; disableMasking: true }>();

/** A system as the schema's `System` enum names it (the composition file's modules). */
export type System = introspection['types']['System']['enumValues'];

export type { FragmentOf, ResultOf, TadaDocumentNode, VariablesOf } from 'gql.tada';

/**
 * The same operation under another name, for a reader that is audited under its own (a CSV export): the document,
 * its operation renamed, its type unchanged.
 */
export function renamed<D extends TadaDocumentNode<any, any>>(document: D, name: string): D {
  return {
    ...document,
    definitions: document.definitions.map((d) => (d.kind === 'OperationDefinition' ? { ...d, name: { kind: 'Name', value: name } } : d)),
  } as D;
}
