import { createServer, type Server } from 'node:http';
import { pathToFileURL } from 'node:url';
import { createMiddleware } from '@mswjs/http-middleware';
import express from 'express';
import type { z } from 'zod';
import type { Clock } from '../kit/clock.js';
import { parseEnv } from '../kit/config.js';
import type { SourceId } from '../kit/errors.js';
import { sandboxEnv } from './env.js';
import { SANDBOX_PREFIXES, sandboxHandlerGroups } from './handlers.js';
import { SANDBOX_PARTS } from './parts.js';
import { REGISTERED_MODULES } from '../modules.js';
import { ARRIVED_AT_HEADER, endpointOf, faultApplies } from './router.js';
import { sandboxEnvSchema } from './settings.js';
import { SOURCE_IDS, SandboxState, type faultSchema } from './state.js';

// In a file of its own: Panorama's start-up parses it without importing this server.
export { sandboxEnvSchema as envSchema };

export type SandboxServer = { state: SandboxState; server: Server; origin: string; close: () => Promise<void> };

/** Each registered module's documented per-minute limit (those with one). */
export function documentedRateLimits(): Partial<Record<SourceId, number>> {
  return Object.fromEntries(REGISTERED_MODULES.flatMap((m) => (m.limits.perMinute ? [[m.id, m.limits.perMinute]] : [])));
}

/** Serves the sandbox's handlers over real HTTP: one origin, each vendor under its own path prefix. */
export async function startSandboxServer(opts: {
  port?: number;
  host?: string;
  seed?: number;
  size?: number;
  today?: string;
  /** Gives "today" when `today` is unset. @default systemClock */
  clock?: Clock;
  faults?: Partial<Record<SourceId, z.input<typeof faultSchema>>>;
  /** Per-minute limits the vendors enforce (SANDBOX_RATE_LIMITS). */
  rateLimits?: Partial<Record<SourceId, number>>;
}): Promise<SandboxServer> {
  const state = new SandboxState({ seed: opts.seed, size: opts.size, today: opts.today, clock: opts.clock });
  for (const [source, perMinute] of Object.entries(opts.rateLimits ?? {})) state.rateLimits.set(source as SourceId, perMinute);
  for (const [source, fault] of Object.entries(opts.faults ?? {})) state.setFault(source as SourceId, fault);
  const app = express();
  app.disable('x-powered-by');
  app.use((req, _res, next) => {
    req.headers[ARRIVED_AT_HEADER] = String(performance.now());
    next();
  });
  // A connection reset cannot be expressed as an HTTP answer: drop the socket before msw sees the request. It
  // is counted, and limited by `endpoint`, under the same endpoint name as in-process.
  app.use((req, res, next) => {
    const route = SOURCE_IDS.some((s) => state.faults[s].reset) ? endpointOf(state, req.method, new URL(req.originalUrl, 'http://sandbox')) : null;
    const fault = route ? state.faults[route.source] : null;
    if (route && fault?.reset && faultApplies(fault, route.endpoint)) {
      state.count(route.source, route.endpoint);
      req.socket.destroy();
      return;
    }
    next();
  });
  // One msw middleware per vendor prefix: a request is matched only against its own vendor's routes.
  const groups = sandboxHandlerGroups(state);
  const control = createMiddleware(...groups.control);
  const byPrefix = SOURCE_IDS.map((s) => [`${SANDBOX_PREFIXES[s]}/`, createMiddleware(...groups[s])] as const);
  app.use((req, res, next) => {
    const vendor = byPrefix.find(([prefix]) => req.path.startsWith(prefix));
    (vendor ? vendor[1] : control)(req, res, next);
  });
  app.use((req, res) => {
    res.status(404).json({ error: `The sandbox serves no ${req.method} ${req.path}` });
  });
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const origin = `http://${opts.host ?? '127.0.0.1'}:${port}`;
  return {
    state,
    server,
    origin,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function main() {
  const env = parseEnv(sandboxEnvSchema, process.env, 'Sandbox');
  const started = performance.now();
  const sandbox = await startSandboxServer({
    port: env.SANDBOX_PORT,
    host: env.SANDBOX_HOST,
    seed: env.SANDBOX_SEED,
    size: env.SANDBOX_SIZE,
    today: env.SANDBOX_TODAY,
    faults: env.SANDBOX_FAULTS,
    rateLimits: env.SANDBOX_RATE_LIMITS === 'documented' ? documentedRateLimits() : {},
  });
  const { world } = sandbox.state;
  const vars = sandboxEnv(sandbox.origin);
  const lines = [
    `Panorama sandbox ready on ${sandbox.origin} in ${Math.round(performance.now() - started)} ms (seed ${world.manifest.seed}, ${world.manifest.size} customers, today ${world.manifest.today})`,
    ...SANDBOX_PARTS.map((p) => `  ${p.banner(vars, sandbox.state)}`),
    `  Control           ${sandbox.origin}/__sandbox/{health,manifest,requests,faults,credentials}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  // For a parent process: one machine-readable line with the origin.
  process.stdout.write(`SANDBOX_READY ${JSON.stringify({ origin: sandbox.origin })}\n`);
  const stop = () => void sandbox.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
