import { randomBytes } from 'node:crypto';
import { createCookieSessionStorage, redirect } from '@remix-run/node';
import { DEMO_USERS } from '../../sources/sandbox/demo-users.js';
import { isRole } from '../../graphql/policy.js';
import type { Viewer } from '../../graphql/viewer.js';
import { settings } from './settings.js';

/** SESSION_SECRET; the settings refuse to start without one except on the sandbox or in development. */
function sessionSecret(): string {
  // Demo and development only: sessions last as long as the process.
  return settings().app.sessionSecret ?? randomBytes(32).toString('hex');
}

const storage = createCookieSessionStorage<{ userId: string }>({
  cookie: {
    name: '__panorama_session',
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: settings().app.secureCookies,
    secrets: [sessionSecret()],
    maxAge: 60 * 60 * 8,
  },
});

/** The people who may sign in: the demo users, one per role. */
export function findUser(id: string): Viewer | null {
  const u = DEMO_USERS.find((d) => d.id === id);
  return u && isRole(u.role) ? { id: u.id, name: u.name, email: u.email, role: u.role } : null;
}

export async function getViewer(request: Request): Promise<Viewer | null> {
  const session = await storage.getSession(request.headers.get('cookie'));
  const id = session.get('userId');
  return id ? findUser(id) : null;
}

export async function requireViewer(request: Request): Promise<Viewer> {
  const viewer = await getViewer(request);
  if (!viewer) {
    const url = new URL(request.url);
    throw redirect(`/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
  }
  return viewer;
}

export async function signIn(request: Request, userId: string, redirectTo: string) {
  const session = await storage.getSession(request.headers.get('cookie'));
  session.set('userId', userId);
  return redirect(safeRedirect(redirectTo), { headers: { 'set-cookie': await storage.commitSession(session) } });
}

export async function signOut(request: Request) {
  const session = await storage.getSession(request.headers.get('cookie'));
  return redirect('/login', { headers: { 'set-cookie': await storage.destroySession(session) } });
}

/** Only same-site paths: never an open redirect. */
export function safeRedirect(to: string | null | undefined, fallback = '/'): string {
  if (!to || !to.startsWith('/') || to.startsWith('//') || to.startsWith('/\\')) return fallback;
  return to;
}
