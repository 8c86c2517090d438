/**
 * `npm run bench` (fourth part; alone: `npm run bench:scale`, after `npm run build`): the server as it ships
 * (`node --max-old-space-size=512 build/start.js`, as `npm start` runs it) on the built-in sandbox at 10,000 customers (BENCH_SCALE_SIZE).
 *   - time from start to warm indexes: from the process's start to `/readyz` answering 200 (every index loaded),
 *     with the sandbox's latencies and Panorama's default per-minute budgets;
 *   - memory: the server's RSS with its indexes warm, then after BENCH_SCALE_READS (all of them) customers' pages read
 *     once through `/graphql` with the page's own operation (BENCH_SCALE_CONCURRENCY at a time, vendor latency 0
 *     and the budgets lifted, as they exist to spread people's reads, not a sweep), with the source cache's entries
 *     and bytes (its gauges). The sweep of 10,000 takes ~6–7 minutes.
 * Target (issue "Scale"): RSS ≤ 400 MB with all customers cached at 10,000 — reported as not met when fewer were
 * read. Loopback only; bounded by a deadline (BENCH_SCALE_DEADLINE_SECONDS, 1,200). Prints JSON; exits 1 when
 * a target is missed or not measured.
 */
import { salesforceId } from '../../sources/sandbox/dataset.js';
import { SERVER_ARGS } from '../support/app-process.js';
import { report, runBench, vmStatus } from './report.js';
import { startSignedInApp, type SignedInApp } from './signed-in-app.js';

const SIZE = Number(process.env.BENCH_SCALE_SIZE ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_SCALE_CONCURRENCY ?? 16);
const DEADLINE_MS = Number(process.env.BENCH_SCALE_DEADLINE_SECONDS ?? 1200) * 1000;
const READS = Number(process.env.BENCH_SCALE_READS ?? SIZE);
const TARGETS = { rssMb: 400 };
const LATENCY_MS = { salesforce: 120, quickbooks: 200, asana: 150, zendesk: 100 } as const;
/** The defaults a deployment gets (80 % of each documented limit); the built-in sandbox has none unless set. */
const DEFAULT_BUDGETS = {
  PANORAMA_BUDGET_QUICKBOOKS_PER_MINUTE: '400',
  PANORAMA_BUDGET_ASANA_PER_MINUTE: '120',
  PANORAMA_BUDGET_ZENDESK_PER_MINUTE: '160',
};
const NO_BUDGETS = {
  PANORAMA_BUDGET_SALESFORCE_PER_MINUTE: '0',
  PANORAMA_BUDGET_QUICKBOOKS_PER_MINUTE: '0',
  PANORAMA_BUDGET_ASANA_PER_MINUTE: '0',
  PANORAMA_BUDGET_ZENDESK_PER_MINUTE: '0',
};
const log = (msg: string) => process.stderr.write(`bench scale: ${msg}\n`);
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

/** A gauge's value from the server's Prometheus text. */
async function gauge(app: SignedInApp, name: string): Promise<number> {
  const text = await (await fetch(`${app.app.url}/metrics`)).text();
  return Number(text.match(new RegExp(`^${name} (\\S+)$`, 'm'))?.[1] ?? NaN);
}

/** Start to warm, as an operator's deployment starts: the sandbox's latencies, the default budgets. */
async function warmUp(): Promise<{ listeningSeconds: number; readySeconds: number; indexes: unknown }> {
  const started = performance.now();
  const app = await startSignedInApp({
    name: 'scale-warm',
    role: 'admin',
    latencyMs: LATENCY_MS,
    deadlineMs: DEADLINE_MS,
    readyWithinMs: DEADLINE_MS,
    env: { SANDBOX_SIZE: String(SIZE), ...DEFAULT_BUDGETS },
    log,
  });
  try {
    const readySeconds = (performance.now() - started) / 1000;
    const ready = (await (await fetch(`${app.app.url}/readyz`)).json()) as { sources: { source: string; index: unknown; budget: unknown }[] };
    return {
      listeningSeconds: round(app.listeningMs / 1000),
      readySeconds: round(readySeconds),
      indexes: ready.sources.map((s) => ({ source: s.source, index: s.index, budget: s.budget })),
    };
  } finally {
    await app.stop();
  }
}

/** Customers' pages read once, spread over the sandbox; the memory they then hold. */
async function readAll(): Promise<Record<string, unknown>> {
  const { operationText } = await import('../../app/.server/graphql.js');
  const { CUSTOMER_PAGE_QUERY } = await import('../../app/components/customer/query.js');
  const { customerPageVariables } = await import('../../app/routes/customers.$id.js');
  const app = await startSignedInApp({
    name: 'scale-memory',
    role: 'admin',
    latencyMs: {},
    deadlineMs: DEADLINE_MS,
    readyWithinMs: DEADLINE_MS,
    env: { SANDBOX_SIZE: String(SIZE), PANORAMA_RATE_LIMIT_GRAPHQL_PER_MINUTE: '1000000', ...NO_BUDGETS },
    log,
  });
  try {
    const ids = Array.from({ length: Math.min(READS, SIZE) }, (_, i) => salesforceId('001', 1 + Math.floor((i * SIZE) / Math.min(READS, SIZE))));
    const before = vmStatus(app.app.child.pid!);
    const cacheBefore = await gauge(app, 'panorama_cache_bytes');
    const headers = { cookie: app.cookie, origin: app.app.url, 'content-type': 'application/json' };
    let next = 0;
    let failed = 0;
    const started = performance.now();
    const worker = async () => {
      while (next < ids.length) {
        const id = ids[next++]!;
        const body = JSON.stringify({
          query: operationText(CUSTOMER_PAGE_QUERY),
          variables: { ...customerPageVariables('admin', id), stream: false, invoices: 12 },
          operationName: 'CustomerPage',
        });
        const r = await fetch(`${app.app.url}/graphql`, { method: 'POST', headers, body });
        const answer = (await r.json()) as { data?: { customer?: unknown } };
        if (r.status !== 200 || !answer.data?.customer) failed++;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const after = vmStatus(app.app.child.pid!);
    const cacheAfter = await gauge(app, 'panorama_cache_bytes');
    return {
      customersRead: ids.length - failed,
      cacheKbPerCustomer: round((cacheAfter - cacheBefore) / 1024 / Math.max(1, ids.length - failed)),
      rssKbPerCustomer: round(((after.rssMb - before.rssMb) * 1024) / Math.max(1, ids.length - failed)),
      failedReads: failed,
      loadSeconds: round((performance.now() - started) / 1000),
      cacheEntries: await gauge(app, 'panorama_cache_entries'),
      cacheMb: round((await gauge(app, 'panorama_cache_bytes')) / 1024 / 1024),
      // V8's heap in use now (live data and garbage not yet collected), beside the RSS the process holds
      heapUsedMb: round((await gauge(app, 'nodejs_heap_size_used_bytes')) / 1024 / 1024),
      rssMbBeforeLoad: before.rssMb,
      rssMb: after.rssMb,
      peakRssMb: after.peakRssMb,
    };
  } finally {
    await app.stop();
  }
}

async function main(): Promise<number> {
  log(`start to warm indexes at ${SIZE} customers`);
  const warm = await warmUp();
  log(`reading ${Math.min(READS, SIZE)} of ${SIZE} customers (${CONCURRENCY} at a time) to measure memory`);
  const memory = await readAll();
  const allRead = memory.customersRead === SIZE;
  const rss = memory.rssMb as number;
  const result = {
    server: `node ${SERVER_ARGS.join(' ')} (as npm start runs it) on the built-in sandbox, ${SIZE} customers`,
    startToWarm: warm,
    memory,
    targets: {
      rssMbAllCached: allRead
        ? { target: TARGETS.rssMb, actual: rss, ok: rss <= TARGETS.rssMb }
        : { target: TARGETS.rssMb, measured: false, ok: false },
      allCustomersRead: { ok: memory.failedReads === 0 },
    },
  };
  return report(result, log);
}

runBench('scale', main);
