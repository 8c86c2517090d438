import { z } from 'zod';

export const DEFAULT_TIMEOUT_MS = 8000;
export const DEFAULT_MINOR_VERSION = 75;

const url = (name: string) =>
  z
    .string({ required_error: `${name} is required` })
    .url(`${name} must be a URL`)
    .refine((u) => /^https?:\/\//i.test(u), `${name} must be an http(s) URL`);

/** QuickBooks Online settings, read from the same variables an operator sets for the real API or the sandbox. */
export const quickbooksConfigSchema = z
  .object({
    /** API origin, without `/v3/company`: https://quickbooks.api.intuit.com (or the sandbox's). */
    QUICKBOOKS_BASE_URL: url('QUICKBOOKS_BASE_URL'),
    /** Intuit's OAuth 2 token endpoint. */
    QUICKBOOKS_TOKEN_URL: url('QUICKBOOKS_TOKEN_URL'),
    QUICKBOOKS_CLIENT_ID: z.string({ required_error: 'QUICKBOOKS_CLIENT_ID is required' }).min(1),
    QUICKBOOKS_CLIENT_SECRET: z.string({ required_error: 'QUICKBOOKS_CLIENT_SECRET is required' }).min(1),
    /**
     * The refresh token granted when the company was connected; it rotates, see `onTokens` in the client. Optional:
     * without it, an admin connects QuickBooks on /admin/connections (the token is then kept in the own store).
     */
    QUICKBOOKS_REFRESH_TOKEN: z.string().trim().optional().transform((v) => (v ? v : null)),
    /** Intuit's authorization page for the connect flow. @default 'https://appcenter.intuit.com/connect/oauth2' */
    QUICKBOOKS_AUTHORIZE_URL: url('QUICKBOOKS_AUTHORIZE_URL').default('https://appcenter.intuit.com/connect/oauth2'),
    /** The company id; it goes into every URL, so only digits are accepted. */
    QUICKBOOKS_REALM_ID: z
      .string({ required_error: 'QUICKBOOKS_REALM_ID is required' })
      .regex(/^\d{1,32}$/, 'QUICKBOOKS_REALM_ID must be the numeric company id'),
    /** @default 75 */
    QUICKBOOKS_MINOR_VERSION: z.coerce.number().int().min(1).max(999).default(DEFAULT_MINOR_VERSION),
    /**
     * The currency of amounts whose record names none (no CurrencyRef), used only while the company's
     * Preferences (CurrencyPrefs.HomeCurrency) cannot be read; the Preferences' home currency wins. @default 'USD'
     */
    QUICKBOOKS_HOME_CURRENCY: z
      .string()
      .trim()
      .regex(/^[A-Za-z]{3}$/, 'QUICKBOOKS_HOME_CURRENCY must be an ISO 4217 currency code such as USD or GBP')
      .default('USD')
      .transform((c) => c.toUpperCase()),
    /** Per upstream call, in ms. @default 8000 */
    QUICKBOOKS_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(DEFAULT_TIMEOUT_MS),
  })
  .transform((env) => ({
    baseUrl: env.QUICKBOOKS_BASE_URL.replace(/\/+$/, ''),
    tokenUrl: env.QUICKBOOKS_TOKEN_URL,
    clientId: env.QUICKBOOKS_CLIENT_ID,
    clientSecret: env.QUICKBOOKS_CLIENT_SECRET,
    refreshToken: env.QUICKBOOKS_REFRESH_TOKEN,
    authorizeUrl: env.QUICKBOOKS_AUTHORIZE_URL,
    realmId: env.QUICKBOOKS_REALM_ID,
    minorVersion: env.QUICKBOOKS_MINOR_VERSION,
    timeoutMs: env.QUICKBOOKS_TIMEOUT_MS,
    homeCurrency: env.QUICKBOOKS_HOME_CURRENCY,
  }));

export type QuickbooksConfig = z.output<typeof quickbooksConfigSchema>;
