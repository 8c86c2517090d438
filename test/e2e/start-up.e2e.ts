import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { DEMO_USERS } from '../../sources/sandbox/demo-users.js';
import { sandboxEnv } from '../../sources/sandbox/env.js';
import { freePort, repoRoot, sandboxOnlyEnv, startProcess, stopProcess } from '../support/app-process.js';

// The compiled server the global setup built (`npm run build`), started as `node build/start.js` is.
const baseURL = inject('baseURL');
const storeDir = mkdtempSync(path.join(tmpdir(), 'panorama-start-up-'));

/** Sources that look real (nothing listens on port 9, so nothing is ever read) and no NODE_ENV at all. */
function realSourcesEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // spawn leaves out undefined values: the child has no NODE_ENV
  const env = sandboxOnlyEnv({
    ...sandboxEnv('http://127.0.0.1:9'),
    SESSION_SECRET: 's'.repeat(40),
    // real sources need single sign-on; its discovery happens at the first sign-in, never at start
    OIDC_ISSUER_URL: 'http://127.0.0.1:9/idp',
    OIDC_CLIENT_ID: 'panorama',
    OIDC_CLIENT_SECRET: 'idp-secret',
    PANORAMA_ROLE_MAP: 'admin:it-admins',
    PANORAMA_STORE_PATH: path.join(storeDir, 'panorama.sqlite'),
    LOG_LEVEL: 'silent',
    ...extra,
  });
  return { ...env, NODE_ENV: undefined } as unknown as NodeJS.ProcessEnv;
}

/** Runs a node script to its end: exit code and everything it printed. */
function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('node build/start.js refuses bad settings before anything listens', () => {
  it.each([
    ['a bad URL', { ZENDESK_BASE_URL: 'not-a-url' }, /ZENDESK_BASE_URL="not-a-url": ZENDESK_BASE_URL must be a URL such as https:\/\/acme\.zendesk\.com/],
    ['a bad number', { PANORAMA_WON_DEAL_GRACE_DAYS: 'soon' }, /PANORAMA_WON_DEAL_GRACE_DAYS="soon": must be a whole number from 0 to 3650 \(days\)/],
    ['real sources without a session secret', { SESSION_SECRET: '' }, /SESSION_SECRET \(not set\): is required in production with sources configured/],
  ])('%s: exit code 1, naming the variable', async (_, extra, message) => {
    const port = await freePort();
    const { code, output } = await run(['build/start.js'], realSourcesEnv({ PORT: String(port), ...extra }));
    expect(code).toBe(1);
    expect(output).toMatch(message);
    expect(output).not.toMatch(/Panorama is running/);
  });

  it('a bad value on the sandbox path stops start-up before the sandbox starts', async () => {
    const env = sandboxOnlyEnv({ PORT: String(await freePort()), SANDBOX_PORT: String(await freePort()), PANORAMA_CACHE_MAX_MB: 'lots' });
    const { code, output } = await run(['build/start.js'], env);
    expect(code).toBe(1);
    expect(output).toMatch(/PANORAMA_CACHE_MAX_MB="lots"/);
    expect(output).not.toMatch(/sandbox ready/);
  });

  it('a port already in use: exit code 1, naming PORT', async () => {
    const busy = new URL(baseURL).port;
    const { code, output } = await run(['build/start.js'], realSourcesEnv({ PORT: busy, HOST: '127.0.0.1' }));
    expect(code).toBe(1);
    expect(output).toMatch(new RegExp(`could not listen on PORT=${busy}: .*EADDRINUSE`));
  });

  it('the server build alone throws a bad setting instead of serving with it', async () => {
    const { code, output } = await run(['--input-type=module', '-e', "await import('./build/server/index.js')"], realSourcesEnv({ ZENDESK_BASE_URL: 'not-a-url' }));
    expect(code).not.toBe(0);
    expect(output).toMatch(/ConfigError[\s\S]*ZENDESK_BASE_URL="not-a-url"/);
  });
});

describe('production is the default, whatever NODE_ENV says', () => {
  it('serves no GraphiQL, even signed in; PANORAMA_SECURE_COOKIES and PANORAMA_METRICS_TOKEN do what they say', async () => {
    const port = await freePort();
    // the built-in sandbox, where demo sign-in exists, with no NODE_ENV
    const sandboxPort = await freePort();
    const env = {
      ...sandboxOnlyEnv({ PORT: String(port), HOST: '127.0.0.1', SANDBOX_PORT: String(sandboxPort), SANDBOX_SIZE: '40', LOG_LEVEL: 'warn', PANORAMA_SECURE_COOKIES: 'true', PANORAMA_METRICS_TOKEN: 'scrape-me', PANORAMA_STORE_PATH: path.join(storeDir, 'production.sqlite') }),
      NODE_ENV: undefined,
    } as unknown as NodeJS.ProcessEnv;
    const { child } = await startProcess(['build/start.js'], env, /Panorama is running on/, 60_000);
    const at = (p: string) => `http://127.0.0.1:${port}${p}`;
    try {
      const anonymous = await fetch(at('/graphql'), { headers: { accept: 'text/html' } });
      expect(await anonymous.text()).not.toContain('GraphiQL');
      const signIn = await fetch(at('/login'), { method: 'POST', body: new URLSearchParams({ userId: DEMO_USERS[0]!.id, redirectTo: '/' }), redirect: 'manual' });
      const cookie = signIn.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(/__panorama_session=.*; Secure/);
      const signedIn = await fetch(at('/graphql'), { headers: { accept: 'text/html', cookie: cookie.split(';')[0]! } });
      expect(await signedIn.text()).not.toContain('GraphiQL');
      expect((await fetch(at('/metrics'))).status).toBe(401);
      const metrics = await fetch(at('/metrics'), { headers: { authorization: 'Bearer scrape-me' } });
      expect(metrics.status).toBe(200);
      const text = await metrics.text();
      expect(text).toContain('# HELP panorama_cache_entries');
      // the process's own: memory and event-loop delay, for an operator watching one instance
      expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
      expect(text).toMatch(/^nodejs_heap_size_used_bytes \d+/m);
      expect(text).toContain('nodejs_eventloop_lag_p99_seconds');
    } finally {
      await stopProcess(child);
    }
  });
});
