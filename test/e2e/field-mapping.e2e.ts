import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { axeViolations, describeViolations } from '../support/axe.js';
import { launchBrowser, screenshot, signInAs, watchCspViolations } from '../support/browser.js';
import { healSources } from '../support/heal.js';

const baseURL = inject('baseURL');
const sandboxOrigin = inject('sandboxOrigin');
let browser: Browser;
let page: Page;
let cspViolations: string[];
let pageErrors: string[];

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await healSources(sandboxOrigin, baseURL);
  await browser?.close();
});
beforeEach(async () => {
  await healSources(sandboxOrigin, baseURL);
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  cspViolations = await watchCspViolations(page, baseURL);
  pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`));
});
// the admin page hydrates and works under the CSP, the field-mapping card included
afterEach(() => {
  expect(cspViolations).toEqual([]);
  expect(pageErrors).toEqual([]);
});

describe('an admin reads the field mapping', () => {
  it('lists each mapped field of each source as found, with its setting, and checks one source again', async () => {
    await signInAs(page, baseURL, 'Morgan');
    await page.waitForURL(/\/admin/);
    const card = page.getByTestId('field-mapping');
    await card.waitFor();
    // the sandbox has every mapped field, of the right type: all found, after the start-up check
    const rows = card.locator('tbody tr');
    expect(await rows.count()).toBe(5);
    for (const text of await rows.allTextContents()) expect(text).toMatch(/Found/);
    const text = (await card.textContent()) ?? '';
    for (const setting of ['SALESFORCE_ACCOUNT_TIER_FIELD', 'SALESFORCE_ACCOUNT_QUICKBOOKS_ID_FIELD', 'SALESFORCE_CONTACT_PRIMARY_FIELD', 'SALESFORCE_API_VERSION', 'ASANA_ACCOUNT_FIELD_NAME']) {
      expect(text).toContain(setting);
    }
    await page.mouse.move(0, 0);
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
    await screenshot(page, 'admin-field-mapping');

    await page.getByRole('button', { name: 'Check Asana field mapping now' }).click();
    await page.waitForLoadState('networkidle');
    await card.waitFor();
    expect(await card.getByTestId('field-ASANA-accountId').textContent()).toMatch(/Found/);
    expect(await card.textContent()).toMatch(/Checked (just now|\d+ (s|sec|second|min))/i);
  });
});
