import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSettings } from '../../app/.server/settings.js';
import { createPanoramaYoga } from '../../graphql/yoga.js';
import { parseGraphqlSettings } from '../../graphql/settings.js';
import { ConfigError } from '../../sources/kit/config.js';
import { isSourceError } from '../../sources/kit/errors.js';
import { testSandbox } from '../../sources/kit/testing.js';
import { createSourcesRuntime } from '../../sources/runtime.js';
import { ZendeskClient } from '../../sources/zendesk/client.server.js';
import { zendeskConfigSchema } from '../../sources/zendesk/config.js';
import { gql, viewerFor, type Harness } from '../support/graphql.js';

const SECRET = 'x'.repeat(40);
const sandbox = testSandbox({ size: 80, seed: 21 });
beforeAll(() => sandbox.listen());
afterAll(() => sandbox.close());

/** Real-looking sources (the in-process sandbox's variables) with a session secret: a valid production setup. */
const real = (extra: Record<string, string> = {}): Record<string, string> => ({ ...sandbox.env, SESSION_SECRET: SECRET, ...extra });

/** The ConfigError `parseSettings` throws for this env (fails when it does not throw). */
function refusal(env: Record<string, string>): string {
  try {
    parseSettings(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error(`parseSettings accepted ${JSON.stringify(Object.keys(env))}`);
}

describe('one settings schema: a bad value names its variable and the form it expects', () => {
  it.each([
    ['ZENDESK_BASE_URL', 'not-a-url', /ZENDESK_BASE_URL="not-a-url": .*must be a URL such as https:\/\/acme\.zendesk\.com/],
    ['PANORAMA_WON_DEAL_GRACE_DAYS', 'soon', /PANORAMA_WON_DEAL_GRACE_DAYS="soon": must be a whole number from 0 to 3650 \(days\)/],
    ['PORT', '70000', /PORT="70000": must be a whole number from 0 to 65535/],
    ['HOST', ' ', /HOST=" ": must be an interface address/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL="loud": must be one of fatal, error, warn, info/],
    ['PANORAMA_MODE', 'prod', /PANORAMA_MODE="prod": must be production or development/],
    ['PANORAMA_SECURE_COOKIES', 'yes', /PANORAMA_SECURE_COOKIES="yes": must be true or false/],
    ['PANORAMA_GRAPHIQL', '1', /PANORAMA_GRAPHIQL="1": must be true or false/],
    ['PANORAMA_CACHE_MAX_MB', 'lots', /PANORAMA_CACHE_MAX_MB="lots": must be a positive number \(megabytes\)/],
    ['PANORAMA_CACHE_TTL_SCALE', '0', /PANORAMA_CACHE_TTL_SCALE="0": must be a positive number of seconds/],
    ['PANORAMA_CACHE_TTL_ZENDESK_SECONDS', 'soon', /PANORAMA_CACHE_TTL_ZENDESK_SECONDS="soon"/],
    ['PANORAMA_CACHE_TTL_ZENDESK_WIDGETS_SECONDS', '5', /PANORAMA_CACHE_TTL_ZENDESK_WIDGETS_SECONDS="5": zendesk caches no "WIDGETS"/],
    ['PANORAMA_RESPONSE_CACHE_SECONDS', '-1', /PANORAMA_RESPONSE_CACHE_SECONDS="-1": must be a number of 0 or more/],
    ['PANORAMA_RESPONSE_CACHE_MAX_ENTRIES', '2.5', /PANORAMA_RESPONSE_CACHE_MAX_ENTRIES="2.5": must be a whole number/],
    ['PANORAMA_RESPONSE_CACHE_MAX_MB', 'lots', /PANORAMA_RESPONSE_CACHE_MAX_MB="lots"/],
    ['PANORAMA_SANDBOX_ORIGIN', 'here', /PANORAMA_SANDBOX_ORIGIN="here": must be the URL/],
    ['SALESFORCE_TIMEOUT_MS', 'soon', /SALESFORCE_TIMEOUT_MS="soon"/],
    ['SALESFORCE_HTTP_RETRIES', '9', /SALESFORCE_HTTP_RETRIES="9"/],
    ['SALESFORCE_API_VERSION', '62', /SALESFORCE_API_VERSION="62": SALESFORCE_API_VERSION must look like 62\.0/],
    ['QUICKBOOKS_TIMEOUT_MS', '5', /QUICKBOOKS_TIMEOUT_MS="5"/],
    ['QUICKBOOKS_MINOR_VERSION', 'latest', /QUICKBOOKS_MINOR_VERSION="latest"/],
    ['QUICKBOOKS_REALM_ID', 'acme', /QUICKBOOKS_REALM_ID="acme": QUICKBOOKS_REALM_ID must be the numeric company id/],
    ['ASANA_WORKSPACE_GID', 'ws-1', /ASANA_WORKSPACE_GID="ws-1": must be the numeric gid of the Asana workspace/],
    ['ASANA_ACCOUNT_FIELD_GID', 'field', /ASANA_ACCOUNT_FIELD_GID="field": must be the numeric gid of the Asana custom field/],
    ['ZENDESK_TIMEOUT_MS', 'soon', /ZENDESK_TIMEOUT_MS="soon"/],
    ['ZENDESK_EMAIL', 'nobody', /ZENDESK_EMAIL="nobody": ZENDESK_EMAIL must be the e-mail of the API user/],
    ['SANDBOX_PORT', 'x', /SANDBOX_PORT="x"/],
    ['SANDBOX_SIZE', '5', /SANDBOX_SIZE="5"/],
    ['SANDBOX_TODAY', 'tomorrow', /SANDBOX_TODAY="tomorrow": must be YYYY-MM-DD/],
    ['SANDBOX_FAULTS', '{', /SANDBOX_FAULTS="\{": must be JSON like/],
  ])('%s=%s', (name, value, message) => {
    expect(refusal(real({ [name]: value }))).toMatch(message);
  });

  it('names a missing required variable of a source that is partly configured', () => {
    const rest: Record<string, string> = real();
    delete rest.QUICKBOOKS_REALM_ID;
    expect(refusal(rest)).toMatch(/QUICKBOOKS_REALM_ID \(not set\): QUICKBOOKS_REALM_ID is required/);
  });

  it('reports every bad variable at once, and never repeats a secret', () => {
    const message = refusal(real({ PORT: 'x', SESSION_SECRET: 'short-secret', ZENDESK_BASE_URL: 'nope' }));
    expect(message).toMatch(/PORT="x"/);
    expect(message).toMatch(/SESSION_SECRET=\(hidden\): must be at least 32 random characters/);
    expect(message).toMatch(/ZENDESK_BASE_URL="nope"/);
    expect(message).not.toContain('short-secret');
  });

  it('parses a valid production setup, every value at its default unless set', () => {
    const s = parseSettings(real());
    expect(s.app).toEqual({ port: 3000, host: '0.0.0.0', logLevel: 'info', production: true, sessionSecret: SECRET, secureCookies: false, metricsToken: null, graphiql: false });
    expect(s.graphql).toEqual({ defaultPhoneRegion: 'US', responseCache: { seconds: 2, maxEntries: 200, maxMb: 20 }, wonDealGraceDays: 14, viewDeadlineMs: 10_000 });
    // real sources: Salesforce's daily allowance is watched, at 80 % of it
    expect(s.sources.allowanceSharePercent).toBe(80);
    expect(s.sources.cacheMaxBytes).toBe(200 * 1024 * 1024);
    expect(s.sources.tokenFile).toBeNull();
    expect(Object.values(s.sources.configs).every((c) => c !== null)).toBe(true);
    expect(s.sandbox.SANDBOX_PORT).toBe(4010);
    const set = parseSettings(real({ PORT: '8080', HOST: '127.0.0.1', LOG_LEVEL: 'debug', PANORAMA_SECURE_COOKIES: 'true', PANORAMA_METRICS_TOKEN: 'scrape', PANORAMA_CACHE_MAX_MB: '64', PANORAMA_TOKEN_FILE: '/var/lib/panorama/tokens.json' }));
    expect(set.app).toMatchObject({ port: 8080, host: '127.0.0.1', logLevel: 'debug', secureCookies: true, metricsToken: 'scrape' });
    expect(set.sources).toMatchObject({ cacheMaxBytes: 64 * 1024 * 1024, tokenFile: '/var/lib/panorama/tokens.json' });
  });
});

describe('production is the default; development needs asking for', () => {
  it('refuses real sources without SESSION_SECRET, naming it', () => {
    const { SESSION_SECRET: _, ...noSecret } = real();
    expect(refusal(noSecret)).toMatch(/SESSION_SECRET \(not set\): is required in production with sources configured/);
    // NODE_ENV plays no part
    expect(refusal({ ...noSecret, NODE_ENV: 'development' })).toMatch(/SESSION_SECRET/);
  });

  it('lets only the built-in sandbox, or development, run without a secret', () => {
    expect(parseSettings({}).app.sessionSecret).toBeNull();
    const { SESSION_SECRET: _, ...noSecret } = real();
    expect(parseSettings({ ...noSecret, PANORAMA_SANDBOX_ORIGIN: sandbox.origin }).app.production).toBe(true);
    expect(parseSettings({ ...noSecret, PANORAMA_MODE: 'development' }).app.production).toBe(false);
  });

  it('turns GraphiQL on only in development or when PANORAMA_GRAPHIQL says so', () => {
    expect(parseSettings(real()).app.graphiql).toBe(false);
    expect(parseSettings(real({ NODE_ENV: 'development' })).app.graphiql).toBe(false);
    expect(parseSettings(real({ PANORAMA_MODE: 'development' })).app.graphiql).toBe(true);
    expect(parseSettings(real({ PANORAMA_MODE: 'development', PANORAMA_GRAPHIQL: 'false' })).app.graphiql).toBe(false);
    expect(parseSettings(real({ PANORAMA_GRAPHIQL: 'true' })).app.graphiql).toBe(true);
  });

  it('never serves GraphiQL to a request without a signed-in viewer', async () => {
    const runtime = createSourcesRuntime({ ...sandbox.env, PANORAMA_SANDBOX_ORIGIN: sandbox.origin }, { clock: sandbox.clock });
    const page = (graphiql: boolean, viewer: ReturnType<typeof viewerFor> | null) =>
      createPanoramaYoga(runtime, { graphiql }).fetch('http://yoga/graphql', { headers: { accept: 'text/html' } }, { viewer });
    const signedIn = await page(true, viewerFor('admin'));
    expect(signedIn.status).toBe(200);
    expect(await signedIn.text()).toContain('GraphiQL');
    for (const r of [await page(true, null), await page(false, viewerFor('admin'))]) expect(await r.text()).not.toContain('GraphiQL');
  });
});

describe('each timeout setting is the per-call timeout of its source', () => {
  const sourcesWith = (extra: Record<string, string>) => createSourcesRuntime({ ...sandbox.env, PANORAMA_SANDBOX_ORIGIN: sandbox.origin, ...extra }, { clock: sandbox.clock });

  it.each([
    ['SALESFORCE_TIMEOUT_MS', 'salesforce', (r: ReturnType<typeof sourcesWith>) => r.createLoaders({ forceRefresh: true }).crm.accountIndex()],
    ['QUICKBOOKS_TIMEOUT_MS', 'quickbooks', (r: ReturnType<typeof sourcesWith>) => r.createLoaders({ forceRefresh: true }).accounting.customerIndex()],
    ['ZENDESK_TIMEOUT_MS', 'zendesk', (r: ReturnType<typeof sourcesWith>) => r.createLoaders({ forceRefresh: true }).support.organizationIndex()],
  ] as const)('%s: a hanging %s gives up after the set time', async (name, source, call) => {
    const runtime = sourcesWith({ [name]: '250' });
    expect(runtime.bySource[source].kit.timeoutMs).toBe(250);
    sandbox.state.setFault(source, { hang: true });
    try {
      const started = Date.now();
      const e = await call(runtime).then(() => null, (x: unknown) => x);
      expect(isSourceError(e) && e.code).toBe('TIMEOUT');
      expect((e as Error).message).toContain('within 250 ms');
      // well under the 8 s the kit used whatever the setting
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      sandbox.state.setFault(source, { hang: false });
    }
  });

  it('lets a timeout go above 8 s, and keeps 8 s when unset', () => {
    const r = sourcesWith({ SALESFORCE_TIMEOUT_MS: '20000', QUICKBOOKS_TIMEOUT_MS: '15000', ZENDESK_TIMEOUT_MS: '12000' });
    expect([r.bySource.salesforce.kit.timeoutMs, r.bySource.quickbooks.kit.timeoutMs, r.bySource.zendesk.kit.timeoutMs]).toEqual([20000, 15000, 12000]);
    expect(sourcesWith({}).list.map((s) => s.kit.timeoutMs)).toEqual([8000, 8000, 8000, 8000]);
  });

  it('ZENDESK_TIMEOUT_MS also bounds the Zendesk client on its own, without a caller signal', async () => {
    const client = new ZendeskClient(zendeskConfigSchema.parse({ ...sandbox.env, ZENDESK_TIMEOUT_MS: '200' }));
    sandbox.state.setFault('zendesk', { hang: true });
    try {
      const started = Date.now();
      await expect(client.organizationsPage(null)).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      sandbox.state.setFault('zendesk', { hang: false });
    }
  });
});

describe('PANORAMA_TOKEN_FILE', () => {
  it('keeps the refresh token QuickBooks rotates in that file, mode 0600, and a new runtime starts from it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'panorama-tokens-'));
    const file = path.join(dir, 'tokens.json');
    try {
      const runtime = createSourcesRuntime({ ...sandbox.env, PANORAMA_TOKEN_FILE: file }, { clock: sandbox.clock });
      await runtime.createLoaders({ forceRefresh: true }).accounting.customerIndex();
      const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
      expect(saved.quickbooks).toBeTruthy();
      expect(saved.quickbooks).not.toBe(sandbox.env.QUICKBOOKS_REFRESH_TOKEN);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      // the configured token was spent by the rotation: without the file a new runtime is refused, with it it reads
      const without = createSourcesRuntime({ ...sandbox.env }, { clock: sandbox.clock });
      await expect(without.createLoaders({ forceRefresh: true }).accounting.customerIndex()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
      const again = createSourcesRuntime({ ...sandbox.env, PANORAMA_TOKEN_FILE: file }, { clock: sandbox.clock });
      await expect(again.createLoaders({ forceRefresh: true }).accounting.customerIndex()).resolves.toBeDefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
      // the other tests of this file use the configured token
      sandbox.state.refreshTokens.quickbooks.add(sandbox.env.QUICKBOOKS_REFRESH_TOKEN!);
    }
  });
});

describe('PANORAMA_WON_DEAL_GRACE_DAYS', () => {
  it('decides how long a won deal may go without a project before it is flagged', async () => {
    const runtime = createSourcesRuntime({ ...sandbox.env, PANORAMA_SANDBOX_ORIGIN: sandbox.origin }, { clock: sandbox.clock });
    const gap = sandbox.state.world.manifest.wonDealsWithoutProject[0]!;
    const wonDealFlags = async (env: Record<string, string>) => {
      const h: Harness = { sandbox, runtime, yoga: createPanoramaYoga(runtime, { settings: parseGraphqlSettings(env) }) };
      const r = await gql<{ customer: { flags: { kind: string }[] } }>(h, viewerFor('admin'), 'query ($id: ID!) { customer(id: $id) { flags { kind } } }', { id: gap.accountId });
      expect(r.errors).toBeUndefined();
      return r.data!.customer.flags.filter((f) => f.kind === 'WON_DEAL_WITHOUT_PROJECT').length;
    };
    expect(await wonDealFlags({})).toBeGreaterThan(0);
    expect(await wonDealFlags({ PANORAMA_WON_DEAL_GRACE_DAYS: '3650' })).toBe(0);
  });
});
