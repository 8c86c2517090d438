import { FieldMap, type FieldSpec, type VendorFields } from '../kit/field-mapping.js';
import type { SourceKit } from '../kit/source-kit.js';
import type { ZendeskClient } from './client.server.js';
import { linkFieldName, type ZendeskConfig } from './config.js';
import type { OrgLink } from './mapping.js';

export type ZendeskFieldKey = 'accountId';

/** The vendor object the link field belongs to. */
const OBJECT = 'Organization';

/**
 * Organization field types that hold an account id as text (CustomFieldObject.type: "checkbox", "date",
 * "decimal", "dropdown", "integer", "lookup", "multiselect", "regexp", "text" or "textarea" — Zendesk Support
 * OpenAPI, sources/zendesk/sandbox/reference/zendesk-support-oas.extract.yaml, trimmed from Zendesk's published OpenAPI). Numbers would drop a Salesforce id's
 * letters; a dropdown holds a tag, not the id.
 */
export const TEXT_FIELD_TYPES = ['text', 'textarea', 'regexp'] as const;

/**
 * The organization field Panorama reads the CRM account id from: the standard `external_id` (nothing to ask:
 * every organization has it, a string) or a custom organization field, checked against GET /organization_fields.
 */
export function zendeskFieldSpecs(config: ZendeskConfig): Record<ZendeskFieldKey, FieldSpec> {
  return {
    accountId: {
      label: 'CRM account id on organizations',
      object: OBJECT,
      setting: 'ZENDESK_ORGANIZATION_LINK_FIELD',
      field: config.linkField ? linkFieldName(config.linkField) : null,
      types: TEXT_FIELD_TYPES,
      without:
        'The exact organization link is off; organizations are linked to customers by name and website domain only (probable links, for review). Set ZENDESK_ORGANIZATION_LINK_FIELD to external_id or to the key of a text organization field that holds the account id.',
    },
  };
}

export function zendeskFieldMap(config: ZendeskConfig): FieldMap<ZendeskFieldKey> {
  return new FieldMap('zendesk', zendeskFieldSpecs(config));
}

/** The link to apply, or null when it is off, or the field is missing or of another type (no exact links then). */
export function linkFieldOf(client: Pick<ZendeskClient, 'fields' | 'config'>): OrgLink {
  return client.fields.field('accountId') === null ? null : client.config.linkField;
}

/**
 * Asks Zendesk for the account's custom organization fields (GET /api/v2/organization_fields, "Allowed for:
 * Agents"; Zendesk asks clients to cache it and map each field's `key` to the organization's
 * `organization_fields`) and records whether the link field is among them, active and as text. The standard
 * `external_id` is recorded as found without a request; an empty setting needs none either.
 */
export async function checkZendeskFields(client: ZendeskClient, kit: SourceKit): Promise<void> {
  const link = client.config.linkField;
  if (link?.kind !== 'custom') {
    const found: VendorFields = link ? { [OBJECT]: new Map([[linkFieldName(link), 'text']]) } : {};
    client.fields.apply(found, kit.clock.now());
    return;
  }
  try {
    const fields = await kit.upstream('organization-fields', (signal) => client.organizationFields(signal));
    const known = new Map<string, string>();
    for (const f of fields) if (f.active !== false) known.set(f.key, f.type);
    client.fields.apply({ [OBJECT]: known }, kit.clock.now());
  } catch (e) {
    client.fields.failed(kit.toSourceError(e).code);
  }
}
