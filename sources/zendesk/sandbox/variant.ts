import type { World } from '../../sandbox/world.js';
import type { ZdOrganization, ZendeskData } from './records.js';

/** The key the sandbox's organization custom field for the CRM account id has when a variant moves the id there. */
export const SANDBOX_LINK_FIELD_KEY = 'salesforce_account_id';

/**
 * A custom organization field as GET /api/v2/organization_fields lists it (OrganizationFieldObject, which
 * extends CustomFieldObject: `key`, `type` and `title` required; sources/zendesk/sandbox/reference/zendesk-support-oas.extract.yaml, trimmed from Zendesk's published OpenAPI).
 */
export type ZdOrganizationField = { id: number; key: string; type: string; title: string; active: boolean; position: number };

/**
 * How this sandbox Zendesk account differs from the default one, which links organizations by the standard
 * `external_id` (and has one unrelated custom field, a "Region" dropdown):
 * - `linkField: { key, type }`: the CRM account id is kept in an organization custom field of that key (default
 *   `salesforce_account_id`) and type (default text), and `external_id` is empty; a field that is not text holds
 *   no value;
 * - `linkField: 'drop'`: no organization holds the id anywhere (no such custom field, `external_id` empty);
 * - `organizationFields: 'drifted'`: GET /organization_fields answers in a shape the reference does not
 *   document (each field's `key` renamed `field_key`), as an API that changed under us.
 */
export type ZendeskAccountVariant = {
  linkField?: 'drop' | { key?: string; type?: 'text' | 'textarea' | 'integer' | 'dropdown' };
  organizationFields?: 'drifted';
  /**
   * The API user's role as GET /api/v2/users/me reports it (`role`, `role_type`, `custom_role_id`,
   * `ticket_restriction`). @default a light agent who sees every ticket (the least privilege Panorama documents)
   */
  apiUser?: Partial<ZdApiUserRole>;
};

export type ZdApiUserRole = { role: 'end-user' | 'agent' | 'admin'; role_type: number | null; custom_role_id: number | null; ticket_restriction: 'organization' | 'groups' | 'assigned' | 'requested' | null };

/** The API user's role under the variant. */
export function apiUserRole(v: ZendeskAccountVariant): ZdApiUserRole & { restricted_agent: boolean } {
  const r: ZdApiUserRole = { role: 'agent', role_type: 1, custom_role_id: null, ticket_restriction: null, ...v.apiUser };
  // "false for admins and unrestricted agents, true for other agents" (UserForAdmin.restricted_agent)
  return { ...r, restricted_agent: r.role === 'agent' && r.ticket_restriction !== null };
}

/** Fields every account has besides the link field (a real account rarely has none). */
const OTHER_FIELDS: ZdOrganizationField[] = [{ id: 360001, key: 'region', type: 'dropdown', title: 'Region', active: true, position: 1 }];

/** The custom organization fields of the account the variant describes. */
export function organizationFieldsOf(v: ZendeskAccountVariant): ZdOrganizationField[] {
  const f = v.linkField;
  if (!f || f === 'drop') return OTHER_FIELDS;
  return [...OTHER_FIELDS, { id: 360002, key: f.key ?? SANDBOX_LINK_FIELD_KEY, type: f.type ?? 'text', title: 'Salesforce Account Id', active: true, position: 2 }];
}

/** Custom field key → type, as the sandbox's search resolves `<key>:<value>` terms. */
export function organizationFieldTypes(v: ZendeskAccountVariant): Map<string, string> {
  return new Map(organizationFieldsOf(v).map((f) => [f.key.toLowerCase(), f.type]));
}

const TEXT_TYPES = new Set(['text', 'textarea', 'regexp']);
const cache = new WeakMap<ZendeskData, { key: string; data: ZendeskData }>();

/** The world's Zendesk records as the variant account holds them. */
export function zendeskVariantData(data: ZendeskData, v: ZendeskAccountVariant): ZendeskData {
  const f = v.linkField;
  if (!f) return data;
  const key = JSON.stringify(f);
  const hit = cache.get(data);
  if (hit?.key === key) return hit.data;
  const move = (o: ZdOrganization): ZdOrganization => {
    const base = { ...o, external_id: null };
    if (f === 'drop') return base;
    const type = f.type ?? 'text';
    return { ...base, organization_fields: { ...o.organization_fields, [f.key ?? SANDBOX_LINK_FIELD_KEY]: TEXT_TYPES.has(type) ? o.external_id : null } };
  };
  const next = { ...data, organizations: data.organizations.map(move) };
  cache.set(data, { key, data: next });
  return next;
}

/** The world with its Zendesk records as the variant account holds them (for search, which reads the world). */
export function zendeskVariantWorld(world: World, v: ZendeskAccountVariant): World {
  const zendesk = zendeskVariantData(world.zendesk, v);
  return zendesk === world.zendesk ? world : { ...world, zendesk };
}
