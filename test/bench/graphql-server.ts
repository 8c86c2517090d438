/**
 * Panorama's GraphQL server for the benchmark: the real sources runtime (pointed at the sandbox by the
 * environment) and the real schema, served over node:http exactly as test/bench/hello-server.ts serves the
 * bare yoga baseline, with a fixed viewer injected as the signed session would. `/__bench/*` answers the
 * benchmark: warm the indexes, the cache's figures, the process's memory, upstream metrics, request timings.
 */
import { createServer, type ServerResponse } from 'node:http';
import { createPanoramaYoga } from '../../graphql/yoga.js';
import type { Viewer } from '../../graphql/viewer.js';
import { metricsRegistry } from '../../sources/kit/metrics.js';
import { createSourcesRuntime } from '../../sources/runtime.js';
import { DEMO_USERS } from '../../sources/sandbox/demo-users.js';

const admin = DEMO_USERS.find((u) => u.role === 'admin')!;
export const BENCH_VIEWER: Viewer = { id: admin.id, name: admin.name, email: admin.email, role: 'admin' };

const runtime = createSourcesRuntime(process.env);
const yoga = createPanoramaYoga(runtime);

const json = (res: ServerResponse, body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));

const server = createServer((req, res) => {
  if (req.url?.startsWith('/__bench/')) {
    if (req.url === '/__bench/warm') {
      void runtime.warmIndexes().then((r) => json(res, r));
      return;
    }
    if (req.url === '/__bench/cache') return void json(res, { entries: runtime.cache.size, calculatedBytes: runtime.cache.calculatedBytes, maxBytes: runtime.cache.maxBytes });
    if (req.url === '/__bench/memory') return void json(res, process.memoryUsage());
    if (req.url === '/__bench/timings') return void json(res, timings.splice(0));
    if (req.url === '/__bench/metrics') {
      void metricsRegistry.getMetricsAsJSON().then((m) => json(res, m));
      return;
    }
    res.writeHead(404).end();
    return;
  }
  const started = performance.now();
  res.once('finish', () => timings.push(performance.now() - started));
  void yoga(req, res, { viewer: BENCH_VIEWER });
});
/** Server-side duration of each GraphQL request (ms), for the benchmark's breakdown of a cold view. */
const timings: number[] = [];

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ ready: true, port: typeof address === 'object' && address ? address.port : 0 });
});
process.on('disconnect', () => process.exit(0));
