/**
 * Every role's main task with Xero keeping the books: the same walk as roles.e2e.ts, on an app of its own started
 * with PANORAMA_ACCOUNTING=xero on the built-in sandbox (whose Xero organisation is derived from the same seeded
 * world). The CRM's accounting-id field is off, as for a business that keeps its books in Xero, so accounting
 * customers are linked by domain and name.
 */
import { afterAll, beforeAll } from 'vitest';
import { startApp, UNLIMITED_RATES, type StartedApp } from '../support/app-process.js';
import { pagePerTest } from '../support/page-per-test.js';
import { describeRoleWalk } from '../support/role-walk.js';

let app: StartedApp | undefined;
beforeAll(async () => {
  app = await startApp({
    tempStore: 'panorama-roles-xero-',
    env: { SANDBOX_SIZE: '300', PANORAMA_ACCOUNTING: 'xero', SALESFORCE_ACCOUNT_QUICKBOOKS_ID_FIELD: '', ...UNLIMITED_RATES },
  });
}, 120_000);
afterAll(async () => {
  await app?.stop();
});

const started = () => {
  if (!app) throw new Error('the app starts in beforeAll');
  return app;
};
const session = pagePerTest(
  () => started().url,
  () => started().sandboxOrigin
);
describeRoleWalk({
  baseURL: () => started().url,
  sandboxOrigin: () => started().sandboxOrigin,
  session: () => session,
  accounting: { name: 'Xero', notNamed: 'QuickBooks' },
});
