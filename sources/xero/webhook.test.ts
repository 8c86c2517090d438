import { describe, expect, it } from 'vitest';
import { clockAt } from '../kit/clock.js';
import { MemoryWebhookSecrets, hmacSha256, type WebhookRequest } from '../kit/webhooks.js';
import { xeroWebhook } from './webhook.js';

const TENANT = '70784a63-d24b-46a9-a4db-0e70a274b056';
const CONTACT = '717F2BFC-C6D4-41FD-B238-3F2F0C0CF777';
const env = { XERO_WEBHOOK_KEY: 'key-1', XERO_TENANT_ID: TENANT };
const req = (body: string, headers: Record<string, string> = {}): WebhookRequest => ({
  body,
  headers: new Headers(headers),
  query: new URLSearchParams(),
});
const signed = (b: string, key = 'key-1') => req(b, { 'x-xero-signature': hmacSha256(key, b, 'base64') });
const run = (r: WebhookRequest, e: Record<string, string> = env) =>
  xeroWebhook.receive(r, xeroWebhook.settingsSchema.parse(e), {
    clock: clockAt('2026-11-27T12:00:00Z'),
    secrets: new MemoryWebhookSecrets(),
    source: 'xero',
  });
const event = (o: Record<string, string>) => ({
  resourceUrl: `https://api.xero.com/api.xro/2.0/Contacts/${CONTACT}`,
  resourceId: CONTACT,
  eventDateUtc: '2026-11-27T11:59:58.123',
  eventType: 'UPDATE',
  eventCategory: 'CONTACT',
  tenantId: TENANT,
  tenantType: 'ORGANISATION',
  ...o,
});

describe('Xero: x-xero-signature = base64 HMAC-SHA256 of the body under the webhook key', () => {
  it('a good signature gives the contacts and invoices changed in this organisation (no other category, no other tenant)', async () => {
    const body = JSON.stringify({
      events: [
        event({}),
        event({ eventCategory: 'INVOICE', eventType: 'CREATE', resourceId: '0f6e5c2a-0b1c-4d3e-9f8a-1b2c3d4e5f60' }),
        event({ eventCategory: 'CREDITNOTE' }),
        event({ tenantId: '11111111-2222-3333-4444-555555555555' }),
      ],
      firstEventSequence: 1,
      lastEventSequence: 4,
      entropy: 'ABCDEF',
    });
    expect(await run(signed(body))).toEqual({
      kind: 'changes',
      changes: [
        { entity: 'customer', id: CONTACT.toLowerCase(), action: 'update' },
        { entity: 'invoice', id: '0f6e5c2a-0b1c-4d3e-9f8a-1b2c3d4e5f60', action: 'create' },
      ],
    });
    expect(xeroWebhook.invalidates({ entity: 'customer', id: CONTACT.toLowerCase(), action: 'update' })).toEqual([
      `customer:${CONTACT.toLowerCase()}`,
      'customerIndex:',
      'search:',
    ]);
    expect(xeroWebhook.invalidates({ entity: 'invoice', id: 'x', action: 'create' })).toEqual(['customer:', 'overdueInvoices:', 'invoiceNumber:']);
  });

  it('answers "intent to receive" by the signature alone: no events, signed right, is taken; signed wrong is refused', async () => {
    const empty = JSON.stringify({ events: [], firstEventSequence: 0, lastEventSequence: 0, entropy: 'KJHGFDSA' });
    expect(await run(signed(empty))).toEqual({ kind: 'changes', changes: [] });
    expect(await run(signed(empty, 'another-key'))).toEqual({ kind: 'refused', reason: 'x-xero-signature does not match the body' });
    expect(await run(req(empty))).toEqual({ kind: 'refused', reason: 'no x-xero-signature header' });
  });

  it('a signed body that is not a delivery is malformed, naming the problem; without a key the endpoint is off', async () => {
    expect(await run(signed('{"events":[{"resourceId":"nope"}]}'))).toMatchObject({ kind: 'malformed', reason: expect.stringContaining('events') });
    expect(await run(signed('not json'))).toEqual({ kind: 'malformed', reason: 'the body is not JSON' });
    expect(xeroWebhook.enabled(xeroWebhook.settingsSchema.parse({}))).toBe(false);
    expect(xeroWebhook.enabled(xeroWebhook.settingsSchema.parse(env))).toBe(true);
  });
});
