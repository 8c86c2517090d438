import { describe, expect, it } from 'vitest';
import { clockAt, manualClock } from './kit/clock.js';
import { MemoryWebhookSecrets, hmacSha256, sameSignature, type WebhookRequest, type WebhookSpec } from './kit/webhooks.js';
import { asanaWebhook } from './asana/webhook.js';
import { quickbooksWebhook } from './quickbooks/webhook.js';
import { OUTBOUND_ACK, salesforceWebhook } from './salesforce/webhook.js';
import { zendeskWebhook } from './zendesk/webhook.js';

const NOW = '2026-11-27T12:00:00Z';
const req = (body: string, headers: Record<string, string> = {}, query: Record<string, string> = {}): WebhookRequest => ({
  body,
  headers: new Headers(headers),
  query: new URLSearchParams(query),
});
const run = <S>(spec: WebhookSpec<S>, env: Record<string, string>, r: WebhookRequest, opts: { clock?: ReturnType<typeof clockAt>; secrets?: MemoryWebhookSecrets } = {}) =>
  spec.receive(r, spec.settingsSchema.parse(env), { clock: opts.clock ?? clockAt(NOW), secrets: opts.secrets ?? new MemoryWebhookSecrets(), source: 'x' });

describe('signatures are compared whole and in constant time', () => {
  it('same only when equal', () => {
    expect(sameSignature('abc', 'abc')).toBe(true);
    expect(sameSignature('abc', 'abd')).toBe(false);
    expect(sameSignature('abc', 'ab')).toBe(false);
    expect(sameSignature('abc', null)).toBe(false);
  });
});

describe('QuickBooks: intuit-signature = base64 HMAC-SHA256 of the body under the verifier token', () => {
  const env = { QUICKBOOKS_WEBHOOK_VERIFIER_TOKEN: 'verifier-1', QUICKBOOKS_REALM_ID: '123' };
  const body = JSON.stringify({
    eventNotifications: [
      { realmId: '123', dataChangeEvent: { entities: [{ name: 'Customer', id: '58', operation: 'Update', lastUpdated: NOW }, { name: 'Vendor', id: '9', operation: 'Create' }] } },
      { realmId: '999', dataChangeEvent: { entities: [{ name: 'Customer', id: '7', operation: 'Update' }] } },
    ],
  });
  const signed = (b: string, secret = 'verifier-1') => req(b, { 'intuit-signature': hmacSha256(secret, b, 'base64') });

  it('a good signature gives the customers changed in this company only (no Vendor, no other realm)', async () => {
    expect(await run(quickbooksWebhook, env, signed(body))).toEqual({ kind: 'changes', changes: [{ entity: 'customer', id: '58', action: 'update' }] });
    expect(quickbooksWebhook.invalidates({ entity: 'customer', id: '58', action: 'update' })).toEqual(['customer:58', 'customerIndex:', 'search:']);
  });
  it('a tampered body, another secret, or no header is refused', async () => {
    const good = signed(body);
    expect((await run(quickbooksWebhook, env, req(body.replace('"58"', '"59"'), { 'intuit-signature': good.headers.get('intuit-signature')! }))).kind).toBe('refused');
    expect((await run(quickbooksWebhook, env, signed(body, 'verifier-2'))).kind).toBe('refused');
    expect(await run(quickbooksWebhook, env, req(body))).toEqual({ kind: 'refused', reason: 'no intuit-signature header' });
  });
  it('a signed body that is not a notification is malformed, naming the problem', async () => {
    expect(await run(quickbooksWebhook, env, signed('{"eventNotifications":[]}'))).toMatchObject({ kind: 'malformed', reason: expect.stringContaining('eventNotifications') });
    expect(await run(quickbooksWebhook, env, signed('not json'))).toEqual({ kind: 'malformed', reason: 'the body is not JSON' });
  });
  it('is off without a verifier token', () => {
    expect(quickbooksWebhook.enabled(quickbooksWebhook.settingsSchema.parse({}))).toBe(false);
    expect(quickbooksWebhook.enabled(quickbooksWebhook.settingsSchema.parse(env))).toBe(true);
  });
});

describe('Zendesk: X-Zendesk-Webhook-Signature = base64 HMAC-SHA256 of timestamp + body, within 5 minutes', () => {
  const env = { ZENDESK_WEBHOOK_SIGNING_SECRET: 'zd-secret' };
  const body = JSON.stringify({
    type: 'zen:event-type:organization.name_changed',
    account_id: 1,
    subject: 'zen:organization:6607619104125',
    id: 'a540ab78',
    time: NOW,
    zendesk_event_version: '2022-06-20',
    detail: { id: '6607619104125', name: 'Acme', external_id: '001000000000001AAA' },
    event: {},
  });
  const signed = (b: string, ts = NOW, secret = 'zd-secret') =>
    req(b, { 'x-zendesk-webhook-signature': hmacSha256(secret, ts + b, 'base64'), 'x-zendesk-webhook-signature-timestamp': ts });

  it('a good signature gives the organization and the CRM account it carries', async () => {
    expect(await run(zendeskWebhook, env, signed(body))).toEqual({
      kind: 'changes',
      changes: [
        { entity: 'organization', id: '6607619104125', action: 'name_changed' },
        { entity: 'account', id: '001000000000001AAA', action: 'name_changed' },
      ],
    });
  });
  it('a tampered body, a changed timestamp, another secret or a missing header is refused', async () => {
    const good = signed(body);
    expect((await run(zendeskWebhook, env, req(body.replace('Acme', 'Evil'), Object.fromEntries(good.headers)))).kind).toBe('refused');
    expect((await run(zendeskWebhook, env, req(body, { ...Object.fromEntries(good.headers), 'x-zendesk-webhook-signature-timestamp': '2026-11-27T12:00:01Z' }))).kind).toBe('refused');
    expect((await run(zendeskWebhook, env, signed(body, NOW, 'other')))).toMatchObject({ kind: 'refused' });
    expect((await run(zendeskWebhook, env, req(body))).kind).toBe('refused');
  });
  it('a stale (or future) timestamp is refused as a replay even when signed', async () => {
    const clock = manualClock(NOW);
    clock.advance(5 * 60_000 + 1000);
    expect(await run(zendeskWebhook, env, signed(body), { clock })).toMatchObject({ kind: 'refused', reason: expect.stringContaining('window') });
    expect(await run(zendeskWebhook, env, signed(body, '2026-11-27T12:06:00Z'))).toMatchObject({ kind: 'refused', reason: expect.stringContaining('window') });
    expect((await run(zendeskWebhook, env, signed(body, '2026-11-27T12:04:00Z'))).kind).toBe('changes');
  });
  it('the ticket trigger\'s body names the ticket, its organization and account', async () => {
    const t = JSON.stringify({ ticket_id: '35', organization_id: '77', organization_external_id: '001000000000001AAA' });
    expect(await run(zendeskWebhook, env, signed(t))).toMatchObject({ kind: 'changes', changes: [{ entity: 'ticket', id: '35' }, { entity: 'organization', id: '77' }, { entity: 'account' }] });
    expect(await run(zendeskWebhook, env, signed('{"hello":1}'))).toMatchObject({ kind: 'malformed', reason: expect.stringContaining('ticket_id') });
  });
});

describe('Asana: the X-Hook-Secret handshake, then X-Hook-Signature = hex HMAC-SHA256 of the body', () => {
  const env = { ASANA_WEBHOOK_TOKEN: 'path-token' };
  const secret = 'b537207f20cbfa02357cf448134da559e8bd39d61597dcd5631b8012eae53e81';
  const body = JSON.stringify({ events: [{ action: 'changed', resource: { gid: '1200000000000123', resource_type: 'project' }, parent: null }, { action: 'added', resource: { gid: '1300', resource_type: 'task' }, parent: { gid: '1200000000000456', resource_type: 'project' } }] });

  it('the handshake is echoed and its secret then verifies deliveries', async () => {
    const secrets = new MemoryWebhookSecrets();
    const hs = await run(asanaWebhook, env, req('', { 'x-hook-secret': secret }, { token: 'path-token' }), { secrets });
    expect(hs).toEqual({ kind: 'handshake', secret, headers: { 'X-Hook-Secret': secret } });
    // before the secret is kept (the runtime keeps it), a delivery cannot be checked
    expect(await run(asanaWebhook, env, req(body, { 'x-hook-signature': hmacSha256(secret, body, 'hex') }, { token: 'path-token' }), { secrets })).toMatchObject({ kind: 'refused', reason: expect.stringContaining('handshake') });
    await secrets.set('x', secret);
    expect(await run(asanaWebhook, env, req(body, { 'x-hook-signature': hmacSha256(secret, body, 'hex') }, { token: 'path-token' }), { secrets })).toEqual({
      kind: 'changes',
      changes: [
        { entity: 'project', id: '1200000000000123', action: 'changed' },
        { entity: 'project', id: '1200000000000456', action: 'task-added' },
      ],
    });
    expect((await run(asanaWebhook, env, req(body.replace('changed', 'deleted'), { 'x-hook-signature': hmacSha256(secret, body, 'hex') }, { token: 'path-token' }), { secrets })).kind).toBe('refused');
    expect((await run(asanaWebhook, env, req(body, { 'x-hook-signature': hmacSha256('f'.repeat(64), body, 'hex') }, { token: 'path-token' }), { secrets })).kind).toBe('refused');
  });
  it('without the target\'s token nobody can make the handshake', async () => {
    expect((await run(asanaWebhook, env, req('', { 'x-hook-secret': secret }))).kind).toBe('refused');
    expect((await run(asanaWebhook, env, req('', { 'x-hook-secret': secret }, { token: 'guess' }))).kind).toBe('refused');
  });
});

describe('Salesforce: an Outbound Message from the configured org, answered with the SOAP Ack', () => {
  const env = { SALESFORCE_WEBHOOK_TOKEN: 'om-token', SALESFORCE_WEBHOOK_ORGANIZATION_ID: '00D000000000001EAA' };
  const message = (org: string, sobject: string) =>
    '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>' +
    `<notifications xmlns="http://soap.sforce.com/2005/09/outbound"><OrganizationId>${org}</OrganizationId><ActionId>04k000000000001AAA</ActionId><SessionId xsi:nil="true"/>` +
    `<EnterpriseUrl>x</EnterpriseUrl><PartnerUrl>y</PartnerUrl><Notification><Id>04l000000000001AAA</Id>${sobject}</Notification></notifications></soapenv:Body></soapenv:Envelope>`;
  const account = '<sObject xsi:type="sf:Account" xmlns:sf="urn:sobject.enterprise.soap.sforce.com"><sf:Id>001000000000001AAA</sf:Id><sf:Name>Acme</sf:Name></sObject>';

  it('an account change is taken and acknowledged', async () => {
    const v = await run(salesforceWebhook, env, req(message('00D000000000001EAA', account), {}, { token: 'om-token' }));
    expect(v).toEqual({ kind: 'changes', changes: [{ entity: 'account', id: '001000000000001AAA', action: 'changed' }], reply: { contentType: 'text/xml; charset=utf-8', body: OUTBOUND_ACK } });
    expect(OUTBOUND_ACK).toContain('<Ack>true</Ack>');
  });
  it('the 15-character org id in the settings matches the 18-character one Salesforce sends', async () => {
    const v = await run(salesforceWebhook, { ...env, SALESFORCE_WEBHOOK_ORGANIZATION_ID: '00D000000000001' }, req(message('00D000000000001EAA', account), {}, { token: 'om-token' }));
    expect(v.kind).toBe('changes');
  });
  it('another org, a wrong or missing token is refused; a body that is no outbound message is malformed', async () => {
    expect((await run(salesforceWebhook, env, req(message('00D000000000002EAA', account), {}, { token: 'om-token' })))).toMatchObject({ kind: 'refused', reason: expect.stringContaining('another Salesforce org') });
    expect((await run(salesforceWebhook, env, req(message('00D000000000001EAA', account), {}, { token: 'om-tokeX' }))).kind).toBe('refused');
    expect((await run(salesforceWebhook, env, req(message('00D000000000001EAA', account)))).kind).toBe('refused');
    expect(await run(salesforceWebhook, env, req('<a>b</a>', {}, { token: 'om-token' }))).toMatchObject({ kind: 'malformed', reason: expect.stringContaining('notifications') });
  });
  it('a contact names its account; without AccountId every account section is dropped', async () => {
    const contact = (extra: string) => `<sObject xsi:type="sf:Contact" xmlns:sf="urn:sobject.enterprise.soap.sforce.com"><sf:Id>003000000000001AAA</sf:Id>${extra}</sObject>`;
    const v = await run(salesforceWebhook, env, req(message('00D000000000001EAA', contact('<sf:AccountId>001000000000001AAA</sf:AccountId>')), {}, { token: 'om-token' }));
    expect(v).toMatchObject({ kind: 'changes', changes: [{ entity: 'contact' }, { entity: 'account', id: '001000000000001AAA' }] });
    const w = await run(salesforceWebhook, env, req(message('00D000000000001EAA', contact('')), {}, { token: 'om-token' }));
    expect(w.kind === 'changes' && w.changes.flatMap((c) => salesforceWebhook.invalidates(c))).toEqual(['customer:', 'search:']);
  });
});
