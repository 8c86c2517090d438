import { SANDBOX_WEBHOOKS } from '../../sandbox/constants.js';
import type { SandboxNotification } from '../../sandbox/notify.js';
import type { SalesforceData } from './records.js';

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Renames an account and sends the Outbound Message of it (SOAP `notifications`, the org's OrganizationId). */
export function salesforceNotification(data: SalesforceData, id: string, name: string, now: Date): SandboxNotification | string {
  const a = data.accounts.find((x) => x.Id === id || x.Id.slice(0, 15) === id);
  if (!a) return `no Salesforce account ${id}`;
  (a as { Name: string }).Name = name;
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    '<soapenv:Body><notifications xmlns="http://soap.sforce.com/2005/09/outbound">' +
    `<OrganizationId>${SANDBOX_WEBHOOKS.salesforce.organizationId}</OrganizationId><ActionId>04k000000000001AAA</ActionId>` +
    '<SessionId xsi:nil="true"/><EnterpriseUrl>https://sandbox/services/Soap/c/62.0</EnterpriseUrl><PartnerUrl>https://sandbox/services/Soap/u/62.0</PartnerUrl>' +
    `<Notification><Id>04l${String(now.getTime()).slice(-12).padStart(12, '0')}AAA</Id>` +
    `<sObject xsi:type="sf:Account" xmlns:sf="urn:sobject.enterprise.soap.sforce.com"><sf:Id>${xml(a.Id)}</sf:Id><sf:Name>${xml(name)}</sf:Name></sObject></Notification>` +
    '</notifications></soapenv:Body></soapenv:Envelope>';
  return { query: { token: SANDBOX_WEBHOOKS.salesforce.token }, headers: { 'content-type': 'text/xml; charset=utf-8', SOAPAction: '""' }, body };
}
