import { LINKED_ENTITY, systemById, type EntityNames, type SourceCategory, type SystemInfo, type Systems } from '../sources/kit/contract.js';
import type { SourceId } from '../sources/kit/errors.js';
import type { AccessGroup } from './policy.js';

/** An amount of money. `currency` (ISO 4217) is null when the system does not say. */
export type Money = { amount: number; currency: string | null };

/**
 * A record a flag, health input or timeline event points to. `kind` is what the record is to Panorama (the key
 * of its module's `entities`: invoice, ticket, deal …) and `entity` what its own system calls it; `name` is the
 * record's own name (deal name, ticket subject, invoice number); `group` is the access group a reader needs to
 * see the record at all.
 */
export type RecordRef = { source: SourceId; kind: string; entity: string; recordId: string; name: string | null; group: AccessGroup };

/**
 * The access group of each kind of record: who may know the record (and its name) exists. Keyed by what a
 * record is in its category, so it holds whatever a module calls it.
 */
export const KIND_GROUP: { [C in SourceCategory]: Record<keyof EntityNames[C], AccessGroup> } = {
  crm: { account: 'IDENTITY', contact: 'IDENTITY', deal: 'DEALS' },
  accounting: { customer: 'BILLING_STANDING', invoice: 'BILLING', payment: 'BILLING' },
  projects: { project: 'PROJECTS', milestone: 'PROJECTS' },
  support: { organization: 'TICKET_COUNTS', ticket: 'TICKETS' },
};

/** A reference to a record of `kind` in `system`, named as that system names it. */
export function ref<C extends SourceCategory>(system: SystemInfo<C>, kind: keyof EntityNames[C] & string, recordId: string, name: string | null): RecordRef {
  const entity = (system.entities as Record<string, string>)[kind]!;
  const group = (KIND_GROUP[system.category] as Record<string, AccessGroup>)[kind]!;
  return { source: system.id, kind, entity, recordId, name, group };
}

/** A reference to the record a link ties to the customer in the system with this id (the CRM's account for an unknown id). */
export function linkedRef(systems: Systems, source: string, recordId: string, name: string | null): RecordRef {
  const system = systemById(systems, source) ?? systems.crm;
  const kind: string = LINKED_ENTITY[system.category];
  return ref(system, kind as never, recordId, name);
}

export const roundMoney = (n: number) => Math.round(n * 100) / 100;
