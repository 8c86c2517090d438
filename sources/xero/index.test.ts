import { describe, expect, it } from 'vitest';
import { systemsOf } from '../kit/contract.js';
import { ACCOUNTING_MODULES, composeModules } from '../modules.js';
import { sourcesSettings } from '../settings.js';
import { xeroConfigSchema } from './config.js';
import { xeroDeepLink, xeroSource } from './index.js';
import { dueBefore } from './loaders.js';

const ENV = { XERO_CLIENT_ID: 'id', XERO_CLIENT_SECRET: 'secret', XERO_REFRESH_TOKEN: 'rt' };
const ID = '3e776c4b-ea9e-4bb1-96be-6b0c7a71a37f';

describe('the Xero module', () => {
  it('serves the accounting category under the name Xero, beside QuickBooks as the other choice', () => {
    expect(xeroSource).toMatchObject({ id: 'xero', displayName: 'Xero', category: 'accounting', statusPage: 'status.xero.com' });
    expect(ACCOUNTING_MODULES.xero).toBe(xeroSource);
    const systems = systemsOf(composeModules('xero'));
    expect(systems.accounting).toMatchObject({ id: 'xero', name: 'Xero', entities: { customer: 'Contact', invoice: 'Invoice', payment: 'Payment' } });
    expect(systemsOf(composeModules()).accounting.id).toBe('quickbooks');
  });

  it("links into Xero's web app as its deep-link guide builds them, through the organisation's ShortCode when set", () => {
    expect(xeroDeepLink(null, 'Customer', ID)).toBe(`https://go.xero.com/Contacts/View/${ID}`);
    expect(xeroDeepLink(null, 'Contact', ID)).toBe(`https://go.xero.com/Contacts/View/${ID}`);
    expect(xeroDeepLink(null, 'Invoice', ID)).toBe(`https://go.xero.com/AccountsReceivable/View.aspx?InvoiceID=${ID}`);
    expect(xeroDeepLink(null, 'Payment', ID)).toBe(`https://go.xero.com/Bank/ViewTransaction.aspx?bankTransactionID=${ID}`);
    expect(xeroDeepLink('!NLglS', 'Invoice', ID)).toBe(`https://go.xero.com/organisationlogin/default.aspx?shortcode=!NLglS&redirecturl=/AccountsReceivable/View.aspx?InvoiceID=${ID}`);
    expect(() => xeroDeepLink(null, 'Quote', ID)).toThrow(/no deep link/);
  });

  it("reads its settings with Xero's endpoints by default; a bad tenant id or timeout names its variable", () => {
    const c = xeroConfigSchema.parse(ENV);
    expect(c).toMatchObject({
      endpoints: { api: 'https://api.xero.com/api.xro/2.0', connections: 'https://api.xero.com/connections', token: 'https://identity.xero.com/connect/token' },
      tenantId: null,
      baseCurrency: 'USD',
      shortCode: null,
      timeoutMs: 8000,
    });
    expect(c.authorizeUrl).toBe('https://login.xero.com/identity/connect/authorize');
    expect(c.scopes).toBe('offline_access accounting.contacts.read accounting.transactions.read');
    // the granular scopes of newer apps are taken; a write scope, or none that grants a refresh token, is refused naming the variable
    expect(xeroConfigSchema.parse({ ...ENV, XERO_SCOPES: ' offline_access  accounting.contacts.read accounting.invoices.read accounting.payments.read ' }).scopes).toBe(
      'offline_access accounting.contacts.read accounting.invoices.read accounting.payments.read',
    );
    expect(xeroConfigSchema.safeParse({ ...ENV, XERO_SCOPES: 'offline_access accounting.transactions' }).error?.issues[0]?.message).toMatch(/XERO_SCOPES must name read-only scopes/);
    expect(xeroConfigSchema.safeParse({ ...ENV, XERO_SCOPES: 'accounting.contacts.read' }).error?.issues[0]?.message).toMatch(/XERO_SCOPES must include offline_access/);
    // no refresh token in the environment: an admin connects Xero on /admin/connections
    expect(xeroConfigSchema.parse({ XERO_CLIENT_ID: 'id', XERO_CLIENT_SECRET: 's' }).refreshToken).toBeNull();
    expect(xeroConfigSchema.parse({ ...ENV, XERO_TENANT_ID: ID.toUpperCase() }).tenantId).toBe(ID);
    expect(xeroConfigSchema.safeParse({ ...ENV, XERO_TENANT_ID: 'acme' }).error?.issues[0]?.message).toMatch(/XERO_TENANT_ID/);
    expect(xeroConfigSchema.safeParse({ ...ENV, XERO_TIMEOUT_MS: 'soon' }).error?.issues[0]?.message).toMatch(/XERO_TIMEOUT_MS/);
    expect(xeroConfigSchema.safeParse({ XERO_CLIENT_ID: 'id' }).error?.issues.map((i) => i.message)).toEqual(
      expect.arrayContaining(['XERO_CLIENT_SECRET is required']),
    );
  });

  it('PANORAMA_ACCOUNTING chooses the module; unset is QuickBooks; anything else is refused naming it', () => {
    const parse = (env: Record<string, string>) => sourcesSettings.parse(env);
    const xero = parse({ PANORAMA_ACCOUNTING: 'xero', ...ENV });
    expect(xero.ok && xero.value.accounting).toBe('xero');
    expect(xero.ok && xero.value.configs.xero).toMatchObject({ clientId: 'id' });
    const plain = parse({});
    expect(plain.ok && plain.value.accounting).toBe('quickbooks');
    const bad = parse({ PANORAMA_ACCOUNTING: 'sage' });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.issues).toEqual([expect.objectContaining({ variable: 'PANORAMA_ACCOUNTING', message: expect.stringMatching(/quickbooks or xero/) })]);
  });

  it('writes the overdue filter as Xero does dates', () => {
    expect(dueBefore('2026-11-27')).toBe('DueDate<DateTime(2026,11,27)');
    expect(() => dueBefore('27/11/2026')).toThrow(/Not a day/);
  });

  it("turns X-DayLimit-Remaining into the kit's daily allowance", () => {
    const client = xeroSource.createClient(xeroConfigSchema.parse(ENV), { tokens: { load: () => null, save: () => undefined } as never });
    expect(xeroSource.apiUsage!(client)).toBeUndefined();
    client.api.limitsLeft = { minute: 50, day: 4200, appMinute: 9000 };
    expect(xeroSource.apiUsage!(client)).toEqual({ used: 800, limit: 5000 });
  });
});
