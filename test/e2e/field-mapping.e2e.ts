import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { axeViolations, describeViolations } from '../support/axe.js';
import { screenshot, signInAs } from '../support/browser.js';
import { pagePerTest } from '../support/page-per-test.js';

const baseURL = inject('baseURL');
const sandboxOrigin = inject('sandboxOrigin');
const session = pagePerTest(baseURL, sandboxOrigin);
let page: Page;
beforeEach(() => {
  ({ page } = session);
});

describe('an admin reads the field mapping', () => {
  it('lists each mapped field of each source as found, with its setting, and checks one source again', async () => {
    await signInAs(page, baseURL, 'Morgan');
    await page.waitForURL(/\/admin/);
    const card = page.getByTestId('field-mapping');
    await card.waitFor();
    // the sandbox has every mapped field, of the right type: all found, after the start-up check
    const rows = card.locator('tbody tr');
    expect(await rows.count()).toBe(6);
    for (const text of await rows.allTextContents()) expect(text).toMatch(/Found/);
    const text = (await card.textContent()) ?? '';
    for (const setting of ['SALESFORCE_ACCOUNT_TIER_FIELD', 'SALESFORCE_ACCOUNT_QUICKBOOKS_ID_FIELD', 'SALESFORCE_CONTACT_PRIMARY_FIELD', 'SALESFORCE_API_VERSION', 'ASANA_ACCOUNT_FIELD_NAME', 'ZENDESK_ORGANIZATION_LINK_FIELD']) {
      expect(text).toContain(setting);
    }
    await page.mouse.move(0, 0);
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
    await screenshot(page, 'admin-field-mapping');

    await page.getByRole('button', { name: 'Check now: Asana field mapping' }).click();
    await page.waitForLoadState('networkidle');
    await card.waitFor();
    expect(await card.getByTestId('field-ASANA-accountId').textContent()).toMatch(/Found/);
    expect(await card.textContent()).toMatch(/Checked (just now|\d+ (s|sec|second|min))/i);
  });
});
