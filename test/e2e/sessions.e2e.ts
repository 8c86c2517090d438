import { describe, expect, inject, it } from 'vitest';

const baseURL = inject('baseURL');

/** Signs in as a demo user the way the login form does, and returns the session cookie (name=value). */
async function demoSignIn(userId: string, redirectTo = ''): Promise<{ cookie: string; location: string | null }> {
  const r = await fetch(`${baseURL}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { origin: baseURL, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ userId, redirectTo }),
  });
  expect(r.status).toBe(302);
  const cookie = r.headers.get('set-cookie')?.split(';')[0] ?? '';
  expect(cookie).toMatch(/^__panorama_session=./);
  expect(r.headers.get('set-cookie')).toMatch(/HttpOnly/i);
  return { cookie, location: r.headers.get('location') };
}

const page = (path: string, cookie: string) => fetch(`${baseURL}${path}`, { redirect: 'manual', headers: { cookie } });
const post = (path: string, cookie: string, origin: string | null, body: Record<string, string> = {}) =>
  fetch(`${baseURL}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...(origin ? { origin } : {}) },
    body: new URLSearchParams(body),
  });

describe('sessions that end, server-side', () => {
  it('logout revokes the session: the old cookie stops working, even replayed', async () => {
    const { cookie } = await demoSignIn('demo-finance');
    expect((await page('/finance', cookie)).status).toBe(200);
    const out = await post('/logout', cookie, baseURL);
    expect(out.status).toBe(302);
    expect(out.headers.get('location')).toBe('/login');
    const after = await page('/finance', cookie);
    expect(after.status).toBe(302);
    expect(after.headers.get('location')).toMatch(/^\/login\?redirectTo=%2Ffinance/);
  });

  it('a cross-site logout or sign-in is refused with 403 and changes nothing', async () => {
    const { cookie } = await demoSignIn('demo-support');
    const evil = await post('/logout', cookie, 'https://evil.example');
    expect(evil.status).toBe(403);
    expect((await page('/tickets', cookie)).status).toBe(200);
    const forged = await fetch(`${baseURL}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ userId: 'demo-admin' }),
    });
    expect(forged.status).toBe(403);
    expect(forged.headers.get('set-cookie')).toBeNull();
  });

  it('a forged or unknown session id gets no session', async () => {
    for (const cookie of ['__panorama_session=forged', '__panorama_session=eyJhIjoxfQ%3D%3D.AAAA']) {
      const r = await page('/customers', cookie);
      expect(r.status).toBe(302);
      expect(r.headers.get('location')).toMatch(/^\/login/);
    }
  });

  it('an admin ends all sessions of a person', async () => {
    const alex1 = await demoSignIn('demo-account-manager');
    const alex2 = await demoSignIn('demo-account-manager');
    const admin = await demoSignIn('demo-admin');
    const list = await page('/admin/sessions', admin.cookie);
    expect(list.status).toBe(200);
    expect(await list.text()).toContain('Alex Morgan');
    expect((await post('/admin/sessions', alex1.cookie, baseURL, { personId: 'demo-admin' })).status).toBe(403);
    const ended = await post('/admin/sessions', admin.cookie, baseURL, { personId: 'demo-account-manager' });
    expect(ended.status).toBe(200);
    const count = Number((await ended.text()).match(/Ended (\d+) sessions? of demo-account-manager/)?.[1]);
    expect(count).toBeGreaterThanOrEqual(2);
    for (const s of [alex1, alex2]) expect((await page('/accounts', s.cookie)).status).toBe(302);
    expect((await page('/admin', admin.cookie)).status).toBe(200);
  });

  it('redirects after sign-in only to same-origin paths; CR/LF and non-Latin-1 give 400', async () => {
    expect((await demoSignIn('demo-support', '/tickets?x=1')).location).toBe('/tickets?x=1');
    expect((await demoSignIn('demo-support', '/\t/evil.example')).location).toBe('/');
    expect((await demoSignIn('demo-support', '//evil.example')).location).toBe('/');
    for (const q of ['/%09/evil.example', '//evil.example', '/%5Cevil.example']) {
      const r = await fetch(`${baseURL}/login?redirectTo=${q}`, { redirect: 'manual', headers: { cookie: (await demoSignIn('demo-support')).cookie } });
      expect(r.status, q).toBe(302);
      expect(r.headers.get('location'), q).toBe('/');
    }
    for (const q of ['/a%0d%0aSet-Cookie:%20x=1', '/%E2%98%83']) {
      const r = await fetch(`${baseURL}/login?redirectTo=${q}`, { redirect: 'manual' });
      expect(r.status, q).toBe(400);
    }
  });
});
