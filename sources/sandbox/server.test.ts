import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, parseEnv } from '../kit/config.js';
import { SalesforceClient } from '../salesforce/client.server.js';
import { salesforceSource } from '../salesforce/index.js';
import { SANDBOX_CREDENTIALS } from './constants.js';
import { documentedRateLimits, envSchema, startSandboxServer, type SandboxServer } from './server.js';
import { noRequests } from '../kit/testing.js';
import { NO_FAULT, perSource } from './state.js';

/**
 * The sandbox as its own HTTP server (what `npm run sandbox`, the demo and the browser tests use), driven over real
 * sockets with Node's fetch: the control API, faults switched while it runs, the request counter, a connection
 * reset that really drops the TCP connection, and a real client (jsforce) talking to it.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const TODAY = '2026-11-27';

let sb: SandboxServer;
const url = (p: string) => `${sb.origin}${p}`;
const zendeskAuth = {
  authorization: `Basic ${Buffer.from(`${SANDBOX_CREDENTIALS.zendesk.email}/token:${SANDBOX_CREDENTIALS.zendesk.apiToken}`).toString('base64')}`,
};
/** A Zendesk API call the sandbox answers 200 when no fault is in force. */
const zendeskOrgs = () => {
  const ids = sb.state.world.zendesk.organizations.slice(0, 2).map((o) => o.id).join(',');
  return fetch(url(`/zendesk/api/v2/organizations/show_many.json?ids=${ids}`), { headers: zendeskAuth });
};
const putFault = (source: string, body: unknown) =>
  fetch(url(`/__sandbox/faults/${source}`), {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const json = async (res: Response) => (await res.json()) as Record<string, any>;

beforeAll(async () => {
  sb = await startSandboxServer({ port: 0, size: 60, seed: 3, today: TODAY });
});
afterEach(() => {
  sb.state.clearFaults();
  sb.state.resetCounts();
});
afterAll(() => sb.close());

describe('sandbox HTTP server: control API', () => {
  it('listens on a free port of 127.0.0.1 when asked for port 0', () => {
    expect(sb.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sb.origin).not.toMatch(/:0$/);
  });

  it('GET /__sandbox/health says it is up and which world it serves', async () => {
    const res = await fetch(url('/__sandbox/health'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toEqual({
      ok: true,
      size: 60,
      seed: 3,
      today: TODAY,
      realmId: sb.state.world.quickbooks.realmId,
      workspaceGid: sb.state.world.asana.workspace.gid,
    });
  });

  it('GET /__sandbox/manifest is the world\'s manifest, planted cases included', async () => {
    const res = await fetch(url('/__sandbox/manifest'));
    expect(res.status).toBe(200);
    const manifest = await json(res);
    expect(manifest).toEqual(JSON.parse(JSON.stringify(sb.state.world.manifest)));
    expect(manifest).toMatchObject({ seed: 3, size: 60, today: TODAY });
    expect(manifest.trickyNames.map((t: { name: string }) => t.name)).toContain("O'Brien & Sons");
    expect(manifest.exactLinks.length).toBeGreaterThan(0);
    expect(manifest.overdueInvoices.length).toBeGreaterThan(0);
  });

  it('answers an unknown path with the 404 JSON', async () => {
    for (const [method, p] of [['GET', '/nowhere'], ['POST', '/__sandbox/nothing'], ['GET', '/stripe/v1/customers']] as const) {
      const res = await fetch(url(p), { method });
      expect(res.status, p).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/json');
      expect(await res.json()).toEqual({ error: `The sandbox serves no ${method} ${p}` });
    }
  });
});

describe('sandbox HTTP server: a second connection', () => {
  it('POST /__sandbox/authorize/quickbooks grants another refresh token, valid beside the first; sources without refresh tokens are 404', async () => {
    const res = await fetch(url('/__sandbox/authorize/quickbooks'), { method: 'POST' });
    expect(res.status).toBe(200);
    const { refreshToken } = (await res.json()) as { refreshToken: string };
    expect(sb.state.refreshTokens.quickbooks.has(refreshToken)).toBe(true);
    expect(sb.state.refreshTokens.quickbooks.has(SANDBOX_CREDENTIALS.quickbooks.refreshToken)).toBe(true);
    const asana = await fetch(url('/__sandbox/authorize/asana'), { method: 'POST' });
    expect(asana.status).toBe(404);
    expect(((await asana.json()) as { error: string }).error).toMatch(/asana/);
  });
});

describe('sandbox HTTP server: faults switched over HTTP', () => {
  it('PUT /__sandbox/faults/:source changes that vendor\'s answers (Zendesk\'s own 503), and only that vendor\'s', async () => {
    expect((await zendeskOrgs()).status).toBe(200);
    const put = await putFault('zendesk', { status: 503 });
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({ ...NO_FAULT, status: 503 });
    expect((await json(await fetch(url('/__sandbox/faults')))).zendesk).toMatchObject({ status: 503 });

    const down = await zendeskOrgs();
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ error: 'unavailable', description: 'Sorry, we could not complete your request. Please try again in a moment.' });
    // another vendor is untouched: QuickBooks still answers as itself (here: no token → its 401 fault)
    const qbo = await fetch(url(`/quickbooks/v3/company/${sb.state.world.quickbooks.realmId}/query?query=select%20*%20from%20Customer`));
    expect(qbo.status).toBe(401);
    expect((await json(qbo)).fault.type).toBe('AUTHENTICATION');
  });

  it('PUT merges into the fault in force; DELETE of one source and DELETE of all clear', async () => {
    await putFault('zendesk', { rateLimit: true, retryAfterSeconds: 7 });
    const merged = await json(await putFault('zendesk', { endpoint: 'show_many' }));
    expect(merged).toMatchObject({ rateLimit: true, retryAfterSeconds: 7, endpoint: 'show_many' });
    const limited = await zendeskOrgs();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');

    const del = await fetch(url('/__sandbox/faults/zendesk'), { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect(sb.state.faults.zendesk).toEqual(NO_FAULT);
    expect((await zendeskOrgs()).status).toBe(200);

    await putFault('zendesk', { status: 500 });
    await putFault('quickbooks', { malformed: true });
    expect((await zendeskOrgs()).status).toBe(500);
    expect((await fetch(url('/__sandbox/faults'), { method: 'DELETE' })).status).toBe(204);
    expect(await json(await fetch(url('/__sandbox/faults')))).toEqual(perSource(() => NO_FAULT));
    expect((await zendeskOrgs()).status).toBe(200);
  });

  it('refuses a bad fault body with 400 naming the problem, and changes nothing', async () => {
    const cases: [unknown, RegExp][] = [
      [{ bogus: true }, /bogus/],
      [{ latencyMs: 'slow' }, /latencyMs: Expected number, received string/],
      [{ status: 404 }, /status/],
      [{ latencyMs: -5 }, /latencyMs/],
      [{ reset: 'yes' }, /reset: Expected boolean/],
      [[1, 2], /Expected object, received array/],
    ];
    for (const [body, problem] of cases) {
      const res = await putFault('zendesk', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const answer = await json(res);
      expect(answer.error).toBe('invalid fault');
      expect(answer.issues.join('\n')).toMatch(problem);
    }
    const notJson = await putFault('zendesk', '{"status": 503');
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual({ error: 'body must be a JSON object of faults' });
    expect(sb.state.faults.zendesk).toEqual(NO_FAULT);
    expect((await zendeskOrgs()).status).toBe(200);
  });

  it('refuses an unknown source with 404 naming it and the sources there are', async () => {
    for (const res of [
      await putFault('stripe', { status: 503 }),
      await fetch(url('/__sandbox/faults/stripe'), { method: 'DELETE' }),
    ]) {
      expect(res.status).toBe(404);
      expect((await json(res)).error).toMatch(/unknown source "stripe"/);
    }
    expect((await json(await putFault('stripe', {}))).error).toContain('salesforce, quickbooks, xero, asana, zendesk');
  });

  it('latencyMs delays the vendor\'s answer by at least that much', async () => {
    const LATENCY = 400;
    await putFault('zendesk', { latencyMs: LATENCY });
    const started = performance.now();
    const res = await zendeskOrgs();
    await res.arrayBuffer();
    const took = performance.now() - started;
    expect(res.status).toBe(200);
    expect(took).toBeGreaterThanOrEqual(LATENCY);
  });
});

describe('sandbox HTTP server: vendors\' per-minute limits (SANDBOX_RATE_LIMITS=documented)', () => {
  it('each module with a documented limit is limited by it; past it the vendor answers its own 429 with Retry-After, and /__sandbox/rates reports it', async () => {
    const documented = documentedRateLimits();
    expect(documented).toMatchObject({ zendesk: 200, asana: 150, quickbooks: 500 });
    expect(documented).not.toHaveProperty('salesforce');
    sb.state.rateLimits.set('zendesk', 3);
    try {
      const statuses = [];
      for (let i = 0; i < 5; i++) {
        const res = await zendeskOrgs();
        statuses.push(res.status);
        if (res.status === 429) {
          expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
          expect(Number(res.headers.get('retry-after'))).toBeLessThanOrEqual(60);
        }
        await res.arrayBuffer();
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect(await json(await fetch(url('/__sandbox/rates')))).toEqual({ zendesk: { perMinute: 3, busiestMinute: 3, rejected: 2 } });
      // other vendors are not limited by it
      const health = await fetch(url('/salesforce/services/data'), {});
      expect(health.status).not.toBe(429);
    } finally {
      sb.state.rateLimits.clear();
    }
  });

  it('refuses a value other than off or documented, naming the variable', () => {
    expect(() => parseEnv(envSchema, { SANDBOX_RATE_LIMITS: 'sometimes' }, 'Sandbox')).toThrow(/SANDBOX_RATE_LIMITS.*off or documented/);
  });
});

describe('sandbox HTTP server: credentials with settable grants', () => {
  const putCredential = (source: string, body: unknown) =>
    fetch(url(`/__sandbox/credentials/${source}`), {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const me = async () => (await json(await fetch(url('/zendesk/api/v2/users/me.json'), { headers: zendeskAuth }))).user;

  it('PUT /__sandbox/credentials/zendesk changes the role users/me reports; DELETE goes back to the light agent', async () => {
    expect(await me()).toMatchObject({ role: 'agent', role_type: 1 });
    expect((await putCredential('zendesk', { role: 'admin', role_type: 4 })).status).toBe(204);
    expect(await me()).toMatchObject({ role: 'admin', role_type: 4 });
    expect((await fetch(url('/__sandbox/credentials/zendesk'), { method: 'DELETE' })).status).toBe(204);
    expect(await me()).toMatchObject({ role: 'agent', role_type: 1 });
  });

  it('refuses a bad body with 400 naming the field, and an unknown source with 404, changing nothing', async () => {
    const bad = await putCredential('zendesk', { role: 'owner' });
    expect(bad.status).toBe(400);
    expect((await json(bad)).issues.join(' ')).toContain('role');
    expect((await putCredential('zendesk', '{not json')).status).toBe(400);
    expect((await putCredential('salesforce', { objectPermissions: { Account: { createable: 'yes' } } })).status).toBe(400);
    const unknown = await putCredential('stripe', { scopes: ['x'] });
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).error).toContain('use one of salesforce, zendesk, asana, xero');
    expect(await me()).toMatchObject({ role: 'agent', role_type: 1 });
  });
});

describe('sandbox HTTP server: connection reset', () => {
  const socketError = async (request: Promise<Response>) => {
    const error = await request.then(
      () => null,
      (e: unknown) => e as Error & { cause?: { code?: string; message?: string } },
    );
    expect(error, 'the request should fail without an HTTP answer').not.toBeNull();
    return `${error!.cause?.code ?? ''} ${error!.cause?.message ?? ''} ${error!.message}`;
  };

  it('drops the TCP connection: fetch gets a socket error, no HTTP answer, counted under its endpoint', async () => {
    expect((await putFault('zendesk', { reset: true })).status).toBe(200);
    const message = await socketError(zendeskOrgs());
    expect(message).toMatch(/ECONNRESET|UND_ERR_SOCKET|other side closed|socket hang up/);
    expect((await json(await fetch(url('/__sandbox/requests')))).zendesk).toEqual({ 'organizations.show_many': 1 });
    // the control API and the other vendors keep answering
    expect((await fetch(url('/__sandbox/health'))).status).toBe(200);
    expect((await fetch(url(`/quickbooks/v3/company/${sb.state.world.quickbooks.realmId}/query?query=x`))).status).toBe(401);
    await fetch(url('/__sandbox/faults/zendesk'), { method: 'DELETE' });
    expect((await zendeskOrgs()).status).toBe(200);
  });

  it('limited to an endpoint, drops only the matching requests', async () => {
    await putFault('zendesk', { reset: true, endpoint: 'search' });
    await socketError(fetch(url('/zendesk/api/v2/search.json?query=type:ticket'), { headers: zendeskAuth }));
    expect((await zendeskOrgs()).status).toBe(200);
    expect((await json(await fetch(url('/__sandbox/requests')))).zendesk).toEqual({ search: 1, 'organizations.show_many': 1 });
  });

  it('limited to an endpoint by its name, as in-process', async () => {
    await putFault('zendesk', { reset: true, endpoint: 'organizations.show_many' });
    await socketError(zendeskOrgs());
    expect((await fetch(url('/zendesk/api/v2/search.json?query=type:ticket'), { headers: zendeskAuth })).status).toBe(200);
  });
});

describe('sandbox HTTP server: request counter', () => {
  it('counts requests per source and endpoint (not the control API), and DELETE resets it', async () => {
    const realm = sb.state.world.quickbooks.realmId;
    await zendeskOrgs();
    await zendeskOrgs();
    await fetch(url(`/quickbooks/v3/company/${realm}/query?query=select%20*%20from%20Invoice`));
    await fetch(url('/asana/api/1.0/workspaces'));
    await fetch(url('/__sandbox/health'));
    const counts = await json(await fetch(url('/__sandbox/requests')));
    expect(counts).toEqual({ ...noRequests(), quickbooks: { query: 1 }, asana: { 'workspaces.list': 1 }, zendesk: { 'organizations.show_many': 2 } });

    const del = await fetch(url('/__sandbox/requests'), { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect(await json(await fetch(url('/__sandbox/requests')))).toEqual(noRequests());
  });
});

describe('sandbox HTTP server: a real client', () => {
  it('jsforce refreshes its token and queries Salesforce through the HTTP sandbox', async () => {
    const config = parseEnv(salesforceSource.configSchema, salesforceSource.sandboxEnv(sb.origin), 'Salesforce');
    expect(config.instanceUrl).toBe(`${sb.origin}/salesforce`);
    const client = new SalesforceClient(config);
    const account = z.object({ Id: z.string(), Name: z.string() }).passthrough();
    const page = await client.query("SELECT Id, Name FROM Account WHERE Name = 'O\\'Brien & Sons'", account);
    expect(page.records.map((r) => r.Name)).toEqual(["O'Brien & Sons"]);
    const all = await client.query('SELECT Id, Name FROM Account', account);
    expect(all.totalSize).toBe(60);
    expect(client.refreshCount).toBe(1);
    const counts = (await json(await fetch(url('/__sandbox/requests')))).salesforce as Record<string, number>;
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(3); // token + two queries (+ the first, refused)
    expect(Object.keys(counts).some((k) => k.includes('query'))).toBe(true);
  });
});

describe('sandbox env: SANDBOX_FAULTS', () => {
  it('reads faults per source from JSON, with the other settings defaulted', () => {
    const env = parseEnv(envSchema, { SANDBOX_FAULTS: '{"quickbooks":{"latencyMs":200},"zendesk":{"status":503,"endpoint":"search"}}' }, 'Sandbox');
    expect(env.SANDBOX_FAULTS).toEqual({ quickbooks: { latencyMs: 200 }, zendesk: { status: 503, endpoint: 'search' } });
    expect(env).toMatchObject({ SANDBOX_PORT: 4010, SANDBOX_HOST: '127.0.0.1' });
    expect(parseEnv(envSchema, {}, 'Sandbox').SANDBOX_FAULTS).toEqual({});
  });

  it.each([
    ['not JSON', '{quickbooks', /not valid JSON|Expected property name|Unexpected token/],
    ['an unknown source', '{"stripe":{"status":503}}', /stripe/],
    ['a wrong type', '{"quickbooks":{"latencyMs":"slow"}}', /quickbooks\.latencyMs: Expected number/],
    ['an unknown fault', '{"zendesk":{"explode":true}}', /explode/],
  ])('refuses %s with a message naming SANDBOX_FAULTS', (_what, value, detail) => {
    let error: unknown;
    try {
      parseEnv(envSchema, { SANDBOX_FAULTS: value }, 'Sandbox');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/^Sandbox configuration is invalid:/);
    expect(message).toMatch(/SANDBOX_FAULTS: must be JSON like/);
    expect(message).toMatch(detail);
  });

  it('faults from the environment are in force when the server starts', async () => {
    const env = parseEnv(envSchema, { SANDBOX_FAULTS: '{"zendesk":{"status":500}}' }, 'Sandbox');
    const other = await startSandboxServer({ port: 0, size: 20, seed: 3, today: TODAY, faults: env.SANDBOX_FAULTS });
    try {
      const ids = other.state.world.zendesk.organizations[0]!.id;
      const res = await fetch(`${other.origin}/zendesk/api/v2/organizations/show_many.json?ids=${ids}`, { headers: zendeskAuth });
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ errors: [{ code: 'Unavailable', title: 'Internal Server Error' }] });
    } finally {
      await other.close();
    }
  });
});

describe('npm run sandbox (sources/sandbox/server.ts as a process)', () => {
  /** Runs the server script with tsx; resolves with its output once `SANDBOX_READY` appears or it exits. */
  const run = (env: Record<string, string>) =>
    new Promise<{ stdout: string; stderr: string; code: number | null }>((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'sources/sandbox/server.ts'], {
        cwd: repoRoot,
        // every SANDBOX_* set here, so none leaks in from the environment the tests run in
        env: { ...process.env, SANDBOX_PORT: '0', SANDBOX_HOST: '127.0.0.1', SANDBOX_SEED: '20261127', SANDBOX_SIZE: '20', SANDBOX_TODAY: TODAY, SANDBOX_FAULTS: '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`no answer in time; stdout: ${stdout} stderr: ${stderr}`));
      }, 15_000);
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('SANDBOX_READY')) child.kill('SIGTERM');
      });
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ stdout, stderr, code });
      });
    });

  // both processes start at once: each spends most of its time in tsx's start-up
  let good: Awaited<ReturnType<typeof run>>;
  let bad: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    [good, bad] = await Promise.all([run({}), run({ SANDBOX_FAULTS: '{"quickbooks":{"latencyMs":"slow"}}' })]);
  });

  it('prints where each vendor API is served, then one machine-readable ready line', () => {
    const { stdout } = good;
    const ready = /^SANDBOX_READY (.*)$/m.exec(stdout);
    expect(ready).not.toBeNull();
    const { origin } = JSON.parse(ready![1]!) as { origin: string };
    expect(origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(origin).not.toMatch(/:(0|4010)$/);
    expect(stdout).toContain(`Panorama sandbox ready on ${origin}`);
    expect(stdout).toContain('(seed 20261127, 20 customers, today 2026-11-27)');
    expect(stdout).toContain(`Salesforce REST   ${origin}/salesforce/services/data/v62.0/`);
    expect(stdout).toMatch(new RegExp(`QuickBooks Online ${origin}/quickbooks/v3/company/\\d+/`));
    expect(stdout).toContain(`Asana             ${origin}/asana/api/1.0/`);
    expect(stdout).toContain(`Zendesk           ${origin}/zendesk/api/v2/`);
    expect(stdout).toContain(`Control           ${origin}/__sandbox/{health,manifest,requests,faults,credentials}`);
  });

  it('stops at start-up with a message naming SANDBOX_FAULTS when it is malformed', () => {
    const { stdout, stderr, code } = bad;
    expect(code).toBe(1);
    expect(stdout).not.toContain('SANDBOX_READY');
    expect(stderr).toContain('SANDBOX_FAULTS: must be JSON like');
    expect(stderr).toContain('quickbooks.latencyMs');
  });
});
