import { beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Manifest } from '../../sources/sandbox/manifest.js';
import { WCAG22_TAGS, axeViolations, describeViolations } from '../support/axe.js';
import { screenshot, signInAs } from '../support/browser.js';
import { pagePerTest } from '../support/page-per-test.js';

/**
 * ⌘K is exact: rows belong to the query on screen, Enter opens the current query's highlighted (first) row even
 * when it was pressed before the rows arrived, and each row says which system matched and why.
 */
const baseURL = inject('baseURL');
const sandboxOrigin = inject('sandboxOrigin');
// one Chromium, the sandbox healed and a fresh page per test, failing on any CSP violation or page error
const pages = pagePerTest(baseURL, sandboxOrigin);
let page: typeof pages.page;
let manifest: Manifest;

const fault = (source: string, body: Record<string, unknown>) =>
  fetch(`${sandboxOrigin}/__sandbox/faults/${source}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const searchCase = (kind: Manifest['searchCases'][number]['kind']) => manifest.searchCases.find((c) => c.kind === kind)!;
const input = () => page.getByRole('textbox', { name: /Customer name, domain, contact, e-mail, phone/ });
const dialog = () => page.getByRole('dialog', { name: 'Search customers' });
/** Ctrl+K until the dialog is there: the shortcut is bound once the page has hydrated. */
async function openSpotlight() {
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press('Control+K');
    if (await input().waitFor({ timeout: 1000 }).then(() => true, () => false)) return;
  }
  throw new Error('Ctrl+K did not open the search dialog');
}

beforeAll(async () => {
  manifest = (await (await fetch(`${sandboxOrigin}/__sandbox/manifest`)).json()) as Manifest;
});
beforeEach(async () => {
  page = pages.page;
  await signInAs(page, baseURL, 'Riley');
  await page.waitForLoadState('networkidle'); // the shortcut is bound once the page is hydrated
});

describe('⌘K', () => {
  it('type, type again, Enter at once: lands on the second query’s first result, never the first query’s', async () => {
    const first = searchCase('FOLDED_NAME'); // "obrien"
    const second = searchCase('CONTACT_NAME');
    await openSpotlight();
    // the first query's rows are showing …
    await input().fill(first.query);
    await dialog().getByRole('button', { name: new RegExp(first.expects.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) }).waitFor();
    // … then the CRM slows down, the caller types another query and presses Enter before its answer lands
    await fault('salesforce', { latencyMs: 800 });
    await input().fill(second.query);
    // never the previous query's rows under the new query
    expect(await dialog().getByRole('button', { name: new RegExp(first.expects.slice(0, 6)) }).count()).toBe(0);
    await input().press('Enter');
    await page.waitForURL(/\/customers\/001/, { timeout: 20_000 }).catch(async (e) => {
      throw new Error(`${(e as Error).message}\nstatus: ${await page.getByTestId('spotlight-status').textContent().catch(() => '?')}; rows: ${await dialog().locator('[data-action]').allTextContents().catch(() => '?')}`);
    });
    expect(new URL(page.url()).pathname).toBe(`/customers/${second.accountId}`);
  });

  it('Enter opens the highlighted current row once rows are showing (the first by default, arrows move it)', async () => {
    const c = searchCase('FOLDED_NAME');
    await openSpotlight();
    await input().fill(c.query);
    const row = dialog().locator('[data-action]').first();
    await row.waitFor();
    expect(await row.getAttribute('data-selected')).toBe('true');
    const id = await row.getAttribute('data-customer-id');
    await input().press('Enter');
    await page.waitForURL(`${baseURL}/customers/${id}`);
  });

  it('says which system matched and why, and the dialog passes axe’s WCAG 2.2 rules (aria-dialog-name included)', async () => {
    const contact = searchCase('CONTACT_NAME');
    const phone = searchCase('CONTACT_PHONE');
    await openSpotlight();
    await input().fill(contact.query);
    const row = dialog().locator(`[data-customer-id="${contact.accountId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain(`Salesforce: contact ${contact.expects}`);
    await input().fill(phone.query);
    await dialog().getByText(`contact ${phone.expects}, phone ${phone.stored}`).waitFor();
    const violations = await axeViolations(page, { tags: WCAG22_TAGS, include: '[role="dialog"]' });
    expect(violations.map((v) => v.id)).not.toContain('aria-dialog-name');
    expect(violations, describeViolations(violations)).toEqual([]);
    await screenshot(page, 'spotlight-reasons');
  });

  it('aborts the search the query left behind', async () => {
    await fault('salesforce', { latencyMs: 1500 });
    const aborted: string[] = [];
    page.on('requestfailed', (r) => {
      if (r.url().includes('/search?q=')) aborted.push(new URL(r.url()).searchParams.get('q')!);
    });
    const [given, family] = searchCase('CONTACT_NAME').expects.split(' ') as [string, string];
    await openSpotlight();
    await input().fill(given);
    await page.waitForRequest((r) => r.url().includes(`/search?q=${encodeURIComponent(given)}`));
    await input().fill(family);
    await dialog().locator('[data-action]').first().waitFor({ timeout: 20_000 });
    expect(aborted).toContain(given);
  });

  it('with the CRM down says "Incomplete: Salesforce isn’t answering …", in ⌘K and on the customers page', async () => {
    await fault('salesforce', { status: 503 });
    const q = `Natural ${Date.now() % 1000}`; // a search the cache has never seen
    await openSpotlight();
    await input().fill(q);
    const alert = page.getByTestId('spotlight-incomplete');
    await alert.waitFor({ timeout: 20_000 });
    expect(await alert.textContent()).toMatch(/^Incomplete: Salesforce isn't answering; results from QuickBooks and Zendesk below$/);
    expect(await page.getByTestId('spotlight-status').textContent()).not.toContain('No customer');
    await page.keyboard.press('Escape');
    await page.goto(`${baseURL}/customers?q=${encodeURIComponent(q)}`);
    expect(await page.getByTestId('search-incomplete').textContent()).toContain("Incomplete: Salesforce isn't answering; results from QuickBooks and Zendesk below");
    expect(await page.getByText(/No customer/).count()).toBe(0);
    await screenshot(page, 'search-incomplete');
  });
});
