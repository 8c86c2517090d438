import type { SourceId } from '../kit/errors.js';
import { SANDBOX_CREDENTIALS, SANDBOX_WEBHOOKS } from './constants.js';

/**
 * The environment that points Panorama's real clients at a sandbox served at `origin`: the same variables an
 * operator sets for the real vendors.
 */
export function sandboxEnv(origin: string, realmId: string, workspaceGid: string): Record<string, string> {
  const base = origin.replace(/\/$/, '');
  const c = SANDBOX_CREDENTIALS;
  return {
    SALESFORCE_INSTANCE_URL: `${base}/salesforce`,
    SALESFORCE_LOGIN_URL: `${base}/salesforce`,
    SALESFORCE_CLIENT_ID: c.salesforce.clientId,
    SALESFORCE_CLIENT_SECRET: c.salesforce.clientSecret,
    SALESFORCE_REFRESH_TOKEN: c.salesforce.refreshToken,
    QUICKBOOKS_BASE_URL: `${base}/quickbooks`,
    QUICKBOOKS_TOKEN_URL: `${base}/quickbooks/oauth2/v1/tokens/bearer`,
    QUICKBOOKS_AUTHORIZE_URL: `${base}/quickbooks/connect/oauth2`,
    QUICKBOOKS_CLIENT_ID: c.quickbooks.clientId,
    QUICKBOOKS_CLIENT_SECRET: c.quickbooks.clientSecret,
    QUICKBOOKS_REFRESH_TOKEN: c.quickbooks.refreshToken,
    QUICKBOOKS_REALM_ID: realmId,
    XERO_API_URL: `${base}/xero/api.xro/2.0`,
    XERO_CONNECTIONS_URL: `${base}/xero/connections`,
    XERO_TOKEN_URL: `${base}/xero/identity/connect/token`,
    XERO_AUTHORIZE_URL: `${base}/xero/identity/connect/authorize`,
    XERO_CLIENT_ID: c.xero.clientId,
    XERO_CLIENT_SECRET: c.xero.clientSecret,
    XERO_REFRESH_TOKEN: c.xero.refreshToken,
    ASANA_BASE_URL: `${base}/asana/api/1.0`,
    ASANA_ACCESS_TOKEN: c.asana.accessToken,
    ASANA_WORKSPACE_GID: workspaceGid,
    ZENDESK_BASE_URL: `${base}/zendesk`,
    ZENDESK_EMAIL: c.zendesk.email,
    ZENDESK_API_TOKEN: c.zendesk.apiToken,
    // the sandbox signs its notifications with these (POST /__sandbox/webhooks/<source>)
    SALESFORCE_WEBHOOK_TOKEN: SANDBOX_WEBHOOKS.salesforce.token,
    SALESFORCE_WEBHOOK_ORGANIZATION_ID: SANDBOX_WEBHOOKS.salesforce.organizationId,
    QUICKBOOKS_WEBHOOK_VERIFIER_TOKEN: SANDBOX_WEBHOOKS.quickbooks.verifierToken,
    ASANA_WEBHOOK_TOKEN: SANDBOX_WEBHOOKS.asana.token,
    ZENDESK_WEBHOOK_SIGNING_SECRET: SANDBOX_WEBHOOKS.zendesk.signingSecret,
  };
}

/** The variables that carry a token: left out when an admin connects the sources instead (SANDBOX_TOKENS=connect). */
export const SANDBOX_TOKEN_VARIABLES = ['SALESFORCE_REFRESH_TOKEN', 'QUICKBOOKS_REFRESH_TOKEN', 'XERO_REFRESH_TOKEN', 'ASANA_ACCESS_TOKEN', 'ZENDESK_EMAIL', 'ZENDESK_API_TOKEN'] as const;

/** The sandbox's environment without its tokens: every source is then "not connected" until an admin connects it. */
export function sandboxEnvWithoutTokens(origin: string, realmId: string, workspaceGid: string): Record<string, string> {
  const env = sandboxEnv(origin, realmId, workspaceGid);
  for (const k of SANDBOX_TOKEN_VARIABLES) delete env[k];
  return env;
}

export type SandboxEnvKey = keyof ReturnType<typeof sandboxEnv>;
export const SANDBOX_SOURCES: SourceId[] = ['salesforce', 'quickbooks', 'xero', 'asana', 'zendesk'];
