/** Test wiring for this module: the Salesforce sandbox in-process (msw), a client on it, and a source kit. */
import { setupServer } from 'msw/node';
import { SourceCache } from '../kit/cache.js';
import { clockAt } from '../kit/clock.js';
import { parseEnv } from '../kit/config.js';
import { SourceHealth } from '../kit/metrics.js';
import { SourceKit } from '../kit/source-kit.js';
import { SandboxState } from '../sandbox/state.js';
import type { World } from '../sandbox/world.js';
import { SalesforceClient } from './client.server.js';
import { salesforceSource } from './index.js';
import { createLoaders, type SalesforceLoaderTuning } from './loaders.js';
import { salesforceSandbox } from './sandbox/handlers.js';

/** Same origin as sources/sandbox/in-process.ts, which cannot be imported until all four vendors exist. */
export const TEST_ORIGIN = 'http://sandbox.panorama.test';
export const TODAY = '2026-11-27';

export function salesforceHarness(opts: { size?: number; world?: World; env?: Record<string, string> } = {}) {
  const state = new SandboxState({ size: opts.size ?? 60, seed: 7, today: TODAY }, opts.world);
  const server = setupServer(...salesforceSandbox(state));
  const env = { ...salesforceSource.sandboxEnv(TEST_ORIGIN), ...opts.env };
  const config = parseEnv(salesforceSource.configSchema, env, 'Salesforce');
  const api = `${TEST_ORIGIN}/salesforce/services/data/v62.0`;

  const newClient = (extraEnv: Record<string, string> = {}) =>
    new SalesforceClient(parseEnv(salesforceSource.configSchema, { ...env, ...extraEnv }, 'Salesforce'));

  const newKit = (kitOpts: { timeoutMs?: number; breaker?: { threshold: number; halfOpenAfterMs: number } } = {}) =>
    new SourceKit({
      source: 'salesforce',
      timeoutMs: kitOpts.timeoutMs ?? salesforceSource.timeoutMs,
      mapError: salesforceSource.mapError,
      cachePolicies: salesforceSource.cachePolicies,
      cache: new SourceCache({ maxBytes: 50e6 }),
      health: new SourceHealth(),
      clock: clockAt(TODAY),
      ...(kitOpts.breaker ? { breaker: kitOpts.breaker } : {}),
    });

  /** A fresh client, kit and per-request loaders. */
  const setup = (
    o: {
      env?: Record<string, string>;
      timeoutMs?: number;
      forceRefresh?: boolean;
      breaker?: { threshold: number; halfOpenAfterMs: number };
      tuning?: SalesforceLoaderTuning;
    } = {},
  ) => {
    const client = newClient(o.env);
    const kit = newKit(o);
    /** Loaders for one more request on the same client and kit (the cache carries over). */
    const next = (forceRefresh = false) => createLoaders(client, kit, { forceRefresh }, o.tuning);
    return { client, kit, loaders: next(o.forceRefresh ?? false), next };
  };

  /** A valid access token straight from the sandbox's token endpoint, for raw HTTP tests. */
  const token = async (): Promise<string> => {
    const res = await fetch(`${TEST_ORIGIN}/salesforce/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: env.SALESFORCE_CLIENT_ID!,
        client_secret: env.SALESFORCE_CLIENT_SECRET!,
        refresh_token: env.SALESFORCE_REFRESH_TOKEN!,
      }),
    });
    return ((await res.json()) as { access_token: string }).access_token;
  };

  return { state, server, env, config, api, newClient, newKit, setup, token, world: state.world };
}

