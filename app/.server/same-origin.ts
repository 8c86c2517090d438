/**
 * Whether a state-changing request comes from Panorama's own pages. Browsers send `Origin` on every POST (and
 * `Sec-Fetch-Site`); a request from another site is refused. Hosts are compared, not schemes, because a TLS
 * proxy in front of Panorama makes the app see http while the browser says https. A client that sends neither
 * header is not a browser and carries no ambient cookie of a victim.
 */
export function isCrossSite(request: Request): boolean {
  return isCrossSiteHeaders((name) => request.headers.get(name) ?? undefined, new URL(request.url).host);
}

/** The same test over any server's headers (the Express edge uses it before Remix sees the request). */
export function isCrossSiteHeaders(header: (name: string) => string | undefined, urlHost: string): boolean {
  if (header('sec-fetch-site') === 'cross-site') return true;
  const origin = header('origin');
  if (!origin) return false;
  if (origin === 'null') return true;
  try {
    return new URL(origin).host !== (header('host') ?? urlHost);
  } catch {
    return true;
  }
}

/** Throws 403 for a cross-site state-changing request (instead of acting on it, or failing with a 500). */
export function assertSameOrigin(request: Request): void {
  if (isCrossSite(request)) {
    throw new Response('This form was sent from another site: Panorama only accepts it from its own pages.', {
      status: 403,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
  }
}
