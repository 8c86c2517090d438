import { XMLParser } from 'fast-xml-parser';
import { z } from 'zod';
import { sameSignature, type WebhookChange, type WebhookSpec } from '../kit/webhooks.js';
import { normalizeSalesforceId } from './ids.js';

/**
 * The settings of Salesforce Outbound Messages (Setup → Outbound Messages → Endpoint URL
 * `https://panorama…/webhooks/salesforce?token=…`). Outbound messages are not signed: what a listener can check
 * is the OrganizationId they carry (Salesforce's own advice), and a token of the operator's in the endpoint URL.
 */
export const salesforceWebhookSettings = z
  .object({
    /** Required in the endpoint URL's query (`?token=`); unset = the webhook endpoint is off (404). */
    SALESFORCE_WEBHOOK_TOKEN: z.string().trim().optional(),
    /** The 15- or 18-character id of the org whose messages are taken (Setup → Company Information). */
    SALESFORCE_WEBHOOK_ORGANIZATION_ID: z
      .string()
      .trim()
      .optional()
      .refine((v) => !v || normalizeSalesforceId(v) !== null, 'must be a 15- or 18-character Salesforce Organization Id'),
  })
  .transform((e) => ({ token: e.SALESFORCE_WEBHOOK_TOKEN || null, organizationId: e.SALESFORCE_WEBHOOK_ORGANIZATION_ID ? normalizeSalesforceId(e.SALESFORCE_WEBHOOK_ORGANIZATION_ID) : null }));

type Settings = z.output<typeof salesforceWebhookSettings>;

/** The answer Salesforce waits for; without it the message is sent again (for up to 24 hours). */
export const OUTBOUND_ACK =
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack></notificationsResponse></soapenv:Body></soapenv:Envelope>';

// namespaces dropped (soapenv:, sf:), every text kept as a string (ids must not become numbers)
const parser = new XMLParser({ removeNSPrefix: true, parseTagValue: false, ignoreAttributes: false, attributeNamePrefix: '@', processEntities: false });

const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The objects Panorama reads, by their sObject type; what names the account a record belongs to. */
const READ: Record<string, { entity: string; accountField: string | null }> = {
  Account: { entity: 'account', accountField: 'Id' },
  Contact: { entity: 'contact', accountField: 'AccountId' },
  Opportunity: { entity: 'deal', accountField: 'AccountId' },
};

export const salesforceWebhook: WebhookSpec<Settings> = {
  mechanism: 'Outbound Messages (SOAP)',
  settingsSchema: salesforceWebhookSettings,
  enabled: (s) => Boolean(s.token),
  async receive(req, s) {
    if (!sameSignature(s.token!, req.query.get('token'))) return { kind: 'refused', reason: 'the endpoint URL\'s token is missing or wrong' };
    let doc: unknown;
    try {
      doc = parser.parse(req.body, true);
    } catch {
      return { kind: 'malformed', reason: 'the body is not XML' };
    }
    const n = (doc as { Envelope?: { Body?: { notifications?: Record<string, unknown> } } }).Envelope?.Body?.notifications;
    if (!n || typeof n !== 'object') return { kind: 'malformed', reason: 'no soapenv:Envelope/Body/notifications element: not an outbound message' };
    const org = typeof n.OrganizationId === 'string' ? normalizeSalesforceId(n.OrganizationId) : null;
    if (!org) return { kind: 'malformed', reason: 'notifications has no OrganizationId' };
    if (s.organizationId && org !== s.organizationId) return { kind: 'refused', reason: 'the message comes from another Salesforce org' };
    const notes = asList(n.Notification as Record<string, unknown> | Record<string, unknown>[] | undefined);
    if (notes.length === 0) return { kind: 'malformed', reason: 'notifications holds no Notification' };
    if (notes.length > 100) return { kind: 'malformed', reason: 'more than 100 Notification elements (Salesforce sends at most 100)' };
    const changes: WebhookChange[] = [];
    for (const note of notes) {
      const so = note.sObject as Record<string, unknown> | undefined;
      const type = typeof so?.['@type'] === 'string' ? String(so['@type']).replace(/^.*:/, '') : null;
      if (!so || !type) return { kind: 'malformed', reason: 'a Notification has no sObject with an xsi:type' };
      const read = READ[type];
      if (!read) continue;
      const id = typeof so.Id === 'string' ? normalizeSalesforceId(so.Id) : null;
      if (!id) return { kind: 'malformed', reason: `a ${type} notification has no valid Id` };
      const account = read.accountField && typeof so[read.accountField] === 'string' ? normalizeSalesforceId(String(so[read.accountField])) : null;
      changes.push({ entity: read.entity, id, action: 'changed' });
      if (read.entity !== 'account') changes.push({ entity: 'account', id: account ?? '*', action: `${read.entity}-changed` });
    }
    return { kind: 'changes', changes, reply: { contentType: 'text/xml; charset=utf-8', body: OUTBOUND_ACK } };
  },
  invalidates: (c) => {
    if (c.entity !== 'account') return [];
    // a contact or deal whose message leaves out its AccountId: any account's section may hold it
    if (c.id === '*') return ['customer:', 'search:'];
    return [`customer:${c.id}`, 'accountIndex:', 'search:', 'accountsByOwner:'];
  },
};
