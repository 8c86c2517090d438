import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS } from '../../sources/sandbox/constants.js';
import { startApp as startBuiltApp, UNLIMITED_RATES, type StartedApp } from '../support/app-process.js';
import { launchBrowser, screenshot, signInAs } from '../support/browser.js';

/**
 * Panorama on its built-in sandbox with no token in its environment (SANDBOX_TOKENS=connect): an admin connects
 * each source on /admin/connections — Salesforce and QuickBooks through the sandbox's authorize pages in Chromium,
 * Asana and Zendesk with a pasted token — and the sources keep working after the app is started again.
 */
const storeDir = mkdtempSync(path.join(tmpdir(), 'panorama-e2e-connections-'));
const storePath = path.join(storeDir, 'panorama.sqlite');
let app: StartedApp | undefined;
let browser: Browser;
let baseURL = '';

async function startApp(): Promise<void> {
  app = await startBuiltApp({
    storePath,
    env: { SANDBOX_SIZE: '300', SANDBOX_TOKENS: 'connect', PANORAMA_ENCRYPTION_KEY: 'e2e-connections-encryption-key-0123456789', ...UNLIMITED_RATES },
  });
  baseURL = app.url;
}

beforeAll(async () => {
  await startApp();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  rmSync(storeDir, { recursive: true, force: true });
});

const card = (page: Page, source: string) => page.getByTestId(`connection-${source}`);
const stateOf = async (page: Page, source: string) => (await page.getByTestId(`connection-state-${source}`).textContent())?.trim();
/** Waits until the source's badge says `state` (the page's data is read again after each form). */
const waitForState = (page: Page, source: string, state: string) =>
  page.getByTestId(`connection-state-${source}`).filter({ hasText: new RegExp(`^${state}$`) }).waitFor();

/** Every byte the store's files hold (the database and its write-ahead log). */
function storeBytes(): Buffer {
  return Buffer.concat(readdirSync(storeDir).filter((f) => f.startsWith('panorama.sqlite')).map((f) => readFileSync(path.join(storeDir, f))));
}

async function openCustomer(page: Page): Promise<void> {
  await page.goto(`${baseURL}/customers`);
  await page.getByLabel('Find a customer').fill("O'Brien");
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.getByRole('link', { name: "O'Brien & Sons" }).click();
  await page.waitForURL(/\/customers\/001/);
  for (const [testId, system] of [
    ['section-crm', 'Salesforce'],
    ['section-accounting', 'QuickBooks'],
    ['section-projects', 'Asana'],
    ['section-support', 'Zendesk'],
  ] as const) {
    // a source connected a moment ago reads its index first: its section streams in when it has
    const section = page.locator(['LIVE', 'CACHED', 'STALE'].map((st) => `[data-testid="${testId}"][data-state="${st}"]`).join(', '));
    await section.waitFor({ state: 'visible', timeout: 60_000 });
    expect(await section.textContent()).toContain(`From ${system}`);
  }
}

describe('connections: an admin connects each source instead of pasting refresh tokens into the environment', () => {
  it('connects all four, the store holds no token in clear, and the sources work again after a restart with no env token', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInAs(page, baseURL, 'Morgan');
    await page.goto(`${baseURL}/admin`);
    await page.getByRole('link', { name: 'Connections' }).click();
    await page.waitForURL(/\/admin\/connections$/);
    for (const s of ['salesforce', 'quickbooks', 'asana', 'zendesk']) expect(await stateOf(page, s)).toBe('Not connected');
    await screenshot(page, 'connections-none');

    // Salesforce: authorization code with PKCE at the sandbox's authorize page
    await card(page, 'salesforce').getByRole('link', { name: 'Connect Salesforce' }).click();
    await page.waitForURL(/\/salesforce\/services\/oauth2\/authorize\?/);
    expect(new URL(page.url()).searchParams.get('code_challenge_method')).toBe('S256');
    await screenshot(page, 'connections-salesforce-authorize');
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(/\/admin\/connections\?connected=salesforce/);
    await waitForState(page, 'salesforce', 'Connected');
    expect(await card(page, 'salesforce').textContent()).toMatch(/Connected by Morgan/);

    // QuickBooks: Intuit's authorize page, state and realmId on the way back
    await card(page, 'quickbooks').getByRole('link', { name: 'Connect QuickBooks' }).click();
    await page.waitForURL(/\/quickbooks\/connect\/oauth2\?/);
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(/\/admin\/connections\?connected=quickbooks/);
    await waitForState(page, 'quickbooks', 'Connected');

    // Asana: a wrong token is refused with the reason and nothing is kept; the right one is
    const asana = card(page, 'asana');
    await asana.getByLabel('Personal access token').fill('not-the-token');
    await asana.getByRole('button', { name: 'Connect Asana' }).click();
    await page.getByTestId('connection-message-asana').filter({ hasText: 'Asana refused this personal access token' }).waitFor();
    await waitForState(page, 'asana', 'Not connected');
    await screenshot(page, 'connections-asana-refused');
    await asana.getByLabel('Personal access token').fill(SANDBOX_CREDENTIALS.asana.accessToken);
    await asana.getByRole('button', { name: 'Connect Asana' }).click();
    await page.getByTestId('connection-message-asana').filter({ hasText: 'Asana is connected as Panorama integration' }).waitFor();
    await waitForState(page, 'asana', 'Connected');

    // Zendesk: the agent's e-mail and API token
    const zendesk = card(page, 'zendesk');
    await zendesk.getByLabel("Agent's e-mail").fill(SANDBOX_CREDENTIALS.zendesk.email);
    await zendesk.getByLabel('API token').fill(SANDBOX_CREDENTIALS.zendesk.apiToken);
    await zendesk.getByRole('button', { name: 'Connect Zendesk' }).click();
    await page.getByTestId('connection-message-zendesk').filter({ hasText: 'Zendesk is connected' }).waitFor();
    for (const s of ['salesforce', 'quickbooks', 'asana', 'zendesk']) await waitForState(page, s, 'Connected');
    await screenshot(page, 'connections-all-connected');

    await openCustomer(page);
    await screenshot(page, 'connections-customer-page');
    await context.close();

    // the store's files hold the connections sealed: no token, nor the prefix of one the sandbox granted, in clear
    const bytes = storeBytes();
    for (const secret of [SANDBOX_CREDENTIALS.asana.accessToken, SANDBOX_CREDENTIALS.zendesk.apiToken, 'sandbox-salesforce-refresh-', 'sandbox-quickbooks-refresh-']) {
      expect(bytes.includes(Buffer.from(secret)), secret).toBe(false);
    }

    // started again (its sandbox too), still with no token in the environment
    await app?.stop();
    await startApp();
    const again = await browser.newContext();
    const after = await again.newPage();
    await signInAs(after, baseURL, 'Morgan');
    await after.goto(`${baseURL}/admin/connections`);
    for (const s of ['salesforce', 'quickbooks', 'asana', 'zendesk']) expect(await stateOf(after, s)).toBe('Connected');
    await openCustomer(after);
    await screenshot(after, 'connections-after-restart');

    // disconnect: the source says it is not connected, and how to connect it
    await after.goto(`${baseURL}/admin/connections`);
    await card(after, 'asana').getByRole('button', { name: 'Disconnect Asana' }).click();
    await after.getByTestId('connection-message-asana').filter({ hasText: 'Asana is disconnected' }).waitFor();
    await waitForState(after, 'asana', 'Not connected');
    await again.close();
  }, 240_000);

  it('a non-admin cannot open the page nor start a flow', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInAs(page, baseURL, 'Riley');
    expect((await page.goto(`${baseURL}/admin/connections`))?.status()).toBe(403);
    expect((await page.goto(`${baseURL}/admin/connections/salesforce/start`))?.status()).toBe(403);
    await context.close();
  });
});
