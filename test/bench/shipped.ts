/**
 * `npm run bench` (third part): the server as it ships (`node build/start.js`: Express, Remix, the `/graphql`
 * route, sessions and the read audit), signed in with a session cookie, measured with autocannon over loopback
 * beside a bare graphql-yoga hello-world compiled and served on plain Node. Run `npm run build` first.
 *   - warm SSR of the customer page (`GET /customers/:id`, every section from the source cache): p50/p99, req/s;
 *     and the same for one connection (what one person waits with nobody else on the server);
 *   - warm customer views through `/graphql` with the page's own operation, executed every time
 *     (`Cache-Control: no-cache`), and as shipped (a repeat within 2 s reuses the answer): req/s as a share of
 *     hello-world's.
 * Targets (issue "Scale"): SSR p99 ≤ 30 ms; executed every time ≥ 40 % of hello-world. Sandbox latencies are the
 * first part's; nothing here waits on an upstream (the page is warm, and its TTLs outlast the run). Bounded:
 * BENCH_SHIPPED_SECONDS per run (10), a deadline for the whole (BENCH_SHIPPED_DEADLINE_SECONDS, 180); 127.0.0.1 only.
 * Prints JSON; exits 1 when a target is missed.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import autocannon, { type Result as CannonResult } from 'autocannon';
import { build as esbuild } from 'esbuild';
import { repoRoot, stopProcess } from '../support/app-process.js';
import { report, runBench } from './report.js';
import { startSignedInApp } from './signed-in-app.js';

const SECONDS = Number(process.env.BENCH_SHIPPED_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const DEADLINE_MS = Number(process.env.BENCH_SHIPPED_DEADLINE_SECONDS ?? 180) * 1000;
const TARGETS = { ssrP99Ms: 30, executedShareOfHelloWorld: 0.4 };
const LATENCY_MS = { salesforce: 120, quickbooks: 200, asana: 150, zendesk: 100 } as const;
const PERSON_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';
const log = (msg: string) => process.stderr.write(`bench shipped: ${msg}\n`);
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const figures = (r: CannonResult) => ({ p50Ms: r.latency.p50, p99Ms: r.latency.p99, requestsPerSecond: round(r.requests.average), errors: r.errors + r.timeouts, non2xx: r.non2xx });

/** The hello-world, compiled as Panorama's build is, on its own port. */
async function startHello(): Promise<{ origin: string; stop: () => Promise<void> }> {
  const outfile = path.join(repoRoot, 'build/bench/hello-server.js');
  await esbuild({ entryPoints: [path.join(repoRoot, 'test/bench/hello-server.ts')], outfile, bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', logLevel: 'warning' });
  const child = spawn(process.execPath, [outfile], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port?: number }) => (m.port ? resolve(m.port) : reject(new Error('hello-world: bad ready message'))));
    child.once('exit', (code) => reject(new Error(`hello-world exited (code ${code})`)));
  });
  return { origin: `http://127.0.0.1:${port}`, stop: () => stopProcess(child) };
}

async function main(): Promise<number> {
  const { operationText } = await import('../../app/.server/graphql.js');
  const { CUSTOMER_PAGE_QUERY } = await import('../../app/components/customer/query.js');
  const { customerPageVariables } = await import('../../app/routes/customers.$id.js');
  log('starting the shipped server and the hello-world');
  const starting = startHello();
  const signedIn = await startSignedInApp({ name: 'shipped', role: 'admin', latencyMs: LATENCY_MS, deadlineMs: DEADLINE_MS, env: { SANDBOX_SIZE: '1000', PANORAMA_RATE_LIMIT_GRAPHQL_PER_MINUTE: '1000000' }, log }).catch(async (e: unknown) => {
    await (await starting.catch(() => undefined))?.stop();
    throw e;
  });
  const hello = await starting.catch(async (e: unknown) => {
    await signedIn.stop();
    throw e;
  });
  try {
    const { cookie } = signedIn;
    const base = signedIn.app.url;
    const id = signedIn.ids[0]!;
    const body = JSON.stringify({ query: operationText(CUSTOMER_PAGE_QUERY), variables: { ...customerPageVariables('admin', id), stream: false, invoices: 12 }, operationName: 'CustomerPage' });
    const gqlHeaders = { cookie, origin: base, 'content-type': 'application/json' };
    // warm: the customer read once (then every section is in the source cache, its TTLs outlasting the runs)
    for (let i = 0; i < 3; i++) {
      const page = await fetch(`${base}/customers/${id}`, { headers: { cookie, 'user-agent': PERSON_UA } });
      if (page.status !== 200) throw new Error(`/customers/${id} answered ${page.status}`);
      await page.text();
      const g = await fetch(`${base}/graphql`, { method: 'POST', headers: gqlHeaders, body });
      const answer = (await g.json()) as { data?: { customer?: { sections?: { state: string }[] } }; errors?: unknown[] };
      if (g.status !== 200 || !answer.data?.customer) throw new Error(`/graphql answered ${g.status}: ${JSON.stringify(answer.errors ?? null).slice(0, 300)}`);
    }
    const cannon = (opts: { url: string; method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string }) => autocannon({ ...opts, connections: CONNECTIONS, duration: SECONDS, timeout: 10 });
    log(`warm SSR of the customer page: ${CONNECTIONS} connections for ${SECONDS} s`);
    const ssr = await cannon({ url: `${base}/customers/${id}`, headers: { cookie, 'user-agent': PERSON_UA } });
    log(`the same page for one person at a time, for ${SECONDS} s`);
    const ssrAlone = await autocannon({ url: `${base}/customers/${id}`, headers: { cookie, 'user-agent': PERSON_UA }, connections: 1, duration: SECONDS, timeout: 10 });
    log('the page\'s operation through /graphql, executed every time, then as shipped');
    const executed = await cannon({ url: `${base}/graphql`, method: 'POST', headers: { ...gqlHeaders, 'cache-control': 'no-cache' }, body });
    const shipped = await cannon({ url: `${base}/graphql`, method: 'POST', headers: gqlHeaders, body });
    log('bare graphql-yoga hello-world');
    const helloRun = await cannon({ url: `${hello.origin}/graphql`, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ hello }' }) });
    const share = (r: CannonResult) => round(r.requests.average / helloRun.requests.average, 3);
    const result = {
      server: 'node build/start.js (as shipped), signed in as an admin, 1,000 customers, every section from the source cache',
      connections: CONNECTIONS,
      seconds: SECONDS,
      ssrCustomerPage: figures(ssr),
      // what one person waits with nobody else on the server (the target is on the 10 connections above)
      ssrCustomerPageOneConnection: figures(ssrAlone),
      graphqlExecutedEveryTime: { ...figures(executed), shareOfHelloWorld: share(executed) },
      graphqlAsShipped: { ...figures(shipped), shareOfHelloWorld: share(shipped) },
      helloWorld: figures(helloRun),
      targets: {
        ssrP99: { targetMs: TARGETS.ssrP99Ms, p99Ms: ssr.latency.p99, ok: ssr.latency.p99 <= TARGETS.ssrP99Ms },
        executedShareOfHelloWorld: { target: TARGETS.executedShareOfHelloWorld, share: share(executed), ok: share(executed) >= TARGETS.executedShareOfHelloWorld },
        noErrors: { ok: [ssr, ssrAlone, executed, shipped, helloRun].every((r) => r.errors + r.timeouts + r.non2xx === 0) },
      },
    };
    return report(result, log);
  } finally {
    await Promise.all([signedIn.stop(), hello.stop()]);
  }
}

runBench('shipped', main);
