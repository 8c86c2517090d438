import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { axeViolations, describeViolations } from '../support/axe.js';
import { screenshot, signInAs } from '../support/browser.js';
import { pagePerTest } from '../support/page-per-test.js';

/**
 * The credential scope check as an admin meets it: each source's credential, read at start-up, against the
 * read-only access Panorama needs; a credential given more than it needs, found on "Check now".
 */
const baseURL = inject('baseURL');
const sandboxOrigin = inject('sandboxOrigin');
const session = pagePerTest(baseURL, sandboxOrigin);
let page: Page;
beforeEach(() => {
  ({ page } = session);
});
const setCredential = (source: string, body: unknown) =>
  fetch(`${sandboxOrigin}/__sandbox/credentials/${source}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
afterEach(async () => {
  await fetch(`${sandboxOrigin}/__sandbox/credentials/zendesk`, { method: 'DELETE' });
});

const stateOf = async (system: string) => (await page.getByTestId(`access-${system}`).locator('.mantine-Badge-root').first().textContent())?.trim();

describe('an admin reads what each credential may do', () => {
  it('shows the sandbox credentials as read only (QuickBooks: its one scope can write), and a Zendesk admin token on Check now', async () => {
    await signInAs(page, baseURL, 'Morgan');
    await page.waitForURL(/\/admin/);
    const card = page.getByTestId('credential-access');
    await card.waitFor();
    for (const system of ['SALESFORCE', 'ASANA', 'ZENDESK']) expect(await stateOf(system)).toBe('Read only');
    expect(await stateOf('QUICKBOOKS')).toBe('More than needed');
    const qbo = (await page.getByTestId('access-QUICKBOOKS').textContent()) ?? '';
    expect(qbo).toContain('QuickBooks Online offers nothing narrower');
    expect(qbo).toContain('com.intuit.quickbooks.accounting');
    expect(await page.getByTestId('access-ZENDESK').textContent()).toMatch(/Acts as .+/);
    await page.mouse.move(0, 0);
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
    await screenshot(page, 'admin-credential-access');

    // the integration user is made a Zendesk admin: nothing changes until someone checks again
    expect((await setCredential('zendesk', { role: 'admin', role_type: 4 })).status).toBe(204);
    await page.getByRole('button', { name: 'Check now: Zendesk credential scope' }).click();
    await page.getByTestId('access-ZENDESK').getByText('More than needed').waitFor();
    const zendesk = (await page.getByTestId('access-ZENDESK').textContent()) ?? '';
    expect(zendesk).toContain('Warning: the credential can write or reach more than Panorama reads');
    expect(zendesk).toMatch(/light agent/i);
    expect(await stateOf('SALESFORCE')).toBe('Read only');
    await screenshot(page, 'admin-credential-access-zendesk-admin');

    // the register says the same, under each integration's scopes
    await page.getByRole('tab', { name: 'Integration register' }).click();
    const register = page.getByTestId('integration-register');
    await register.waitFor();
    expect(await register.textContent()).toContain('Credential check: More than needed');
    expect(await register.textContent()).toContain('Credential check: Read only');
  });
});
