import type { Express, NextFunction, Request, Response } from 'express';
import { corsHeaders, isAllowedOrigin } from '../.server/cors.js';
import type { EdgeSettings } from '../.server/edge-settings.js';
import { RequestLimit, tooManyMessage } from '../.server/request-limit.js';
import { isCrossSiteHeaders } from '../.server/same-origin.js';
import { graphiqlSecurityPolicy, newNonce, securityHeaders } from '../.server/security-headers.js';

/**
 * The web edge, in front of everything Panorama serves (pages, /graphql, assets, errors, 404s): security
 * headers with a fresh CSP nonce per response, CORS for /graphql by an allow-list, 403 for a form posted from
 * another site, and a per-address limit on the sign-in pages. The nonce is handed to Remix in the load context.
 */
export type EdgeOptions = {
  edge: EdgeSettings;
  secureCookies: boolean;
  dev: boolean;
  /** The sign-in limit to spend (the server build's, shared by every instance through Redis); else one in memory. */
  signInLimit?: () => Promise<Pick<RequestLimit, 'take'>>;
};

/** The paths of signing in (Remix's data requests for them end in `.data`). */
const SIGN_IN = /^\/(?:login|auth\/login|auth\/callback)(?:\.data)?\/?$/;

declare module 'express-serve-static-core' {
  interface Locals {
    cspNonce?: string;
  }
}

/** The client's address: the socket's, or with PANORAMA_TRUST_PROXY the one the trusted proxies forwarded. */
export const clientAddress = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? 'unknown';

/** Headers on every response; must run before anything that answers (static files included). */
export function useSecurityHeaders(opts: EdgeOptions) {
  return (req: Request, res: Response, next: NextFunction) => {
    const nonce = newNonce();
    res.locals.cspNonce = nonce;
    res.set(securityHeaders(nonce, { secure: opts.secureCookies, dev: opts.dev }));
    // GraphiQL's page (yoga renders it for a GET that accepts text/html)
    if (req.path === '/graphql' && req.method === 'GET' && (req.get('accept') ?? '').includes('text/html')) {
      res.set('Content-Security-Policy', graphiqlSecurityPolicy(nonce));
    }
    next();
  };
}

/** Everything not a static file is not to be stored: pages and answers hold customer data. Routes may say otherwise. */
export function useNoStore() {
  return (_req: Request, res: Response, next: NextFunction) => {
    res.set('Cache-Control', 'no-store');
    next();
  };
}

/** /graphql answers other origins only when they are on PANORAMA_CORS_ORIGINS; a preflight from any other is refused. */
export function useGraphqlCors(opts: EdgeOptions) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.path !== '/graphql') return next();
    const origin = req.get('origin');
    const preflight = req.method === 'OPTIONS';
    res.set(corsHeaders(origin, opts.edge.corsOrigins, preflight));
    if (!preflight) return next();
    if (isAllowedOrigin(origin, opts.edge.corsOrigins)) return res.status(204).end();
    res.status(403).type('text/plain').send('This origin may not call Panorama\'s /graphql: only those listed in PANORAMA_CORS_ORIGINS may.');
  };
}

/**
 * A form posted from another site is refused with 403 (Remix's own check would throw and answer 500). /graphql
 * accepts a POST from an origin on the CORS allow-list, whose pages the operator trusts with the viewer's cookie.
 */
export function useSameOriginPosts(opts: EdgeOptions) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
    if (req.path === '/graphql' && isAllowedOrigin(req.get('origin'), opts.edge.corsOrigins)) return next();
    if (!isCrossSiteHeaders((name) => req.get(name), req.get('host') ?? '')) return next();
    res.status(403).type('text/plain').send('This request was sent from another site: Panorama only accepts it from its own pages.');
  };
}

/** The sign-in pages, limited per client address: 429 with Retry-After once an address has spent its minute. */
export function useSignInLimit(opts: EdgeOptions) {
  let own: RequestLimit | undefined;
  const limit = opts.signInLimit ?? (async () => (own ??= new RequestLimit(opts.edge.signInPerMinute, 'sign-in')));
  return (req: Request, res: Response, next: NextFunction) => {
    if (!SIGN_IN.test(req.path)) return next();
    limit()
      .then((l) => l.take(clientAddress(req)))
      .then(
      (v) => {
        if (v.ok) return next();
        res.status(429).set('Retry-After', String(v.retryAfterSeconds)).type('text/plain').send(tooManyMessage('sign-in', v.retryAfterSeconds));
      },
      (e: unknown) => next(e),
    );
  };
}

/** Installs the edge on `app` in its order; `serveStatic` adds the static files between headers and the rest. */
export function installEdge(app: Express, opts: EdgeOptions, serveStatic: (app: Express) => void): void {
  app.set('trust proxy', opts.edge.trustProxy);
  app.use(useSecurityHeaders(opts));
  serveStatic(app);
  app.use(useNoStore());
  app.use(useGraphqlCors(opts));
  app.use(useSameOriginPosts(opts));
  app.use(useSignInLimit(opts));
}

/** What Remix's loaders and entry.server get from the edge. */
export const loadContextOf = (req: Request, res: Response) => ({ cspNonce: res.locals.cspNonce ?? '', clientAddress: clientAddress(req) });

/**
 * The last handler: an error no route answered is a plain 500 that names no detail (it is logged), keeping the
 * edge's headers (Express's own would replace the policy with one that allows framing).
 */
export function edgeErrorHandler(log: (e: unknown) => void) {
  return (e: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(e);
    log(e);
    res.status(500).type('text/plain').send('Panorama hit an unexpected error. Try again; if it keeps happening, tell your admin.');
  };
}
