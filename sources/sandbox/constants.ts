/**
 * Fixed facts of the sandbox that production modules may need (to point at it) without loading the dataset
 * generator: ids of the QuickBooks company and Asana workspace, and the credentials the sandbox accepts.
 */
export const QBO_REALM_ID = '9341453050231846';
export const ASANA_WORKSPACE_GID = '1200000000000001';

export const SANDBOX_CREDENTIALS = {
  salesforce: { clientId: 'sandbox-sf-client', clientSecret: 'sandbox-sf-secret', refreshToken: 'sandbox-sf-refresh' },
  quickbooks: { clientId: 'sandbox-qbo-client', clientSecret: 'sandbox-qbo-secret', refreshToken: 'sandbox-qbo-refresh-0' },
  xero: { clientId: 'sandbox-xero-client', clientSecret: 'sandbox-xero-secret', refreshToken: 'sandbox-xero-refresh-0' },
  asana: { accessToken: 'sandbox-asana-pat' },
  zendesk: { email: 'panorama@panorama-demo.example', apiToken: 'sandbox-zendesk-token' },
} as const;

/**
 * The webhook secrets Panorama and its built-in sandbox share, so the sandbox can sign notifications as each
 * vendor does (`POST /__sandbox/webhooks/<source>`). Demo values only; a real deployment sets its own.
 */
export const SANDBOX_WEBHOOKS = {
  salesforce: { token: 'sandbox-sf-outbound-token', organizationId: '00D000000000001EAA' },
  quickbooks: { verifierToken: 'sandbox-qbo-verifier-token' },
  asana: { token: 'sandbox-asana-hook-token' },
  zendesk: { signingSecret: 'sandbox-zendesk-signing-secret' },
} as const;

/** A sandbox origin as the base of its vendors' URLs: without a trailing slash. */
export const sandboxBase = (origin: string): string => origin.replace(/\/+$/, '');
