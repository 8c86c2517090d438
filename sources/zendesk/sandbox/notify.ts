import { hmacSha256 } from '../../kit/webhooks.js';
import { SANDBOX_WEBHOOKS } from '../../sandbox/constants.js';
import type { SandboxNotification } from '../../sandbox/notify.js';
import type { ZendeskData } from './records.js';

/** Renames an organization and signs Zendesk's event webhook of it (base64 HMAC-SHA256 of timestamp + body). */
export function zendeskNotification(data: ZendeskData, id: string, name: string, now: Date): SandboxNotification | string {
  const o = data.organizations.find((x) => String(x.id) === id);
  if (!o) return `no Zendesk organization ${id}`;
  (o as { name: string }).name = name;
  (o as { updated_at: string }).updated_at = now.toISOString();
  const time = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const body = JSON.stringify({
    type: 'zen:event-type:organization.name_changed',
    account_id: 10973248,
    subject: `zen:organization:${id}`,
    id: `sandbox-${now.getTime()}`,
    time,
    zendesk_event_version: '2022-06-20',
    detail: { id: String(o.id), name, external_id: (o as { external_id?: string | null }).external_id ?? null, created_at: time, updated_at: time },
    event: { current: name },
  });
  return {
    query: {},
    headers: {
      'content-type': 'application/json',
      'x-zendesk-webhook-signature-timestamp': time,
      'x-zendesk-webhook-signature': hmacSha256(SANDBOX_WEBHOOKS.zendesk.signingSecret, time + body, 'base64'),
    },
    body,
  };
}
