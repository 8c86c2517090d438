import type { Browser, Page } from 'playwright-core';
import { beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { screenshot, signInAs } from '../support/browser.js';
import { pagePerTest } from '../support/page-per-test.js';
import { describeRoleWalk, expectAccessible } from '../support/role-walk.js';

const baseURL = inject('baseURL');
const sandboxOrigin = inject('sandboxOrigin');
const session = pagePerTest(baseURL, sandboxOrigin);
let browser: Browser;
let page: Page;
beforeEach(() => {
  ({ browser, page } = session);
});
let manifest: {
  conflicts: { accountId: string }[];
  overdueWithUrgentTickets: { accountId: string }[];
  milestonesWithoutInvoice: { accountId: string }[];
  trickyNames: { accountId: string; name: string }[];
};
beforeAll(async () => {
  manifest = await (await fetch(`${sandboxOrigin}/__sandbox/manifest`)).json();
});

/** GraphQL as the signed-in browser sends it: the session cookie decides the role. */
async function graphqlInPage(p: Page, query: string, variables: Record<string, unknown> = {}) {
  return p.evaluate(
    async ({ query, variables }) => {
      const r = await fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
      return { status: r.status, body: (await r.json()) as { data?: Record<string, unknown>; errors?: { extensions?: { code?: string } }[] } };
    },
    { query, variables },
  );
}

// each role's main task, as it is also walked with Xero keeping the books (roles-xero.e2e.ts)
describeRoleWalk({ baseURL: () => baseURL, sandboxOrigin: () => sandboxOrigin, session: () => session });

describe('roles are enforced on the server', () => {
  it('support gets FORBIDDEN for invoices at /graphql and a refusal on the finance page', async () => {
    await signInAs(page, baseURL, 'Riley');
    const id = manifest.trickyNames[0]!.accountId;
    const r = await graphqlInPage(page, 'query ($id: ID!) { customer(id: $id) { accounting { balance invoices { total } } crm { opportunities { amount } } } }', { id });
    expect(r.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
    const list = await graphqlInPage(page, '{ overdueInvoices { totalCount } }');
    expect(list.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await page.goto(`${baseURL}/finance`);
    // the refusal keeps the app frame and speaks plainly: who may see the page, never a schema field
    expect(await page.getByTestId('error-page').getAttribute('data-status')).toBe('403');
    expect((await page.getByRole('heading', { level: 1 }).textContent())?.trim()).toBe('Not for your role');
    const refusal = (await page.getByTestId('error-page').textContent()) ?? '';
    expect(refusal).toContain('Overdue invoices are for account managers, finance and admins. You are signed in as support');
    expect(refusal).not.toMatch(/Query\.|FORBIDDEN|\(billing\)/);
    expect(await page.getByRole('link', { name: 'Customers' }).count()).toBeGreaterThan(0);
    expect(await page.getByRole('link', { name: 'Overdue invoices' }).count()).toBe(0);
    await expectAccessible(page, 'refusal page');
  });

  it('finance cannot read tickets or the admin queue; nobody reads anything signed out', async () => {
    await signInAs(page, baseURL, 'Dana');
    const id = manifest.trickyNames[0]!.accountId;
    const r = await graphqlInPage(page, 'query ($id: ID!) { customer(id: $id) { support { counts { total } tickets { id } } } }', { id });
    expect(r.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(await graphqlInPage(page, '{ identityReview { kind } }').then((x) => x.body.errors?.[0]?.extensions?.code)).toBe('FORBIDDEN');
    await page.goto(`${baseURL}/admin`);
    expect((await page.getByTestId('error-page').textContent()) ?? '').toContain('Admin pages are for admins. You are signed in as finance');
    expect((await page.getByTestId('error-page').textContent()) ?? '').not.toContain('Query.');
    const anonymous = await fetch(`${baseURL}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ viewer { id } }"}' });
    expect(anonymous.status).toBe(401);
  });
});

describe('failure, phones and the dark', () => {
  it('a source failing shows its message in its section while the other sections render', async () => {
    await signInAs(page, baseURL, 'Alex');
    const id = manifest.trickyNames[5]!.accountId;
    await page.goto(`${baseURL}/customers/${id}`);
    await fetch(`${sandboxOrigin}/__sandbox/faults/zendesk`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 500 }) });
    // clicked as soon as the page has loaded, without waiting for the network to settle: the click must not be lost
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Refresh Support from Zendesk' }).click(),
    ]);
    const failed = page.locator('[data-testid="section-support"][data-state="FAILED"], [data-testid="section-support"][data-state="STALE"]');
    await failed.waitFor({ timeout: 15_000 }).catch(async (e: unknown) => {
      const state = await page.getByTestId('section-support').getAttribute('data-state').catch(() => 'no section');
      throw new Error(`support section is ${state} at ${page.url()}: ${(await page.getByTestId('section-support').textContent().catch(() => ''))?.slice(0, 300)}`, { cause: e });
    });
    expect(await page.getByTestId('section-support-message').textContent()).toMatch(/Zendesk/);
    for (const ok of ['section-crm', 'section-projects', 'section-accounting']) {
      expect(await page.getByTestId(ok).getAttribute('data-state')).toMatch(/^(LIVE|CACHED|STALE)$/);
    }
    await expectAccessible(page, 'page with a failed section');
    await screenshot(page, 'account-manager-zendesk-down');
  });

  it('without JavaScript, a section refresh still posts and shows what the refresh returned', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
    const plain = await context.newPage();
    try {
      await signInAs(plain, baseURL, 'Alex');
      await plain.goto(`${baseURL}/customers/${manifest.trickyNames[6]!.accountId}`);
      expect(await plain.getByTestId('section-support').getAttribute('data-state')).toMatch(/^(LIVE|CACHED)$/);
      await fetch(`${sandboxOrigin}/__sandbox/faults/zendesk`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 500 }) });
      await Promise.all([plain.waitForNavigation(), plain.getByRole('button', { name: 'Refresh Support from Zendesk' }).click()]);
      expect(await plain.getByTestId('section-support').getAttribute('data-state')).toMatch(/^(FAILED|STALE)$/);
      expect(await plain.getByTestId('section-support-message').textContent()).toMatch(/Zendesk/);
    } finally {
      await context.close();
    }
  });

  it('works on a 390 px phone and in dark mode, without sideways scrolling', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
    await signInAs(phone, baseURL, 'Riley');
    await phone.goto(`${baseURL}/customers/${manifest.trickyNames[0]!.accountId}`);
    await phone.getByTestId('section-support').waitFor();
    expect(await phone.evaluate(() => document.documentElement.getAttribute('data-mantine-color-scheme'))).toBe('dark');
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(392);
    await phone.getByRole('button', { name: 'Open navigation' }).click();
    await phone.getByRole('link', { name: 'Urgent tickets' }).waitFor();
    await expectAccessible(phone, 'phone, dark');
    await screenshot(phone, 'support-phone-dark');
    await phone.close();
  });

  it('is usable from the keyboard: skip link, tab to the search, Enter to submit', async () => {
    await signInAs(page, baseURL, 'Riley');
    // from the top of a page, Tab reaches the skip link first (the customer search takes focus on arrival)
    await page.goto(`${baseURL}/tickets`);
    await page.waitForLoadState('networkidle');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    await page.goto(`${baseURL}/customers`);
    await page.getByLabel('Find a customer').focus();
    await page.keyboard.type('Labs');
    await page.keyboard.press('Enter');
    await page.getByRole('link', { name: 'Under_score Labs' }).waitFor();
    await page.getByRole('link', { name: 'Under_score Labs' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Under_score Labs' }).waitFor();
  });
});
