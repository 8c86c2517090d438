import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from '../kit/config.js';
import { SANDBOX_CREDENTIALS } from '../sandbox/state.js';
import { SANDBOX_WEBHOOKS } from '../sandbox/constants.js';
import { salesforceSource } from './index.js';

const base = {
  SALESFORCE_INSTANCE_URL: 'https://acme.my.salesforce.com/',
  SALESFORCE_CLIENT_ID: 'id',
  SALESFORCE_CLIENT_SECRET: 'secret',
  SALESFORCE_REFRESH_TOKEN: 'refresh',
};
const parse = (env: Record<string, string | undefined>) => parseEnv(salesforceSource.configSchema, env, 'Salesforce');

describe('config', () => {
  it('reads the env into a typed config with defaults; trailing slash dropped', () => {
    expect(parse(base)).toEqual({
      instanceUrl: 'https://acme.my.salesforce.com',
      loginUrl: 'https://login.salesforce.com',
      clientId: 'id',
      clientSecret: 'secret',
      refreshToken: 'refresh',
      apiVersion: '62.0',
      timeoutMs: 8000,
      httpRetries: 0,
      defaultCurrency: null,
      fields: { accountingId: 'QuickBooks_Customer_Id__c', tier: 'Tier__c', primaryContact: 'Primary__c' },
    });
    expect(parse({ ...base, SALESFORCE_ACCOUNT_TIER_FIELD: 'acme__Tier__c', SALESFORCE_CONTACT_PRIMARY_FIELD: '' }).fields).toEqual({
      accountingId: 'QuickBooks_Customer_Id__c',
      tier: 'acme__Tier__c',
      primaryContact: null,
    });
    expect(() => parse({ ...base, SALESFORCE_ACCOUNT_TIER_FIELD: "Tier__c, (SELECT Id FROM Cases)" })).toThrow(/SALESFORCE_ACCOUNT_TIER_FIELD/);
    expect(parse({ ...base, SALESFORCE_DEFAULT_CURRENCY: 'eur' }).defaultCurrency).toBe('EUR');
    expect(parse({ ...base, SALESFORCE_DEFAULT_CURRENCY: '' }).defaultCurrency).toBeNull();
    expect(() => parse({ ...base, SALESFORCE_DEFAULT_CURRENCY: 'euros' })).toThrow(/SALESFORCE_DEFAULT_CURRENCY/);
    expect(parse({ ...base, SALESFORCE_API_VERSION: '61.0', SALESFORCE_TIMEOUT_MS: '2500', SALESFORCE_HTTP_RETRIES: '1' })).toMatchObject({
      apiVersion: '61.0',
      timeoutMs: 2500,
      httpRetries: 1,
    });
  });

  it('takes no refresh token: an admin connects Salesforce on /admin/connections then', () => {
    expect(parse({ ...base, SALESFORCE_REFRESH_TOKEN: '' }).refreshToken).toBeNull();
  });

  it.each([
    [{ ...base, SALESFORCE_INSTANCE_URL: 'acme' }, 'SALESFORCE_INSTANCE_URL'],
    [{ ...base, SALESFORCE_CLIENT_SECRET: undefined }, 'SALESFORCE_CLIENT_SECRET'],
    [{ ...base, SALESFORCE_LOGIN_URL: 'login' }, 'SALESFORCE_LOGIN_URL'],
    [{ ...base, SALESFORCE_API_VERSION: 'v62' }, 'SALESFORCE_API_VERSION'],
    [{ ...base, SALESFORCE_HTTP_RETRIES: '9' }, 'SALESFORCE_HTTP_RETRIES'],
  ])('a bad or missing value names its variable (%#)', (env, name) => {
    expect(() => parse(env)).toThrow(ConfigError);
    expect(() => parse(env)).toThrow(name);
  });

  it('never echoes a secret in the error', () => {
    try {
      parse({ ...base, SALESFORCE_INSTANCE_URL: 'not a url', SALESFORCE_CLIENT_SECRET: 'hunter2' });
    } catch (e) {
      expect((e as Error).message).not.toContain('hunter2');
    }
  });
});

describe('salesforceSource', () => {
  it('points at the sandbox with only SALESFORCE_* variables', () => {
    const env = salesforceSource.sandboxEnv('http://localhost:4010/');
    expect(env).toEqual({
      SALESFORCE_INSTANCE_URL: 'http://localhost:4010/salesforce',
      SALESFORCE_LOGIN_URL: 'http://localhost:4010/salesforce',
      SALESFORCE_CLIENT_ID: SANDBOX_CREDENTIALS.salesforce.clientId,
      SALESFORCE_CLIENT_SECRET: SANDBOX_CREDENTIALS.salesforce.clientSecret,
      SALESFORCE_REFRESH_TOKEN: SANDBOX_CREDENTIALS.salesforce.refreshToken,
      // the sandbox's outbound messages are on: it delivers them to Panorama
      SALESFORCE_WEBHOOK_TOKEN: SANDBOX_WEBHOOKS.salesforce.token,
      SALESFORCE_WEBHOOK_ORGANIZATION_ID: SANDBOX_WEBHOOKS.salesforce.organizationId,
    });
    expect(() => parse(env)).not.toThrow();
  });

  it('deep-links records into Lightning', () => {
    const config = parse(base);
    expect(salesforceSource.deepLink(config, 'account', '001Pn0000000001IAA')).toBe('https://acme.my.salesforce.com/lightning/r/Account/001Pn0000000001IAA/view');
    expect(salesforceSource.deepLink(config, 'Contact', '003Pn0000000001IAA')).toBe('https://acme.my.salesforce.com/lightning/r/Contact/003Pn0000000001IAA/view');
    expect(salesforceSource.deepLink(config, 'opportunity', '006Pn0000000001IAA')).toBe('https://acme.my.salesforce.com/lightning/r/Opportunity/006Pn0000000001IAA/view');
    expect(salesforceSource.deepLink(config, 'task', '00TPn0000000001')).toBe('https://acme.my.salesforce.com/00TPn0000000001');
    expect(salesforceSource.deepLink(config, 'account', '../x?y')).toBe('https://acme.my.salesforce.com/lightning/r/Account/..%2Fx%3Fy/view');
  });

  // That its loaders' requests and cached entities match the register and policies: sources/register.test.ts.
  it('is the CRM module, with a register entry naming its owner and trigger', () => {
    const r = salesforceSource.register;
    expect(r.owner).toBe('Panorama platform team');
    expect(r.trigger).toMatch(/^on demand when a user opens a customer, list or search; cached per the policies. The account index: .*SystemModstamp/);
    expect(salesforceSource).toMatchObject({ id: 'salesforce', displayName: 'Salesforce', category: 'crm', timeoutMs: 8000 });
  });
});
