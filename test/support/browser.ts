import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { repoRoot } from './app-process.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const screenshotDir = path.join(repoRoot, 'test-results', 'screenshots');

/** Debian's Chromium, headless, with the flags this machine's closed network needs (Playwright gives each launch a fresh profile). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export async function signInAs(page: Page, baseURL: string, firstName: string): Promise<void> {
  await page.goto(`${baseURL}/login`);
  await page.getByRole('button', { name: new RegExp(`^Sign in as ${firstName}`) }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 60_000 });
}

/**
 * Collects every Content-Security-Policy violation on `origin`'s pages in this page or context (other origins,
 * such as the identity provider's, are theirs to police). Call before the first navigation.
 */
export async function watchCspViolations(target: Page | BrowserContext, origin: string): Promise<string[]> {
  const violations: string[] = [];
  await target.exposeFunction('__panoramaCspViolation', (v: string) => violations.push(v));
  await target.addInitScript((o: string) => {
    if (location.origin !== o) return;
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __panoramaCspViolation: (v: string) => void }).__panoramaCspViolation(`${location.pathname}: ${e.violatedDirective} ${e.blockedURI} ${e.sample}`);
    });
  }, origin);
  return violations;
}
