import type { AsanaData } from '../asana/sandbox/records.js';
import type { QuickBooksData } from '../quickbooks/sandbox/records.js';
import type { SalesforceData } from '../salesforce/sandbox/records.js';
import type { ZendeskData } from '../zendesk/sandbox/records.js';
import type { Manifest } from './manifest.js';

/**
 * The sandbox's world: each module's records, stored in its vendor's own shape (defined once, in the module's
 * sandbox/records.ts, from its client schemas), and the manifest of planted cases that links them.
 * Nothing outside `sources/` reads these types.
 */
export type World = {
  salesforce: SalesforceData;
  quickbooks: QuickBooksData;
  asana: AsanaData;
  zendesk: ZendeskData;
  manifest: Manifest;
};

export type { Manifest };
// The record types, for the tests and harnesses that name them.
export type { SfAccount, SfContact, SfOpportunity, SfRecord, SfUser } from '../salesforce/sandbox/records.js';
export type { QboAddr, QboCustomer, QboInvoice, QboPayment } from '../quickbooks/sandbox/records.js';
export type { AsanaCompact, AsanaCustomField, AsanaProject, AsanaStatus, AsanaTask, AsanaUser, AsanaWorkspace } from '../asana/sandbox/records.js';
export type { ZdOrganization, ZdTicket, ZdUser } from '../zendesk/sandbox/records.js';
