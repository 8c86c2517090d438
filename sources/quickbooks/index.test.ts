import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from '../kit/config.js';
import { generateWorld } from '../sandbox/dataset.js';
import { sandboxEnv } from '../sandbox/env.js';
import { quickbooksDeepLink, quickbooksSource } from './index.js';
import { QBO_SANDBOX_REALM_ID } from './sandbox/realm.js';

const ORIGIN = 'http://sandbox.panorama.test';
const env = sandboxEnv(ORIGIN);
const parse = (e: Record<string, string | undefined>) => parseEnv(quickbooksSource.configSchema, e, 'QuickBooks');

describe('quickbooks module', () => {
  it('reads its configuration from the environment, with defaults', () => {
    expect(parse({ ...env, UNRELATED: 'x' })).toEqual({
      baseUrl: `${ORIGIN}/quickbooks`,
      tokenUrl: `${ORIGIN}/quickbooks/oauth2/v1/tokens/bearer`,
      authorizeUrl: `${ORIGIN}/quickbooks/connect/oauth2`,
      clientId: 'sandbox-qbo-client',
      clientSecret: 'sandbox-qbo-secret',
      refreshToken: 'sandbox-qbo-refresh-0',
      realmId: QBO_SANDBOX_REALM_ID,
      minorVersion: 75,
      timeoutMs: 8000,
      homeCurrency: 'USD',
    });
    expect(parse({ ...env, QUICKBOOKS_MINOR_VERSION: '70', QUICKBOOKS_BASE_URL: `${ORIGIN}/qbo///` })).toMatchObject({ minorVersion: 70, baseUrl: `${ORIGIN}/qbo` });
  });

  it('takes no refresh token (an admin connects QuickBooks on /admin/connections then); the authorize URL defaults to Intuit\'s', () => {
    const { QUICKBOOKS_AUTHORIZE_URL: _a, ...rest } = env;
    expect(parse({ ...rest, QUICKBOOKS_REFRESH_TOKEN: undefined })).toMatchObject({ refreshToken: null, authorizeUrl: 'https://appcenter.intuit.com/connect/oauth2' });
  });

  it('names the variable that is missing or wrong', () => {
    const fail = (e: Record<string, string | undefined>) => {
      try {
        parse(e);
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as Error).message;
      }
      throw new Error('accepted');
    };
    expect(fail({ ...env, QUICKBOOKS_BASE_URL: 'not a url' })).toContain('QUICKBOOKS_BASE_URL');
    expect(fail({ ...env, QUICKBOOKS_TOKEN_URL: 'ftp://x/y' })).toContain('QUICKBOOKS_TOKEN_URL');
    expect(fail({ ...env, QUICKBOOKS_REALM_ID: '123/../456' })).toContain('QUICKBOOKS_REALM_ID');
    expect(fail({ ...env, QUICKBOOKS_AUTHORIZE_URL: 'appcenter' })).toContain('QUICKBOOKS_AUTHORIZE_URL');
    expect(fail({ ...env, QUICKBOOKS_MINOR_VERSION: 'latest' })).toContain('QUICKBOOKS_MINOR_VERSION');
  });

  it('points at the sandbox with exactly its QUICKBOOKS_* variables, for the realm the dataset uses', () => {
    const own = quickbooksSource.sandboxEnv(ORIGIN);
    expect(own).toEqual(Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('QUICKBOOKS_'))));
    expect(generateWorld({ size: 2, seed: 1 }).quickbooks.realmId).toBe(QBO_SANDBOX_REALM_ID);
  });

  it('links records to QuickBooks Online\'s web app', () => {
    const config = parse(env);
    expect(quickbooksSource.deepLink(config, 'Customer', '58')).toBe('https://app.qbo.intuit.com/app/customerdetail?nameId=58');
    expect(quickbooksSource.deepLink(config, 'invoice', '10001')).toBe('https://app.qbo.intuit.com/app/invoice?txnId=10001');
    expect(quickbooksSource.deepLink(config, 'Payment', '50001')).toBe('https://app.qbo.intuit.com/app/recvpayment?txnId=50001');
    expect(quickbooksDeepLink('customer', '1&x=2')).toBe('https://app.qbo.intuit.com/app/customerdetail?nameId=1%26x%3D2');
    expect(() => quickbooksDeepLink('Vendor', '1')).toThrow(/Vendor/);
  });

  // That its loaders' requests and cached entities match the register and policies: sources/register.test.ts.
  it('keeps stale data no shorter than fresh, and has a register entry naming its owner and trigger', () => {
    for (const [entity, p] of Object.entries(quickbooksSource.cachePolicies)) expect(p.maxStaleMs, entity).toBeGreaterThanOrEqual(p.ttlMs + p.swrMs);
    expect(quickbooksSource).toMatchObject({ id: 'quickbooks', category: 'accounting', timeoutMs: 8000 });
    const r = quickbooksSource.register;
    expect(r.owner).toBe('Panorama platform team');
    expect(r.trigger).toMatch(/^on demand when a user opens a customer, list or search; cached per the policies\. The customer index: .*Change Data Capture/);
    expect(r.endpoints.some((e) => e.startsWith('GET /v3/company/{realm}/cdc?entities=Customer'))).toBe(true);
  });
});
