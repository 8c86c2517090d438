import { panorama } from '../.server/runtime.js';
import { readiness } from '../../sources/readiness.js';

/**
 * /readyz: 200 once every connected source's index is loaded, 503 before; each source's state (UP, FAILING, DOWN,
 * RATE_LIMITED, NOT_CONFIGURED), since when it fails and why, until when nothing is sent, its budget and index age.
 * No customer data and no secrets, so a load balancer or an operator may read it without signing in.
 */
export async function loader() {
  const r = await readiness(panorama().runtime);
  return Response.json(r, { status: r.ready ? 200 : 503, headers: { 'cache-control': 'no-store' } });
}
