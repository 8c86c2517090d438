import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Manifest } from '../../sources/sandbox/manifest.js';
import { healSources } from '../support/heal.js';
import { launchBrowser, screenshot, signInAs } from '../support/browser.js';

const baseURL = inject('baseURL');
const sandboxOrigin = inject('sandboxOrigin');
let browser: Browser;
let page: Page;
let manifest: Manifest;

beforeAll(async () => {
  browser = await launchBrowser();
  manifest = (await (await fetch(`${sandboxOrigin}/__sandbox/manifest`)).json()) as Manifest;
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  await healSources(sandboxOrigin, baseURL);
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
});

describe('finance reads billing with jobs and in its own currency', () => {
  it("shows the customer's jobs by name, with each job's invoices under it", async () => {
    const tree = manifest.customerTrees[0]!;
    await signInAs(page, baseURL, 'Dana');
    await page.goto(`${baseURL}/customers/${tree.accountId}`);
    const billing = page.getByTestId('section-accounting');
    await billing.getByTestId('billing-jobs').waitFor();
    const jobs = await billing.getByTestId('billing-jobs').textContent();
    for (const j of tree.jobs) expect(jobs).toContain(j.name);
    const jobLines = await billing.getByTestId('invoice-job').allTextContents();
    for (const j of tree.jobs) expect(jobLines).toContain(`Job: ${j.name}`);
    await screenshot(page, 'billing-with-jobs');
  });

  it('shows a customer billed in euros in euros', async () => {
    const eur = manifest.foreignCurrency[0]!;
    await signInAs(page, baseURL, 'Dana');
    await page.goto(`${baseURL}/customers/${eur.accountId}`);
    const billing = page.getByTestId('section-accounting');
    await billing.getByText('Open balance', { exact: true }).waitFor();
    const text = (await billing.textContent()) ?? '';
    expect(text).toContain(new Intl.NumberFormat('en-US', { style: 'currency', currency: 'EUR', maximumFractionDigits: 2 }).format(eur.balance));
    expect(text).toContain('€');
    expect(text).not.toContain('$');
    await screenshot(page, 'billing-in-euros');
  });
});
