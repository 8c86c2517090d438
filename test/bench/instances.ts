/**
 * `npm run bench` (fifth part; alone: `npm run bench:instances`, after `npm run build`): 100 people at once on two
 * Panorama instances of one deployment — the server as it ships, one PostgreSQL store (sessions) and one Redis (the
 * budgets, gates, breakers, caches' invalidations, the tokens) — against one sandbox whose vendors enforce their
 * documented per-minute limits (SANDBOX_RATE_LIMITS=documented: a sliding minute, each vendor's own 429).
 *
 * Each person opens a random customer's page (its own operation through `/graphql`), half of them on each instance,
 * then waits BENCH_INSTANCES_THINK_MS (1,000) and opens the next, for BENCH_INSTANCES_SECONDS (75: more than one
 * budget minute). The sandbox then reports each vendor's busiest 60 s and the 429s it answered.
 * Target (issue "Scale"): each source's busiest minute ≤ 80 % of its vendor's limit, and 0 429s.
 * Loopback only; bounded by a deadline (BENCH_INSTANCES_DEADLINE_SECONDS, 300). Prints JSON; exits 1 when missed.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { salesforceId } from '../../sources/sandbox/dataset.js';
import { SERVER_ARGS, freePort, repoRoot, startProcess, stopProcess } from '../support/app-process.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { report, runBench } from './report.js';
import { startSsoDeployment, type SsoDeployment } from '../support/sso-deployment.js';

const SIZE = 1000;
const USERS = Number(process.env.BENCH_INSTANCES_USERS ?? 100);
const SECONDS = Number(process.env.BENCH_INSTANCES_SECONDS ?? 75);
const THINK_MS = Number(process.env.BENCH_INSTANCES_THINK_MS ?? 1000);
const DEADLINE_MS = Number(process.env.BENCH_INSTANCES_DEADLINE_SECONDS ?? 300) * 1000;
const TARGET_SHARE = 0.8;
const LATENCY_MS = { salesforce: 120, quickbooks: 200, asana: 150, zendesk: 100 } as const;
const log = (msg: string) => process.stderr.write(`bench instances: ${msg}\n`);
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

/** The sandbox as its own process, its vendors enforcing their limits. */
async function startLimitedSandbox(): Promise<{ origin: string; child: ChildProcess }> {
  const faults = Object.fromEntries(Object.entries(LATENCY_MS).map(([s, ms]) => [s, { latencyMs: ms }]));
  const env = {
    ...process.env,
    SANDBOX_PORT: '0',
    SANDBOX_SIZE: String(SIZE),
    SANDBOX_FAULTS: JSON.stringify(faults),
    SANDBOX_RATE_LIMITS: 'documented',
  };
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'sources/sandbox/server.ts')], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const origin = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = line.match(/^SANDBOX_READY (.*)$/);
      if (m) resolve((JSON.parse(m[1]!) as { origin: string }).origin);
    });
    child.once('exit', (code) => reject(new Error(`the sandbox exited (code ${code}) before it was ready`)));
  });
  return { origin, child };
}

async function waitReady(origin: string): Promise<void> {
  for (let i = 0; i < 240; i++) {
    if ((await fetch(`${origin}/readyz`).catch(() => null))?.status === 200) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${origin} was not ready within 120 s`);
}

type Tally = { views: number; ok: number; sectionsUnavailable: number; errors: number; statuses: Record<string, number> };

/** One person: a random customer's page on their instance, a pause, the next, until the end. */
async function person(origin: string, cookie: string, body: (id: string) => string, until: number, tally: Tally): Promise<void> {
  const headers = { cookie, origin, 'content-type': 'application/json' };
  while (performance.now() < until) {
    const id = salesforceId('001', 1 + Math.floor(Math.random() * SIZE));
    tally.views++;
    try {
      const res = await fetch(`${origin}/graphql`, { method: 'POST', headers, body: body(id), signal: AbortSignal.timeout(30_000) });
      tally.statuses[res.status] = (tally.statuses[res.status] ?? 0) + 1;
      const answer = (await res.json()) as { data?: { customer?: { sections?: { state: string }[] } | null } };
      if (res.status === 200 && answer.data?.customer) tally.ok++;
      tally.sectionsUnavailable += answer.data?.customer?.sections?.filter((s) => s.state === 'UNAVAILABLE').length ?? 0;
    } catch {
      tally.errors++;
    }
    await new Promise((r) => setTimeout(r, THINK_MS));
  }
}

async function main(): Promise<number> {
  const { operationText } = await import('../../app/.server/graphql.js');
  const { CUSTOMER_PAGE_QUERY } = await import('../../app/components/customer/query.js');
  const { customerPageVariables } = await import('../../app/routes/customers.$id.js');
  const body = (id: string) =>
    JSON.stringify({
      query: operationText(CUSTOMER_PAGE_QUERY),
      variables: { ...customerPageVariables('admin', id), stream: false, invoices: 12 },
      operationName: 'CustomerPage',
    });
  let postgres: TestPostgres | undefined;
  let redis: TestRedis | undefined;
  let sandbox: { origin: string; child: ChildProcess } | undefined;
  let first: SsoDeployment | undefined;
  let second: ChildProcess | undefined;
  const deadline = setTimeout(() => {
    log('deadline passed: stopping');
    for (const c of [second, sandbox?.child]) c?.kill('SIGKILL');
    process.exit(2);
  }, DEADLINE_MS);
  try {
    log('starting PostgreSQL, Redis and the sandbox (vendors enforcing their documented limits)');
    [postgres, redis, sandbox] = await Promise.all([startPostgres(), startRedis(), startLimitedSandbox()]);
    const shared = {
      DATABASE_URL: await postgres.database(),
      REDIS_URL: redis.url,
      PANORAMA_ENCRYPTION_KEY: 'bench-instances-encryption-key-of-32-chars',
      PANORAMA_RATE_LIMIT_GRAPHQL_PER_MINUTE: '100000',
      LOG_LEVEL: 'error',
    };
    log('starting two instances of one deployment');
    first = await startSsoDeployment(sandbox.origin, 'bench-instances', shared);
    const port = await freePort();
    const secondOrigin = `http://127.0.0.1:${port}`;
    second = (await startProcess(SERVER_ARGS, { ...first.env, ...shared, PORT: String(port) }, /Panorama is running on/)).child;
    await Promise.all([waitReady(first.baseURL), waitReady(secondOrigin)]);
    const { context, cookie } = await first.signIn('admin');
    await context.close();
    if (!cookie) throw new Error('the sign-in gave no session cookie');
    // the indexes' reads are behind; from here the sandbox counts the people's load alone
    await fetch(`${sandbox.origin}/__sandbox/requests`, { method: 'DELETE' });
    log(`${USERS} people for ${SECONDS} s, half on each instance, ${THINK_MS} ms between views`);
    const tallies = [first.baseURL, secondOrigin].map((): Tally => ({ views: 0, ok: 0, sectionsUnavailable: 0, errors: 0, statuses: {} }));
    const until = performance.now() + SECONDS * 1000;
    await Promise.all(Array.from({ length: USERS }, (_, i) => person(i % 2 ? secondOrigin : first!.baseURL, cookie, body, until, tallies[i % 2]!)));
    const rates = (await (await fetch(`${sandbox.origin}/__sandbox/rates`)).json()) as Record<
      string,
      { perMinute: number; busiestMinute: number; rejected: number }
    >;
    const requests = (await (await fetch(`${sandbox.origin}/__sandbox/requests`)).json()) as Record<string, Record<string, number>>;
    const perSource = Object.fromEntries(
      Object.entries(rates).map(([source, r]) => [
        source,
        {
          ...r,
          busiestShareOfLimit: round(r.busiestMinute / r.perMinute, 3),
          requests: Object.values(requests[source] ?? {}).reduce((a, b) => a + b, 0),
        },
      ])
    );
    const result = {
      setup: `2 instances of node build/start.js, one PostgreSQL, one Redis; sandbox of ${SIZE} customers, latencies ${JSON.stringify(
        LATENCY_MS
      )}, vendors enforcing their documented per-minute limits`,
      people: USERS,
      seconds: SECONDS,
      thinkMs: THINK_MS,
      instances: tallies,
      salesforceRequests: Object.values(requests.salesforce ?? {}).reduce((a, b) => a + b, 0),
      sources: perSource,
      targets: {
        busiestMinuteWithin80Percent: { ok: Object.values(perSource).every((r) => r.busiestShareOfLimit <= TARGET_SHARE) },
        no429s: { ok: Object.values(perSource).every((r) => r.rejected === 0) },
        viewsAnswered: { ok: tallies.every((t) => t.views > 0 && t.errors === 0) },
      },
    };
    return report(result, log);
  } finally {
    clearTimeout(deadline);
    await stopProcess(second);
    await first?.close();
    await stopProcess(sandbox?.child);
    await Promise.all([redis?.close(), postgres?.close()]);
  }
}

runBench('instances', main);
