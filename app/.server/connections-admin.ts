import { createCookie } from '@remix-run/node';
import { canRead } from '../../graphql/policy.js';
import type { Viewer } from '../../graphql/viewer.js';
import type { AsanaConfig } from '../../sources/asana/config.js';
import { sourceName, type SourceId } from '../../sources/kit/errors.js';
import type { QuickbooksConfig } from '../../sources/quickbooks/config.js';
import type { SalesforceConfig } from '../../sources/salesforce/config.js';
import type { ZendeskConfig } from '../../sources/zendesk/config.js';
import { OAUTH_SOURCES, type OAuthSource, type PendingFlow } from './connect-flows.js';
import { forbidden } from './refusal.js';
import { panorama } from './runtime.js';
import { settings } from './settings.js';
import type { Connection, ConnectionDbStore } from './store/connections.js';

export const CONNECTION_SOURCES: readonly SourceId[] = ['salesforce', 'quickbooks', 'asana', 'zendesk'];
export const isConnectionSource = (s: unknown): s is SourceId => CONNECTION_SOURCES.includes(s as SourceId);
export const isOAuthSource = (s: unknown): s is OAuthSource => OAUTH_SOURCES.includes(s as OAuthSource);

/** The connections pages and flows are the admins' only, checked on the server for every request. */
export function requireAdmin(viewer: Viewer): void {
  if (!canRead(viewer.role, 'ADMIN')) throw forbidden(viewer.role, { name: 'connections', group: 'ADMIN' });
}

type Configs = { salesforce: SalesforceConfig | null; quickbooks: QuickbooksConfig | null; asana: AsanaConfig | null; zendesk: ZendeskConfig | null };

/** Each source's parsed settings (null: none of its variables is set, so there is nothing to connect with). */
export function sourceConfigs(): Configs {
  return settings().sources.configs as unknown as Configs;
}

/** Whether the environment holds the source's token: it then takes precedence over any connection. */
export function envTokenOf(source: SourceId, c: Configs): boolean {
  switch (source) {
    case 'salesforce':
      return Boolean(c.salesforce?.refreshToken);
    case 'quickbooks':
      return Boolean(c.quickbooks?.refreshToken);
    case 'asana':
      return Boolean(c.asana?.accessToken);
    case 'zendesk':
      return Boolean(c.zendesk?.auth);
  }
}

/** The variables a source needs before it can be connected (its app's id and secret, its URL). */
export const NEEDED_SETTINGS: Record<SourceId, string> = {
  salesforce: 'SALESFORCE_INSTANCE_URL, SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET',
  quickbooks: 'QUICKBOOKS_BASE_URL, QUICKBOOKS_TOKEN_URL, QUICKBOOKS_CLIENT_ID, QUICKBOOKS_CLIENT_SECRET and QUICKBOOKS_REALM_ID',
  asana: 'ASANA_WORKSPACE_GID',
  zendesk: 'ZENDESK_BASE_URL',
};

/** The connections store, or null without PANORAMA_ENCRYPTION_KEY (nothing may then be kept). */
export function connectionStore(): ConnectionDbStore | null {
  return panorama().connections ?? null;
}

/** One source's row on the page. */
export type ConnectionRow = {
  source: SourceId;
  name: string;
  kind: 'oauth' | 'token';
  /** The settings it needs before it can be connected. */
  needs: string;
  /** `env`: the token comes from the environment (it wins); `connected`; `not-connected`; `not-configured`: its settings are missing. */
  state: 'env' | 'connected' | 'not-connected' | 'not-configured';
  connection: (Omit<Connection, 'connectedAt' | 'lastRefreshAt'> & { connectedAt: string; lastRefreshAt: string | null }) | null;
  /** The source's calls failing now (since when, in words), other than for want of a token; null when they are not. */
  failing: { since: string; message: string } | null;
};

export async function connectionRows(): Promise<ConnectionRow[]> {
  const c = sourceConfigs();
  const store = connectionStore();
  const rows = store ? await store.list() : [];
  return CONNECTION_SOURCES.map((source): ConnectionRow => {
    const held = rows.find((r) => r.source === source) ?? null;
    const connection = held
      ? { ...held, connectedAt: new Date(held.connectedAt).toISOString(), lastRefreshAt: held.lastRefreshAt === null ? null : new Date(held.lastRefreshAt).toISOString() }
      : null;
    const state = !c[source] ? 'not-configured' : envTokenOf(source, c) ? 'env' : connection ? 'connected' : 'not-connected';
    const f = panorama().runtime.bySource[source]?.kit.failing ?? null;
    const failing = f && f.error.code !== 'NOT_CONFIGURED' ? { since: new Date(f.since).toISOString(), message: f.error.userMessage } : null;
    return { source, name: sourceName(source), kind: isOAuthSource(source) ? 'oauth' : 'token', needs: NEEDED_SETTINGS[source], state, connection, failing };
  });
}

/** Where the vendor sends the admin back: this deployment's own callback (register it with the vendor's app). */
export function callbackUrl(request: Request, source: OAuthSource): string {
  const url = new URL(`/admin/connections/${source}/callback`, request.url);
  // behind a TLS proxy the app sees http; secure cookies say the browser is on https
  if (settings().app.secureCookies) url.protocol = 'https:';
  return url.href;
}

let pendingCookie: ReturnType<typeof createCookie> | undefined;
/** The pending flow's checks (state, PKCE verifier) in a signed, http-only cookie that lives 10 minutes. */
export function pendingFlowCookie(secret: string) {
  pendingCookie ??= createCookie('__panorama_connect', { httpOnly: true, sameSite: 'lax', path: '/admin/connections', maxAge: 600, secure: settings().app.secureCookies, secrets: [secret] });
  return pendingCookie;
}

export async function readPendingFlow(request: Request, secret: string): Promise<PendingFlow | null> {
  const v = (await pendingFlowCookie(secret).parse(request.headers.get('cookie'))) as Partial<PendingFlow> | null;
  if (!v || typeof v.state !== 'string' || !isOAuthSource(v.source) || typeof v.startedAt !== 'number') return null;
  return { source: v.source, state: v.state, verifier: typeof v.verifier === 'string' ? v.verifier : null, startedAt: v.startedAt };
}

/** After a connection changed: the source is asked again at once (an open breaker lets the next call through). */
export function afterConnectionChange(source: SourceId): void {
  const s = panorama().runtime.bySource[source];
  s?.kit.letProbeThrough();
}
