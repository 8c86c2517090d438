import { MemoryTokenStore } from '../kit/token-store.js';
import { setupServer } from 'msw/node';
import { SourceCache, type CachePolicy } from '../kit/cache.js';
import { clockAt } from '../kit/clock.js';
import { parseEnv } from '../kit/config.js';
import { SourceHealth } from '../kit/metrics.js';
import { SourceKit } from '../kit/source-kit.js';
import { sandboxEnv } from '../sandbox/env.js';
import { SANDBOX_CREDENTIALS, SandboxState } from '../sandbox/state.js';
import type { AsanaClient } from './client.server.js';
import type { AsanaConfig } from './config.js';
import { asanaSource } from './index.js';
import { createLoaders, type AsanaLoaderOptions } from './loaders.js';
import { ASANA_API_ROOT, ASANA_PREFIX, asanaSandbox } from './sandbox/handlers.js';

/** The in-process sandbox origin (same as sources/sandbox/in-process.ts, which needs all four vendors). */
export const ORIGIN = 'http://sandbox.panorama.test';
export const API = `${ORIGIN}${ASANA_PREFIX}${ASANA_API_ROOT}`;
export const TODAY = '2026-11-27';
export const AUTH = { authorization: `Bearer ${SANDBOX_CREDENTIALS.asana.accessToken}` };

/**
 * The Asana sandbox in-process (msw) plus Panorama's real config, client and kit pointed at it. Tests start a
 * fresh kit (and so a fresh breaker and cache) whenever they need one.
 */
export function createHarness(opts: { size?: number } = {}) {
  const state = new SandboxState({ size: opts.size ?? 60, seed: 7, today: TODAY });
  const server = setupServer(...asanaSandbox(state));
  const env = sandboxEnv(ORIGIN, state.world.quickbooks.realmId, state.world.asana.workspace.gid);
  const config: AsanaConfig = parseEnv(asanaSource.configSchema, env, 'Asana');
  const client: AsanaClient = asanaSource.createClient(config, { tokens: new MemoryTokenStore() });

  const newKit = (kitOpts: { timeoutMs?: number; cache?: SourceCache; cachePolicies?: Record<string, CachePolicy> } = {}) =>
    new SourceKit({
      source: 'asana',
      timeoutMs: kitOpts.timeoutMs ?? asanaSource.timeoutMs,
      mapError: asanaSource.mapError,
      cachePolicies: { ...asanaSource.cachePolicies, ...kitOpts.cachePolicies },
      cache: kitOpts.cache ?? new SourceCache({ maxBytes: 50e6 }),
      health: new SourceHealth(),
      clock: clockAt(TODAY),
    });

  const loaders = (kit: SourceKit, loaderOpts: Partial<AsanaLoaderOptions> = {}) =>
    createLoaders(client, kit, { forceRefresh: false, today: () => TODAY, ...loaderOpts });

  /** GET against the sandbox's Asana API with the sandbox token (or the headers given). */
  const get = (path: string, headers: Record<string, string> = AUTH) => fetch(`${API}${path}`, { headers });
  const post = (path: string, body: unknown, headers: Record<string, string> = AUTH) =>
    fetch(`${API}${path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  return { state, server, env, config, client, newKit, loaders, get, post };
}

export type Harness = ReturnType<typeof createHarness>;

/** Account ids whose projects the world links by the custom field, with those projects' gids. */
export function linkedAccounts(state: SandboxState): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const p of state.world.asana.projects) {
    const id = p.custom_fields.find((f) => f.name === 'Salesforce Account Id')?.text_value;
    if (id) out.set(id, [...(out.get(id) ?? []), p.gid]);
  }
  return out;
}
