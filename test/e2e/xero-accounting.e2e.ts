/**
 * Xero as the accounting system, in the browser: an app of its own started with PANORAMA_ACCOUNTING=xero on the
 * built-in sandbox (whose Xero organisation is derived from the same seeded world), the CRM's QuickBooks-id field
 * off as for a business that keeps its books in Xero. Finance (Dana) opens a customer with an overdue invoice.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWorld } from '../../sources/sandbox/dataset.js';
import { derivedGuid, xeroOrganisation } from '../../sources/xero/sandbox/dataset.js';
import { axeViolations, describeViolations } from '../support/axe.js';
import { launchBrowser, screenshot, signInAs, watchCspViolations } from '../support/browser.js';
import { startApp, type StartedApp } from '../support/app-process.js';

let app: StartedApp | undefined;
let baseURL = '';
let sandboxOrigin = '';
let browser: Browser;
let page: Page;
let csp: string[] = [];

beforeAll(async () => {
  app = await startApp({ tempStore: 'panorama-xero-e2e-', env: { PANORAMA_ACCOUNTING: 'xero', SALESFORCE_ACCOUNT_QUICKBOOKS_ID_FIELD: '' } });
  ({ url: baseURL, sandboxOrigin } = app);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  csp = await watchCspViolations(page, baseURL);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** The same world the app's sandbox serves (same seed, size and day), to know what Xero holds for a customer. */
async function customerWithOverdueInvoice() {
  const health = (await (await fetch(`${sandboxOrigin}/__sandbox/health`)).json()) as { seed: number; size: number; today: string };
  const w = generateWorld({ seed: health.seed, size: health.size, today: health.today });
  const org = xeroOrganisation(w.quickbooks, w.manifest.today);
  const clean = new Set(w.manifest.cleanAccountIds);
  for (const l of w.manifest.exactLinks.filter((x) => x.system === 'quickbooks' && clean.has(x.accountId))) {
    const qbo = w.quickbooks.customers.find((c) => c.Id === l.recordId);
    const account = w.salesforce.accounts.find((a) => a.Id === l.accountId);
    if (!qbo || qbo.ParentRef || !account || account.Name !== (qbo.CompanyName ?? qbo.DisplayName)) continue;
    const contactId = derivedGuid(`contact:${qbo.Id}`);
    const overdue = org.invoices.filter((i) => i.Contact.ContactID === contactId && i.Status === 'AUTHORISED' && (i.DueDateString ?? '') < w.manifest.today);
    if (overdue.length && org.contacts.filter((c) => c.Name === account.Name).length === 1) return { accountId: account.Id, name: account.Name, contactId, overdue };
  }
  throw new Error('the sandbox has no clean customer with an overdue Xero invoice');
}

describe('finance reads billing from Xero', () => {
  it("opens a customer: the billing section is from Xero, with its overdue invoices and links into Xero's web app", async () => {
    const c = await customerWithOverdueInvoice();
    await signInAs(page, baseURL, 'Dana');
    await page.goto(`${baseURL}/customers/${c.accountId}`);
    const billing = page.getByTestId('section-accounting');
    await billing.getByText('Open balance', { exact: true }).waitFor({ timeout: 30_000 });
    expect(await billing.getAttribute('data-state')).toMatch(/^(LIVE|CACHED)$/);
    const text = (await billing.textContent()) ?? '';
    expect(text).toContain('From Xero');
    expect(text).toMatch(/Probable match by name/);
    expect(text).toMatch(/Overdue · \d+ invoices?/);
    for (const inv of c.overdue.slice(0, 3)) expect(text).toContain(inv.InvoiceNumber!);
    expect(text).not.toMatch(/QuickBooks/);
    const open = billing.getByRole('link', { name: 'Open in Xero' });
    expect(await open.getAttribute('href')).toBe(`https://go.xero.com/Contacts/View/${c.contactId}`);
    // the other sections are there as always, and nothing on the page speaks of the accounting system not chosen
    for (const id of ['section-crm', 'section-projects', 'section-support']) await page.getByTestId(id).waitFor();
    expect((await page.locator('main').textContent()) ?? '').not.toMatch(/QuickBooks/);
    await page.mouse.move(0, 0);
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
    expect(csp).toEqual([]);
    await screenshot(page, 'billing-from-xero');
  });
});

describe('an admin connects Xero on /admin/connections', () => {
  it("runs Xero's authorization-code flow with PKCE in the browser; finance then reads overdue invoices from Xero", async () => {
    // an app of its own with no token in its environment (SANDBOX_TOKENS=connect)
    const bare = await startApp({ tempStore: 'panorama-xero-connect-', env: { PANORAMA_ACCOUNTING: 'xero', SANDBOX_TOKENS: 'connect', SALESFORCE_ACCOUNT_QUICKBOOKS_ID_FIELD: '', PANORAMA_ENCRYPTION_KEY: 'e2e-xero-connect-encryption-key-0123456789' } });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const other = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const admin = await context.newPage();
      await signInAs(admin, bare.url, 'Morgan');
      await admin.goto(`${bare.url}/admin/connections`);
      const xeroCard = admin.getByTestId('connection-xero');
      expect((await admin.getByTestId('connection-state-xero').textContent())?.trim()).toBe('Not connected');
      // one accounting package: the one not chosen is not offered
      expect(await admin.getByTestId('connection-quickbooks').count()).toBe(0);
      await xeroCard.getByRole('link', { name: 'Connect Xero' }).click();
      await admin.waitForURL(/\/xero\/identity\/connect\/authorize\?/);
      const asked = new URL(admin.url()).searchParams;
      expect(asked.get('code_challenge_method')).toBe('S256');
      expect(asked.get('scope')).toBe('offline_access accounting.contacts.read accounting.transactions.read');
      await admin.getByRole('button', { name: 'Allow' }).click();
      await admin.waitForURL(/\/admin\/connections\?connected=xero/);
      await admin.getByTestId('connection-state-xero').filter({ hasText: /^Connected$/ }).waitFor();
      expect(await xeroCard.textContent()).toMatch(/Connected by Morgan/);
      await screenshot(admin, 'connections-xero-connected');

      const finance = await other.newPage();
      await signInAs(finance, bare.url, 'Dana');
      await finance.goto(`${bare.url}/finance`);
      const rows = finance.getByTestId('overdue-table').locator('tbody tr');
      await rows.first().waitFor({ timeout: 30_000 });
      expect(await rows.count()).toBeGreaterThan(0);
      expect((await finance.locator('main').textContent()) ?? '').toMatch(/From Xero/);
    } finally {
      await context.close();
      await other.close();
      await bare.stop();
    }
  });
});
