import { panorama } from '../.server/runtime.js';
import { storeReadiness } from '../.server/store/index.js';
import { readiness } from '../../sources/readiness.js';

/**
 * /readyz: 200 once every connected source's index is loaded, 503 before; each source's state (UP, FAILING, DOWN,
 * RATE_LIMITED, NOT_CONFIGURED), since when it fails and why, until when nothing is sent, its budget and index age.
 * Also whether Panorama's own store (SQLite, or PostgreSQL with DATABASE_URL) answers: without it nobody can
 * sign in, so the instance is not ready. No customer data and no secrets, so a load balancer or an operator may
 * read it without signing in.
 */
export async function loader() {
  const [r, store] = await Promise.all([readiness(panorama().runtime), storeReadiness()]);
  const ready = r.ready && store.answering;
  return Response.json({ ...r, ready, store }, { status: ready ? 200 : 503, headers: { 'cache-control': 'no-store' } });
}
