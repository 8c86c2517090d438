import { z } from 'zod';

/** Zendesk Support settings, read from the same variables an operator sets for the real Zendesk. */
export type ZendeskAuth =
  | { kind: 'api-token'; email: string; apiToken: string }
  | { kind: 'oauth'; accessToken: string };

export type ZendeskConfig = {
  /** The account's own URL, e.g. `https://acme.zendesk.com` (no trailing slash); the API lives under `/api/v2`. */
  baseUrl: string;
  /** Null: no token in the environment; the connection an admin made on /admin/connections supplies it. */
  auth: ZendeskAuth | null;
  timeoutMs: number;
  /**
   * The organization field holding the CRM account id (ZENDESK_ORGANIZATION_LINK_FIELD): the standard
   * `external_id`, or an organization custom field by its key (read from `organization_fields[key]`); null turns
   * the exact link off (organizations are then linked by name and domain only).
   */
  linkField: ZendeskLinkField | null;
};

export type ZendeskLinkField = { kind: 'external_id' } | { kind: 'custom'; key: string };

/** The default: the standard OrganizationObject.external_id ("a unique external id to associate organizations to an external record"). */
export const DEFAULT_LINK_FIELD = 'external_id';

/**
 * An organization field key. Zendesk (Organization Fields, `key`): "The key must consist of only letters, numbers,
 * and underscores. It can't be only numbers" (developer.zendesk.com/api-reference/ticketing/organizations/organization_fields/).
 * `organization_fields.<key>`, the form the key takes on an organization, is accepted too.
 */
const LINK_FIELD_KEY = /^(?:organization_fields\.)?((?!\d+$)[A-Za-z0-9_]{1,64})$/;

export function parseLinkField(raw: string): ZendeskLinkField | null {
  const v = raw.trim();
  if (!v) return null;
  if (v.toLowerCase() === DEFAULT_LINK_FIELD) return { kind: 'external_id' };
  const key = LINK_FIELD_KEY.exec(v)?.[1];
  return key ? { kind: 'custom', key } : null;
}

/** The field as the admin page and the setting name it: `external_id` or the custom field's key. */
export function linkFieldName(f: ZendeskLinkField): string {
  return f.kind === 'external_id' ? DEFAULT_LINK_FIELD : f.key;
}

function urlOf(s: string): URL | null {
  try {
    return new URL(s);
  } catch {
    return null;
  }
}

const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined));

export const zendeskEnvSchema = z
  .object({
    ZENDESK_BASE_URL: z
      .string({ required_error: 'ZENDESK_BASE_URL is required (e.g. https://acme.zendesk.com)' })
      .trim()
      .url('ZENDESK_BASE_URL must be a URL such as https://acme.zendesk.com')
      // zod runs these even when .url() failed, so they parse defensively
      .refine((u) => !urlOf(u) || /^https?:$/.test(urlOf(u)!.protocol), 'ZENDESK_BASE_URL must use http or https')
      .refine((u) => !urlOf(u) || (!urlOf(u)!.search && !urlOf(u)!.hash), 'ZENDESK_BASE_URL must not carry a query or fragment'),
    ZENDESK_EMAIL: optionalText.pipe(z.string().email('ZENDESK_EMAIL must be the e-mail of the API user').optional()),
    ZENDESK_API_TOKEN: optionalText,
    ZENDESK_OAUTH_TOKEN: optionalText,
    ZENDESK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(8000),
    ZENDESK_ORGANIZATION_LINK_FIELD: z
      .string()
      .trim()
      .default(DEFAULT_LINK_FIELD)
      .refine(
        (v) => v === '' || v.toLowerCase() === DEFAULT_LINK_FIELD || LINK_FIELD_KEY.test(v),
        'ZENDESK_ORGANIZATION_LINK_FIELD must be external_id (the default) or the key of an organization field (letters, digits and underscores, e.g. salesforce_account_id), or empty to turn the exact link off',
      ),
  })
  .superRefine((env, ctx) => {
    if (env.ZENDESK_OAUTH_TOKEN) return;
    // neither token: an admin connects Zendesk on /admin/connections (an e-mail alone is then only a leftover)
    if (!env.ZENDESK_API_TOKEN) return;
    if (!env.ZENDESK_EMAIL) {
      ctx.addIssue({ code: 'custom', path: ['ZENDESK_EMAIL'], message: 'ZENDESK_EMAIL is required with ZENDESK_API_TOKEN (or set ZENDESK_OAUTH_TOKEN)' });
    }
  })
  .transform(
    (env): ZendeskConfig => ({
      baseUrl: env.ZENDESK_BASE_URL.replace(/\/+$/, ''),
      // An OAuth token, when given, wins: it is the narrower credential (scopes) of the two.
      auth: env.ZENDESK_OAUTH_TOKEN
        ? { kind: 'oauth', accessToken: env.ZENDESK_OAUTH_TOKEN }
        : env.ZENDESK_API_TOKEN
          ? { kind: 'api-token', email: env.ZENDESK_EMAIL!, apiToken: env.ZENDESK_API_TOKEN }
          : null,
      timeoutMs: env.ZENDESK_TIMEOUT_MS,
      linkField: parseLinkField(env.ZENDESK_ORGANIZATION_LINK_FIELD),
    }),
  );

/**
 * The contract types `configSchema` as `z.ZodType<Config>`, which ties the schema's input type to its output;
 * ours reads env strings and outputs a config object, so it is widened here in this one place.
 */
export const zendeskConfigSchema = zendeskEnvSchema as z.ZodType<ZendeskConfig, z.ZodTypeDef, unknown> as unknown as z.ZodType<ZendeskConfig>;
