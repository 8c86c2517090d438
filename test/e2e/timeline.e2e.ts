/**
 * A customer's whole activity, as an account manager reads it: "View all" from the customer page, a true count,
 * pages by cursor, a filter kept in the address, the whole filtered list as CSV (recorded in the read audit), cards
 * on a phone, and a wrong address answered 400 in words.
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

const accountId = async () => ((await (await fetch(`${sandboxOrigin}/__sandbox/manifest`)).json()) as { overdueWithUrgentTickets: { accountId: string }[] }).overdueWithUrgentTickets[0]!.accountId;
const count = async () => (await page.getByTestId('timeline-count').textContent()) ?? '';

describe("a customer's whole activity", () => {
  it('opens from the customer page, pages through every event once, filters by system in the address, and exports it', async () => {
    const id = await accountId();
    await signInAs(page, baseURL, 'Alex');
    await page.goto(`${baseURL}/customers/${id}`);
    const viewAll = page.getByTestId('timeline-view-all');
    const total = Number((await viewAll.textContent())?.match(/View all (\d+)/)?.[1]);
    expect(total).toBeGreaterThan(12);
    await viewAll.click();
    await page.waitForURL(`${baseURL}/customers/${id}/timeline`);
    expect(await count()).toBe(`${total} events across the systems you may see.`);

    await page.getByLabel('Per page', { exact: true }).selectOption('25');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/per=25/);
    await page.getByText(`Showing 1–25 of ${total}`).waitFor();
    const seen = await walkPages(page, 'timeline-table', () => page.getByTestId('timeline-table').locator('tbody tr').allTextContents());
    expect(seen.length).toBe(total);
    expect(await page.getByText(`of ${total}`, { exact: false }).count()).toBeGreaterThan(0);

    await page.goto(`${baseURL}/customers/${id}/timeline`);
    const systems = await page.getByLabel('System', { exact: true }).locator('option').allTextContents();
    expect(systems[0]).toBe('Every system');
    const pick = systems.find((s) => s !== 'Every system')!;
    await page.getByLabel('System', { exact: true }).selectOption({ label: pick });
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/system=/);
    await page.waitForFunction(() => /match these filters/.test(document.querySelector('[data-testid="timeline-count"]')?.textContent ?? ''));
    const matching = Number((await count()).match(/^(\d+) events? match/)?.[1]);
    expect(matching).toBeGreaterThan(0);
    expect(await count()).toContain(`of ${total} events in all`);
    const shown = await page.getByTestId('timeline-table').locator('tbody tr td:nth-child(3)').allTextContents();
    expect(new Set(shown)).toEqual(new Set([pick]));
    await screenshot(page, 'account-manager-timeline-filtered');
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);

    // the address is the view; the export holds every matching event, not one page
    const again = await session.browser.newPage();
    await signInAs(again, baseURL, 'Alex');
    await again.goto(page.url());
    expect(await again.getByTestId('timeline-count').textContent()).toBe(await count());
    await again.close();
    const lines = await exportedCsv(page);
    expect(lines[0]).toBe('at,system,type,what,url');
    expect(lines.length - 1).toBe(matching);
    for (const l of lines.slice(1)) expect(l.split('","')[1]).toBe(pick);
  });

  it('shows cards on a phone, and answers a wrong address with a 400 that names the problem', async () => {
    const id = await accountId();
    await signInAs(page, baseURL, 'Riley');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${baseURL}/customers/${id}/timeline`);
    await page.getByTestId('timeline-cards').locator('li').first().waitFor();
    expect(await page.getByTestId('timeline-table').isVisible()).toBe(false);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await screenshot(page, 'support-timeline-phone');
    const bad = await page.request.get(`${baseURL}/customers/${id}/timeline?type=EVERYTHING`);
    expect(bad.status()).toBe(400);
    expect(await bad.text()).toMatch(/type/);
    const unknown = await page.request.get(`${baseURL}/customers/${id}/timeline?colour=red`);
    expect(unknown.status()).toBe(400);
    expect(await unknown.text()).toMatch(/unknown parameter colour/);
  });
});
