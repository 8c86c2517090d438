/**
 * A deployment as an operator runs it, for browser tests of single sign-on: the four systems' variables set (aimed
 * at the running sandbox), a real OpenID Connect provider, its own SQLite store, and Chromium. Shared by the tests
 * of sign-in and of the web edge so that both start Panorama the same way.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SERVER_ARGS, freePort, sandboxOnlyEnv, secondDeploymentEnv, startProcess, stopProcess } from './app-process.js';
import { launchBrowser, watchCspViolations } from './browser.js';
import { IDP_ROLE_MAP, startIdp, type IdpLogin } from './oidc-idp.js';

export type SsoSignIn = { context: BrowserContext; page: Page; violations: string[]; cookie: string };

export type SsoDeployment = {
  baseURL: string;
  idp: Awaited<ReturnType<typeof startIdp>>;
  browser: Browser;
  /** The deployment's variables without single sign-on: for starting a variant that must refuse to run. */
  baseEnv: NodeJS.ProcessEnv;
  /** The deployment's variables with single sign-on, as the running app has them (without PORT). */
  env: NodeJS.ProcessEnv;
  /** Signs in through the identity provider's own login form; CSP violations on Panorama's pages are collected. */
  signIn(login: IdpLogin, startAt?: string): Promise<SsoSignIn>;
  close(): Promise<void>;
};

export const SSO_CLIENT = { id: 'panorama', secret: 'panorama-test-client-secret' } as const;

export async function startSsoDeployment(sandboxOrigin: string, name: string, appEnv: Record<string, string> = {}): Promise<SsoDeployment> {
  const [idpPort, appPort] = await Promise.all([freePort(), freePort()]);
  const baseURL = `http://127.0.0.1:${appPort}`;
  const idp = await startIdp({ port: idpPort, redirectUri: `${baseURL}/auth/callback`, clientId: SSO_CLIENT.id, clientSecret: SSO_CLIENT.secret });
  const storeDir = mkdtempSync(path.join(tmpdir(), `panorama-e2e-${name}-`));
  const baseEnv = sandboxOnlyEnv({
    ...(await secondDeploymentEnv(sandboxOrigin)),
    HOST: '127.0.0.1',
    SESSION_SECRET: 'a-test-session-secret-of-at-least-32-chars',
    PANORAMA_STORE_PATH: path.join(storeDir, 'panorama.sqlite'),
  });
  const env = { ...baseEnv, OIDC_ISSUER_URL: idp.issuer, OIDC_CLIENT_ID: SSO_CLIENT.id, OIDC_CLIENT_SECRET: SSO_CLIENT.secret, PANORAMA_ROLE_MAP: IDP_ROLE_MAP };
  let app: ChildProcess | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    if (app) await stopProcess(app);
    await idp.close();
    rmSync(storeDir, { recursive: true, force: true });
  };
  try {
    app = (await startProcess(SERVER_ARGS, { ...env, ...appEnv, PORT: String(appPort) }, /Panorama is running on/)).child;
    browser = await launchBrowser();
  } catch (e) {
    await close();
    throw e;
  }
  const started = browser;
  return {
    baseURL,
    idp,
    browser: started,
    baseEnv,
    env,
    close,
    async signIn(login, startAt = '/login') {
      const context = await started.newContext();
      const violations = await watchCspViolations(context, baseURL);
      const page = await context.newPage();
      await page.goto(`${baseURL}${startAt}`);
      if (!page.url().startsWith(idp.issuer)) await page.getByRole('link', { name: 'Sign in with your company account' }).click();
      await page.waitForURL((u) => u.href.startsWith(idp.issuer));
      await page.locator('input[name="login"]').fill(login);
      await page.locator('input[name="password"]').fill('any password');
      await page.getByRole('button', { name: 'Sign-in' }).click();
      // redirects are not committed: the first page of Panorama's that loads is where the sign-in ended
      await page.waitForURL((u) => u.href.startsWith(baseURL), { timeout: 30_000 });
      const c = (await context.cookies()).find((x) => x.name === '__panorama_session');
      return { context, page, violations, cookie: c ? `${c.name}=${c.value}` : '' };
    },
  };
}
