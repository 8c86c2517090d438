import { execFileSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { repoRoot, startApp, UNLIMITED_RATES } from '../support/app-process.js';

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
  // the app's own store (sessions) in a folder of this run, never the repository's data/
  const app = await startApp({ tempStore: 'panorama-e2e-store-', env: { SANDBOX_SIZE: '300', ...UNLIMITED_RATES } });
  const sandboxLine = app.output.find((l) => l.includes('on the built-in sandbox'));
  project.provide('baseURL', app.url);
  project.provide('sandboxOrigin', sandboxLine?.match(/\((http:[^)]+)\)/)?.[1] ?? app.sandboxOrigin);
  return () => app.stop();
}
