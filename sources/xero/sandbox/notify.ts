import { randomBytes } from 'node:crypto';
import { hmacSha256 } from '../../kit/webhooks.js';
import type { SandboxNotification } from '../../sandbox/notify.js';
import type { SandboxState } from '../../sandbox/state.js';
import { changeQuickbooksCustomer } from '../../quickbooks/sandbox/changes.js';
import { XERO_SANDBOX_TENANT_ID, derivedGuid } from './dataset.js';
import { XERO_SANDBOX_WEBHOOK_KEY } from './webhook-key.js';

/**
 * Renames a contact and signs Xero's delivery of it: one `CONTACT` `UPDATE` event naming the contact by
 * `resourceId`, `x-xero-signature` = base64 HMAC-SHA256 of the body under the webhook key. The sandbox's contacts
 * follow the seeded company's customers, so `id` is that customer's id (the contact's GUID is derived from it).
 */
export function xeroNotification(state: SandboxState, id: string, name: string, now: Date): SandboxNotification | string {
  const changed = changeQuickbooksCustomer(state, { action: 'update', id, name });
  if (typeof changed === 'string') return changed;
  const contactId = derivedGuid(`contact:${id}`);
  const body = JSON.stringify({
    events: [
      {
        resourceUrl: `https://api.xero.com/api.xro/2.0/Contacts/${contactId}`,
        resourceId: contactId,
        eventDateUtc: now.toISOString().slice(0, 23),
        eventType: 'UPDATE',
        eventCategory: 'CONTACT',
        tenantId: XERO_SANDBOX_TENANT_ID,
        tenantType: 'ORGANISATION',
      },
    ],
    firstEventSequence: 1,
    lastEventSequence: 1,
    entropy: randomBytes(10).toString('hex').toUpperCase(),
  });
  return {
    query: {},
    headers: { 'content-type': 'application/json', 'x-xero-signature': hmacSha256(XERO_SANDBOX_WEBHOOK_KEY, body, 'base64') },
    body,
  };
}
