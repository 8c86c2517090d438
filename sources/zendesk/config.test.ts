import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from '../kit/config.js';
import { sandboxEnv } from '../sandbox/env.js';
import { zendeskSource } from './index.js';

const parse = (env: Record<string, string | undefined>) => parseEnv(zendeskSource.configSchema, env, 'Zendesk');

describe('zendesk config', () => {
  it('reads the sandbox env into an API-token config', () => {
    expect(parse(zendeskSource.sandboxEnv('http://sandbox.panorama.test'))).toEqual({
      baseUrl: 'http://sandbox.panorama.test/zendesk',
      auth: { kind: 'api-token', email: 'panorama@panorama-demo.example', apiToken: 'sandbox-zendesk-token' },
      timeoutMs: 8000,
      // the documented default: the standard external_id
      linkField: { kind: 'external_id' },
    });
  });

  it('offers exactly the ZENDESK_ variables of the sandbox env', () => {
    const mine = zendeskSource.sandboxEnv('http://x');
    const all = sandboxEnv('http://x');
    expect(Object.keys(mine).sort()).toEqual(Object.keys(all).filter((k) => k.startsWith('ZENDESK_')).sort());
  });

  it('prefers an OAuth token and needs no e-mail then', () => {
    expect(parse({ ZENDESK_BASE_URL: 'https://acme.zendesk.com/', ZENDESK_OAUTH_TOKEN: 'tok', ZENDESK_TIMEOUT_MS: '3000' })).toEqual({
      baseUrl: 'https://acme.zendesk.com',
      auth: { kind: 'oauth', accessToken: 'tok' },
      timeoutMs: 3000,
      linkField: { kind: 'external_id' },
    });
  });

  it('takes no token: auth comes from the connection an admin makes on /admin/connections', () => {
    expect(parse({ ZENDESK_BASE_URL: 'https://acme.zendesk.com' }).auth).toBeNull();
  });

  it.each([
    [{ ZENDESK_EMAIL: 'a@b.c', ZENDESK_API_TOKEN: 't' }, /ZENDESK_BASE_URL/],
    [{ ZENDESK_BASE_URL: 'acme.zendesk.com', ZENDESK_EMAIL: 'a@b.c', ZENDESK_API_TOKEN: 't' }, /ZENDESK_BASE_URL: ZENDESK_BASE_URL must be a URL/],
    [{ ZENDESK_BASE_URL: 'ftp://acme', ZENDESK_EMAIL: 'a@b.c', ZENDESK_API_TOKEN: 't' }, /must use http or https/],
    [{ ZENDESK_BASE_URL: 'https://acme.zendesk.com', ZENDESK_API_TOKEN: 't' }, /ZENDESK_EMAIL/],
    [{ ZENDESK_BASE_URL: 'https://acme.zendesk.com', ZENDESK_EMAIL: 'not-an-email', ZENDESK_API_TOKEN: 't' }, /ZENDESK_EMAIL must be the e-mail/],
    [{ ZENDESK_BASE_URL: 'https://acme.zendesk.com', ZENDESK_OAUTH_TOKEN: 't', ZENDESK_TIMEOUT_MS: 'soon' }, /ZENDESK_TIMEOUT_MS/],
    [{ ZENDESK_BASE_URL: 'https://acme.zendesk.com', ZENDESK_OAUTH_TOKEN: 't', ZENDESK_ORGANIZATION_LINK_FIELD: 'crm id' }, /ZENDESK_ORGANIZATION_LINK_FIELD must be external_id/],
    [{ ZENDESK_BASE_URL: 'https://acme.zendesk.com', ZENDESK_OAUTH_TOKEN: 't', ZENDESK_ORGANIZATION_LINK_FIELD: '12345' }, /ZENDESK_ORGANIZATION_LINK_FIELD/],
  ])('names the bad variable: %j', (env, message) => {
    expect(() => parse(env)).toThrow(ConfigError);
    expect(() => parse(env)).toThrow(message);
  });

  it.each([
    ['salesforce_account_id', { kind: 'custom', key: 'salesforce_account_id' }],
    ['organization_fields.crm_id2', { kind: 'custom', key: 'crm_id2' }],
    [' External_ID ', { kind: 'external_id' }],
    ['', null],
  ])('ZENDESK_ORGANIZATION_LINK_FIELD=%j names the link field', (value, linkField) => {
    expect(parse({ ZENDESK_BASE_URL: 'https://acme.zendesk.com', ZENDESK_OAUTH_TOKEN: 't', ZENDESK_ORGANIZATION_LINK_FIELD: value }).linkField).toEqual(linkField);
  });

  it('builds deep links into the agent workspace', () => {
    const config = parse({ ZENDESK_BASE_URL: 'https://acme.zendesk.com', ZENDESK_OAUTH_TOKEN: 't' });
    expect(zendeskSource.deepLink(config, 'Ticket', '35436')).toBe('https://acme.zendesk.com/agent/tickets/35436');
    expect(zendeskSource.deepLink(config, 'organization', '509974')).toBe('https://acme.zendesk.com/agent/organizations/509974');
    expect(zendeskSource.deepLink(config, 'Organization', '1/../x')).toBe('https://acme.zendesk.com/agent/organizations/1%2F..%2Fx');
  });
});
