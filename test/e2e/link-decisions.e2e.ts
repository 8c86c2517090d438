/**
 * Link decisions in the browser, on an app of its own with its own store file: Morgan (admin) confirms one
 * probable link and rejects another in the review queue, the customer page says "confirmed by Morgan on 27 Nov",
 * and after the app is stopped and started again on the same SQLite file the decision still holds; undoing it
 * from the queue puts the link back as the rules find it. axe checks the review queue and the customer page.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, describeViolations } from '../support/axe.js';
import { launchBrowser, screenshot, signInAs, watchCspViolations } from '../support/browser.js';
import { freePort, startApp as startBuiltApp, type AppOptions, type StartedApp } from '../support/app-process.js';

let app: StartedApp | undefined;
let baseURL = '';
let browser: Browser;
let page: Page;
let cspViolations: string[] = [];
const pageErrors: string[] = [];
const storeDir = mkdtempSync(path.join(tmpdir(), 'panorama-link-decisions-'));
let options: AppOptions;

async function startApp() {
  app = await startBuiltApp(options);
}

beforeAll(async () => {
  const [port, sandboxPort] = await Promise.all([freePort(), freePort()]);
  // started again on the same ports and store
  options = {
    port,
    sandboxPort,
    storePath: path.join(storeDir, 'panorama.sqlite'),
    env: {
      // the dataset's day, and Panorama's clock with it: the decision is dated 27 Nov on any day the test runs
      SANDBOX_TODAY: '2026-11-27',
      // one signing secret across the restart, so the browser's session cookie (its session is in the store) still holds
      SESSION_SECRET: 'link-decisions-e2e-secret-0123456789abcdef',
    },
  };
  await startApp();
  baseURL = `http://127.0.0.1:${port}`;
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  cspViolations = await watchCspViolations(page, baseURL);
  page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`));
  await signInAs(page, baseURL, 'Morgan');
}, 150_000);
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  rmSync(storeDir, { recursive: true, force: true });
});

async function expectAccessible(what: string) {
  await page.mouse.move(0, 0);
  const violations = await axeViolations(page);
  expect(violations, `${what}:\n${describeViolations(violations)}`).toEqual([]);
}

async function openReview() {
  await page.goto(`${baseURL}/admin?tab=review`);
  await page.getByTestId('identity-review').waitFor();
}

/** The decision sentence of the customer's sections, if any. */
async function decisionsOn(accountId: string): Promise<string[]> {
  await page.goto(`${baseURL}/customers/${accountId}`);
  await page.getByTestId('section-crm').waitFor();
  return page.locator('[data-testid$="-decision"]').allTextContents();
}

describe('an admin decides links in the review queue', () => {
  let confirmed = { account: '', record: '' };

  it('confirms one probable link and rejects another; the sections say so', async () => {
    await openReview();
    const rows = page.getByTestId('review-probable').locator('tbody tr');
    expect(await rows.count()).toBeGreaterThanOrEqual(2);
    const first = rows.nth(0);
    confirmed = { account: (await first.getAttribute('data-account'))!, record: (await first.getAttribute('data-record'))! };
    await expectAccessible('the review queue');
    await screenshot(page, 'admin-identity-review');

    await first.getByRole('textbox', { name: /^Reason for: Confirm/ }).fill('Same billing contact on both');
    await first.getByRole('button', { name: /^Confirm:/ }).click();
    await page.getByTestId('decision-done').waitFor();
    expect(await page.getByTestId('decision-done').textContent()).toContain('confirmed by Morgan on 27 Nov');
    expect(await page.getByTestId('link-decisions').textContent()).toContain('Same billing contact on both');
    expect(await page.locator(`[data-testid="review-probable"] tr[data-account="${confirmed.account}"]`).count()).toBe(0);

    // the next probable link, of another customer: rejected
    const other = page.getByTestId('review-probable').locator(`tbody tr:not([data-account="${confirmed.account}"])`).first();
    const rejected = { account: (await other.getAttribute('data-account'))!, record: (await other.getAttribute('data-record'))! };
    await other.getByRole('button', { name: /^Reject:/ }).click();
    await page.waitForFunction((r) => !document.querySelector(`[data-testid="review-probable"] tr[data-account="${r.account}"][data-record="${r.record}"]`), rejected);
    expect(await page.getByTestId('decision-done').textContent()).toContain('rejected by Morgan on 27 Nov');

    expect((await decisionsOn(confirmed.account)).join(' ')).toMatch(/Link confirmed by Morgan on 27 Nov — “Same billing contact on both”/);
    await expectAccessible('a customer page with a confirmed link');
    await screenshot(page, 'customer-confirmed-link');
    // the rejected record is not shown under that customer any more
    await page.goto(`${baseURL}/customers/${rejected.account}`);
    await page.getByTestId('section-crm').waitFor();
    expect(await page.locator(`a[href*="${rejected.record}"]`).count()).toBe(0);
  });

  it('keeps the decision across a restart of the app on the same store, and undoes it from the queue', async () => {
    await app?.stop();
    await startApp();
    // sessions live in the store too: the same browser is still signed in
    expect((await decisionsOn(confirmed.account)).join(' ')).toContain('confirmed by Morgan on 27 Nov');
    await openReview();
    expect(await page.getByTestId('link-decisions').textContent()).toContain('confirmed by Morgan on 27 Nov');
    expect(await page.locator(`[data-testid="review-probable"] tr[data-account="${confirmed.account}"]`).count()).toBe(0);

    await page.getByTestId('link-decisions').getByRole('button', { name: /^Undo: confirmed by Morgan/ }).click();
    await page.waitForFunction((a) => Boolean(document.querySelector(`[data-testid="review-probable"] tr[data-account="${a}"]`)), confirmed.account);
    expect(await page.getByTestId('decision-done').textContent()).toContain('Undone');
    expect(await decisionsOn(confirmed.account)).toEqual([]);
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
