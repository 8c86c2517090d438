/**
 * The urgent-tickets list as a support rep works it: filters and sort kept in the address, a true count, pages by
 * cursor, and the whole filtered list as CSV (recorded in the read audit).
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

const countText = () => page.getByTestId('urgent-count').textContent();

describe('urgent tickets', () => {
  it('filters to unassigned, sorts oldest first, pages, and exports what the filters select', async () => {
    await signInAs(page, baseURL, 'Riley');
    await page.goto(`${baseURL}/tickets`);
    await page.getByTestId('urgent-table').waitFor();
    const all = Number((await countText())?.match(/^(\d+) urgent tickets? open/)?.[1]);
    expect(all).toBeGreaterThan(0);
    // a list across customers has no per-section refresh (the page has nothing to post it to)
    expect(await page.getByRole('button', { name: /^Refresh / }).count()).toBe(0);
    await page.waitForLoadState('networkidle');

    await page.getByLabel('Assignee', { exact: true }).selectOption('unassigned');
    await page.getByLabel('Sort', { exact: true }).selectOption('oldest');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/assignee=unassigned/);
    expect(new URL(page.url()).searchParams.get('sort')).toBe('oldest');
    await page.waitForFunction(() => /match these filters/.test(document.querySelector('[data-testid="urgent-count"]')?.textContent ?? ''));
    const unassigned = Number((await countText())?.match(/^(\d+) tickets? match/)?.[1]);
    expect(unassigned).toBeGreaterThan(0);
    expect(unassigned).toBeLessThan(all);
    expect(await countText()).toContain(`of ${all} urgent`);
    const assignees = await page.getByTestId('urgent-table').locator('tbody tr td:nth-child(3)').allTextContents();
    expect(new Set(assignees)).toEqual(new Set(['Unassigned']));
    await screenshot(page, 'support-urgent-unassigned');
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);

    // the address is the view: opened fresh, it shows the same list
    const shared = page.url();
    const again = await session.browser.newPage();
    await signInAs(again, baseURL, 'Riley');
    await again.goto(shared);
    expect(await again.getByTestId('urgent-count').textContent()).toBe(await countText());
    await again.close();

    // the export holds every row the filters select, not just this page
    const lines = await exportedCsv(page);
    expect(lines[0]).toBe('ticket_id,subject,status,opened,last_updated,age_days,requester,assignee,customer_id,customer,customer_overdue,url');
    expect(lines.length - 1).toBe(unassigned);
    for (const l of lines.slice(1)) expect(l.split('","')[7]).toBe('');
  });

  it('pages through the whole list by cursor, each ticket once', async () => {
    await signInAs(page, baseURL, 'Morgan');
    await page.goto(`${baseURL}/tickets?per=10`);
    const all = Number((await countText())?.match(/^(\d+) urgent/)?.[1]);
    const seen = await walkPages(page, 'urgent-table', async () => (await page.getByTestId('urgent-table').locator('tbody tr td:first-child a').allTextContents()).map((t) => t.split(' ')[0]!));
    expect(all).toBeGreaterThan(10);
    expect(seen.length).toBe(all);
    expect(new Set(seen).size).toBe(all);
  });

  it('answers an address with an unknown filter value with a 400 that names it', async () => {
    await signInAs(page, baseURL, 'Riley');
    const r = await page.goto(`${baseURL}/tickets?assignee=maybe`);
    expect(r?.status()).toBe(400);
    expect(await page.getByTestId('error-page').textContent()).toMatch(/assignee: Invalid enum value/);
  });
});

describe('overdue invoices', () => {
  const overdueCount = () => page.getByTestId('overdue-count').textContent();

  it('filters to over 90 days past due, pages by cursor, shows each customer with aging, and exports the filtered list', async () => {
    await signInAs(page, baseURL, 'Dana');
    await page.goto(`${baseURL}/finance`);
    await page.getByTestId('overdue-table').waitFor();
    const all = Number((await overdueCount())?.match(/^(\d+) invoices? past due/)?.[1]);
    expect(all).toBeGreaterThan(50);
    await page.waitForLoadState('networkidle');

    await page.getByLabel('Past due', { exact: true }).selectOption('91');
    await page.getByLabel('Per page', { exact: true }).selectOption('25');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/days=91/);
    await page.waitForFunction(() => /match these filters/.test(document.querySelector('[data-testid="overdue-count"]')?.textContent ?? ''));
    const old = Number((await overdueCount())?.match(/^(\d+) invoices? match/)?.[1]);
    expect(old).toBeGreaterThan(0);
    expect(old).toBeLessThan(all);
    expect(await overdueCount()).toContain(`of ${all} past due`);
    const late = (await page.getByTestId('overdue-table').locator('tbody tr td:nth-child(4)').allTextContents()).map(Number);
    expect(late.length).toBe(Math.min(25, old));
    expect(late.every((n) => n > 90)).toBe(true);
    // every customer on the list once, with the invoice count adding up to the filtered total
    const counts = (await page.getByTestId('overdue-by-customer').locator('tbody tr td:nth-child(2)').allTextContents()).filter(Boolean).map(Number);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(old);
    await screenshot(page, 'finance-overdue-over-90');
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);

    // pages by cursor: each invoice once
    const invoices = await walkPages(page, 'overdue-table', () => page.getByTestId('overdue-table').locator('tbody tr td:nth-child(2)').allTextContents());
    expect(invoices.length).toBe(old);
    expect(new Set(invoices).size).toBe(old);

    // the export holds every filtered row, not one page
    const lines = await exportedCsv(page);
    expect(lines[0]).toBe('invoice_id,invoice_number,invoice_date,due_date,days_overdue,total,open_balance,currency,customer_id,customer,url');
    expect(lines.length - 1).toBe(old);
  });

  it('answers an address with an unknown filter value with a 400 that names it', async () => {
    await signInAs(page, baseURL, 'Dana');
    const r = await page.goto(`${baseURL}/finance?days=7`);
    expect(r?.status()).toBe(400);
    expect(await page.textContent('body')).toMatch(/days/);
    const c = await page.goto(`${baseURL}/finance.csv?currency=EURO`);
    expect(c?.status()).toBe(400);
  });
});
