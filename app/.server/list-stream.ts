import { canRead, type AccessGroup } from '../../graphql/policy.js';
import type { Viewer } from '../../graphql/viewer.js';
import type { ResultOf, TadaDocumentNode, VariablesOf } from 'gql.tada';
import { streamOperation, type OperationResult } from './graphql.js';
import { forbidden, pageRefusal } from './refusal.js';

/** A list as it arrived, and what could not be read for some of its rows (each message once; withheld fields are no error). */
export type ListPart<L> = { list: L; errors: string[] };

const partialErrors = (r: OperationResult<unknown>) => [...new Set(r.errors.filter((e) => e.extensions?.code !== 'FORBIDDEN').map((e) => e.message))];

/** The systems, as every list's shell names them (the first, not deferred, part of its operation). */
export type ListSystems = { systems: { name: string; category: string }[] };

/** A list page's operation: `systems` first, its list in `... @defer(if: $stream, label: "list")`. */
export type ListOperation = TadaDocumentNode<ListSystems, any>;

/** The list field `K` of an answer whose list is deferred: the answer's type is "without the list" or "with it". */
export type ListOf<D extends ListOperation, K extends string> = ResultOf<D> extends infer R ? (R extends { [P in K]: infer L } ? L : never) : never;

/**
 * A list page's data: the shell at once, the list when its system has answered.
 *
 * The list's operation reads `systems` first and its list field in `... @defer(if: $stream, label: "list")`, so the
 * page (title, what it waits for) is on screen while the system is read — one execution, one audit record. Who may
 * read the list is known before anything is read, so a refusal is still a 403. The first page streams; a page
 * reached by cursor is read whole, so a cursor from another view is still a 400 that names it, never a broken
 * stream. Without `stream` (the CSV export) the operation is the plain list query.
 */
export async function streamList<D extends ListOperation, K extends string>(
  viewer: Viewer,
  opts: { query: D; variables: Omit<VariablesOf<D>, 'stream'>; operationName: string; field: K; page: { name: string; group: AccessGroup }; stream: boolean },
): Promise<{ systems: ResultOf<D>['systems']; list: ListPart<ListOf<D, K>> | Promise<ListPart<ListOf<D, K>>> }> {
  if (!canRead(viewer.role, opts.page.group)) throw forbidden(viewer.role, opts.page);
  const op = streamOperation(viewer, opts.query, { ...opts.variables, stream: opts.stream } as VariablesOf<D>, opts.operationName);
  // the list is the field `K` of the answer once its part has landed
  const listOf = (r: OperationResult<ResultOf<D>>) => (r.data as { [P in K]?: ListOf<D, K> | null } | null)?.[opts.field];
  const pick = (r: OperationResult<ResultOf<D>>): ListPart<ListOf<D, K>> => {
    const list = listOf(r);
    if (list == null) throw pageRefusal(viewer.role, r.errors, opts.page);
    return { list, errors: partialErrors(r) };
  };
  if (!opts.stream) {
    const whole = await op.done;
    return { systems: whole.data?.systems ?? [], list: pick(whole) };
  }
  const first = await op.first;
  // the shell's own errors (there are none to expect: `systems` reads no system) still refuse the page properly
  if (!first.data) throw pageRefusal(viewer.role, first.errors, opts.page);
  return {
    systems: first.data.systems,
    // after the answer has started a failure can only show in the page: the section says it could not be read
    list: op.part('list').then((r) => {
      const list = listOf(r);
      if (list == null) throw new Error(`the ${opts.page.name} could not be read`);
      return { list, errors: partialErrors(r) };
    }),
  };
}
