import { z } from 'zod';
import { hmacSha256, readDelivery, sameSignature, type WebhookChange, type WebhookSpec } from '../kit/webhooks.js';

/**
 * The settings of Asana webhooks. Asana sends no secret Panorama could be given beforehand: the first POST (the
 * handshake) carries `X-Hook-Secret`, which Panorama keeps and later checks `X-Hook-Signature` against. So that
 * nobody else can make that first POST, the target registered with Asana carries a token of the operator's
 * (`…/webhooks/asana?token=…`; Asana posts to the full target URL, parameters included).
 */
export const asanaWebhookSettings = z
  .object({
    /** Required in the target's query (`?token=`); unset = the webhook endpoint is off (404). */
    ASANA_WEBHOOK_TOKEN: z.string().trim().optional(),
  })
  .transform((e) => ({ token: e.ASANA_WEBHOOK_TOKEN || null }));

type Settings = z.output<typeof asanaWebhookSettings>;

const gid = z.string().regex(/^\d{1,20}$/, 'must be an Asana gid');
const resource = z.object({ gid, resource_type: z.string() });
/** A delivery: `{ events: [...] }`, each with the `resource` changed, its `parent` and the `action`. */
const deliverySchema = z.object({
  events: z
    .array(z.object({ action: z.string(), resource, parent: resource.nullable().optional(), created_at: z.string().optional() }).passthrough())
    .max(1000),
});

export const asanaWebhook: WebhookSpec<Settings> = {
  mechanism: 'Webhooks (X-Hook-Secret handshake)',
  settingsSchema: asanaWebhookSettings,
  enabled: (s) => Boolean(s.token),
  async receive(req, s, { secrets, source }) {
    if (!sameSignature(s.token!, req.query.get('token'))) return { kind: 'refused', reason: 'the target URL\'s token is missing or wrong' };
    const handshake = req.headers.get('x-hook-secret');
    if (handshake !== null) {
      if (!/^[A-Za-z0-9]{16,256}$/.test(handshake)) return { kind: 'malformed', reason: 'X-Hook-Secret is not a secret Asana would send' };
      return { kind: 'handshake', secret: handshake, headers: { 'X-Hook-Secret': handshake } };
    }
    const signature = req.headers.get('x-hook-signature');
    if (!signature) return { kind: 'refused', reason: 'no X-Hook-Signature header' };
    const secret = await secrets.get(source);
    if (!secret) return { kind: 'refused', reason: 'no handshake was made: Panorama holds no X-Hook-Secret to check the signature with' };
    if (!sameSignature(hmacSha256(secret, req.body, 'hex'), signature.toLowerCase())) return { kind: 'refused', reason: 'X-Hook-Signature does not match the body' };
    const parsed = readDelivery(deliverySchema, req.body);
    if (!parsed.ok) return parsed.verdict;
    const changes: WebhookChange[] = [];
    for (const e of parsed.value.events) {
      if (e.resource.resource_type === 'project') changes.push({ entity: 'project', id: e.resource.gid, action: e.action });
      else if (e.parent?.resource_type === 'project') changes.push({ entity: 'project', id: e.parent.gid, action: `${e.resource.resource_type}-${e.action}` });
      else if (e.resource.resource_type === 'task') changes.push({ entity: 'task', id: e.resource.gid, action: e.action });
    }
    return { kind: 'changes', changes };
  },
  invalidates: (c) =>
    c.entity === 'project'
      ? // the project itself, the index (its name and account field) and the per-account lists (keyed by account)
        [`project:${c.id}`, 'project-index:', 'projects:']
      : // a task moved without its project named: every project's counts may have moved
        ['project:', 'projects:'],
};
