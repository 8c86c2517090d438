import { z } from 'zod';
import { hmacSha256, readDelivery, sameSignature, type WebhookChange, type WebhookSpec } from '../kit/webhooks.js';

/** The settings of QuickBooks webhooks: the app's verifier token (Intuit's developer dashboard → Webhooks). */
export const quickbooksWebhookSettings = z
  .object({
    /** Intuit signs each notification with it; unset = the webhook endpoint is off (404). */
    QUICKBOOKS_WEBHOOK_VERIFIER_TOKEN: z.string().trim().optional(),
    /** Only notifications for this company are taken (the connected one); read from QUICKBOOKS_REALM_ID. */
    QUICKBOOKS_REALM_ID: z.string().trim().optional(),
  })
  .transform((e) => ({ verifierToken: e.QUICKBOOKS_WEBHOOK_VERIFIER_TOKEN || null, realmId: e.QUICKBOOKS_REALM_ID || null }));

type Settings = z.output<typeof quickbooksWebhookSettings>;

/**
 * Intuit's notification: `eventNotifications[]`, each for one company (`realmId`) with the entities changed
 * (`name`, `id`, `operation`, `lastUpdated`); signed in `intuit-signature` = base64 HMAC-SHA256 of the body
 * under the verifier token. No timestamp in the signature: Intuit documents none.
 */
const notificationSchema = z.object({
  eventNotifications: z
    .array(
      z.object({
        realmId: z.string().regex(/^\d{1,32}$/, 'must be the numeric company id'),
        dataChangeEvent: z.object({
          entities: z.array(
            z.object({
              name: z.string().min(1),
              id: z.string().regex(/^\d{1,20}$/, 'must be a QuickBooks entity id'),
              operation: z.enum(['Create', 'Update', 'Delete', 'Merge', 'Void', 'Emailed']),
              lastUpdated: z.string().optional(),
              deletedId: z.string().optional(),
            }),
          ).max(1000),
        }),
      }),
    )
    .min(1, 'must hold at least one notification')
    .max(100),
});

/** The entities Panorama reads, by Intuit's name. */
const READ = new Map([
  ['Customer', 'customer'],
  ['Invoice', 'invoice'],
  ['Payment', 'payment'],
]);

export const quickbooksWebhook: WebhookSpec<Settings> = {
  mechanism: 'Webhooks (intuit-signature)',
  settingsSchema: quickbooksWebhookSettings,
  enabled: (s) => Boolean(s.verifierToken),
  async receive(req, s) {
    const signature = req.headers.get('intuit-signature');
    if (!signature) return { kind: 'refused', reason: 'no intuit-signature header' };
    if (!sameSignature(hmacSha256(s.verifierToken!, req.body, 'base64'), signature)) return { kind: 'refused', reason: 'intuit-signature does not match the body' };
    const parsed = readDelivery(notificationSchema, req.body);
    if (!parsed.ok) return parsed.verdict;
    const changes: WebhookChange[] = [];
    for (const n of parsed.value.eventNotifications) {
      // another company connected to the same app: not Panorama's
      if (s.realmId && n.realmId !== s.realmId) continue;
      for (const e of n.dataChangeEvent.entities) {
        const entity = READ.get(e.name);
        if (!entity) continue;
        changes.push({ entity, id: e.id, action: e.operation.toLowerCase() });
        if (e.deletedId && /^\d{1,20}$/.test(e.deletedId)) changes.push({ entity, id: e.deletedId, action: 'merged-away' });
      }
    }
    return { kind: 'changes', changes };
  },
  invalidates: (c) =>
    c.entity === 'customer'
      ? // the customer's own entry, the index (names, parents), searches that may list it
        [`customer:${c.id}`, 'customerIndex:', 'search:']
      : // an invoice or payment names no customer in the notification: every customer's figures may have moved
        ['customer:', 'overdueInvoices:', 'invoiceNumber:'],
};
