import { MemoryTokenStore } from '../kit/token-store.js';
/** Shared set-up for this module's tests: an in-process sandbox (msw) and a kit around the real client. */
import { setupServer } from 'msw/node';
import { SourceCache } from '../kit/cache.js';
import { clockAt } from '../kit/clock.js';
import { parseEnv } from '../kit/config.js';
import { SourceHealth } from '../kit/metrics.js';
import { SourceKit } from '../kit/source-kit.js';
import { sandboxEnv } from '../sandbox/env.js';
import { SandboxState } from '../sandbox/state.js';
import type { DatasetOptions } from '../sandbox/dataset.js';
import { ZendeskClient } from './client.server.js';
import { zendeskSource } from './index.js';
import { createLoaders } from './loaders.js';
import { zendeskSandbox } from './sandbox/handlers.js';

/** The in-process sandbox origin (sources/sandbox/in-process.ts), repeated to avoid importing every vendor. */
export const ORIGIN = 'http://sandbox.panorama.test';
export const API = `${ORIGIN}/zendesk/api/v2`;

export function startSandbox(options: DatasetOptions = { size: 60, seed: 7, today: '2026-11-27' }) {
  const state = new SandboxState(options);
  const server = setupServer(...zendeskSandbox(state));
  server.listen({ onUnhandledRequest: 'error' });
  const env = sandboxEnv(ORIGIN, state.world.quickbooks.realmId, state.world.asana.workspace.gid);
  return { state, server, env };
}

export function buildKit(opts: { timeoutMs?: number; breaker?: { threshold: number; halfOpenAfterMs: number } } = {}) {
  return new SourceKit({
    source: 'zendesk',
    timeoutMs: opts.timeoutMs ?? zendeskSource.timeoutMs,
    mapError: zendeskSource.mapError,
    cachePolicies: zendeskSource.cachePolicies,
    cache: new SourceCache({ maxBytes: 50e6 }),
    health: new SourceHealth(),
    clock: clockAt('2026-11-27'),
    breaker: opts.breaker ?? { threshold: 1000, halfOpenAfterMs: 10 },
  });
}

export function buildModule(env: Record<string, string>, kitOpts: Parameters<typeof buildKit>[0] = {}, forceRefresh = false) {
  const config = parseEnv(zendeskSource.configSchema, env, 'Zendesk');
  const client = zendeskSource.createClient(config, { tokens: new MemoryTokenStore() }) as ZendeskClient;
  const kit = buildKit(kitOpts);
  return { config, client, kit, loaders: createLoaders(client, kit, { forceRefresh }) };
}

/** Basic credentials the sandbox accepts, for raw requests. */
export function basicAuth(env: Record<string, string>): string {
  return `Basic ${Buffer.from(`${env.ZENDESK_EMAIL}/token:${env.ZENDESK_API_TOKEN}`).toString('base64')}`;
}
