import { redirect, type LoaderFunctionArgs } from '@remix-run/node';
import { callbackUrl, connectionStore, envTokenOf, isOAuthSource, pendingFlowCookie, requireAdmin, sourceConfigs } from '../.server/connections-admin.js';
import { startOAuth } from '../.server/connect-flows.js';
import { panorama } from '../.server/runtime.js';
import { cookieSecret, requireViewer } from '../.server/session.js';

const text = (status: number, body: string) => new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } });

/**
 * "Connect Salesforce" / "Connect QuickBooks": a link (the page's CSP keeps form posts on Panorama's own origin),
 * so it is refused when another site sends the browser here. Sets the flow's checks in a signed cookie and sends
 * the admin to the vendor's authorization page.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  requireAdmin(await requireViewer(request));
  if (request.headers.get('sec-fetch-site') === 'cross-site') return text(403, 'A connect flow starts only from Panorama’s own Connections page.');
  const source = params.source;
  if (!isOAuthSource(source)) return text(404, `"${String(source).slice(0, 40)}" has no connect flow: Salesforce and QuickBooks do; Asana and Zendesk take a token on /admin/connections.`);
  const configs = sourceConfigs();
  const config = configs[source];
  if (!config) return text(400, `Set ${source === 'salesforce' ? 'SALESFORCE_INSTANCE_URL, SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET' : 'the QUICKBOOKS_ client settings and QUICKBOOKS_REALM_ID'} before connecting.`);
  if (envTokenOf(source, configs)) return text(409, `The environment sets ${source === 'salesforce' ? 'SALESFORCE_REFRESH_TOKEN' : 'QUICKBOOKS_REFRESH_TOKEN'}; it takes precedence, so a connection would not be used. Remove it first.`);
  if (!connectionStore()) return text(409, 'Set PANORAMA_ENCRYPTION_KEY (at least 32 random characters): connections are kept encrypted under it, and there is none.');
  const { url, pending } = await startOAuth(source, config as never, callbackUrl(request, source), panorama().runtime.clock.now());
  return redirect(url, { headers: { 'set-cookie': await pendingFlowCookie(cookieSecret()).serialize(pending), 'cache-control': 'no-store' } });
}
