import { createCookie } from '@remix-run/node';
import { settings } from './settings.js';

/**
 * Whether this browser has already read the sandbox notice. The first page shows it whole; after that it is a
 * badge in the header that opens the same words, so the notice does not take a quarter of every first screen.
 * Not personal data and not signed: it only decides how much of a notice to show.
 */
const seen = createCookie('__panorama_sandbox_seen', { httpOnly: true, sameSite: 'lax', path: '/', secure: settings().app.secureCookies, maxAge: 30 * 24 * 3600 });

export async function sandboxNotice(request: Request): Promise<{ full: boolean; setCookie: string | null }> {
  const already = (await seen.parse(request.headers.get('cookie'))) === '1';
  return { full: !already, setCookie: already ? null : await seen.serialize('1') };
}
