import { redirect, type LoaderFunctionArgs } from '@remix-run/node';
import { startOAuth } from '../../sources/kit/connect.js';
import { callbackUrl, connectableOf, connectionStore, hasEnvToken, isOAuth, pendingFlowCookie, requireAdmin } from '../.server/connections-admin.js';
import { panorama } from '../.server/runtime.js';
import { cookieSecret, requireViewer } from '../.server/session.js';

const text = (status: number, body: string) => new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } });

/**
 * "Connect …" of a source with an OAuth flow: a link (the page's CSP keeps form posts on Panorama's own origin),
 * refused when another site sends the browser here. Sets the flow's checks in a signed cookie and sends the admin
 * to the vendor's authorization page.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  requireAdmin(await requireViewer(request));
  if (request.headers.get('sec-fetch-site') === 'cross-site') return text(403, 'A connect flow starts only from Panorama’s own Connections page.');
  const c = connectableOf(params.source);
  if (!c || !isOAuth(c)) return text(404, `"${String(params.source).slice(0, 40)}" has no connect flow; a source connected with a token takes it on /admin/connections.`);
  if (c.config === null) return text(400, `Set ${c.spec.needs} before connecting ${c.name}.`);
  if (hasEnvToken(c)) return text(409, `The environment sets ${c.spec.envVariables}; it takes precedence, so a connection would not be used. Remove it first.`);
  if (!connectionStore()) return text(409, 'Set PANORAMA_ENCRYPTION_KEY (at least 32 random characters): connections are kept encrypted under it, and there is none.');
  const { url, pending } = await startOAuth(c.source, c.spec, c.config, callbackUrl(request, c.source), panorama().runtime.clock.now());
  return redirect(url, { headers: { 'set-cookie': await pendingFlowCookie(cookieSecret()).serialize(pending), 'cache-control': 'no-store' } });
}
