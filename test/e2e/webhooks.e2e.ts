/**
 * The shipped server (build/start.js with its sandbox process): the sandbox renames a record and delivers the
 * vendor's signed notification over HTTP to /webhooks/<source>, through the edge and Remix; the next GraphQL read
 * shows the new value, and the admin page shows the delivery.
 */
import { describe, expect, inject, it } from 'vitest';

const baseURL = inject('baseURL');
const sandboxOrigin = inject('sandboxOrigin');

async function demoCookie(userId: string): Promise<string> {
  const r = await fetch(`${baseURL}/login`, { method: 'POST', redirect: 'manual', headers: { origin: baseURL, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ userId }) });
  return r.headers.get('set-cookie')?.split(';')[0] ?? '';
}
const gql = async (cookie: string, query: string, variables: Record<string, unknown>) =>
  (await (await fetch(`${baseURL}/graphql`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) })).json()) as { data: any };
const notify = async (source: string, body: Record<string, unknown>) =>
  (await (await fetch(`${sandboxOrigin}/__sandbox/webhooks/${source}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...body, target: `${baseURL}/webhooks/${source}` }) })).json()) as {
    delivered: { status: number; body: string };
  };

describe('webhooks through the shipped server', () => {
  it('QuickBooks and Salesforce: delivered, verified, and the next read is fresh', async () => {
    const admin = await demoCookie('demo-admin');
    const manifest = (await (await fetch(`${sandboxOrigin}/__sandbox/manifest`)).json()) as { exactLinks: { accountId: string; system: string; recordId: string }[] };
    const link = manifest.exactLinks.find((l) => l.system === 'quickbooks')!;
    const q = `query ($id: ID!) { customer(id: $id) { crm { account { name } } accounting { displayName } } }`;
    const before = await gql(admin, q, { id: link.accountId });
    expect(before.data.customer.accounting.displayName).toBeTruthy();

    const qbo = await notify('quickbooks', { id: link.recordId, name: 'Webhook Renamed Books' });
    expect(qbo.delivered.status).toBe(200);
    const sf = await notify('salesforce', { id: link.accountId, name: 'Webhook Renamed Account' });
    expect(sf.delivered.status).toBe(200);
    expect(sf.delivered.body).toContain('<Ack>true</Ack>');

    const after = await gql(admin, q, { id: link.accountId });
    expect(after.data.customer.accounting.displayName).toBe('Webhook Renamed Books');
    expect(after.data.customer.crm.account.name).toBe('Webhook Renamed Account');

    const page = await (await fetch(`${baseURL}/admin`, { headers: { cookie: admin } })).text();
    expect(page).toContain('Change notifications (webhooks)');
  });

  it('a forged notification is 401 and an unknown source 404, over HTTP', async () => {
    const forged = await fetch(`${baseURL}/webhooks/quickbooks`, { method: 'POST', headers: { 'content-type': 'application/json', 'intuit-signature': 'Zm9yZ2Vk' }, body: '{"eventNotifications":[]}' });
    expect(forged.status).toBe(401);
    expect((await fetch(`${baseURL}/webhooks/nobody`, { method: 'POST', body: '{}' })).status).toBe(404);
  });
});
