import type { SourceId } from '../sources/kit/errors.js';
import type { AccessGroup } from './policy.js';

/** An amount of money. `currency` (ISO 4217) is null when the system does not say. */
export type Money = { amount: number; currency: string | null };

/**
 * A record a flag, health input or timeline event points to. `name` is the record's own name (deal name, ticket
 * subject, invoice number); `group` is the access group a reader needs to see the record at all.
 */
export type RecordRef = { source: SourceId; entity: string; recordId: string; name: string | null; group: AccessGroup };

/** The access group of each kind of record: who may know the record (and its name) exists. */
export const ENTITY_GROUP: Record<string, AccessGroup> = {
  Account: 'IDENTITY',
  Opportunity: 'DEALS',
  Customer: 'BILLING_STANDING',
  Invoice: 'BILLING',
  Payment: 'BILLING',
  Project: 'PROJECTS',
  Task: 'PROJECTS',
  Organization: 'TICKET_COUNTS',
  Ticket: 'TICKETS',
};

export function ref(source: SourceId, entity: string, recordId: string, name: string | null): RecordRef {
  const group = ENTITY_GROUP[entity];
  if (!group) throw new Error(`No access group is declared for ${entity} records.`);
  return { source, entity, recordId, name, group };
}

export const roundMoney = (n: number) => Math.round(n * 100) / 100;
