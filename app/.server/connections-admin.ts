import { createCookie } from '@remix-run/node';
import { canRead } from '../../graphql/policy.js';
import type { Viewer } from '../../graphql/viewer.js';
import type { ConnectSpec, OAuthConnect, PendingFlow, TokenConnect, TokenField } from '../../sources/kit/connect.js';
import type { SourceId } from '../../sources/kit/errors.js';
import { forbidden } from './refusal.js';
import { panorama } from './runtime.js';
import { settings } from './settings.js';
import type { Connection, ConnectionDbStore } from './store/connections.js';

/** The connections pages and flows are the admins' only, checked on the server for every request. */
export function requireAdmin(viewer: Viewer): void {
  if (!canRead(viewer.role, 'ADMIN')) throw forbidden(viewer.role, { name: 'connections', group: 'ADMIN' });
}

/** A source an admin can connect here: its module's connect spec and its parsed settings (null: none are set). */
export type Connectable = { source: SourceId; name: string; spec: ConnectSpec<unknown>; config: unknown };

/** Every source whose module declares how it is connected, in the runtime's order. */
export function connectables(): Connectable[] {
  const configs = settings().sources.configs;
  return panorama().runtime.list.flatMap((s) => {
    const spec = (s.module as { connect?: ConnectSpec<unknown> }).connect;
    return spec ? [{ source: s.id, name: s.module.shortName ?? s.displayName, spec, config: configs[s.id] ?? null }] : [];
  });
}

export function connectableOf(source: unknown): Connectable | null {
  return connectables().find((c) => c.source === source) ?? null;
}

export const isOAuth = (c: Connectable): c is Connectable & { spec: OAuthConnect<unknown> } => c.spec.kind === 'oauth';
export const isToken = (c: Connectable): c is Connectable & { spec: TokenConnect<unknown> } => c.spec.kind === 'token';
/** Whether the environment holds the source's token: it then takes precedence over any connection. */
export const hasEnvToken = (c: Connectable) => c.config !== null && c.spec.envToken(c.config);

/** The connections store, or null without PANORAMA_ENCRYPTION_KEY (nothing may then be kept). */
export function connectionStore(): ConnectionDbStore | null {
  return panorama().connections ?? null;
}

/** One source's row on the page. */
export type ConnectionRow = {
  source: SourceId;
  name: string;
  kind: 'oauth' | 'token';
  /** The settings it needs before it can be connected; the variables that hold its token in the environment. */
  needs: string;
  envVariables: string;
  /** A pasted token's fields, and how it is checked. */
  fields: TokenField[];
  checkedWith: string | null;
  /** `env`: the token comes from the environment (it wins); `connected`; `not-connected`; `not-configured`: its settings are missing. */
  state: 'env' | 'connected' | 'not-connected' | 'not-configured';
  connection: (Omit<Connection, 'connectedAt' | 'lastRefreshAt'> & { connectedAt: string; lastRefreshAt: string | null }) | null;
  /** The source's calls failing now (since when, in words), other than for want of a token; null when they are not. */
  failing: { since: string; message: string } | null;
};

export async function connectionRows(): Promise<ConnectionRow[]> {
  const store = connectionStore();
  const rows = store ? await store.list() : [];
  return connectables().map((c): ConnectionRow => {
    const held = rows.find((r) => r.source === c.source) ?? null;
    const connection = held
      ? { ...held, connectedAt: new Date(held.connectedAt).toISOString(), lastRefreshAt: held.lastRefreshAt === null ? null : new Date(held.lastRefreshAt).toISOString() }
      : null;
    const state = c.config === null ? 'not-configured' : hasEnvToken(c) ? 'env' : connection ? 'connected' : 'not-connected';
    const f = panorama().runtime.bySource[c.source]?.kit.failing ?? null;
    const failing = f && f.error.code !== 'NOT_CONFIGURED' ? { since: new Date(f.since).toISOString(), message: f.error.userMessage } : null;
    return {
      source: c.source,
      name: c.name,
      kind: c.spec.kind,
      needs: c.spec.needs,
      envVariables: c.spec.envVariables,
      fields: c.spec.kind === 'token' ? c.spec.fields : [],
      checkedWith: c.spec.kind === 'token' ? c.spec.checkedWith : null,
      state,
      connection,
      failing,
    };
  });
}

/** Where the vendor sends the admin back: this deployment's own callback (register it with the vendor's app). */
export function callbackUrl(request: Request, source: SourceId): string {
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
  if (!v || typeof v.state !== 'string' || typeof v.source !== 'string' || typeof v.startedAt !== 'number') return null;
  return { source: v.source, state: v.state, verifier: typeof v.verifier === 'string' ? v.verifier : null, startedAt: v.startedAt };
}

/** After a connection changed: the source is asked again at once (an open breaker lets the next call through). */
export function afterConnectionChange(source: SourceId): void {
  panorama().runtime.bySource[source]?.kit.letProbeThrough();
}
