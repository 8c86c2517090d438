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
