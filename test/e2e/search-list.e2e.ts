/**
 * Customer search as a list, as a support rep uses it: a true count of everything found, pages by cursor, a
 * "Matched in" filter and a sort kept in the address, and the whole result as CSV (recorded in the read audit).
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

const countText = async () => (await page.getByTestId('search-count').textContent()) ?? '';
const names = () => page.getByTestId('search-table').locator('tbody tr td:first-child a').allTextContents();

describe('customer search list', () => {
  it('counts every customer found, pages by cursor, filters by system, sorts, and exports the whole result', async () => {
    await signInAs(page, baseURL, 'Riley');
    await page.goto(`${baseURL}/customers?q=an&per=25`);
    await page.getByTestId('search-table').waitFor();
    const total = Number((await countText()).match(/^(?:at least )?(\d+) customers? found for “an”/)?.[1]);
    expect(total).toBeGreaterThan(25);
    expect((await names()).length).toBe(25);
    await page.waitForLoadState('networkidle');

    // pages by cursor: each customer once, as many as counted
    const seen = await walkPages(page, 'search-table', () => page.getByTestId('search-table').locator('tbody tr td:first-child a').evaluateAll((as) => as.map((a) => a.getAttribute('href')!)));
    expect(seen.length).toBe(total);
    expect(new Set(seen).size).toBe(total);

    // the filter and the sort go into the address, and the count follows the filter
    await page.goto(`${baseURL}/customers?q=an&per=25`);
    await page.waitForLoadState('networkidle');
    const systems = await page.getByLabel('Matched in', { exact: true }).locator('option').evaluateAll((os) => os.map((o) => [(o as HTMLOptionElement).value, o.textContent]));
    const support = systems[systems.length - 1]!;
    await page.getByLabel('Matched in', { exact: true }).selectOption(support[0]!);
    await page.getByLabel('Sort', { exact: true }).selectOption('name');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/sort=name/);
    expect(new URL(page.url()).searchParams.get('system')).toBe(support[0]);
    await page.waitForFunction((name) => (document.querySelector('[data-testid="search-count"]')?.textContent ?? '').includes(` in ${name}`), support[1]);
    const filtered = Number((await countText()).match(/(\d+) customers?/)?.[1]);
    expect(filtered).toBeGreaterThan(0);
    expect(filtered).toBeLessThanOrEqual(total);
    const reasons = await page.getByTestId('match-reasons').allTextContents();
    for (const r of reasons) expect(r).toContain(`${support[1]}:`);
    const shown = await names();
    expect(shown).toEqual([...shown].sort((a, b) => a.localeCompare(b, 'en')));
    await screenshot(page, 'support-search-list-filtered');
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);

    // the export holds every customer the filter keeps, with why each matched
    expect(await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href')).toContain('system=');
    const lines = await exportedCsv(page);
    expect(lines[0]).toBe('customer_id,name,website,industry,tier,owner,matched_because');
    expect(lines.length - 1).toBe(filtered);
    for (const l of lines.slice(1)) expect(l).toContain(`${support[1]}: `);
  });

  it('without words lists every customer by name, and refuses an address it cannot read with a 400 that names it', async () => {
    await signInAs(page, baseURL, 'Riley');
    await page.goto(`${baseURL}/customers`);
    await page.getByTestId('search-table').waitFor();
    expect(await countText()).toMatch(/^\d+ customers in .+, by name\.$/);
    const r = await page.goto(`${baseURL}/customers?sort=loudest`);
    expect(r?.status()).toBe(400);
    expect(await page.textContent('body')).toMatch(/sort/);
    const c = await page.goto(`${baseURL}/customers.csv?q=an&after=nonsense`);
    expect(c?.status()).toBe(400);
  });
});

describe('lists on a 390 px phone', () => {
  it('shows search results and urgent tickets as cards, with no sideways scrolling', async () => {
    const phone = await session.browser.newPage({ viewport: { width: 390, height: 844 } });
    try {
      await signInAs(phone, baseURL, 'Riley');
      for (const [path, testId] of [
        ['/customers?q=an', 'search-table'],
        ['/tickets', 'urgent-table'],
      ] as const) {
        await phone.goto(`${baseURL}${path}`);
        await phone.getByTestId(testId).locator('tbody tr').first().waitFor();
        expect(await phone.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(392);
        // each row is a card of labelled lines, not a table row
        const row = phone.getByTestId(testId).locator('tbody tr').first();
        expect(await row.evaluate((tr) => getComputedStyle(tr).display), path).toBe('block');
        expect(await row.locator('td').first().getAttribute('data-label'), path).toBeTruthy();
        await screenshot(phone, `support-phone${path.replace(/[/?=&]+/g, '-')}`);
      }
    } finally {
      await phone.close();
    }
  });
});
