/** Shared set-up for this module's tests: an in-process sandbox (msw) and a kit around the real client. */
import { setupServer } from 'msw/node';
import { SourceCache } from '../kit/cache.js';
import { clockAt } from '../kit/clock.js';
import { parseEnv } from '../kit/config.js';
import { SourceHealth } from '../kit/metrics.js';
import { SourceKit } from '../kit/source-kit.js';
import type { DatasetOptions } from '../sandbox/dataset.js';
import { sandboxEnv } from '../sandbox/env.js';
import { SANDBOX_CREDENTIALS, SandboxState } from '../sandbox/state.js';
import type { World } from '../sandbox/world.js';
import { QuickbooksClient, type QuickbooksClientOptions } from './client.server.js';
import type { QuickbooksConfig } from './config.js';
import { quickbooksSource } from './index.js';
import { createLoaders, type QuickbooksLoaderOptions } from './loaders.js';
import { quickbooksSandbox } from './sandbox/handlers.js';

/** The in-process sandbox origin (sources/sandbox/in-process.ts), repeated to avoid importing every vendor. */
export const ORIGIN = 'http://sandbox.panorama.test';
export const TODAY = '2026-11-27';
export const SMALL: DatasetOptions = { size: 60, seed: 7, today: TODAY };

export function startSandbox(options: DatasetOptions = SMALL, world?: World) {
  const state = new SandboxState(options, world);
  const server = setupServer(...quickbooksSandbox(state));
  server.listen({ onUnhandledRequest: 'error' });
  const env = sandboxEnv(ORIGIN, state.world.quickbooks.realmId, state.world.asana.workspace.gid);
  const api = `${ORIGIN}/quickbooks/v3/company/${state.world.quickbooks.realmId}`;
  return { state, server, env, api };
}

export function configFrom(env: Record<string, string>): QuickbooksConfig {
  return parseEnv(quickbooksSource.configSchema, env, 'QuickBooks');
}

export function buildKit(opts: { timeoutMs?: number; breaker?: { threshold: number; halfOpenAfterMs: number } } = {}) {
  return new SourceKit({
    source: 'quickbooks',
    timeoutMs: opts.timeoutMs ?? quickbooksSource.timeoutMs,
    mapError: quickbooksSource.mapError,
    cachePolicies: quickbooksSource.cachePolicies,
    cache: new SourceCache({ maxBytes: 50e6 }),
    health: new SourceHealth(),
    clock: clockAt(TODAY),
    breaker: opts.breaker ?? { threshold: 1000, halfOpenAfterMs: 10 },
  });
}

export function buildModule(
  env: Record<string, string>,
  o: { kit?: Parameters<typeof buildKit>[0]; client?: QuickbooksClientOptions; loaders?: Partial<QuickbooksLoaderOptions> } = {},
) {
  const config = configFrom(env);
  const client = new QuickbooksClient(config, o.client);
  const kit = buildKit(o.kit);
  const loaders = createLoaders(client, kit, { forceRefresh: false, today: () => TODAY, ...o.loaders });
  return { config, client, kit, loaders };
}

/** A fresh access token from the sandbox's token endpoint, for raw requests. */
export async function accessToken(state: SandboxState): Promise<string> {
  const refresh = [...state.refreshTokens.quickbooks][0]!;
  const res = await fetch(`${ORIGIN}/quickbooks/oauth2/v1/tokens/bearer`, {
    method: 'POST',
    headers: { authorization: basicAuth(), 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refresh }).toString(),
  });
  if (!res.ok) throw new Error(`token refresh failed: ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export function basicAuth(id: string = SANDBOX_CREDENTIALS.quickbooks.clientId, secret: string = SANDBOX_CREDENTIALS.quickbooks.clientSecret): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}
