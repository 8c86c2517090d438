import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort, startProcess } from '../support/app-process.js';
import { IDP_USERS } from '../support/oidc-idp.js';
import { startSsoDeployment, type SsoDeployment } from '../support/sso-deployment.js';

const sandboxOrigin = inject('sandboxOrigin');
const IDLE_SECONDS = 15;
let deployment: SsoDeployment;
let baseURL: string;
let realEnv: NodeJS.ProcessEnv;

beforeAll(async () => {
  deployment = await startSsoDeployment(sandboxOrigin, 'oidc', { PANORAMA_ACCESS_CONTACT: 'the IT desk (it@acme.example)', PANORAMA_SESSION_IDLE_MINUTES: String(IDLE_SECONDS / 60) });
  ({ baseURL, baseEnv: realEnv } = deployment);
});
afterAll(async () => {
  await deployment?.close();
});

const signInWithIdp = (...args: Parameters<SsoDeployment['signIn']>) => deployment.signIn(...args);

const viewerOf = (page: Page) =>
  page.evaluate(async () => {
    const r = await fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ viewer { role email name } }' }) });
    return { status: r.status, body: (await r.json()) as { data?: { viewer: { role: string; email: string; name: string } } } };
  });

const sessionCookie = async (context: BrowserContext) => {
  const c = (await context.cookies()).find((x) => x.name === '__panorama_session');
  return c ? `${c.name}=${c.value}` : '';
};

describe('single sign-on through a real identity provider', () => {
  it('with sources configured, /login offers only the identity provider and a demo user id is refused', async () => {
    const html = await (await fetch(`${baseURL}/login`)).text();
    expect(html).toContain('Sign in with your company account');
    expect(html).not.toMatch(/Sign in as (Riley|Alex|Dana|Morgan)/);
    const r = await fetch(`${baseURL}/login`, { method: 'POST', redirect: 'manual', headers: { origin: baseURL, 'content-type': 'application/x-www-form-urlencoded' }, body: 'userId=demo-admin' });
    expect(r.status).toBe(403);
    expect(r.headers.get('set-cookie')).toBeNull();
  });

  it.each([
    ['support', 'SUPPORT', '/customers'],
    ['sales', 'ACCOUNT_MANAGER', '/accounts'],
    ['finance', 'FINANCE', '/finance'],
    ['admin', 'ADMIN', '/admin'],
  ] as const)('%s signs in through the IdP form and gets the mapped role %s', async (login, role, home) => {
    const { context, page } = await signInWithIdp(login);
    expect(new URL(page.url()).pathname).toBe(home);
    const v = await viewerOf(page);
    expect(v.body.data?.viewer).toEqual({ role, email: IDP_USERS[login].email, name: IDP_USERS[login].name });
    if (login === 'sales') {
      // matched to the CRM user by e-mail: "My accounts" are this person's accounts
      await page.getByRole('heading', { level: 1, name: 'My accounts' }).waitFor();
      expect(await page.locator('tbody tr').count()).toBeGreaterThan(0);
    }
    await context.close();
  });

  it('someone with no mapped group is refused with a page that says why and whom to ask, and gets no session', async () => {
    const { context, page } = await signInWithIdp('nobody');
    await page.getByRole('heading', { name: "You can't use Panorama yet" }).waitFor();
    const text = await page.getByRole('alert').textContent();
    expect(text).toContain('noel@acme.example');
    expect(text).toContain('marketing');
    expect(text).toContain('the IT desk (it@acme.example)');
    expect(await sessionCookie(context)).toBe('');
    expect((await viewerOf(page)).status).toBe(401);
    await context.close();
  });

  it('logout revokes the session: the old cookie stops working', async () => {
    const { context, page } = await signInWithIdp('finance');
    const cookie = await sessionCookie(context);
    expect((await fetch(`${baseURL}/finance`, { redirect: 'manual', headers: { cookie } })).status).toBe(200);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login/);
    const replay = await fetch(`${baseURL}/finance`, { redirect: 'manual', headers: { cookie } });
    expect(replay.status).toBe(302);
    expect(replay.headers.get('location')).toMatch(/^\/login/);
    await context.close();
  });

  it('an expired session sends the person back to sign-in', async () => {
    const { context, page } = await signInWithIdp('support');
    expect(new URL(page.url()).pathname).toBe('/customers');
    await page.waitForTimeout((IDLE_SECONDS + 2) * 1000);
    await page.goto(`${baseURL}/tickets`);
    await page.waitForURL(/\/login\?redirectTo=%2Ftickets/);
    await page.getByRole('link', { name: 'Sign in with your company account' }).waitFor();
    await context.close();
  });

  it('refuses to start with sources configured and no single sign-on settings', async () => {
    const port = await freePort();
    await expect(startProcess(['build/start.js'], { ...realEnv, PORT: String(port) }, /Panorama is running on/, 30_000)).rejects.toThrow(/single sign-on is not: set OIDC_ISSUER_URL/);
  });
});
