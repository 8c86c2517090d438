/**
 * Zendesk's two pagination styles. Cursor: `page[size]` ≤ 100, `page[after]`/`page[before]` opaque cursors,
 * answered with `meta {has_more, after_cursor, before_cursor}` and `links {next, prev}`. Offset: `page` and
 * `per_page` ≤ 100, answered with `next_page`, `previous_page` and `count`.
 */
export class PagingError extends Error {
  constructor(
    readonly code: 'InvalidPaginationParameter',
    readonly title: string,
  ) {
    super(title);
  }
}

export const MAX_PAGE_SIZE = 100;

export function encodeCursor(id: number): string {
  return Buffer.from(JSON.stringify({ o: 'id', v: String(id) })).toString('base64');
}

export function decodeCursor(cursor: string, param: string): number {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8'));
    const v = (parsed as { o?: unknown; v?: unknown }).v;
    if ((parsed as { o?: unknown }).o === 'id' && typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  } catch {
    // fall through to Zendesk's answer for a cursor it did not issue
  }
  throw new PagingError('InvalidPaginationParameter', `${param} is not valid`);
}

export function usesCursor(params: URLSearchParams): boolean {
  return [...params.keys()].some((k) => k.startsWith('page['));
}

/** A page of `items` (sorted by id) after or before a cursor. */
export function cursorPage<T extends { id: number }>(items: T[], params: URLSearchParams, selfUrl: URL) {
  const rawSize = params.get('page[size]');
  const size = rawSize === null ? MAX_PAGE_SIZE : Number(rawSize);
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new PagingError('InvalidPaginationParameter', `page[size] must be an integer between 1 and ${MAX_PAGE_SIZE}`);
  }
  const after = params.get('page[after]');
  const before = params.get('page[before]');
  let page: T[];
  let hasMore: boolean;
  if (before) {
    const v = decodeCursor(before, 'page[before]');
    const earlier = items.filter((i) => i.id < v);
    page = earlier.slice(-size);
    hasMore = earlier.length > size;
  } else {
    const v = after ? decodeCursor(after, 'page[after]') : -Infinity;
    const later = items.filter((i) => i.id > v);
    page = later.slice(0, size);
    hasMore = later.length > size;
  }
  const first = page[0];
  const last = page[page.length - 1];
  const link = (key: 'page[after]' | 'page[before]', cursor: string) => {
    const u = new URL(selfUrl);
    u.searchParams.delete('page[after]');
    u.searchParams.delete('page[before]');
    u.searchParams.set('page[size]', String(size));
    u.searchParams.set(key, cursor);
    return u.toString();
  };
  return {
    page,
    meta: {
      has_more: hasMore,
      after_cursor: last ? encodeCursor(last.id) : null,
      before_cursor: first ? encodeCursor(first.id) : null,
    },
    links: {
      next: last ? link('page[after]', encodeCursor(last.id)) : null,
      prev: first ? link('page[before]', encodeCursor(first.id)) : null,
    },
  };
}

export class InvalidAttributeError extends Error {
  constructor(
    readonly attribute: string,
    readonly detail: string,
    readonly path: string,
  ) {
    super(`You passed an invalid value for the ${attribute} attribute. ${detail} from ${path}`);
  }

  /** Zendesk's body for a parameter it cannot use. */
  body() {
    return { error: { title: 'Invalid attribute', message: this.message } };
  }
}

/** `page`/`per_page` offset paging; `per_page` above 100 is cut to 100, as Zendesk does. */
export function offsetParams(params: URLSearchParams, apiPath: string): { page: number; perPage: number } {
  const page = params.get('page') ?? '1';
  const perPage = params.get('per_page') ?? String(MAX_PAGE_SIZE);
  if (!/^\d+$/.test(page) || Number(page) < 1) {
    throw new InvalidAttributeError('page', 'Invalid parameter: page must be an integer', apiPath);
  }
  if (!/^\d+$/.test(perPage) || Number(perPage) < 1) {
    throw new InvalidAttributeError('per_page', 'Invalid parameter: per_page must be an integer', apiPath);
  }
  return { page: Number(page), perPage: Math.min(Number(perPage), MAX_PAGE_SIZE) };
}

export function offsetLinks(selfUrl: URL, page: number, perPage: number, count: number) {
  const link = (p: number) => {
    const u = new URL(selfUrl);
    u.searchParams.set('page', String(p));
    u.searchParams.set('per_page', String(perPage));
    return u.toString();
  };
  return {
    next_page: page * perPage < count ? link(page + 1) : null,
    previous_page: page > 1 ? link(page - 1) : null,
    count,
  };
}
