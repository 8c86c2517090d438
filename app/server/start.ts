/**
 * Starts Panorama: with no source configured, first the built-in sandbox as its own process (the four vendor
 * APIs over real HTTP), then the Remix app pointed at it. With sources configured, only the app.
 *
 *   node build/start.js              production: this file compiled by `npm run build`, serving build/
 *   tsx app/server/start.ts --dev    Vite dev server with hot reload (PANORAMA_MODE=development)
 *
 * Every setting is parsed first (app/.server/settings.ts): a missing or bad one, or a port in use, ends the
 * process with exit code 1 and a message naming the variable, before anything listens.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ServerBuild } from '@remix-run/node';
import express, { type Express } from 'express';
import { sandboxEnv, sandboxEnvWithoutTokens } from '../../sources/sandbox/env.js';
import { oidcOf, parseAuthSettings } from '../.server/auth-settings.js';
import { openStore } from '../.server/store/database.js';
import { errorForLog, logger } from '../../sources/kit/logger.js';
import { anySourceConfigured } from '../../sources/settings.js';
import { installSettings, parseSettings, type Settings } from '../.server/settings.js';
import { edgeErrorHandler, installEdge, loadContextOf } from './edge.js';
import type { serveGraphql, signInLimit } from '../.server/graphql-endpoint.js';
import { remixRequestHandler } from './remix-handler.js';

type ServeGraphql = typeof serveGraphql;
type SignInLimit = typeof signInLimit;

/** The repository root: the nearest folder above this file (app/server/ or, compiled, build/) with a package.json. */
function findRoot(dir: string): string {
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('Panorama could not find its package.json above the server file.');
    dir = up;
  }
  return dir;
}
const root = findRoot(path.dirname(fileURLToPath(import.meta.url)));
// Development only when asked for (`npm run dev` passes --dev): never because NODE_ENV is or is not set.
if (process.argv.includes('--dev') && !process.env.PANORAMA_MODE) process.env.PANORAMA_MODE = 'development';
const dev = process.env.PANORAMA_MODE === 'development';
// Vite (hot reload) only for `npm run dev`; `node build/start.js` always serves the build
const vite = process.argv.includes('--dev');
// The libraries read NODE_ENV when first loaded (React and Mantine by the server build, imported below; Express when
// the app is made): the served build always gets their production code, whatever the shell has set. Unset, React's
// development build rendered each customer page ~10 % slower, with spikes of 3×.
if (!vite) process.env.NODE_ENV = 'production';

/** Runs the sandbox server as a child process and resolves with the env that points the app at it. */
function startSandbox(port: number): Promise<{ child: ChildProcess; origin: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'sources/sandbox/server.ts')], {
      cwd: root,
      env: { ...process.env, SANDBOX_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const timer = setTimeout(() => reject(new Error('The sandbox did not start within 60 s.')), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The sandbox stopped before it was ready (exit code ${code}). Is port ${port} free? Set SANDBOX_PORT to use another.`));
    });
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const m = line.match(/^SANDBOX_READY (.*)$/);
      if (!m) {
        process.stdout.write(`${line}\n`);
        return;
      }
      clearTimeout(timer);
      child.removeAllListeners('exit');
      const { origin } = JSON.parse(m[1]!) as { origin: string };
      resolve({ child, origin });
    });
  });
}

/** Checks the sign-in settings and brings the own store up to date before anything listens: a bad one stops here. */
async function prepareStore(sources: Settings['sources']): Promise<void> {
  const settings = parseAuthSettings(process.env);
  if (anySourceConfigured(sources)) {
    // real systems: the identity provider is the only way in, and nothing may pass for the sandbox
    delete process.env.PANORAMA_SANDBOX_ORIGIN;
    if (!oidcOf(settings)) {
      throw new Error('Sources are configured but single sign-on is not: set OIDC_ISSUER_URL, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET and PANORAMA_ROLE_MAP (see README, "Sign-in and audit"). Demo sign-in exists only on the built-in sandbox.');
    }
  }
  const db = await openStore({ path: settings.PANORAMA_STORE_PATH, url: settings.DATABASE_URL });
  await db.destroy();
}

async function main() {
  let settings: Settings = parseSettings(process.env);
  await prepareStore(settings.sources);
  let sandbox: ChildProcess | null = null;
  const stop = (code = 0) => {
    sandbox?.kill('SIGTERM');
    process.exit(code);
  };
  process.on('SIGINT', () => stop());
  process.on('SIGTERM', () => stop());
  if (!anySourceConfigured(settings.sources)) {
    const started = await startSandbox(settings.sandbox.SANDBOX_PORT);
    sandbox = started.child;
    // SANDBOX_TOKENS=connect: no tokens in the environment; an admin connects each source on /admin/connections
    const env = settings.sandbox.SANDBOX_TOKENS === 'connect' ? sandboxEnvWithoutTokens : sandboxEnv;
    Object.assign(process.env, env(started.origin), { PANORAMA_SANDBOX_ORIGIN: started.origin });
    settings = parseSettings(process.env);
  }
  // the server build reads these, never the environment again
  installSettings(settings);

  const app = express();
  app.disable('x-powered-by');

  let build: ServerBuild | (() => Promise<ServerBuild>);
  let serveStatic: (app: Express) => void;
  if (vite) {
    const { createServer } = await import('vite');
    const server = await createServer({ root, server: { middlewareMode: true } });
    serveStatic = (a) => a.use(server.middlewares);
    build = () => server.ssrLoadModule('virtual:remix/server-build') as Promise<ServerBuild>;
  } else {
    const buildFile = path.join(root, 'build/server/index.js');
    if (!existsSync(buildFile)) throw new Error('No production build in build/: run `npm run build` (npm start does it for you).');
    build = (await import(pathToFileURL(buildFile).href)) as ServerBuild;
    serveStatic = (a) => {
      a.use('/assets', express.static(path.join(root, 'build/client/assets'), { immutable: true, maxAge: '1y' }));
      a.use(express.static(path.join(root, 'build/client'), { maxAge: '1h' }));
    };
  }
  // the server build's entry: /graphql and the sign-in limit come from it, with the same runtime as the pages
  const entryOf = async () => (await (typeof build === 'function' ? build() : build)).entry.module as unknown as { serveGraphql: ServeGraphql; signInLimit: SignInLimit };
  // security headers, CORS for /graphql, 403 for cross-site posts, the sign-in limit (app/server/edge.ts)
  const edge = { edge: settings.edge, secureCookies: settings.app.secureCookies, dev: vite, signInLimit: async () => (await entryOf()).signInLimit() };
  installEdge(app, edge, (a) => {
    a.get('/healthz', (_req, res) => {
      res.json({ ok: true });
    });
    serveStatic(a);
    a.use(express.static(path.join(root, 'public'), { maxAge: '1h' }));
  });
  // /graphql ahead of Remix's routes, from the same server build (app/.server/graphql-endpoint.ts)
  app.all('/graphql', (req, res, next) => {
    entryOf()
      .then((entry) => entry.serveGraphql(req, res, loadContextOf(req, res)))
      .catch(next);
  });
  app.all('*', remixRequestHandler({ build, mode: vite ? 'development' : 'production', getLoadContext: loadContextOf }));
  app.use(edgeErrorHandler((e) => logger.error({ err: errorForLog(e) }, 'unhandled error at the edge')));

  const { port, host } = settings.app;
  const sandboxOrigin = settings.sources.sandboxOrigin;
  const server = app.listen(port, host, () => {
    const where = `http://localhost:${port}`;
    process.stdout.write(
      `Panorama is running on ${where}${sandboxOrigin ? ` — on the built-in sandbox (${sandboxOrigin})` : ''}${dev ? ' (development)' : ''}\n`,
    );
    logger.info({ port, sandbox: Boolean(sandboxOrigin), production: settings.app.production }, 'panorama started');
  });
  server.on('error', (e) => {
    process.stderr.write(`Panorama could not listen on PORT=${port}: ${e.message}. Set PORT to use another.\n`);
    stop(1);
  });
}

main().catch((e: unknown) => {
  process.stderr.write(`Panorama did not start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
