/**
 * `npm run bench`: what a customer view costs, measured over real HTTP on loopback.
 *
 * Starts three processes — the sandbox (1,000 customers, each vendor answering with its own latency), Panorama's
 * GraphQL server and a bare graphql-yoga hello-world served the same way — then measures and prints JSON:
 *   - cold customer views (indexes warm, customers never read before): time ÷ the slowest source's latency;
 *   - upstream requests per cold view and per 50-customer list, per source (the sandbox's request counter);
 *   - warm customer views under concurrency (autocannon): p50/p99 latency and requests/s, beside hello-world's;
 *   - the Panorama server's RSS with 1,000 distinct customers cached.
 * The customer view is the customer page's own operation (imported from its route). Exits non-zero when a
 * target is missed. Bounded: every step has a limit, the whole run a deadline (BENCH_DEADLINE_SECONDS, 300).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon, { type Result as CannonResult } from 'autocannon';
import { build as esbuild } from 'esbuild';
import { canRead } from '../../graphql/policy.js';
import { salesforceId } from '../../sources/sandbox/dataset.js';
import { sandboxEnv } from '../../sources/sandbox/env.js';
import { vmStatus } from './report.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SOURCES = ['salesforce', 'quickbooks', 'asana', 'zendesk'] as const;
type Source = (typeof SOURCES)[number];
const LATENCY_MS: Record<Source, number> = { salesforce: 120, quickbooks: 200, asana: 150, zendesk: 100 };
const SLOWEST_MS = Math.max(...Object.values(LATENCY_MS));
const SIZE = 1000;
const TARGETS = { coldRatio: 1.1, warmShareOfHelloWorld: 0.4, rssMb: 300 };
const num = (name: string, fallback: number) => {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n > 0 ? n : fallback;
};
const COLD_VIEWS = num('BENCH_COLD_VIEWS', 24);
const WARM_SECONDS = num('BENCH_WARM_SECONDS', 10);
const CONNECTIONS = num('BENCH_CONNECTIONS', 10);
/** Page views in flight while every customer is read for the memory figure (on 2 cores more only queue up). */
const LOAD_CONCURRENCY = num('BENCH_LOAD_CONCURRENCY', 8);
const DEADLINE_MS = num('BENCH_DEADLINE_SECONDS', 300) * 1000;
/** BENCH_MEMORY=0 skips reading all customers (quicker runs while tuning; the RSS target is then not checked). */
const MEASURE_MEMORY = process.env.BENCH_MEMORY !== '0';

const children: ChildProcess[] = [];
function stopAll(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
}
process.on('exit', stopAll);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    stopAll();
    process.exit(130);
  });
}
const deadline = setTimeout(() => {
  process.stderr.write(`bench: did not finish within ${DEADLINE_MS / 1000} s; stopping\n`);
  stopAll();
  process.exit(2);
}, DEADLINE_MS);
deadline.unref();

const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}

/**
 * The servers measured run as production runs Panorama: compiled to JavaScript (esbuild, as `npm run build`
 * compiles the app's server), on plain Node — not through the tsx loader, whose worker thread alone is ~40 MB.
 */
async function compile(entries: string[]): Promise<Record<string, string>> {
  const outdir = path.join(ROOT, 'build/bench');
  await esbuild({
    entryPoints: entries.map((e) => path.join(ROOT, e)),
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
  });
  return Object.fromEntries(entries.map((e) => [e, path.join(outdir, `${path.basename(e, '.ts')}.js`)]));
}

/** An entry point as its own Node process (a .ts file through the tsx loader), stdout discarded unless asked for. */
function start(file: string, env: Record<string, string | undefined>, opts: { stdout?: boolean; ipc?: boolean } = {}): ChildProcess {
  const args = file.endsWith('.ts') ? ['--import', 'tsx', path.join(ROOT, file)] : [file];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: env as NodeJS.ProcessEnv,
    stdio: ['ignore', opts.stdout ? 'pipe' : 'ignore', 'inherit', ...(opts.ipc ? (['ipc'] as const) : [])],
  });
  children.push(child);
  return child;
}

function readyOverIpc(child: ChildProcess, what: string): Promise<number> {
  return withTimeout(
    new Promise<number>((resolve, reject) => {
      child.once('message', (m: { ready?: boolean; port?: number }) => (m.ready && m.port ? resolve(m.port) : reject(new Error(`${what}: bad ready message`))));
      child.once('exit', (code) => reject(new Error(`${what} exited (code ${code}) before it was ready`)));
    }),
    60_000,
    `starting ${what}`,
  );
}

async function startSandbox(): Promise<{ origin: string; child: ChildProcess }> {
  const faults = Object.fromEntries(SOURCES.map((s) => [s, { latencyMs: LATENCY_MS[s] }]));
  const child = start('sources/sandbox/server.ts', { ...process.env, SANDBOX_PORT: '0', SANDBOX_HOST: '127.0.0.1', SANDBOX_SIZE: String(SIZE), SANDBOX_FAULTS: JSON.stringify(faults) }, { stdout: true });
  const origin = await withTimeout(
    new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! });
      lines.on('line', (line) => {
        const m = line.match(/^SANDBOX_READY (.*)$/);
        if (m) resolve((JSON.parse(m[1]!) as { origin: string }).origin);
      });
      child.once('exit', (code) => reject(new Error(`the sandbox exited (code ${code}) before it was ready`)));
    }),
    120_000,
    'starting the sandbox',
  );
  return { origin, child };
}

async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await withTimeout(fetch(url, init), 60_000, `${init?.method ?? 'GET'} ${url}`);
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

type Counts = Record<Source, Record<string, number>>;
const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
const perSource = (c: Counts) => Object.fromEntries(SOURCES.map((s) => [s, total(c[s] ?? {})])) as Record<Source, number>;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

const LIST_QUERY = /* GraphQL */ `
  query CustomerList($first: Int!) {
    customers(search: "", first: $first) {
      nodes {
        id
        name
        crm { account { tier } }
        accounting { standing { state } }
        projectSummary { total worstStatus nextDueOn }
        support { counts { unsolved } }
      }
    }
  }
`;

async function main() {
  const started = performance.now();
  const { operationText } = await import('../../app/.server/graphql.js');
  const CUSTOMER_PAGE_QUERY = operationText((await import('../../app/routes/customers.$id.js')).CUSTOMER_PAGE_QUERY);
  const role = 'admin' as const;
  const pageVariables = (id: string) => ({
    id,
    refresh: false,
    refreshSystems: null,
    deals: canRead(role, 'DEALS'),
    billing: canRead(role, 'BILLING'),
    tickets: canRead(role, 'TICKETS'),
    admin: canRead(role, 'ADMIN'),
  });
  const pageBody = (id: string) => JSON.stringify({ query: CUSTOMER_PAGE_QUERY, variables: pageVariables(id), operationName: 'CustomerPage' });

  log(`starting the sandbox (${SIZE} customers; latency ${JSON.stringify(LATENCY_MS)})`);
  const sandbox = await startSandbox();
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' };
  const compiled = await compile(['test/bench/graphql-server.ts', 'test/bench/hello-server.ts']);
  const panoramaChild = start(compiled['test/bench/graphql-server.ts']!, { ...env, ...sandboxEnv(sandbox.origin), PANORAMA_SANDBOX_ORIGIN: sandbox.origin }, { ipc: true });
  const helloChild = start(compiled['test/bench/hello-server.ts']!, env, { ipc: true });
  const [panoramaPort, helloPort] = await Promise.all([readyOverIpc(panoramaChild, 'the Panorama server'), readyOverIpc(helloChild, 'the hello-world server')]);
  const panorama = `http://127.0.0.1:${panoramaPort}`;
  const hello = `http://127.0.0.1:${helloPort}`;

  const resetCounts = () => fetch(`${sandbox.origin}/__sandbox/requests`, { method: 'DELETE' }).then((r) => r.arrayBuffer());
  const counts = () => getJson<Counts>(`${sandbox.origin}/__sandbox/requests`);
  /** One GraphQL request; `ms` runs until the whole answer has arrived (parsing it is the client's business). */
  const graphql = async (body: string) => {
    const t = performance.now();
    const res = await withTimeout(fetch(`${panorama}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }), 60_000, 'a GraphQL request');
    const text = await res.text();
    const ms = performance.now() - t;
    const json = JSON.parse(text) as { data?: Record<string, any> | null; errors?: { message: string }[] };
    return { status: res.status, ms, ...json };
  };

  log('warming the indexes (as the app does at start-up)');
  const warm = await withTimeout(getJson<{ source: string; ok: boolean; rows: number | null; ms: number }[]>(`${panorama}/__bench/warm`), 120_000, 'warming the indexes');
  if (!warm.every((w) => w.ok)) throw new Error(`an index did not load: ${JSON.stringify(warm)}`);
  // the sandbox answered the index pages; their latency is now paid
  await resetCounts();

  log('a 50-customer list');
  const listStarted = performance.now();
  const list = await graphql(JSON.stringify({ query: LIST_QUERY, variables: { first: 50 } }));
  const listMs = performance.now() - listStarted;
  if (list.errors?.length || list.data?.customers.nodes.length !== 50) throw new Error(`the list failed: ${JSON.stringify(list.errors ?? list.data).slice(0, 500)}`);
  const listCounts = await counts();
  const listed = new Set<string>(list.data.customers.nodes.map((n: { id: string }) => n.id));

  /** Seconds spent in upstream calls so far, per source (the kit's histogram, summed over operations). */
  const upstreamSeconds = async () => {
    type Metric = { name: string; values: { metricName?: string; labels: Record<string, string>; value: number }[] };
    const metrics = await getJson<Metric[]>(`${panorama}/__bench/metrics`);
    const out = Object.fromEntries(SOURCES.map((s) => [s, 0])) as Record<Source, number>;
    for (const v of metrics.find((m) => m.name === 'panorama_upstream_duration_seconds')?.values ?? []) {
      if (v.metricName?.endsWith('_sum') && !v.labels.operation?.includes('ndex')) out[v.labels.source as Source] += v.value;
    }
    return out;
  };

  log(`${COLD_VIEWS} cold customer views, one at a time`);
  const allIds = Array.from({ length: SIZE }, (_, i) => salesforceId('001', i + 1));
  const unlisted = allIds.filter((id) => !listed.has(id));
  const coldIds = unlisted.filter((_, i, a) => i % Math.floor(a.length / COLD_VIEWS) === 7).slice(0, COLD_VIEWS);
  // One cold view first, not measured: the server's first customer page compiles its code paths (JIT).
  await graphql(pageBody(unlisted.find((id) => !coldIds.includes(id))!));
  type ColdView = { id: string; ms: number; ratio: number; serverMs: number; slowestUpstreamMs: number; requests: Record<Source, number>; errors: number };
  const cold: ColdView[] = [];
  await getJson(`${panorama}/__bench/timings`);
  for (const id of coldIds) {
    await resetCounts();
    const before = await upstreamSeconds();
    const r = await graphql(pageBody(id));
    const ms = r.ms;
    if (!r.data?.customer) throw new Error(`cold view of ${id} failed: ${JSON.stringify(r.errors).slice(0, 500)}`);
    const after = await upstreamSeconds();
    const [serverMs] = await getJson<number[]>(`${panorama}/__bench/timings`);
    const slowest = Math.max(...SOURCES.map((s) => (after[s] - before[s]) * 1000));
    cold.push({ id, ms: round(ms, 1), ratio: round(ms / SLOWEST_MS, 3), serverMs: round(serverMs ?? NaN, 1), slowestUpstreamMs: round(slowest, 1), requests: perSource(await counts()), errors: r.errors?.length ?? 0 });
  }

  if (MEASURE_MEMORY) log(`reading all ${SIZE} customers (${LOAD_CONCURRENCY} at a time) to measure memory`);
  const before = vmStatus(panoramaChild.pid!);
  let next = MEASURE_MEMORY ? 0 : allIds.length;
  let failed = 0;
  const worker = async () => {
    while (next < allIds.length) {
      const id = allIds[next++]!;
      const r = await graphql(pageBody(id));
      if (!r.data?.customer) failed++;
    }
  };
  const loadStarted = performance.now();
  await Promise.all(Array.from({ length: LOAD_CONCURRENCY }, worker));
  const loadMs = performance.now() - loadStarted;
  const cache = await getJson<{ entries: number; calculatedBytes: number; maxBytes: number }>(`${panorama}/__bench/cache`);
  const memory = await getJson<{ rss: number; heapUsed: number }>(`${panorama}/__bench/memory`);
  const after = vmStatus(panoramaChild.pid!);
  const helloMemory = vmStatus(helloChild.pid!);

  log(`warm customer views: ${CONNECTIONS} connections for ${WARM_SECONDS} s, then hello-world the same way`);
  const warmId = cold.find((c) => SOURCES.every((src) => c.requests[src] >= 1))?.id ?? coldIds[0]!;
  // read it twice: should its entries have passed their TTL meanwhile, the first read refreshes them
  await graphql(pageBody(warmId));
  await new Promise((r) => setTimeout(r, 500));
  const check = await graphql(pageBody(warmId));
  const warmStates = (check.data?.customer.sections as { state: string }[]).map((s) => s.state);
  if (!warmStates.every((s) => s === 'CACHED' || s === 'NOT_LINKED')) throw new Error(`the warm view is not served from the cache: ${warmStates.join(', ')}`);
  await resetCounts();
  const cannon = (url: string, body: string, headers: Record<string, string> = {}) =>
    autocannon({ url: `${url}/graphql`, method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, connections: CONNECTIONS, duration: WARM_SECONDS, timeout: 10 });
  // As shipped: a repeat within the response cache's TTL reuses the answer (graphql/response-cache.ts).
  const warmRun = await cannon(panorama, pageBody(warmId));
  // The same views with `Cache-Control: no-cache`: every one executed, every section read from the source cache.
  const executedRun = await cannon(panorama, pageBody(warmId), { 'cache-control': 'no-cache' });
  const warmCounts = perSource(await counts());
  const helloRun = await cannon(hello, JSON.stringify({ query: '{ hello }' }));
  const figures = (r: CannonResult) => ({
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    requestsPerSecond: round(r.requests.average, 0),
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  });
  const warmResult = {
    operation: 'CustomerPage (app/routes/customers.$id.tsx)',
    connections: CONNECTIONS,
    seconds: WARM_SECONDS,
    ...figures(warmRun),
    upstreamRequests: warmCounts,
    executedEveryTime: { ...figures(executedRun), shareOfHelloWorld: round(executedRun.requests.average / helloRun.requests.average, 3) },
    helloWorld: figures(helloRun),
    shareOfHelloWorld: round(warmRun.requests.average / helloRun.requests.average, 3),
  };

  const ratios = cold.map((c) => c.ratio);
  const result = {
    machine: { node: process.version, cpus: (await import('node:os')).cpus().length },
    sandbox: { customers: SIZE, latencyMs: LATENCY_MS, slowestMs: SLOWEST_MS },
    indexes: warm.map((w) => ({ source: w.source, rows: w.rows, ms: w.ms })),
    coldView: {
      operation: 'CustomerPage (app/routes/customers.$id.tsx)',
      views: cold.length,
      medianMs: round(median(cold.map((c) => c.ms)), 1),
      maxMs: round(Math.max(...cold.map((c) => c.ms)), 1),
      ratioToSlowestSource: { median: round(median(ratios), 3), max: round(Math.max(...ratios), 3) },
      // the same view against what its slowest upstream call really took (sandbox work and parsing included):
      // what Panorama adds beyond waiting for it
      ratioToSlowestUpstreamCall: {
        median: round(median(cold.map((c) => c.ms / c.slowestUpstreamMs)), 3),
        max: round(Math.max(...cold.map((c) => c.ms / c.slowestUpstreamMs)), 3),
      },
      slowestUpstreamCallMs: { median: round(median(cold.map((c) => c.slowestUpstreamMs)), 1) },
      requestsPerViewPerSource: {
        median: Object.fromEntries(SOURCES.map((s) => [s, median(cold.map((c) => c.requests[s]))])),
        max: Object.fromEntries(SOURCES.map((s) => [s, Math.max(...cold.map((c) => c.requests[s]))])),
      },
      each: cold,
    },
    list50: { ms: round(listMs, 1), requestsPerSource: perSource(listCounts), endpoints: listCounts },
    warmView: warmResult,
    memory: {
      customersRead: allIds.length - failed,
      failedReads: failed,
      loadSeconds: round(loadMs / 1000, 1),
      cache,
      panoramaRssMbBeforeLoad: before.rssMb,
      panoramaRssMb: after.rssMb,
      panoramaPeakRssMb: after.peakRssMb,
      panoramaHeapUsedMb: round(memory.heapUsed / 1024 / 1024, 1),
      helloWorldRssMb: helloMemory.rssMb,
    },
    targets: {
      coldWithin: { target: TARGETS.coldRatio, median: round(median(ratios), 3), ok: median(ratios) <= TARGETS.coldRatio },
      warmShareOfHelloWorld: { target: TARGETS.warmShareOfHelloWorld, actual: warmResult.shareOfHelloWorld, ok: warmResult.shareOfHelloWorld >= TARGETS.warmShareOfHelloWorld },
      rssMb: { target: TARGETS.rssMb, actual: after.rssMb, ok: !MEASURE_MEMORY || after.rssMb < TARGETS.rssMb, ...(MEASURE_MEMORY ? {} : { skipped: true }) },
      warmViewsClean: {
        ok: [warmResult, warmResult.executedEveryTime].every((r) => r.non2xx === 0 && r.errors === 0) && total(warmCounts) === 0,
      },
      allCustomersRead: { ok: failed === 0 && (!MEASURE_MEMORY || cache.entries >= SIZE) },
    },
    seconds: round((performance.now() - started) / 1000, 1),
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  const missed = Object.entries(result.targets).filter(([, t]) => !t.ok).map(([k]) => k);
  if (missed.length) log(`target missed: ${missed.join(', ')}`);
  stopAll();
  process.exit(missed.length ? 1 : 0);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  stopAll();
  process.exit(2);
});
