import { createHash } from 'node:crypto';
import { createGraphQLError } from 'graphql-yoga';

/**
 * Cursor paging over a list Panorama has already filtered and sorted in full (the source answered it whole, cached
 * and batched): the true count, one page, and an opaque cursor to the next. A cursor belongs to the filters and
 * sort it was made under; used with others it is refused with a message, never read as another list's position.
 */
export type PageInfo = { endCursor: string | null; hasNextPage: boolean; firstIndex: number };
export type Page<T> = { rows: T[]; totalCount: number; pageInfo: PageInfo };

export const pagingTypeDefs = /* GraphQL */ `
  "Where a page of a list ends, and whether more follows (pass endCursor as after)."
  type PageInfo {
    endCursor: String
    hasNextPage: Boolean!
    "The position (from 1) of the page's first row in the whole list; 0 for an empty page."
    firstIndex: Int!
  }
`;

const fingerprint = (view: unknown) => createHash('sha256').update(JSON.stringify(view)).digest('base64url').slice(0, 10);

export function encodeCursor(offset: number, view: unknown): string {
  return Buffer.from(`${offset}.${fingerprint(view)}`).toString('base64url');
}

function offsetOf(after: string | null | undefined, view: unknown): number {
  if (after == null || after === '') return 0;
  const m = /^(\d{1,9})\.([A-Za-z0-9_-]{10})$/.exec(Buffer.from(after, 'base64url').toString('utf8'));
  if (!m) throw createGraphQLError('after is not a cursor this list gave out; start from the first page.', { extensions: { code: 'BAD_USER_INPUT' } });
  if (m[2] !== fingerprint(view)) {
    throw createGraphQLError('after belongs to other filters or another sort; start from the first page.', { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return Number(m[1]);
}

/** Validates `first` (1…max) and returns one page of `all`, whose order and filters are described by `view`. */
export function pageOf<T>(all: readonly T[], args: { first?: number | null; after?: string | null }, view: unknown, max = 500): Page<T> {
  const first = args.first ?? 50;
  if (!Number.isInteger(first) || first < 1 || first > max) {
    throw createGraphQLError(`first must be between 1 and ${max}, got ${first}.`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  const offset = offsetOf(args.after, view);
  const rows = all.slice(offset, offset + first);
  const end = offset + rows.length;
  return { rows, totalCount: all.length, pageInfo: { endCursor: rows.length ? encodeCursor(end, view) : null, hasNextPage: end < all.length, firstIndex: rows.length ? offset + 1 : 0 } };
}
