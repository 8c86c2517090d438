import { z } from 'zod';

/** Per upstream call unless ASANA_TIMEOUT_MS says otherwise; the kit enforces it and aborts the call's fetch. */
export const ASANA_TIMEOUT_MS = 8000;

const gid = (what: string) => z.string().trim().regex(/^\d{1,20}$/, `must be the numeric gid of the Asana ${what}`);

/**
 * Asana settings, read from env variables (keys are the variable names, so a bad value names the variable).
 * A personal access token (or an OAuth access token) of a user who can see the workspace's projects.
 */
export const asanaConfigSchema = z
  .object({
    ASANA_BASE_URL: z.string().url().default('https://app.asana.com/api/1.0'),
    /** An Asana personal access token; optional: without it, an admin connects Asana on /admin/connections. */
    ASANA_ACCESS_TOKEN: z.string().trim().optional().transform((v) => (v ? v : null)),
    ASANA_WORKSPACE_GID: gid('workspace'),
    /** The project custom field that holds the Salesforce Account Id (matched by name unless a gid is given). */
    ASANA_ACCOUNT_FIELD_NAME: z.string().trim().min(1).default('Salesforce Account Id'),
    ASANA_ACCOUNT_FIELD_GID: gid('custom field').optional(),
    ASANA_TIMEOUT_MS: z.coerce.number({ invalid_type_error: 'must be a whole number of milliseconds from 100 to 120000' }).int().min(100).max(120_000).default(ASANA_TIMEOUT_MS),
  })
  .transform((env) => ({
    baseUrl: env.ASANA_BASE_URL.replace(/\/+$/, ''),
    accessToken: env.ASANA_ACCESS_TOKEN,
    workspaceGid: env.ASANA_WORKSPACE_GID,
    accountField: { name: env.ASANA_ACCOUNT_FIELD_NAME, gid: env.ASANA_ACCOUNT_FIELD_GID ?? null },
    timeoutMs: env.ASANA_TIMEOUT_MS,
  }));

export type AsanaConfig = z.output<typeof asanaConfigSchema>;
