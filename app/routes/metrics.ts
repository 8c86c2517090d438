import type { LoaderFunctionArgs } from '@remix-run/node';
import { collectDefaultMetrics } from 'prom-client';
import { metricsRegistry } from '../../sources/kit/metrics.js';
import { settings } from '../.server/settings.js';

// The process's own figures beside Panorama's: resident memory, heap, garbage collection, event-loop delay
// (prom-client's defaults, read at each scrape).
collectDefaultMetrics({ register: metricsRegistry });

/** Prometheus metrics. With PANORAMA_METRICS_TOKEN set, a scraper must send it as a bearer token. */
export async function loader({ request }: LoaderFunctionArgs) {
  const token = settings().app.metricsToken;
  if (token && request.headers.get('authorization') !== `Bearer ${token}`) {
    return new Response('Metrics need the bearer token set in PANORAMA_METRICS_TOKEN.', { status: 401 });
  }
  return new Response(await metricsRegistry.metrics(), { headers: { 'content-type': metricsRegistry.contentType } });
}
