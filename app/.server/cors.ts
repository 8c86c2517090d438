/**
 * Cross-origin access to /graphql: only pages on an origin of PANORAMA_CORS_ORIGINS may read its answers (with the
 * viewer's cookie); for any other origin no Access-Control-* header is sent, so the browser withholds the answer.
 * Panorama's own pages are same-origin and need none of this.
 */
export const CORS_ALLOWED_HEADERS = ['content-type', 'accept', 'cache-control', 'x-graphql-client-name'];
export const CORS_MAX_AGE_SECONDS = 600;

/** Whether `origin` (an `Origin` header) is on the allow-list. Compared exactly, as browsers send it. */
export function isAllowedOrigin(origin: string | undefined, allowList: readonly string[]): origin is string {
  return Boolean(origin) && origin !== 'null' && allowList.includes(origin!);
}

/**
 * The CORS headers for a request to /graphql: none unless its Origin is allowed. A preflight (OPTIONS) also gets
 * the methods and headers Panorama accepts.
 */
export function corsHeaders(origin: string | undefined, allowList: readonly string[], preflight: boolean): Record<string, string> {
  const headers: Record<string, string> = { Vary: 'Origin' };
  if (!isAllowedOrigin(origin, allowList)) return headers;
  headers['Access-Control-Allow-Origin'] = origin;
  headers['Access-Control-Allow-Credentials'] = 'true';
  if (preflight) {
    headers['Access-Control-Allow-Methods'] = 'GET, POST';
    headers['Access-Control-Allow-Headers'] = CORS_ALLOWED_HEADERS.join(', ');
    headers['Access-Control-Max-Age'] = String(CORS_MAX_AGE_SECONDS);
  }
  return headers;
}
