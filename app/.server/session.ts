import { randomBytes } from 'node:crypto';
import { createCookieSessionStorage, redirect } from '@remix-run/node';
import { DEMO_USERS } from '../../sources/sandbox/demo-users.js';
import { isRole } from '../../graphql/policy.js';
import type { Viewer } from '../../graphql/viewer.js';

function sessionSecret(): string {
  const secret = process.env.SESSION_SECRET;
  if (secret) {
    if (secret.length < 32) throw new Error('SESSION_SECRET must be at least 32 characters long.');
    return secret;
  }
  if (process.env.PANORAMA_SANDBOX_ORIGIN || process.env.NODE_ENV !== 'production') {
    // Demo and development only: sessions last as long as the process.
    return randomBytes(32).toString('hex');
  }
  throw new Error('SESSION_SECRET is not set: set it to a random string of at least 32 characters.');
}

const storage = createCookieSessionStorage<{ userId: string }>({
  cookie: {
    name: '__panorama_session',
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: process.env.PANORAMA_SECURE_COOKIES === 'true',
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
