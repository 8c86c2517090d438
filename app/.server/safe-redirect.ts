const BASE = 'http://panorama.invalid';

/**
 * Where to send someone after signing in: only a path on Panorama itself, never an open redirect. The value is
 * parsed as a browser would parse it (tabs and newlines dropped, backslashes read as slashes), so `/%09/host`
 * and `/\host` are refused like `//host`. What comes back is the parsed path, so what was checked is what is
 * sent. Characters a Location header cannot hold (CR, LF, NUL, above Latin-1) answer 400.
 */
export function safeRedirect(to: string | null | undefined, fallback = '/'): string {
  if (!to) return fallback;
  if (/[\r\n\0]/.test(to) || /[^\u0000-\u00ff]/.test(to)) {
    throw new Response('The address to return to after signing in has characters a web address cannot hold.', { status: 400, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  }
  if (!to.startsWith('/')) return fallback;
  let url: URL;
  try {
    url = new URL(to, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}
