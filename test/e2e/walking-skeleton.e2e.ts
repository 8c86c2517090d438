import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { screenshot, signInAs } from '../support/browser.js';
import { pagePerTest } from '../support/page-per-test.js';

const baseURL = inject('baseURL');
const sandboxOrigin = inject('sandboxOrigin');
const session = pagePerTest(baseURL, sandboxOrigin);
let page: Page;
beforeEach(() => {
  ({ page } = session);
});

describe('a support rep looks up a customer', () => {
  it('signs in, searches, opens the customer and sees all four systems with their provenance', async () => {
    await page.goto(baseURL);
    expect(await page.getByRole('status').filter({ hasText: 'built-in sandbox' }).count()).toBe(1);
    await signInAs(page, baseURL, 'Riley');
    // after the first page the notice is a badge in the header, which opens the same words
    expect(await page.getByRole('status').filter({ hasText: 'built-in sandbox' }).count()).toBe(0);
    await page.getByRole('button', { name: /^Sandbox/ }).click();
    await page.getByRole('dialog').filter({ hasText: 'demo data, not your systems' }).waitFor();
    await page.keyboard.press('Escape');

    await page.getByLabel('Find a customer').fill("O'Brien");
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/q=O/);
    const result = page.getByRole('link', { name: "O'Brien & Sons" });
    await result.waitFor();
    expect(await result.count()).toBe(1);
    await result.click();
    await page.waitForURL(/\/customers\/001/);

    await page.getByRole('heading', { level: 1, name: "O'Brien & Sons" }).waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe("O'Brien & Sons");
    for (const [testId, system] of [
      ['section-crm', 'Salesforce'],
      ['section-accounting', 'QuickBooks'],
      ['section-projects', 'Asana'],
      ['section-support', 'Zendesk'],
    ] as const) {
      const section = page.getByTestId(testId);
      await section.waitFor({ state: 'visible' });
      expect(await section.textContent()).toContain(`From ${system}`);
      // LIVE, or from the cache (STALE once older than its TTL while it is read again in the background)
      expect(await section.getAttribute('data-state')).toMatch(/^(LIVE|CACHED|STALE)$/);
    }
    // the CRM section lists contacts; the support rep sees billing standing but no amounts
    expect(await page.getByTestId('section-crm').getByText('Primary').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('section-accounting').textContent()).toMatch(/good standing|Overdue|No invoices/);
    expect(await page.getByTestId('section-accounting').textContent()).not.toContain('$');
    await screenshot(page, 'support-customer-page');
  });

  it('keeps the page when one system fails, and says which one and why', async () => {
    await fetch(`${sandboxOrigin}/__sandbox/faults/quickbooks`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 503 }),
    });
    await signInAs(page, baseURL, 'Dana');
    await page.goto(`${baseURL}/customers`);
    await page.getByLabel('Find a customer').fill('Natural');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('link', { name: '100% Natural Foods' }).click();
    await page.waitForURL(/\/customers\/001/);
    // The page refreshes past the cache, so the fault is seen even if another test loaded this customer.
    await page.waitForLoadState('networkidle');
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Refresh from all systems' }).click(),
    ]);
    // failed outright, or (if an earlier visit cached it) the old figures, marked stale with the reason
    const billing = page.locator('[data-testid="section-accounting"][data-state="FAILED"], [data-testid="section-accounting"][data-state="STALE"]');
    await billing.waitFor();
    expect(await page.getByTestId('section-accounting-message').textContent()).toMatch(/QuickBooks (is not reachable right now|isn't answering \(503\))/);
    for (const ok of ['section-crm', 'section-projects', 'section-support']) {
      expect(await page.getByTestId(ok).getAttribute('data-state')).toMatch(/^(LIVE|CACHED|STALE)$/);
    }
    await screenshot(page, 'finance-quickbooks-down');
  });

  it('on a 390 px phone, search is in the header and opens the search dialog', async () => {
    const phone = await session.browser.newPage({ viewport: { width: 390, height: 844 } });
    try {
      await signInAs(phone, baseURL, 'Riley');
      const search = phone.getByRole('link', { name: 'Search customers', exact: true });
      await search.waitFor({ state: 'visible' });
      await phone.waitForLoadState('networkidle');
      await search.click();
      await phone.getByPlaceholder(/Customer name/).waitFor();
    } finally {
      await phone.close();
    }
  });
});

describe('no wait without a cue', () => {
  it('a slow section refresh spins its own button and the top progress bar, and both stop when it lands', async () => {
    await signInAs(page, baseURL, 'Alex');
    await page.goto(`${baseURL}/customers/${(await (await fetch(`${sandboxOrigin}/__sandbox/manifest`)).json()).overdueWithUrgentTickets[0].accountId}`);
    await page.getByTestId('section-accounting').waitFor();
    await page.waitForLoadState('networkidle');
    await fetch(`${sandboxOrigin}/__sandbox/faults/quickbooks`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latencyMs: 2500 }) });
    const button = page.getByRole('button', { name: /^Refresh Billing from / });
    await button.click();
    await page.getByTestId('navigation-progress').waitFor({ timeout: 2_000 });
    expect(await button.getAttribute('data-refreshing')).toBe('true');
    // the other sections' buttons are not the ones spinning
    expect(await page.getByRole('button', { name: /^Refresh Support from / }).getAttribute('data-refreshing')).toBeNull();
    await page.getByTestId('navigation-progress').waitFor({ state: 'detached', timeout: 20_000 });
    expect(await button.getAttribute('data-refreshing')).toBeNull();
  });

  it('a sign-in button shows it is signing in while the first page loads, and the others wait', async () => {
    // My accounts, where Alex lands, waits for the CRM
    await fetch(`${sandboxOrigin}/__sandbox/faults/salesforce`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latencyMs: 2000 }) });
    await page.goto(`${baseURL}/login`);
    await page.waitForLoadState('networkidle');
    await page.getByRole('button', { name: /^Sign in as Alex/ }).click();
    await page.waitForFunction(() => document.querySelector('button[aria-label^="Sign in as Alex"]')?.hasAttribute('data-loading'), undefined, { timeout: 1_500 });
    expect(await page.getByRole('button', { name: /^Sign in as Dana/ }).isDisabled()).toBe(true);
    await page.waitForURL((u) => u.pathname.startsWith('/accounts'), { timeout: 30_000 });
  });
});
