import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort, repoRoot, sandboxOnlyEnv, startProcess, stopProcess } from '../support/app-process.js';

declare module 'vitest' {
  export interface ProvidedContext {
    baseURL: string;
    sandboxOrigin: string;
  }
}

/**
 * Builds the app once and starts it exactly as `npm start` does — sandbox process first, then the app — on
 * free ports, for the browser tests.
 */
export default async function setup(project: TestProject) {
  // the production build `npm start` makes: the Remix app and the compiled server (build/start.js)
  execFileSync('npm', ['run', '--silent', 'build'], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const [port, sandboxPort] = await Promise.all([freePort(), freePort()]);
  // the app's own store (sessions) in a folder of this run, never the repository's data/
  const storeDir = mkdtempSync(path.join(tmpdir(), 'panorama-e2e-store-'));
  const { child, output } = await startProcess(
    ['build/start.js'],
    sandboxOnlyEnv({
      PORT: String(port),
      HOST: '127.0.0.1',
      SANDBOX_PORT: String(sandboxPort),
      SANDBOX_SIZE: '300',
      PANORAMA_STORE_PATH: path.join(storeDir, 'panorama.sqlite'),
      // the browser tests sign in dozens of times a minute from one address; edge.e2e.ts tests the limits themselves
      PANORAMA_RATE_LIMIT_SIGN_IN_PER_MINUTE: '100000',
      PANORAMA_RATE_LIMIT_GRAPHQL_PER_MINUTE: '100000',
    }),
    /Panorama is running on/,
  );
  const sandboxLine = output.find((l) => l.includes('on the built-in sandbox'));
  project.provide('baseURL', `http://127.0.0.1:${port}`);
  project.provide('sandboxOrigin', sandboxLine?.match(/\((http:[^)]+)\)/)?.[1] ?? `http://127.0.0.1:${sandboxPort}`);
  return async () => {
    await stopProcess(child);
    rmSync(storeDir, { recursive: true, force: true });
  };
}
