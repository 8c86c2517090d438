import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { sandboxEnv } from '../../sources/sandbox/env.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Env without any real source settings, so the app always starts on its sandbox in tests. */
export function sandboxOnlyEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(SALESFORCE|QUICKBOOKS|XERO|ASANA|ZENDESK)_/.test(k) && !k.startsWith('PANORAMA_SANDBOX') && k !== 'PANORAMA_ACCOUNTING') env[k] = v;
  }
  return { ...env, NODE_ENV: 'production', LOG_LEVEL: 'warn', ...extra };
}

/** Starts a command and resolves once a line of its output matches `ready`. */
export function startProcess(
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
  timeoutMs = 90_000,
): Promise<{ child: ChildProcess; match: RegExpMatchArray; output: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const output: string[] = [];
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')} was not ready within ${timeoutMs} ms:\n${output.join('\n')}`));
    }, timeoutMs);
    const onLine = (line: string) => {
      output.push(line);
      const match = line.match(ready);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match, output });
      }
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited with ${code}:\n${output.join('\n')}`));
    });
  });
}

export function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
  });
}

/** The browser tests sign in dozens of times a minute from one address; edge.e2e.ts tests the limits themselves. */
export const UNLIMITED_RATES = { PANORAMA_RATE_LIMIT_SIGN_IN_PER_MINUTE: '100000', PANORAMA_RATE_LIMIT_GRAPHQL_PER_MINUTE: '100000' } as const;

/**
 * How `npm start` runs the server (package.json's "start" script; a test holds the two equal): V8's old space
 * capped at 512 MB, so its heap grows ~1.4× the live data instead of up to 4× on a machine with memory to spare.
 */
export const SERVER_NODE_ARGS = ['--max-old-space-size=512'];
/** The server's command line after `node`, as `npm start` runs it. */
export const SERVER_ARGS = [...SERVER_NODE_ARGS, 'build/start.js'];

export type AppOptions = {
  /** What this app's variables differ by from the sandbox-only defaults (PORT, HOST, SANDBOX_PORT, SANDBOX_SIZE 60). */
  env?: Record<string, string>;
  /** The app's own store in a new folder of this prefix under the system's temporary folder, removed by `stop`. */
  tempStore?: string;
  /** The app's own store at this path (kept by `stop`: for a test that starts the app again on the same store). */
  storePath?: string;
  /** Ports to start on (both free ones by default); the same again to start an app again where it was. */
  port?: number;
  sandboxPort?: number;
};

export type StartedApp = {
  url: string;
  port: number;
  sandboxPort: number;
  /** Where its built-in sandbox listens. */
  sandboxOrigin: string;
  child: ChildProcess;
  /** Every line it has printed. */
  output: string[];
  stop(): Promise<void>;
};

/**
 * Starts the built app as `npm start` runs it (`SERVER_ARGS`) on its built-in sandbox, on free ports of 127.0.0.1, and resolves
 * once it says it is running; it rejects with everything it printed when it does not.
 */
export async function startApp(options: AppOptions = {}): Promise<StartedApp> {
  const [port, sandboxPort] = await Promise.all([options.port ?? freePort(), options.sandboxPort ?? freePort()]);
  const storeDir = options.tempStore ? mkdtempSync(path.join(tmpdir(), options.tempStore)) : undefined;
  const storePath = options.storePath ?? (storeDir && path.join(storeDir, 'panorama.sqlite'));
  const env = sandboxOnlyEnv({
    PORT: String(port),
    HOST: '127.0.0.1',
    SANDBOX_PORT: String(sandboxPort),
    SANDBOX_SIZE: '60',
    ...(storePath ? { PANORAMA_STORE_PATH: storePath } : {}),
    ...options.env,
  });
  const removeStore = () => storeDir && rmSync(storeDir, { recursive: true, force: true });
  const started = await startProcess(SERVER_ARGS, env, /Panorama is running on/).catch((e: unknown) => {
    removeStore();
    throw e;
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    sandboxPort,
    sandboxOrigin: `http://127.0.0.1:${sandboxPort}`,
    child: started.child,
    output: started.output,
    async stop() {
      await stopProcess(started.child);
      removeStore();
    },
  };
}

/**
 * The four systems' variables of another deployment aimed at a running sandbox, as its operator would set them, with
 * a QuickBooks connection of its own: QuickBooks rotates the refresh token on every use, so two apps sharing one
 * would lock each other out (whichever refreshed second would be refused for good).
 */
export async function secondDeploymentEnv(sandboxOrigin: string): Promise<Record<string, string>> {
  const connection = await fetch(`${sandboxOrigin}/__sandbox/authorize/quickbooks`, { method: 'POST' });
  if (!connection.ok) throw new Error(`the sandbox refused a second QuickBooks connection: ${connection.status}`);
  const { refreshToken } = (await connection.json()) as { refreshToken: string };
  return { ...sandboxEnv(sandboxOrigin), QUICKBOOKS_REFRESH_TOKEN: refreshToken };
}
