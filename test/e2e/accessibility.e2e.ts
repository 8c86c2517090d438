/**
 * WCAG 2.2 AA on every page each role can reach, in light and dark at 1280 px and on a 390 px phone, with the
 * search dialog and the phone navigation open: axe finds nothing. Each view is saved as a screenshot per role,
 * viewport and scheme, to be looked at.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { axeViolations, describeViolations } from '../support/axe.js';
import { launchBrowser, screenshot, signInAs } from '../support/browser.js';
import { healSources } from '../support/heal.js';

const baseURL = inject('baseURL');
const sandboxOrigin = inject('sandboxOrigin');

type Variant = { name: string; width: number; height: number; colorScheme: 'light' | 'dark' };
const VARIANTS: Variant[] = [
  { name: 'light', width: 1280, height: 900, colorScheme: 'light' },
  { name: 'dark', width: 1280, height: 900, colorScheme: 'dark' },
  { name: 'phone', width: 390, height: 844, colorScheme: 'light' },
];

const ROLES: { person: string; role: string; pages: (id: string) => string[] }[] = [
  { person: 'Riley', role: 'support', pages: (id) => ['/customers', '/customers?q=a', `/customers/${id}`, '/tickets'] },
  { person: 'Alex', role: 'account-manager', pages: (id) => ['/accounts', `/customers/${id}`, `/customers/${id}/timeline`, '/tickets'] },
  { person: 'Dana', role: 'finance', pages: (id) => ['/finance', `/customers/${id}`, '/admin'] },
  { person: 'Morgan', role: 'admin', pages: (id) => ['/admin', '/admin/sessions', '/admin/connections', '/admin/audit', `/customers/${id}`, '/customers/001000000000000XYZ'] },
];

let browser: Browser;
let accountId: string;

beforeAll(async () => {
  browser = await launchBrowser();
  await healSources(sandboxOrigin, baseURL);
  const manifest = (await (await fetch(`${sandboxOrigin}/__sandbox/manifest`)).json()) as { overdueWithUrgentTickets: { accountId: string }[] };
  accountId = manifest.overdueWithUrgentTickets[0]!.accountId;
});
afterAll(async () => {
  await browser?.close();
});

async function settle(page: Page) {
  await page.waitForLoadState('networkidle');
  // a tooltip left open by the last pointer position is not part of the page
  await page.mouse.move(0, 0);
  await page.locator('[role="tooltip"]').waitFor({ state: 'detached', timeout: 2_000 }).catch(() => undefined);
}

async function violationsOf(page: Page, what: string): Promise<string[]> {
  const vs = await axeViolations(page);
  return vs.length ? [`${what}:\n${describeViolations(vs)}`] : [];
}

const slug = (p: string) => p.replace(/^\//, '').replace(/[^a-z0-9]+/gi, '-').replace(/-$/, '') || 'home';

// each test has its own browser context and only reads, so they run side by side (at most maxConcurrency at once):
// most of a test's time is spent waiting for pages to settle
describe.concurrent('every page of every role meets WCAG 2.2 AA', () => {
  it('signed out: the sign-in page in each scheme and width', async () => {
    const found: string[] = [];
    for (const v of VARIANTS) {
        const context = await browser.newContext({ viewport: { width: v.width, height: v.height }, colorScheme: v.colorScheme });
        const page = await context.newPage();
        await page.goto(`${baseURL}/login`);
        await settle(page);
        await screenshot(page, `a11y-signed-out-login-${v.name}`);
        found.push(...(await violationsOf(page, `login (${v.name})`)));
        await context.close();
    }
    expect(found, found.join('\n')).toEqual([]);
  });

  // one test per role and variant, so each stays well inside its time limit
  for (const r of ROLES) {
    for (const v of VARIANTS) {
    it(`${r.role} (${v.name}): each page, the search dialog${v.width < 576 ? ' and the phone navigation' : ''}`, async () => {
      const found: string[] = [];
      {
        const context = await browser.newContext({ viewport: { width: v.width, height: v.height }, colorScheme: v.colorScheme });
        const page = await context.newPage();
        await signInAs(page, baseURL, r.person);
        for (const path of r.pages(accountId)) {
          await page.goto(`${baseURL}${path}`);
          await settle(page);
          await screenshot(page, `a11y-${r.role}-${slug(path)}-${v.name}`);
          found.push(...(await violationsOf(page, `${r.role} ${path} (${v.name})`)));
        }
        // the search dialog, open over the customer page
        await page.goto(`${baseURL}/customers/${accountId}`);
        await settle(page);
        await page.keyboard.press('Control+K');
        const dialog = page.getByRole('dialog');
        await dialog.waitFor();
        await page.keyboard.type('a');
        await page.waitForTimeout(600);
        await screenshot(page, `a11y-${r.role}-search-dialog-${v.name}`);
        found.push(...(await violationsOf(page, `${r.role} search dialog (${v.name})`)));
        await page.keyboard.press('Escape');
        if (v.width < 576) {
          const burger = page.getByRole('button', { name: 'Open navigation' });
          await burger.click();
          await page.getByRole('navigation').first().waitFor();
          await page.waitForTimeout(300);
          await screenshot(page, `a11y-${r.role}-navigation-${v.name}`);
          found.push(...(await violationsOf(page, `${r.role} phone navigation (${v.name})`)));
        }
        await context.close();
      }
      expect(found, found.join('\n')).toEqual([]);
    });
    }
  }
});
