import { randomFillSync } from 'node:crypto';

const NONCE_BYTES = 16;
/** Random bytes for 256 nonces, drawn from the system at once: a draw costs ~0.15 ms here, as much as for one. */
const pool = Buffer.alloc(NONCE_BYTES * 256);
let used = pool.length;

/** A fresh CSP nonce for one response: 128 random bits, base64, never handed out twice. */
export function newNonce(): string {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const nonce = pool.toString('base64', used, used + NONCE_BYTES);
  used += NONCE_BYTES;
  return nonce;
}

export type CspOptions = {
  /** Vite's development server: its HMR socket and the `<style>` elements it injects without a nonce. */
  dev?: boolean;
};

/**
 * The Content-Security-Policy of Panorama's pages. Scripts only from Panorama itself or inline with this
 * response's nonce (Remix's hydration data and module loader, Mantine's colour-scheme script, the streamed
 * single-fetch chunks). Styles: Panorama's stylesheets, `<style>` elements with the nonce (Mantine's CSS
 * variables and responsive props), and style attributes (Mantine's style props; CSP cannot nonce an attribute,
 * and `img-src`/`font-src`/`connect-src 'self'` leave an injected style nowhere to send data).
 * No frames around Panorama, no plug-ins, no `<base>`, forms only to Panorama.
 */
export function contentSecurityPolicy(nonce: string, opts: CspOptions = {}): string {
  const directives: [string, ...string[]][] = [
    ['default-src', "'self'"],
    ['script-src', "'self'", `'nonce-${nonce}'`],
    opts.dev ? ['style-src', "'self'", "'unsafe-inline'"] : ['style-src', "'self'", `'nonce-${nonce}'`],
    ...(opts.dev ? [] : ([['style-src-attr', "'unsafe-inline'"]] as [string, ...string[]][])),
    ['img-src', "'self'", 'data:'],
    ['font-src', "'self'", 'data:'],
    ['connect-src', "'self'", ...(opts.dev ? ['ws:', 'wss:'] : [])],
    ['object-src', "'none'"],
    ['base-uri', "'none'"],
    ['form-action', "'self'"],
    ['frame-ancestors', "'none'"],
  ];
  return directives.map((d) => d.join(' ')).join('; ');
}

/**
 * GraphiQL's page (admins only, when enabled): yoga's GraphiQL loads its editor from unpkg.com and runs it in
 * workers; its inline scripts carry the nonce.
 */
export function graphiqlSecurityPolicy(nonce: string): string {
  const cdn = 'https://unpkg.com';
  return [
    `default-src 'self'`,
    `script-src 'self' 'nonce-${nonce}' ${cdn}`,
    `style-src 'self' 'unsafe-inline' ${cdn}`,
    `worker-src 'self' blob: ${cdn}`,
    `img-src 'self' data: https://raw.githubusercontent.com`,
    `font-src 'self' data: ${cdn}`,
    `connect-src 'self'`,
    `object-src 'none'`,
    `base-uri 'none'`,
    `form-action 'self'`,
    `frame-ancestors 'none'`,
  ].join('; ');
}

export type SecurityHeaderOptions = CspOptions & {
  /** PANORAMA_SECURE_COOKIES: Panorama is served over HTTPS, so browsers are told to keep to it (HSTS). */
  secure: boolean;
};

/** The headers every response carries (the CSP is per response: it holds that response's nonce). */
export function securityHeaders(nonce: string, opts: SecurityHeaderOptions): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(nonce, opts),
    'X-Content-Type-Options': 'nosniff',
    // for browsers without frame-ancestors
    'X-Frame-Options': 'DENY',
    // a customer's page address (its id) never goes to another site with a click on a deep link
    'Referrer-Policy': 'same-origin',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
    // one year, this host only: subdomains of a company's domain may serve other things
    ...(opts.secure ? { 'Strict-Transport-Security': 'max-age=31536000' } : {}),
  };
}
