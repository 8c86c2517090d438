import { randomBytes } from 'node:crypto';
import { createCookie, redirect } from '@remix-run/node';
import { DEMO_USERS } from '../../sources/sandbox/demo-users.js';
import { isRole } from '../../graphql/policy.js';
import type { Viewer } from '../../graphql/viewer.js';
import { settings } from './settings.js';
import { authSettings } from './auth-settings.js';
import { panorama } from './runtime.js';
import { panoramaStore } from './store/index.js';
import { SessionStore, type SessionPerson } from './store/sessions.js';

/** SESSION_SECRET; the settings refuse to start without one except on the sandbox or in development. */
function sessionSecret(): string {
  // Demo and development only: cookies signed with a random secret last as long as the process.
  return settings().app.sessionSecret ?? randomBytes(32).toString('hex');
}

const secret = sessionSecret();
/** The secret that signs Panorama's cookies (the sign-in checks cookie too). */
export const cookieSecret = () => secret;

/**
 * Demo sign-in exists only on the built-in sandbox (start.ts sets PANORAMA_SANDBOX_ORIGIN only when it runs one,
 * and clears it when sources are configured); otherwise the identity provider is the only way in.
 */
export const demoSignInAllowed = () => Boolean(process.env.PANORAMA_SANDBOX_ORIGIN);

/** The cookie holds only the session's random id (signed, so a forged value is dropped before the store is asked). */
const cookie = createCookie('__panorama_session', {
  httpOnly: true,
  sameSite: 'lax',
  path: '/',
  secure: settings().app.secureCookies,
  secrets: [secret],
  maxAge: Math.ceil(authSettings().PANORAMA_SESSION_ABSOLUTE_HOURS * 3600),
});

let sessionStore: { on: Promise<unknown>; store: Promise<SessionStore> } | undefined;
/** The server-side sessions, on the own store (made again if the store was opened anew), timed by the runtime's clock. */
export function sessions(): Promise<SessionStore> {
  const db = panoramaStore();
  if (sessionStore?.on !== db) {
    const store = db.then((d) => {
      const s = authSettings();
      return new SessionStore(d, panorama().runtime.clock, { idleMs: s.PANORAMA_SESSION_IDLE_MINUTES * 60_000, absoluteMs: s.PANORAMA_SESSION_ABSOLUTE_HOURS * 3_600_000 });
    });
    sessionStore = { on: db, store };
  }
  return sessionStore.store;
}

/** The demo users, one per role (they can sign in only on the built-in sandbox). */
export function findDemoUser(id: string): SessionPerson | null {
  const u = DEMO_USERS.find((d) => d.id === id);
  return u ? { personId: u.id, name: u.name, email: u.email, role: u.role, method: 'demo' } : null;
}

const sessionId = (request: Request) => sessionIdOf(request.headers.get('cookie'));

async function sessionIdOf(header: string | null): Promise<string | null> {
  const value: unknown = await cookie.parse(header);
  return typeof value === 'string' && value ? value : null;
}

export async function getViewer(request: Request): Promise<Viewer | null> {
  return viewerOfCookie(request.headers.get('cookie'));
}

/** The signed-in person of a request's `Cookie` header, or null (as `getViewer`, for a request Remix does not see). */
export async function viewerOfCookie(header: string | null): Promise<Viewer | null> {
  const id = await sessionIdOf(header);
  if (!id) return null;
  const s = await (await sessions()).touch(id);
  // a demo session left in the store from a sandbox run is no way in once real systems are connected
  if (s && s.method === 'demo' && !demoSignInAllowed()) return null;
  return s && isRole(s.role) ? { id: s.personId, name: s.name, email: s.email, role: s.role } : null;
}

export async function requireViewer(request: Request): Promise<Viewer> {
  const viewer = await getViewer(request);
  if (!viewer) {
    const url = new URL(request.url);
    throw redirect(`/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
  }
  return viewer;
}

/** Starts a new session for `person` (ending the one the browser had, so a planted id is never promoted). */
export async function signIn(request: Request, person: SessionPerson, redirectTo: string, headers: HeadersInit = {}) {
  const store = await sessions();
  const old = await sessionId(request);
  if (old) await store.revoke(old, 'replaced');
  const id = await store.create(person);
  const h = new Headers(headers);
  h.append('set-cookie', await cookie.serialize(id));
  return redirect(redirectTo, { headers: h });
}

/** Ends the session server-side: the old cookie no longer works anywhere, even if it was copied. */
export async function signOut(request: Request) {
  const id = await sessionId(request);
  if (id) await (await sessions()).revoke(id, 'logout');
  return redirect('/login', { headers: { 'set-cookie': await cookie.serialize('', { maxAge: 0 }) } });
}

export { safeRedirect } from './safe-redirect.js';
