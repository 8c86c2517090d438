import { z } from 'zod';
import { WEBHOOK_MAX_AGE_MS, hmacSha256, parseJson, sameSignature, zodReason, type WebhookChange, type WebhookSpec } from '../kit/webhooks.js';

/** The settings of Zendesk webhooks: the webhook's signing secret (Admin Center → Webhooks → the webhook → Reveal secret). */
export const zendeskWebhookSettings = z
  .object({
    /** Zendesk signs each request with it; unset = the webhook endpoint is off (404). */
    ZENDESK_WEBHOOK_SIGNING_SECRET: z.string().trim().optional(),
  })
  .transform((e) => ({ signingSecret: e.ZENDESK_WEBHOOK_SIGNING_SECRET || null }));

type Settings = z.output<typeof zendeskWebhookSettings>;

const numericId = z.union([z.string(), z.number()]).transform(String).pipe(z.string().regex(/^\d{1,20}$/, 'must be a Zendesk id'));

/**
 * Zendesk's event webhooks (`zen:event-type:organization.*`, `subject` "zen:organization:<id>", `detail` with the
 * organization's `id` and `external_id`). Ticket activity has no event type: a trigger sends it, with the JSON body
 * the README gives (`ticket_id`, `organization_id`, `organization_external_id`).
 */
const eventSchema = z.object({
  type: z.string().regex(/^zen:event-type:[a-z_]+\.[a-z_]+$/, 'must be a Zendesk event type'),
  subject: z.string(),
  detail: z.object({ id: numericId, external_id: z.string().nullable().optional(), organization_id: z.string().nullable().optional() }).passthrough(),
});
const triggerSchema = z.object({
  ticket_id: numericId,
  organization_id: z.union([z.string(), z.number()]).transform(String).optional(),
  organization_external_id: z.string().optional(),
});

export const zendeskWebhook: WebhookSpec<Settings> = {
  mechanism: 'Webhooks (signed)',
  settingsSchema: zendeskWebhookSettings,
  enabled: (s) => Boolean(s.signingSecret),
  async receive(req, s, { clock }) {
    const signature = req.headers.get('x-zendesk-webhook-signature');
    const timestamp = req.headers.get('x-zendesk-webhook-signature-timestamp');
    if (!signature || !timestamp) return { kind: 'refused', reason: 'no X-Zendesk-Webhook-Signature or X-Zendesk-Webhook-Signature-Timestamp header' };
    // base64(HMAC-SHA256(timestamp + body)), as Zendesk documents it
    if (!sameSignature(hmacSha256(s.signingSecret!, timestamp + req.body, 'base64'), signature)) {
      return { kind: 'refused', reason: 'X-Zendesk-Webhook-Signature does not match the timestamp and body' };
    }
    const at = Date.parse(timestamp);
    if (!Number.isFinite(at)) return { kind: 'refused', reason: 'X-Zendesk-Webhook-Signature-Timestamp is not a time' };
    if (Math.abs(clock.now() - at) > WEBHOOK_MAX_AGE_MS) return { kind: 'refused', reason: 'the signature timestamp is outside the 5-minute window (a replay?)' };
    const json = parseJson(req.body);
    if (!json.ok) return { kind: 'malformed', reason: json.reason };
    const changes: WebhookChange[] = [];
    const event = eventSchema.safeParse(json.value);
    if (event.success) {
      const [domain, action] = event.data.type.slice('zen:event-type:'.length).split('.') as [string, string];
      if (domain === 'organization') {
        changes.push({ entity: 'organization', id: event.data.detail.id, action });
        const ext = event.data.detail.external_id;
        if (ext) changes.push({ entity: 'account', id: ext, action });
      } else if (domain === 'user' && event.data.detail.organization_id && event.data.detail.organization_id !== '0') {
        changes.push({ entity: 'organization', id: event.data.detail.organization_id, action: `user-${action}` });
      }
      return { kind: 'changes', changes };
    }
    const trigger = triggerSchema.safeParse(json.value);
    if (!trigger.success) {
      const looksLikeEvent = typeof (json.value as { type?: unknown } | null)?.type === 'string';
      return { kind: 'malformed', reason: looksLikeEvent ? zodReason(event.error) : `neither a Zendesk event nor the ticket trigger's body: ${zodReason(trigger.error)}` };
    }
    changes.push({ entity: 'ticket', id: trigger.data.ticket_id, action: 'changed' });
    if (trigger.data.organization_id && /^\d{1,20}$/.test(trigger.data.organization_id)) changes.push({ entity: 'organization', id: trigger.data.organization_id, action: 'ticket-changed' });
    if (trigger.data.organization_external_id) changes.push({ entity: 'account', id: trigger.data.organization_external_id, action: 'ticket-changed' });
    return { kind: 'changes', changes };
  },
  invalidates: (c) => {
    switch (c.entity) {
      case 'organization':
        return [`organization:${c.id}`, 'organizationIndex:', 'organizationSearch:'];
      // the CRM account id the organization (or the ticket's) carries: its section is cached under it
      case 'account':
        return [`customer:${c.id}`];
      default:
        return [`ticket:${c.id}`, 'urgentTickets:'];
    }
  },
};
