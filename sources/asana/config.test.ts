import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from '../kit/config.js';
import { SANDBOX_CREDENTIALS, SandboxState } from '../sandbox/state.js';
import { SANDBOX_WEBHOOKS } from '../sandbox/constants.js';
import { asanaConfigSchema } from './config.js';
import { SANDBOX_WORKSPACE_GID, asanaDeepLink, asanaSource } from './index.js';

const env = { ASANA_ACCESS_TOKEN: 'pat', ASANA_WORKSPACE_GID: '1200000000000001' };

describe('Asana config', () => {
  it('defaults to the real API and the "Salesforce Account Id" field', () => {
    expect(parseEnv(asanaConfigSchema, env, 'Asana')).toEqual({
      baseUrl: 'https://app.asana.com/api/1.0',
      accessToken: 'pat',
      workspaceGid: '1200000000000001',
      accountField: { name: 'Salesforce Account Id', gid: null },
      timeoutMs: 8000,
    });
  });

  it('takes a custom field gid and strips a trailing slash', () => {
    const c = parseEnv(asanaConfigSchema, { ...env, ASANA_BASE_URL: 'http://localhost:4010/asana/api/1.0/', ASANA_ACCOUNT_FIELD_GID: '77' }, 'Asana');
    expect(c.baseUrl).toBe('http://localhost:4010/asana/api/1.0');
    expect(c.accountField).toEqual({ name: 'Salesforce Account Id', gid: '77' });
  });

  it.each([
    [{ ...env, ASANA_BASE_URL: 'not a url' }, 'ASANA_BASE_URL'],
    [{ ...env, ASANA_WORKSPACE_GID: 'acme' }, 'ASANA_WORKSPACE_GID'],
    [{ ...env, ASANA_ACCOUNT_FIELD_GID: '12&x=1' }, 'ASANA_ACCOUNT_FIELD_GID'],
  ])('names the bad variable', (bad, name) => {
    expect(() => parseEnv(asanaConfigSchema, bad, 'Asana')).toThrow(ConfigError);
    expect(() => parseEnv(asanaConfigSchema, bad, 'Asana')).toThrow(new RegExp(name));
  });

  it('takes no token: an admin connects Asana on /admin/connections then', () => {
    expect(parseEnv(asanaConfigSchema, { ASANA_WORKSPACE_GID: '1' }, 'Asana').accessToken).toBeNull();
    expect(parseEnv(asanaConfigSchema, { ASANA_WORKSPACE_GID: '1', ASANA_ACCESS_TOKEN: '  ' }, 'Asana').accessToken).toBeNull();
  });

  it("points at the sandbox's workspace with the sandbox token", () => {
    const state = new SandboxState({ size: 20, seed: 7, today: '2026-11-27' });
    expect(state.world.asana.workspace.gid).toBe(SANDBOX_WORKSPACE_GID);
    expect(asanaSource.sandboxEnv('http://localhost:4010/')).toEqual({
      ASANA_BASE_URL: 'http://localhost:4010/asana/api/1.0',
      ASANA_ACCESS_TOKEN: SANDBOX_CREDENTIALS.asana.accessToken,
      ASANA_WORKSPACE_GID: SANDBOX_WORKSPACE_GID,
      // the sandbox's webhooks are on: it delivers signed notifications to Panorama
      ASANA_WEBHOOK_TOKEN: SANDBOX_WEBHOOKS.asana.token,
    });
  });
});

describe('Asana deep links', () => {
  it('links projects to their list view and tasks to the task page', () => {
    expect(asanaDeepLink(null, 'Project', '1201')).toBe('https://app.asana.com/0/1201/list');
    expect(asanaDeepLink(null, 'Task', '1202')).toBe('https://app.asana.com/0/0/1202');
    expect(asanaDeepLink(null, 'milestone', '1203')).toBe('https://app.asana.com/0/0/1203');
    expect(asanaDeepLink(null, 'project', '12/../x')).toBe('https://app.asana.com/0/12%2F..%2Fx/list');
  });
});

describe('Asana register', () => {
  it('documents the index, the batch cost and the token', () => {
    const text = JSON.stringify(asanaSource.register);
    expect(asanaSource.register.owner).toBe('Panorama platform team');
    expect(text).toMatch(/project index/);
    expect(text).toMatch(/ceil\(2N \/ 10\)/);
    expect(text).toMatch(/ASANA_ACCESS_TOKEN/);
    expect(asanaSource.cachePolicies['project-index']!.ttlMs).toBeGreaterThan(asanaSource.cachePolicies.projects!.ttlMs);
  });
});
