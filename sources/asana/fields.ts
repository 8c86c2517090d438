import { FieldMap, type FieldSpec, type VendorFields } from '../kit/field-mapping.js';
import type { SourceKit } from '../kit/source-kit.js';
import type { AsanaClient } from './client.server.js';
import type { AsanaConfig } from './config.js';
import type { AccountFieldRule } from './mapping.js';

export type AsanaFieldKey = 'accountId';

/** The vendor "object" the workspace's custom fields are recorded under (fields known by name and by gid). */
const OBJECT = 'Project';

/**
 * The custom field Panorama reads from Asana projects: the CRM account id, by gid when ASANA_ACCOUNT_FIELD_GID is
 * set, else by name. Types are the custom field's `resource_subtype` (text, number, enum, …); only a text field
 * holds an id.
 */
export function asanaFieldSpecs(config: AsanaConfig): Record<AsanaFieldKey, FieldSpec> {
  const byGid = config.accountField.gid !== null;
  return {
    accountId: {
      label: 'CRM account id on projects',
      object: OBJECT,
      setting: byGid ? 'ASANA_ACCOUNT_FIELD_GID' : 'ASANA_ACCOUNT_FIELD_NAME',
      field: config.accountField.gid ?? config.accountField.name,
      types: ['text'],
      without: 'The exact project link is off; projects are linked to customers by project name only (probable links, for review).',
    },
  };
}

export function asanaFieldMap(config: AsanaConfig): FieldMap<AsanaFieldKey> {
  return new FieldMap('asana', asanaFieldSpecs(config));
}

/** The account-field rule to apply, or null when the field is missing or of the wrong type (no exact links then). */
export function accountFieldRule(client: AsanaClient): AccountFieldRule | null {
  return client.fields.field('accountId') === null ? null : client.config.accountField;
}

/**
 * Asks Asana for the workspace's custom fields (GET /workspaces/{workspace_gid}/custom_fields, paged) and records
 * whether the account field is among them, as text.
 */
export async function checkAsanaFields(client: AsanaClient, kit: SourceKit): Promise<void> {
  try {
    const fields = await kit.upstream('custom-fields', (signal) => client.listWorkspaceCustomFields(['name', 'resource_subtype'], signal));
    const known = new Map<string, string>();
    for (const f of fields) {
      const type = f.resource_subtype ?? f.type ?? 'unknown';
      known.set(f.gid, type);
      if (!known.has(f.name)) known.set(f.name, type);
    }
    const found: VendorFields = { [OBJECT]: known };
    client.fields.apply(found, kit.clock.now());
  } catch (e) {
    client.fields.failed(kit.toSourceError(e).code);
  }
}
