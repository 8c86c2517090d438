import { z } from 'zod';
import { hmacSha256, readDelivery, sameSignature, type WebhookChange, type WebhookSpec } from '../kit/webhooks.js';

/** The settings of Xero webhooks: the app's webhook key (developer.xero.com → the app → Webhooks). */
export const xeroWebhookSettings = z
  .object({
    /** Xero signs each delivery with it; unset = the webhook endpoint is off (404). */
    XERO_WEBHOOK_KEY: z.string().trim().optional(),
    /** Only events of this organisation are taken, when set (read from XERO_TENANT_ID). */
    XERO_TENANT_ID: z.string().trim().optional(),
  })
  .transform((e) => ({ key: e.XERO_WEBHOOK_KEY || null, tenantId: e.XERO_TENANT_ID ? e.XERO_TENANT_ID.toLowerCase() : null }));

type Settings = z.output<typeof xeroWebhookSettings>;

const guid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a GUID')
  .transform((s) => s.toLowerCase());

/**
 * Xero's delivery (developer.xero.com, "Webhooks"; XeroAPI/Xero-OpenAPI `xero-webhooks.yaml`): `events[]`, each a
 * `CONTACT` or `INVOICE` (`eventCategory`) created or updated (`eventType`) in one organisation (`tenantId`), naming
 * the record by `resourceId` only; signed in `x-xero-signature` = base64 HMAC-SHA256 of the body under the webhook
 * key. "Intent to receive" sends deliveries with no events, some signed wrongly: the signature alone decides the
 * answer (200 or 401), so Xero turns the webhook on.
 */
const deliverySchema = z.object({
  events: z
    .array(
      z.object({
        resourceId: guid,
        eventCategory: z.string().min(1).max(40),
        eventType: z.string().min(1).max(40),
        tenantId: guid,
        eventDateUtc: z.string().optional(),
      })
    )
    .max(1000),
  firstEventSequence: z.number().int().optional(),
  lastEventSequence: z.number().int().optional(),
  entropy: z.string().optional(),
});

/** The categories Panorama reads, by Xero's name. */
const READ = new Map([
  ['CONTACT', 'customer'],
  ['INVOICE', 'invoice'],
]);

export const xeroWebhook: WebhookSpec<Settings> = {
  mechanism: 'Webhooks (x-xero-signature)',
  settingsSchema: xeroWebhookSettings,
  enabled: (s) => Boolean(s.key),
  async receive(req, s) {
    const signature = req.headers.get('x-xero-signature');
    if (!signature) return { kind: 'refused', reason: 'no x-xero-signature header' };
    if (!sameSignature(hmacSha256(s.key!, req.body, 'base64'), signature))
      return { kind: 'refused', reason: 'x-xero-signature does not match the body' };
    const parsed = readDelivery(deliverySchema, req.body);
    if (!parsed.ok) return parsed.verdict;
    const changes: WebhookChange[] = [];
    for (const e of parsed.value.events) {
      // another organisation connected to the same app: not Panorama's
      if (s.tenantId && e.tenantId !== s.tenantId) continue;
      const entity = READ.get(e.eventCategory.toUpperCase());
      if (entity) changes.push({ entity, id: e.resourceId, action: e.eventType.toLowerCase() });
    }
    return { kind: 'changes', changes };
  },
  invalidates: (c) =>
    c.entity === 'customer'
      ? // the contact's own entry, the index (names), searches that may list it
        [`customer:${c.id}`, 'customerIndex:', 'search:']
      : // an invoice event names no contact: every customer's figures may have moved
        ['customer:', 'overdueInvoices:', 'invoiceNumber:'],
};
