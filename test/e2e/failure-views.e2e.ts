/**
 * What failure handling shows in the browser, on an app of its own (short cache TTLs, budgets and the daily
 * allowance watched, as in production): a customer page whose sections are being re-read updates itself when the
 * re-read lands; the admin page shows each source's request limits and the recent incidents, start to end.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, describeViolations } from '../support/axe.js';
import { launchBrowser, screenshot, signInAs } from '../support/browser.js';
import { startApp, type StartedApp } from '../support/app-process.js';

let app: StartedApp | undefined;
let baseURL = '';
let sandboxOrigin = '';
let browser: Browser;
let page: Page;

const fault = (source: string, patch: object) =>
  fetch(`${sandboxOrigin}/__sandbox/faults/${source}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(patch) });

beforeAll(async () => {
  app = await startApp({
    tempStore: 'panorama-failure-views-',
    env: {
      // customer data fresh for 3 s, so a test can wait past it
      PANORAMA_CACHE_TTL_SCALE: '0.05',
      PANORAMA_BUDGET_QUICKBOOKS_PER_MINUTE: '400',
      PANORAMA_BUDGET_SALESFORCE_DAILY_PERCENT: '80',
      PANORAMA_ALERT_CONSECUTIVE_FAILURES: '3',
    },
  });
  ({ url: baseURL, sandboxOrigin } = app);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await signInAs(page, baseURL, 'Morgan');
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function expectAccessible(p: Page, what: string) {
  await p.mouse.move(0, 0);
  const violations = await axeViolations(p);
  expect(violations, `${what}:\n${describeViolations(violations)}`).toEqual([]);
}

describe('failure handling in the browser', () => {
  it('a customer page whose sections are being re-read updates itself when the re-read lands', async () => {
    const manifest = (await (await fetch(`${sandboxOrigin}/__sandbox/manifest`)).json()) as { cleanAccountIds: string[] };
    const id = manifest.cleanAccountIds[0]!;
    await page.goto(`${baseURL}/customers/${id}`);
    const support = page.getByTestId('section-support');
    await support.waitFor();
    expect(await support.getAttribute('data-state')).toMatch(/^(LIVE|CACHED)$/);
    await page.waitForTimeout(3500); // past the 3 s TTL
    await fault('zendesk', { latencyMs: 1200 }); // the background re-read takes a while
    await page.goto(`${baseURL}/customers/${id}`);
    await support.waitFor();
    expect(await support.getAttribute('data-state')).toBe('STALE');
    expect(await support.textContent()).toContain('Updating…');
    // the status line sits outside the streamed part, so what it remembers survives the page's data loading again
    const status = () => page.getByTestId('reread-status').textContent();
    await expect.poll(status, { timeout: 5_000 }).toMatch(/updates itself/);
    // no reload: the page asks again by itself once the re-read has had time to land
    await page.waitForFunction(() => document.querySelector('[data-testid="section-support"]')?.getAttribute('data-state') === 'CACHED', null, { timeout: 15_000 });
    await expect.poll(status, { timeout: 2_000 }).toBe('Updated with the newest data.');
    await screenshot(page, 'customer-updated-itself');
    await fetch(`${sandboxOrigin}/__sandbox/faults`, { method: 'DELETE' });
  });

  it("a section's hints show on hover once the page runs: when it was fetched, and what its refresh button does", async () => {
    const manifest = (await (await fetch(`${sandboxOrigin}/__sandbox/manifest`)).json()) as { cleanAccountIds: string[] };
    await page.goto(`${baseURL}/customers/${manifest.cleanAccountIds[1]}`);
    await page.waitForLoadState('networkidle');
    const support = page.getByTestId('section-support');
    await support.getByRole('button', { name: /^Refresh Support from Zendesk$/ }).hover();
    await expect.poll(() => page.getByRole('tooltip').textContent(), { timeout: 3_000 }).toBe('Read Zendesk again now');
    await support.getByText(/ago$|just now$/).first().hover();
    await expect.poll(() => page.getByRole('tooltip').textContent(), { timeout: 3_000 }).toMatch(/^Fetched \d{1,2} \w{3} \d{4} \d\d:\d\d:\d\d UTC$/);
    await page.mouse.move(0, 0);
  });

  it("the admin page shows each source's request limits and the incidents, from start to end", async () => {
    await page.goto(`${baseURL}/admin`);
    const limits = page.getByTestId('request-limits');
    await limits.waitFor();
    expect(await page.getByTestId('limits-QUICKBOOKS').textContent()).toMatch(/This minute: \d+ of 400 requests \(\d+ left; the minute turns at \d\d:\d\d UTC\)/);
    expect(await page.getByTestId('limits-SALESFORCE').textContent()).toMatch(/Daily API allowance: [\d,]+ of 15,000 used .*Panorama stops at 80 % \(12,000\), index upkeep at 10,500/);

    await fault('asana', { status: 503 });
    // three checks in a row that fail (what the button asks, one after the other): the source is down
    for (let i = 0; i < 3; i++) {
      await page.evaluate(() =>
        fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ sources(refreshSystems: [ASANA]) { system } }' }) }).then((r) => r.text()),
      );
    }
    await page.goto(`${baseURL}/admin`);
    const incidents = page.getByTestId('incidents');
    await incidents.waitFor();
    expect(await incidents.textContent()).toMatch(/Asana is down/);
    expect(await incidents.textContent()).toMatch(/Down \(ongoing\).*not yet/);
    // the card says what happened in words; what the system said is only in the details, folded
    const lastError = page.getByTestId('last-error-ASANA');
    expect(await lastError.textContent()).toMatch(/Last error .*: Asana could not be reached, or answered with a fault on its side\./);
    const details = page.getByText('Details as reported').first();
    expect(await page.locator('details').filter({ has: details }).getAttribute('open')).toBeNull();
    await expectAccessible(page, 'admin with limits and an incident');
    await screenshot(page, 'admin-limits-and-incidents');

    await fetch(`${sandboxOrigin}/__sandbox/faults`, { method: 'DELETE' });
    await page.getByRole('button', { name: 'Check now: Asana', exact: true }).click();
    await page.waitForFunction(() => /after \d+ s/.test(document.querySelector('[data-testid="incidents"]')?.textContent ?? ''), null, { timeout: 10_000 });
    expect(await incidents.textContent()).toMatch(/Asana.*Down.*\d\d:\d\d UTC, after \d+ s/);
  });

  it('a list whose system does not answer says it cannot be counted, never "0" or "no match", and its export is a 503', async () => {
    await fault('zendesk', { status: 503 });
    await fault('quickbooks', { status: 503 });
    try {
      await page.goto(`${baseURL}/tickets`);
      const tickets = page.getByTestId('urgent-count');
      await tickets.waitFor();
      expect(await tickets.textContent()).toBe('Urgent tickets cannot be counted or listed while Zendesk is not answering.');
      expect(await page.getByTestId('section-urgent-message').textContent()).toMatch(/Zendesk/);
      expect(await page.getByTestId('urgent-table').count()).toBe(0);
      expect(await page.getByText(/No ticket matches/).count()).toBe(0);
      await expectAccessible(page, 'urgent tickets with Zendesk down');
      await screenshot(page, 'tickets-zendesk-down');

      await page.goto(`${baseURL}/finance`);
      const invoices = page.getByTestId('overdue-count');
      await invoices.waitFor();
      expect(await invoices.textContent()).toBe('Overdue invoices cannot be counted or listed while QuickBooks is not answering.');
      expect(await page.getByTestId('overdue-table').count()).toBe(0);
      await screenshot(page, 'finance-quickbooks-down');

      const csv = await page.request.get(`${baseURL}/tickets.csv`);
      expect(csv.status()).toBe(503);
      expect(await csv.text()).toMatch(/^Zendesk is not answering, so this list cannot be exported right now/);
    } finally {
      await fetch(`${sandboxOrigin}/__sandbox/faults`, { method: 'DELETE' });
    }
  });
});

