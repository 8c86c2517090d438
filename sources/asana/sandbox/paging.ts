import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Asana's offset pagination: `limit` 1–100, and an opaque, signed, expiring `offset` token (Asana's are JWTs)
 * that is only valid for the query it was issued for.
 */
const SECRET = randomBytes(32);
const TOKEN_TTL_SECONDS = 3600;
/** An unpaginated list longer than this is refused, as Asana refuses very large unpaginated results. */
export const UNPAGINATED_MAX = 1000;

const b64 = (v: string | Buffer) => Buffer.from(v).toString('base64url');

function sign(data: string): string {
  return createHmac('sha256', SECRET).update(data).digest('base64url');
}

/** The query an offset belongs to: the path and its filters, not the paging or output options. */
export function pageScope(path: string, query: URLSearchParams): string {
  const entries = [...query.entries()].filter(([k]) => !['limit', 'offset', 'opt_fields', 'opt_pretty'].includes(k)).sort(([a], [b]) => a.localeCompare(b));
  return `${path}?${new URLSearchParams(entries).toString()}`;
}

export function issueOffset(position: number, scope: string, now = Date.now()): string {
  const header = b64(JSON.stringify({ typ: 'JWT', alg: 'HS256' }));
  const iat = Math.floor(now / 1000);
  const payload = b64(JSON.stringify({ border_rank: position, scope: sign(scope).slice(0, 16), iat, exp: iat + TOKEN_TTL_SECONDS }));
  return `${header}.${payload}.${sign(`${header}.${payload}`)}`;
}

/** The position an offset token stands for, or null when it is forged, expired or from another query. */
export function readOffset(token: string, scope: string, now = Date.now()): number | null {
  const [header, payload, signature, extra] = token.split('.');
  if (!header || !payload || !signature || extra !== undefined) return null;
  const expected = Buffer.from(sign(`${header}.${payload}`));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { border_rank?: unknown; scope?: unknown; exp?: unknown };
    if (typeof claims.border_rank !== 'number' || !Number.isInteger(claims.border_rank) || claims.border_rank < 0) return null;
    if (claims.scope !== sign(scope).slice(0, 16)) return null;
    if (typeof claims.exp !== 'number' || claims.exp * 1000 < now) return null;
    return claims.border_rank;
  } catch {
    return null;
  }
}

export type NextPage = { offset: string; path: string; uri: string };
export type Paged<T> = { items: T[]; nextPage: NextPage | null | undefined };

/**
 * One page of `items` per the request's limit/offset, or Asana's 400 message. Without a limit the whole list
 * comes back and there is no next_page at all (Asana's "grandfathered" unpaginated lists).
 */
export function paginate<T>(items: readonly T[], path: string, query: URLSearchParams, apiBase: string): Paged<T> | { error: string } {
  const rawLimit = query.get('limit');
  const rawOffset = query.get('offset');
  if (rawLimit === null) {
    if (rawOffset !== null) return { error: 'offset: Cannot be used without a limit' };
    if (items.length > UNPAGINATED_MAX) return { error: 'The result is too large. You should use pagination (may require specifying a workspace)!' };
    return { items: [...items], nextPage: undefined };
  }
  if (!/^\d+$/.test(rawLimit)) return { error: `limit: Not a valid integer: ${rawLimit}` };
  const limit = Number(rawLimit);
  if (limit < 1 || limit > 100) return { error: `limit: Must be between 1 and 100, got ${limit}` };
  const scope = pageScope(path, query);
  let position = 0;
  if (rawOffset !== null) {
    const read = readOffset(rawOffset, scope);
    if (read === null) return { error: 'offset: Your pagination token is invalid or has expired. Start again without an offset.' };
    position = read;
  }
  const page = items.slice(position, position + limit);
  const end = position + page.length;
  if (end >= items.length) return { items: page, nextPage: null };
  const offset = issueOffset(end, scope);
  const next = new URLSearchParams(query);
  next.set('offset', offset);
  const relative = `${path}?${next.toString()}`;
  return { items: page, nextPage: { offset, path: relative, uri: `${apiBase}${relative}` } };
}
