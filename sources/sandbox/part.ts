import type { HttpHandler } from 'msw';
import type { SourceId } from '../kit/errors.js';
import type { SandboxNotification } from './notify.js';
import type { SandboxState } from './state.js';

/**
 * What a module's sandbox declares (`sources/<module>/sandbox/part.ts`, loaded by the module's `sandbox()`): the
 * imitation of its vendor, served under `/<id>` of the sandbox's origin. The sandbox's composition
 * (`./parts.ts`) takes one from every registered module, so the sandbox names no vendor of its own.
 */
export type SandboxPart = {
  id: SourceId;
  /** Its vendor's API as the vendor documents it: routes, paging, limits, errors, faults. */
  handlers: (state: SandboxState) => HttpHandler[];
  /** The base of its vendor API under `origin`, for raw requests in tests. */
  apiBase: (origin: string, state: SandboxState) => string;
  /** The `authorization` header the sandbox accepts for raw requests to that API (fetching a token first where the vendor has one). */
  authorization: (origin: string, state: SandboxState) => Promise<string>;
  /** Its line in the sandbox's start-up banner: where its API is, from the environment that points Panorama at it. */
  banner: (env: Record<string, string>, state: SandboxState) => string;
  /** Whether the vendor issues refresh tokens, so a second connection can be authorized (`POST /__sandbox/authorize/<id>`). */
  refreshTokens?: boolean;
  /**
   * For a vendor that pushes changes: changes the record in the world and builds the vendor's signed notification
   * of it (`POST /__sandbox/webhooks/<id>`), or says what is missing.
   */
  notify?: (state: SandboxState, request: WebhookRequest, now: Date) => SandboxNotification | string;
};

/** What a notification is asked for (`POST /__sandbox/webhooks/<id>`): the record to change and its new name, or a handshake where the vendor has one. */
export type WebhookRequest = { target?: string; id?: string; name?: string; handshake?: boolean };

/** The common case of a part's `notify`: the record to change and its new name are both required. */
export function renameNotification(
  r: WebhookRequest,
  make: (id: string, name: string) => SandboxNotification | string
): SandboxNotification | string {
  if (!r.id || !r.name) return 'id and name are required: the record to change and its new name';
  return make(r.id, r.name);
}

/** `Basic` credentials for a user and secret (a client id and secret, or a Zendesk e-mail/token pair). */
export function basicAuth(user: string, secret: string): string {
  return `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
}

/** A fresh access token from a sandbox token endpoint, as a `Bearer` header. */
export async function bearerFrom(source: SourceId, url: string, init: RequestInit): Promise<string> {
  const res = await fetch(url, { method: 'POST', ...init });
  if (!res.ok) throw new Error(`${source} sandbox token refresh failed: ${res.status}`);
  return `Bearer ${((await res.json()) as { access_token: string }).access_token}`;
}
