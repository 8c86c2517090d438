/**
 * The shipped server (`node build/start.js`) for a bench: on its built-in sandbox with the systems' latencies set,
 * warm (its indexes loaded), and a demo user of the given role signed in with a session cookie. A deadline for the
 * whole run stops it and exits 2.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DEMO_USERS } from '../../sources/sandbox/demo-users.js';
import { repoRoot, startApp, type StartedApp } from '../support/app-process.js';

export type SignedInApp = {
  app: StartedApp;
  /** The session cookie of the signed-in user. */
  cookie: string;
  /** The sandbox's clean customers. */
  ids: string[];
  /** From starting the process to its saying it is running (the sandbox generated and listening). */
  listeningMs: number;
  /** Clears the deadline, stops the app and removes its store. */
  stop(): Promise<void>;
};

export async function startSignedInApp(options: {
  name: string;
  role: (typeof DEMO_USERS)[number]['role'];
  latencyMs: Record<string, number>;
  deadlineMs: number;
  /** How long the indexes may take to load (60 s). */
  readyWithinMs?: number;
  env: Record<string, string>;
  log: (msg: string) => void;
}): Promise<SignedInApp> {
  if (!existsSync(path.join(repoRoot, 'build/start.js'))) throw new Error('build/start.js is missing: run `npm run build` first');
  const faults = Object.fromEntries(Object.entries(options.latencyMs).map(([s, ms]) => [s, { latencyMs: ms }]));
  const starting = performance.now();
  const app = await startApp({ tempStore: `panorama-bench-${options.name}-`, env: { SANDBOX_FAULTS: JSON.stringify(faults), ...options.env } });
  const deadline = setTimeout(() => {
    options.log('deadline passed: stopping');
    app.child.kill('SIGKILL');
    process.exit(2);
  }, options.deadlineMs);
  const listeningMs = performance.now() - starting;
  const stop = async () => {
    clearTimeout(deadline);
    await app.stop();
  };
  try {
    const base = app.url;
    // the indexes load in the background at start-up; a page before they are warm would measure them instead
    const readyBy = Date.now() + (options.readyWithinMs ?? 60_000);
    while ((await fetch(`${base}/readyz`)).status !== 200) {
      if (Date.now() > readyBy) throw new Error(`the indexes were not loaded within ${options.readyWithinMs ?? 60_000} ms`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const user = DEMO_USERS.find((u) => u.role === options.role)!;
    const signIn = await fetch(`${base}/login`, { method: 'POST', redirect: 'manual', headers: { origin: base, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ userId: user.id, redirectTo: '/' }) });
    const cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    if (!cookie) throw new Error(`sign-in gave no session cookie (${signIn.status})`);
    const ids = ((await (await fetch(`${app.sandboxOrigin}/__sandbox/manifest`)).json()) as { cleanAccountIds: string[] }).cleanAccountIds;
    return { app, cookie, ids, listeningMs, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
