import { z } from 'zod';
import { XERO_ENDPOINTS } from './client.server.js';

export const DEFAULT_TIMEOUT_MS = 8000;
/** Xero's authorization page (developer.xero.com, "Standard authorization code flow"). */
export const XERO_AUTHORIZE_URL = 'https://login.xero.com/identity/connect/authorize';
export const DEFAULT_XERO_SCOPES = 'offline_access accounting.contacts.read accounting.transactions.read';

const url = (name: string, fallback: string) =>
  z
    .string()
    .url(`${name} must be a URL`)
    .refine((u) => /^https?:\/\//i.test(u), `${name} must be an http(s) URL`)
    .default(fallback);

const secret = (name: string) => z.string({ required_error: `${name} is required` }).min(1, `${name} must not be empty`);

/**
 * Xero settings, read from the same variables an operator sets for the real API or the sandbox. Xero is the
 * accounting system only when PANORAMA_ACCOUNTING=xero; its variables are checked whenever one is set.
 */
export const xeroConfigSchema = z
  .object({
    /** The Accounting API: https://api.xero.com/api.xro/2.0 (or the sandbox's). */
    XERO_API_URL: url('XERO_API_URL', XERO_ENDPOINTS.api),
    /** The tenants the connection may read: https://api.xero.com/connections. */
    XERO_CONNECTIONS_URL: url('XERO_CONNECTIONS_URL', XERO_ENDPOINTS.connections),
    /** Xero's OAuth 2 token endpoint: https://identity.xero.com/connect/token. */
    XERO_TOKEN_URL: url('XERO_TOKEN_URL', XERO_ENDPOINTS.token),
    XERO_CLIENT_ID: secret('XERO_CLIENT_ID'),
    XERO_CLIENT_SECRET: secret('XERO_CLIENT_SECRET'),
    /**
     * The refresh token granted when the organisation was connected (scope offline_access); it rotates on every
     * refresh. Unset: an admin connects Xero on /admin/connections. @default unset
     */
    XERO_REFRESH_TOKEN: z.string().trim().optional().transform((v) => (v ? v : null)),
    /** Xero's authorization page for the connect flow. @default 'https://login.xero.com/identity/connect/authorize' */
    XERO_AUTHORIZE_URL: url('XERO_AUTHORIZE_URL', XERO_AUTHORIZE_URL),
    /**
     * The scopes "Connect Xero" asks for, read only. Apps created since March 2026 get the granular scopes instead of
     * accounting.transactions.read: set `offline_access accounting.contacts.read accounting.invoices.read accounting.payments.read`.
     * @default 'offline_access accounting.contacts.read accounting.transactions.read'
     */
    XERO_SCOPES: z
      .string()
      .trim()
      .default(DEFAULT_XERO_SCOPES)
      .transform((s) => s.split(/\s+/).filter(Boolean))
      .refine((s) => s.includes('offline_access'), 'XERO_SCOPES must include offline_access (without it Xero grants no refresh token)')
      .refine((s) => s.every((x) => /^[a-z_.]+$/.test(x) && !/^accounting\.(?!.*\.read$)/.test(x)), 'XERO_SCOPES must name read-only scopes (accounting.*.read) and offline_access')
      .transform((s) => s.join(' ')),
    /** The organisation (tenant) to read; unset: the only ORGANISATION among GET /connections. */
    XERO_TENANT_ID: z
      .string()
      .trim()
      .regex(/^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})?$/i, 'XERO_TENANT_ID must be the tenant id (a GUID) from GET /connections, or empty')
      .optional()
      .transform((t) => (t ? t.toLowerCase() : null)),
    /** The currency of a contact that names no DefaultCurrency (its invoices carry their own CurrencyCode). @default 'USD' */
    XERO_BASE_CURRENCY: z
      .string()
      .trim()
      .regex(/^[A-Za-z]{3}$/, 'XERO_BASE_CURRENCY must be an ISO 4217 currency code such as USD or NZD')
      .default('USD')
      .transform((c) => c.toUpperCase()),
    /**
     * The organisation's ShortCode (GET /Organisation), e.g. `!NLglS`: deep links then open that organisation.
     * Unset: links open in whichever organisation the reader last used in Xero. @default unset
     */
    XERO_ORGANISATION_SHORTCODE: z
      .string()
      .trim()
      .regex(/^(?:![A-Za-z0-9_-]{1,20})?$/, 'XERO_ORGANISATION_SHORTCODE must be the organisation ShortCode, such as !NLglS, or empty')
      .optional()
      .transform((c) => c || null),
    /** Per upstream call, in ms. @default 8000 */
    XERO_TIMEOUT_MS: z.coerce.number({ invalid_type_error: 'XERO_TIMEOUT_MS must be a number of milliseconds' }).int().min(100).max(120_000).default(DEFAULT_TIMEOUT_MS),
  })
  .transform((env) => ({
    endpoints: { api: env.XERO_API_URL.replace(/\/+$/, ''), connections: env.XERO_CONNECTIONS_URL, token: env.XERO_TOKEN_URL },
    clientId: env.XERO_CLIENT_ID,
    clientSecret: env.XERO_CLIENT_SECRET,
    refreshToken: env.XERO_REFRESH_TOKEN,
    authorizeUrl: env.XERO_AUTHORIZE_URL,
    scopes: env.XERO_SCOPES,
    tenantId: env.XERO_TENANT_ID,
    baseCurrency: env.XERO_BASE_CURRENCY,
    shortCode: env.XERO_ORGANISATION_SHORTCODE,
    timeoutMs: env.XERO_TIMEOUT_MS,
  }));

export type XeroConfig = z.output<typeof xeroConfigSchema>;
