/**
 * Each role's main task, walked in the browser: support looks a caller up, the account manager opens a flagged
 * account, finance works the overdue list, the admin checks the sources. The same walk runs on the default
 * composition (roles.e2e.ts) and with the other accounting package keeping the books (roles-xero.e2e.ts), so
 * every role's pages are shown to work whichever module serves the accounting category.
 */
import type { Page } from 'playwright-core';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { axeViolations, describeViolations } from './axe.js';
import { screenshot, signInAs } from './browser.js';
import type { PagePerTest } from './page-per-test.js';

export async function expectAccessible(p: Page, what: string) {
  // a tooltip left open by the last click is not part of the page
  await p.mouse.move(0, 0);
  await p
    .locator('[role="tooltip"]')
    .waitFor({ state: 'detached', timeout: 2_000 })
    .catch(() => undefined);
  const violations = await axeViolations(p);
  expect(violations, `${what}:\n${describeViolations(violations)}`).toEqual([]);
}

type Manifest = {
  conflicts: { accountId: string }[];
  overdueWithUrgentTickets: { accountId: string }[];
  milestonesWithoutInvoice: { accountId: string }[];
};

export type RoleWalkTarget = {
  baseURL: () => string;
  sandboxOrigin: () => string;
  session: () => PagePerTest;
  /** The accounting package's display name when it is not the default one: named in the titles and screenshots, and the only one the pages may name. */
  accounting?: { name: string; notNamed: string };
};

export function describeRoleWalk(t: RoleWalkTarget) {
  let page: Page;
  let manifest: Manifest;
  beforeAll(async () => {
    manifest = await (await fetch(`${t.sandboxOrigin()}/__sandbox/manifest`)).json();
  });
  beforeEach(() => {
    page = t.session().page;
  });
  const shot = (name: string) => screenshot(page, t.accounting ? `${name}-${t.accounting.name.toLowerCase()}` : name);
  /** With the other package keeping the books, no page speaks of the one not chosen. */
  const expectBooksNamedRight = async () => {
    if (t.accounting) expect((await page.locator('main').textContent()) ?? '').not.toContain(t.accounting.notNamed);
  };
  describe(`each role does its main task${t.accounting ? ` (books in ${t.accounting.name})` : ''}`, () => {
    it('support: looks a caller up with Ctrl+K, sees open tickets first, standing without amounts, contacts to call', async () => {
      await page.goto(`${t.baseURL()}/login`);
      await expectAccessible(page, 'login');
      await signInAs(page, t.baseURL(), 'Riley');
      await expectAccessible(page, 'customers');
      await page.waitForLoadState('networkidle'); // the shortcut is bound once the page is hydrated
      await page.keyboard.press('Control+K');
      await page.getByPlaceholder(/Customer name, domain/).fill('Zoë');
      const option = page.getByRole('button', { name: /Zoë's Bakery/ });
      await option.waitFor();
      await option.click();
      await page.waitForURL(/\/customers\/001/);
      await page.getByRole('heading', { level: 1, name: "Zoë's Bakery & Café" }).waitFor();
      // the search dialog closes with a transition: the page is checked once it is gone
      await page.getByRole('dialog').waitFor({ state: 'hidden' });
      const support = page.getByTestId('section-support');
      await support.waitFor();
      expect(await page.getByTestId('section-accounting').textContent()).not.toMatch(/\$\d/);
      expect(await page.getByRole('link', { name: /, call / }).count()).toBeGreaterThan(0);
      expect(await page.getByRole('link', { name: /, e-mail / }).count()).toBeGreaterThan(0);
      expect(await page.getByTestId('section-deals').count()).toBe(0);
      await expectAccessible(page, 'support customer page');
      await shot('support-main');
      await expectBooksNamedRight();
      await page.goto(`${t.baseURL()}/tickets`);
      await page.getByRole('heading', { level: 1, name: 'Urgent tickets' }).waitFor();
      await expectAccessible(page, 'urgent tickets');
    });

    it('account manager: opens a flagged account from My accounts and sees deals, gaps, health with reasons, timeline', async () => {
      await signInAs(page, t.baseURL(), 'Alex');
      await page.waitForURL(/\/accounts/);
      await page.getByRole('heading', { level: 1, name: 'My accounts' }).waitFor();
      // the list streams in after the page's heading
      await page.getByTestId('accounts-table').waitFor();
      expect(await page.locator('tbody tr').count()).toBeGreaterThan(10);
      await expectAccessible(page, 'my accounts');
      await shot('account-manager-main');
      const flagged = manifest.overdueWithUrgentTickets[0]!.accountId;
      await page.goto(`${t.baseURL()}/customers/${flagged}`);
      await page.getByTestId('section-deals').waitFor();
      expect(await page.locator('[data-flag="OVERDUE_WITH_URGENT_TICKETS"]').count()).toBe(1);
      expect(await page.getByTestId('section-health').textContent()).toMatch(/Urgent open tickets/);
      expect(await page.getByTestId('section-timeline').locator('li').count()).toBeGreaterThan(0);
      await expectAccessible(page, 'account manager customer page');
      await shot('account-manager-customer');
      await expectBooksNamedRight();

      // a conflict is told once, in the table with both values and the rule's why; the flags card points to it
      const conflicted = manifest.conflicts[0]!.accountId;
      await page.goto(`${t.baseURL()}/customers/${conflicted}`);
      await page.getByTestId('section-conflicts').waitFor();
      const rows = page.getByTestId('conflict-row');
      expect(await rows.count()).toBeGreaterThan(0);
      expect(await rows.first().textContent()).toMatch(/Why: /);
      expect(await page.locator('[data-flag="CONFLICT"]').count()).toBe(0);
      expect(await page.getByTestId('conflicts-pointer').textContent()).toMatch(new RegExp(`^${await rows.count()} conflicts? between systems`));
      // the books keep the CRM's phone in international form: quietly "formatted differently", never a conflict
      expect(await page.getByTestId('formatted-differently').textContent()).toMatch(
        /Phone: .* formatted differently; .* is the system of record\. No conflict\./
      );
      await expectAccessible(page, 'customer page with conflicts');
    });

    it('finance: works the overdue list and sees a finished milestone that was never invoiced', async () => {
      await signInAs(page, t.baseURL(), 'Dana');
      await page.waitForURL(/\/finance/);
      await page.getByTestId('overdue-table').waitFor();
      expect(await page.getByTestId('overdue-table').locator('tbody tr').count()).toBeGreaterThan(0);
      await expectAccessible(page, 'overdue invoices');
      await shot('finance-main');
      await expectBooksNamedRight();
      const gap = manifest.milestonesWithoutInvoice[0]!.accountId;
      await page.goto(`${t.baseURL()}/customers/${gap}`);
      await page.getByTestId('section-accounting').waitFor();
      expect(await page.locator('[data-flag="MILESTONE_NOT_INVOICED"]').count()).toBeGreaterThan(0);
      // an open balance is charted by age; none says so instead of drawing empty bars
      const billing = (await page.getByTestId('section-accounting').textContent()) ?? '';
      expect(billing).toMatch(/Open balance\$0\.00/.test(billing) ? /No open balance to age/ : /Aging of the open balance/);
      expect(await page.getByTestId('section-support').textContent()).toMatch(/Ticket details are shown to support/);
      await expectAccessible(page, 'finance customer page');
      await expectBooksNamedRight();
    });

    it('admin: checks source status, the integration register and the identity review queue', async () => {
      await signInAs(page, t.baseURL(), 'Morgan');
      await page.waitForURL(/\/admin/);
      await page.getByTestId('source-status').waitFor();
      expect(await page.getByTestId('source-status').locator('section').count()).toBe(4);
      // each system's reachability badge sits beside its name, also beside a name that wraps ("QuickBooks Online")
      for (const card of await page.getByTestId('source-status').locator('section').all()) {
        const name = (await card.getByRole('heading').first().boundingBox())!;
        const badge = (await card.locator('.mantine-Badge-root').first().boundingBox())!;
        expect(badge.y).toBeLessThan(name.y + 16);
        expect(badge.x).toBeGreaterThan(name.x + name.width - 1);
      }
      await expectAccessible(page, 'admin sources');
      await shot('admin-main');
      // the status of the system keeping the books (the admin page still names the CRM's setting for its id field as it is called)
      if (t.accounting) expect(await page.getByTestId('source-status').textContent()).toContain(t.accounting.name);
      await page.getByRole('tab', { name: 'Integration register' }).click();
      await page.getByTestId('integration-register').waitFor();
      expect(await page.getByTestId('integration-register').textContent()).toMatch(/When it fails/);
      await expectAccessible(page, 'admin register');
      await page.getByRole('tab', { name: /Identity review/ }).click();
      await page.getByTestId('identity-review').waitFor();
      expect(await page.getByTestId('identity-review').textContent()).toMatch(/Ambiguous: pick the right record/);
      await expectAccessible(page, 'admin review');
      // the navigation marks the one page you are on, also under /admin
      const marked = () => page.getByRole('navigation', { name: 'Main' }).locator('[aria-current="page"]').allTextContents();
      expect(await marked()).toEqual(['Admin']);
      for (const [path, label] of [
        ['/admin/audit', 'Read audit'],
        ['/admin/sessions', 'Sessions'],
      ] as const) {
        await page.goto(`${t.baseURL()}${path}`);
        expect(await marked()).toEqual([label]);
      }
    });
  });
}
