import { hmacSha256 } from '../../kit/webhooks.js';
import { SANDBOX_WEBHOOKS } from '../../sandbox/constants.js';
import type { SandboxNotification } from '../../sandbox/notify.js';
import type { AsanaData } from './records.js';

/** Asana's handshake: the first POST to a new webhook's target carries X-Hook-Secret. */
export function asanaHandshake(secret: string): SandboxNotification {
  return { query: { token: SANDBOX_WEBHOOKS.asana.token }, headers: { 'x-hook-secret': secret }, body: '' };
}

/** Renames a project and signs Asana's delivery of it (`X-Hook-Signature`: hex HMAC-SHA256 of the body). */
export function asanaNotification(data: AsanaData, secret: string, gid: string, name: string, now: Date): SandboxNotification | string {
  const p = data.projects.find((x) => x.gid === gid);
  if (!p) return `no Asana project ${gid}`;
  (p as { name: string }).name = name;
  const body = JSON.stringify({
    events: [{ user: null, created_at: now.toISOString(), action: 'changed', resource: { gid, resource_type: 'project' }, parent: null, change: { field: 'name', action: 'changed' } }],
  });
  return { query: { token: SANDBOX_WEBHOOKS.asana.token }, headers: { 'content-type': 'application/json', 'x-hook-signature': hmacSha256(secret, body, 'hex') }, body };
}
