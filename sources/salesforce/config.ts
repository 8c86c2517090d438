import { z } from 'zod';

const url = (name: string) =>
  z
    .string({ required_error: `${name} is required` })
    .url(`${name} must be a URL such as https://yourcompany.my.salesforce.com`)
    .transform((u) => u.replace(/\/+$/, ''));

/** A field's API name (namespace prefix allowed, e.g. acme__Tier__c); empty turns the mapping off. */
const fieldName = (name: string, fallback: string) =>
  z
    .string()
    .trim()
    .max(80, `${name} is longer than a Salesforce field name can be`)
    .regex(/^(?:[A-Za-z][A-Za-z0-9_]*)?$/, `${name} must be a field API name such as ${fallback}, or empty to turn it off`)
    .default(fallback)
    .transform((v) => (v ? v : null));

const secret = (name: string) => z.string({ required_error: `${name} is required` }).min(1, `${name} must not be empty`);

/** Salesforce settings, read from the environment; keys are the variable names an operator sets. */
export const salesforceConfigSchema = z
  .object({
    /** The org's My Domain URL; REST calls and deep links go here. */
    SALESFORCE_INSTANCE_URL: url('SALESFORCE_INSTANCE_URL'),
    /** Where the OAuth token endpoint lives (login.salesforce.com, test.salesforce.com or My Domain). */
    SALESFORCE_LOGIN_URL: url('SALESFORCE_LOGIN_URL').default('https://login.salesforce.com'),
    SALESFORCE_CLIENT_ID: secret('SALESFORCE_CLIENT_ID'),
    SALESFORCE_CLIENT_SECRET: secret('SALESFORCE_CLIENT_SECRET'),
    /** Optional: without it, an admin connects Salesforce on /admin/connections (the token is kept in the own store). */
    SALESFORCE_REFRESH_TOKEN: z.string().trim().optional().transform((v) => (v ? v : null)),
    /** @default '62.0' */
    SALESFORCE_API_VERSION: z
      .string()
      .regex(/^\d{2}\.0$/, 'SALESFORCE_API_VERSION must look like 62.0')
      .default('62.0'),
    /** Per HTTP request, enforced by jsforce itself (the source kit has its own, per call). @default 8000 */
    SALESFORCE_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(8000),
    /**
     * Extra attempts for a GET that met a 5xx or a dropped connection, 250 ms then 500 ms apart, each taking a
     * budget point (jsforce's own retries, below its transport, are off). Token requests and refusals (401/403/429)
     * are never retried. Off by default: the source kit retries every source's reads alike (PANORAMA_RETRY_ATTEMPTS),
     * and each of these would add to those. @default 0
     */
    SALESFORCE_HTTP_RETRIES: z.coerce.number().int().min(0).max(3).default(0),
    /**
     * The org's currency (ISO 4217), used only when the org is known to be single-currency (Opportunity has no
     * CurrencyIsoCode) and its Organization.DefaultCurrencyIsoCode cannot be read. Unset: deal amounts are then
     * shown without a currency rather than in an assumed one. @default unset
     */
    SALESFORCE_DEFAULT_CURRENCY: z
      .string()
      .trim()
      .regex(/^(?:[A-Za-z]{3})?$/, 'SALESFORCE_DEFAULT_CURRENCY must be an ISO 4217 currency code such as USD or EUR, or empty')
      .optional()
      .transform((c) => (c ? c.toUpperCase() : null)),
    /** The Account field holding the QuickBooks customer id (the exact accounting link). @default 'QuickBooks_Customer_Id__c' */
    SALESFORCE_ACCOUNT_QUICKBOOKS_ID_FIELD: fieldName('SALESFORCE_ACCOUNT_QUICKBOOKS_ID_FIELD', 'QuickBooks_Customer_Id__c'),
    /** The Account field holding the customer's tier. @default 'Tier__c' */
    SALESFORCE_ACCOUNT_TIER_FIELD: fieldName('SALESFORCE_ACCOUNT_TIER_FIELD', 'Tier__c'),
    /** The Contact checkbox marking a primary contact. @default 'Primary__c' */
    SALESFORCE_CONTACT_PRIMARY_FIELD: fieldName('SALESFORCE_CONTACT_PRIMARY_FIELD', 'Primary__c'),
  })
  .transform((env) => ({
    instanceUrl: env.SALESFORCE_INSTANCE_URL,
    loginUrl: env.SALESFORCE_LOGIN_URL,
    clientId: env.SALESFORCE_CLIENT_ID,
    clientSecret: env.SALESFORCE_CLIENT_SECRET,
    refreshToken: env.SALESFORCE_REFRESH_TOKEN,
    apiVersion: env.SALESFORCE_API_VERSION,
    timeoutMs: env.SALESFORCE_TIMEOUT_MS,
    httpRetries: env.SALESFORCE_HTTP_RETRIES,
    defaultCurrency: env.SALESFORCE_DEFAULT_CURRENCY,
    fields: {
      accountingId: env.SALESFORCE_ACCOUNT_QUICKBOOKS_ID_FIELD,
      tier: env.SALESFORCE_ACCOUNT_TIER_FIELD,
      primaryContact: env.SALESFORCE_CONTACT_PRIMARY_FIELD,
    },
  }));

export type SalesforceConfig = z.output<typeof salesforceConfigSchema>;
