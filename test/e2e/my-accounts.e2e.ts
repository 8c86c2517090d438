/**
 * "My accounts" as an account manager works it: a true count, filters and sort kept in the address, pages by
 * cursor, the whole filtered list as CSV, and cards instead of a table on a phone.
 */
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { axeViolations, describeViolations } from '../support/axe.js';
import { screenshot, signInAs } from '../support/browser.js';
import { exportedCsv, walkPages } from '../support/list-pages.js';
import { pagePerTest } from '../support/page-per-test.js';

const baseURL = inject('baseURL');
const sandboxOrigin = inject('sandboxOrigin');
const session = pagePerTest(baseURL, sandboxOrigin);
let page: Page;
beforeEach(() => {
  ({ page } = session);
});

const countText = () => page.getByTestId('accounts-count').textContent();
const names = () => page.getByTestId('accounts-table').locator('tbody tr td:first-child a').allTextContents();

describe('my accounts', () => {
  it('filters to the accounts needing attention, sorts by name, keeps the view in the address, and exports what it selects', async () => {
    await signInAs(page, baseURL, 'Alex');
    await page.goto(`${baseURL}/accounts`);
    await page.getByTestId('accounts-table').waitFor();
    const all = Number((await countText())?.match(/^(\d+) accounts? you own in Salesforce\.$/)?.[1]);
    expect(all).toBeGreaterThan(20);
    await page.waitForLoadState('networkidle');

    await page.getByLabel('Attention', { exact: true }).selectOption('yes');
    await page.getByLabel('Sort', { exact: true }).selectOption('name');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/attention=yes/);
    expect(new URL(page.url()).searchParams.get('sort')).toBe('name');
    await page.waitForFunction(() => /match these filters/.test(document.querySelector('[data-testid="accounts-count"]')?.textContent ?? ''));
    const flagged = Number((await countText())?.match(/^(\d+) accounts? match these filters/)?.[1]);
    expect(flagged).toBeGreaterThan(0);
    expect(flagged).toBeLessThan(all);
    expect(await countText()).toContain(`of ${all} you own in Salesforce`);
    const shown = await names();
    expect(shown.length).toBe(Math.min(50, flagged));
    expect(shown).toEqual([...shown].sort((a, b) => a.localeCompare(b, 'en')));
    const notes = await page.getByTestId('accounts-table').locator('tbody tr td:first-child').allTextContents();
    for (const n of notes) expect(n).toMatch(/\d+ things? needs? attention/);
    await screenshot(page, 'account-manager-my-accounts-attention');
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);

    // the address is the view: opened fresh, it shows the same list with the same filters chosen
    const shared = page.url();
    const again = await session.browser.newPage();
    await signInAs(again, baseURL, 'Alex');
    await again.goto(shared);
    expect(await again.getByTestId('accounts-count').textContent()).toBe(await countText());
    expect(await again.getByLabel('Attention', { exact: true }).inputValue()).toBe('yes');
    await again.close();

    // the export holds every row the filters select, in the list's order
    expect(await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href')).toMatch(/^\/accounts\.csv\?.*attention=yes/);
    const lines = await exportedCsv(page);
    expect(lines[0]).toBe('account_id,name,tier,health_score,health_grade,health_incomplete,needs_attention,open_deals,open_deal_amount,billing_standing,overdue_amount,currency,open_tickets,urgent_tickets,worst_project_status,url');
    expect(lines.length - 1).toBe(flagged);
    const rows = lines.slice(1).map((l) => l.slice(1, -1).split('","'));
    expect(rows.slice(0, shown.length).map((r) => r[1])).toEqual(shown);
    for (const r of rows) expect(Number(r[6])).toBeGreaterThan(0);
  });

  it('pages through the whole book by cursor, each account once, least healthy first', async () => {
    await signInAs(page, baseURL, 'Alex');
    await page.goto(`${baseURL}/accounts?per=10`);
    await page.getByTestId('accounts-table').waitFor();
    const all = Number((await countText())?.match(/^(\d+) accounts?/)?.[1]);
    const table = page.getByTestId('accounts-table');
    const rows = await walkPages(page, 'accounts-table', async () => {
      const hrefs = await table.locator('tbody tr td:first-child a').evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
      const grades = await table.locator('tbody tr td:nth-child(3)').allTextContents();
      return hrefs.map((href, i) => ({ href, health: grades[i]! }));
    });
    const seen = rows.map((r) => r.href);
    const health = rows.map((r) => r.health);
    expect(all).toBeGreaterThan(10);
    expect(seen.length).toBe(all);
    expect(new Set(seen).size).toBe(all);
    // scores rise page after page; the incomplete ones come last
    const scores = health.filter((t) => t !== 'Incomplete').map(Number);
    expect(scores.length).toBeGreaterThan(0);
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
    expect(health.slice(scores.length).every((t) => t === 'Incomplete')).toBe(true);
    // the last page says where it is in the whole list
    expect(await page.getByText(new RegExp(`^Showing \\d+–${all} of ${all}$`)).count()).toBe(1);
  });

  it('shows each account as a card on a 390 px phone, without sideways scrolling', async () => {
    await signInAs(page, baseURL, 'Alex');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${baseURL}/accounts?sort=name&per=10`);
    await page.getByTestId('accounts-table').waitFor();
    const layout = await page.evaluate(() => {
      const table = document.querySelector('[data-testid="accounts-table"]')!;
      const cell = table.querySelector('tbody tr td')!;
      return {
        cell: getComputedStyle(cell).display,
        head: table.querySelector('thead')!.getBoundingClientRect().height,
        label: getComputedStyle(cell, '::before').content,
        overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      };
    });
    expect(layout.cell).toBe('flex');
    expect(layout.head).toBeLessThanOrEqual(1);
    expect(layout.label).toBe('"Account"');
    expect(layout.overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'account-manager-my-accounts-phone');
  });

  it('answers an address with an unknown filter value with a 400 that names it', async () => {
    await signInAs(page, baseURL, 'Alex');
    const r = await page.goto(`${baseURL}/accounts?health=great`);
    expect(r?.status()).toBe(400);
    expect(await page.getByTestId('error-page').textContent()).toMatch(/health: Invalid enum value/);
    const c = await page.goto(`${baseURL}/accounts.csv?sort=richest`);
    expect(c?.status()).toBe(400);
  });
});
