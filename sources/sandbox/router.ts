import { HttpResponse, delay, http, matchRequestUrl, type HttpHandler, type HttpResponseResolver, type PathParams } from 'msw';
import type { SourceId } from '../kit/errors.js';
import type { Fault, SandboxState } from './state.js';

/** How one vendor says the things every vendor says: server error, slow down, who are you, and its drift. */
export type VendorStyle = {
  source: SourceId;
  /** Path prefix under the sandbox origin, e.g. `/salesforce`. */
  prefix: string;
  serverError: (status: 500 | 503) => Response;
  rateLimited: (retryAfterSeconds: number) => Response;
  unauthenticated: () => Response;
  /** True when the request carries credentials this vendor accepts. */
  authenticate: (request: Request, state: SandboxState) => boolean;
  /** The body as a drifted API would send it: one field renamed or missing. */
  drift: (body: unknown) => unknown;
  /** Headers every answer of this vendor carries (rate-limit counters and the like). */
  headers?: (state: SandboxState) => Record<string, string>;
};

type Resolver = HttpResponseResolver<PathParams, never, never>;
export type RouteOptions = { auth?: boolean };

const HANG_MS = 120_000;

/**
 * Set by the HTTP server when a request arrives (its `performance.now()`), before any routing: a vendor's latency
 * runs from the moment the request reached it. In-process (msw), the handler's start is the arrival.
 */
export const ARRIVED_AT_HEADER = 'x-sandbox-arrived-at';

export function faultApplies(fault: Fault, endpoint: string): boolean {
  return !fault.endpoint || endpoint.includes(fault.endpoint);
}

/**
 * Builds a vendor's msw handlers. Every route is counted per source and endpoint, and answers through the
 * faults in force for its source before the vendor logic runs.
 */
export function createRouter(state: SandboxState, style: VendorStyle) {
  const pattern = (path: string) => `*${style.prefix}${path}`;

  const wrap =
    (endpoint: string, resolver: Resolver, opts: RouteOptions): Resolver =>
    async (info) => {
      const arrived = Number(info.request.headers.get(ARRIVED_AT_HEADER)) || performance.now();
      state.count(style.source, endpoint);
      const all = state.faults[style.source];
      const fault = faultApplies(all, endpoint) ? all : null;
      const answer = (response: Response) => answerAfter(response, fault, arrived);
      if (fault?.hang) {
        await delay(HANG_MS);
        return new HttpResponse(null, { status: 504 });
      }
      if (fault?.reset) return answer(HttpResponse.error());
      if (fault?.status) return answer(withHeaders(style.serverError(fault.status), style, state));
      if (fault?.rateLimit) return answer(withHeaders(style.rateLimited(fault.retryAfterSeconds), style, state));
      // the vendor's per-minute limit, when the sandbox enforces it: API calls only, not its OAuth endpoints
      const limitedFor = opts.auth !== false ? await state.admit(style.source) : null;
      if (limitedFor !== null) return answer(withHeaders(style.rateLimited(limitedFor), style, state));
      if (opts.auth !== false && (fault?.expiredToken || !style.authenticate(info.request, state))) {
        if (fault?.expiredToken) state.expireTokens(style.source);
        return answer(withHeaders(style.unauthenticated(), style, state));
      }
      const response = await resolver(info);
      if (!(response instanceof Response)) return response;
      if (fault?.malformed && response.status < 300) {
        return answer(new HttpResponse('{"unexpected end of', { status: 200, headers: { 'content-type': 'application/json' } }));
      }
      if (fault?.drift && response.status < 300 && response.headers.get('content-type')?.includes('json')) {
        const body: unknown = await response.clone().json();
        return answer(withHeaders(HttpResponse.json(style.drift(body) as never, { status: response.status }), style, state));
      }
      return answer(withHeaders(response, style, state));
    };

  const route =
    (method: 'get' | 'post' | 'patch' | 'delete') =>
    (path: string, endpoint: string, resolver: Resolver, opts: RouteOptions = {}): HttpHandler => {
      state.routes.push({ source: style.source, method: method.toUpperCase(), pattern: pattern(path), endpoint });
      return http[method](pattern(path), wrap(endpoint, resolver, opts));
    };

  return { get: route('get'), post: route('post'), patch: route('patch'), delete: route('delete') };
}

/**
 * A vendor's latency is the time it takes to answer, its own work included: the answer leaves `latencyMs`
 * (plus jitter) after the request arrived, or as soon as it is ready when the work took longer.
 */
async function answerAfter(response: Response, fault: Fault | null, arrived: number): Promise<Response> {
  if (fault && (fault.latencyMs || fault.jitterMs)) {
    const wait = fault.latencyMs + Math.round(Math.random() * fault.jitterMs) - (performance.now() - arrived);
    if (wait > 0) await delay(wait);
  }
  return response;
}

function withHeaders(response: Response, style: VendorStyle, state: SandboxState): Response {
  const extra = style.headers?.(state);
  if (!extra) return response;
  for (const [k, v] of Object.entries(extra)) {
    if (!response.headers.has(k)) response.headers.set(k, v);
  }
  return response;
}

/** Renames the first occurrence of `from` to `to` wherever it appears in objects (one level of drift). */
export function renameField(body: unknown, from: string, to: string | null): unknown {
  if (Array.isArray(body)) return body.map((b) => renameField(b, from, to));
  if (body && typeof body === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
      if (k === from) {
        if (to) out[to] = v;
      } else out[k] = renameField(v, from, to);
    }
    return out;
  }
  return body;
}

/** The endpoint name of the route a request would reach, as the handlers count it. */
export function endpointOf(state: SandboxState, method: string, url: URL): { source: SourceId; endpoint: string } | null {
  for (const r of state.routes) {
    if (r.method === method.toUpperCase() && matchRequestUrl(url, r.pattern).matches) return { source: r.source, endpoint: r.endpoint };
  }
  return null;
}
