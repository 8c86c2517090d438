import { hmacSha256 } from '../../kit/webhooks.js';
import { SANDBOX_WEBHOOKS } from '../../sandbox/constants.js';
import type { SandboxNotification } from '../../sandbox/notify.js';
import type { QuickBooksData } from './records.js';
import { touchCustomer } from './changes.js';

/** Renames a customer and signs Intuit's notification of it (`intuit-signature`: base64 HMAC-SHA256 of the body). */
export function quickbooksNotification(data: QuickBooksData, id: string, name: string, now: Date): SandboxNotification | string {
  const c = data.customers.find((x) => x.Id === id);
  if (!c) return `no QuickBooks customer ${id}`;
  (c as { DisplayName: string }).DisplayName = name;
  touchCustomer(c, now.getTime());
  const body = JSON.stringify({
    eventNotifications: [{ realmId: data.realmId, dataChangeEvent: { entities: [{ name: 'Customer', id, operation: 'Update', lastUpdated: now.toISOString() }] } }],
  });
  return { query: {}, headers: { 'content-type': 'application/json', 'intuit-signature': hmacSha256(SANDBOX_WEBHOOKS.quickbooks.verifierToken, body, 'base64') }, body };
}
