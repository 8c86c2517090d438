import { setupServer } from 'msw/node';
import type { DatasetOptions } from './dataset.js';
import { sandboxEnv } from './env.js';
import { sandboxHandlers } from './handlers.js';
import { SandboxState } from './state.js';
import type { World } from './world.js';

export const IN_PROCESS_ORIGIN = 'http://sandbox.panorama.test';

/**
 * The sandbox inside the test process: msw intercepts the real clients' requests (fetch, node-fetch, axios) to
 * IN_PROCESS_ORIGIN. Anything else is an error, so a test can never reach a real vendor.
 */
export function createInProcessSandbox(options: DatasetOptions = {}, world?: World) {
  const state = new SandboxState(options, world);
  const server = setupServer(...sandboxHandlers(state));
  const env = sandboxEnv(IN_PROCESS_ORIGIN, state.world.quickbooks.realmId, state.world.asana.workspace.gid);
  return {
    state,
    server,
    env,
    origin: IN_PROCESS_ORIGIN,
    listen: () => server.listen({ onUnhandledRequest: 'error' }),
    close: () => server.close(),
  };
}

export type InProcessSandbox = ReturnType<typeof createInProcessSandbox>;
