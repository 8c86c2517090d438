import type { World } from '../../sandbox/world.js';
import { SOBJECTS, type SObjectDef } from './objects.js';

/** The custom fields an org may lack or name otherwise. */
export const SALESFORCE_CUSTOM_FIELDS = ['Tier__c', 'QuickBooks_Customer_Id__c', 'Primary__c'] as const;
export type SalesforceCustomField = (typeof SALESFORCE_CUSTOM_FIELDS)[number];

/**
 * How this sandbox org differs from the default: custom fields it does not have, and a namespace prefix on the
 * ones it has (`acme` → `acme__Tier__c`), as managed packages name theirs. The records stay the world's.
 */
export type SalesforceOrgVariant = {
  drop?: readonly SalesforceCustomField[];
  namespace?: string | null;
  /** The REST API versions the org offers (GET /services/data/), e.g. ['58.0', '59.0']. @default 31.0 to 64.0 */
  versions?: readonly string[];
};

/** The versions an org offers: the variant's, else every version the sandbox serves. */
export function offeredVersions(v: SalesforceOrgVariant): string[] {
  return v.versions ? [...v.versions] : Array.from({ length: 64 - 31 + 1 }, (_, i) => `${31 + i}.0`);
}

const CUSTOM = new Set<string>(SALESFORCE_CUSTOM_FIELDS);

function renamed(name: string, v: SalesforceOrgVariant): string | null {
  if (!CUSTOM.has(name)) return name;
  if (v.drop?.includes(name as SalesforceCustomField)) return null;
  return v.namespace ? `${v.namespace}__${name}` : name;
}

/** The org's objects under a variant (fields dropped or prefixed). */
export function variantObjects(v: SalesforceOrgVariant): Record<string, SObjectDef> {
  if (!v.drop?.length && !v.namespace) return SOBJECTS;
  const out: Record<string, SObjectDef> = {};
  for (const [k, def] of Object.entries(SOBJECTS)) {
    const fields: SObjectDef['fields'] = {};
    for (const [name, type] of Object.entries(def.fields)) {
      const n = renamed(name, v);
      if (n) fields[n] = type;
    }
    out[k] = { ...def, fields };
  }
  return out;
}

const worlds = new WeakMap<World, { key: string; world: World }>();

/** The world's Salesforce records as the variant org stores them. */
export function variantWorld(world: World, v: SalesforceOrgVariant): World {
  // The default org is the world itself, so tests that edit its records see their edits.
  if (!v.drop?.length && !v.namespace) return world;
  const key = JSON.stringify(v);
  const hit = worlds.get(world);
  if (hit?.key === key) return hit.world;
  const rename = <T extends object>(r: T): T => {
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(r)) {
      const n = renamed(name, v);
      if (n) out[n] = value;
    }
    return out as T;
  };
  const sf = world.salesforce;
  const next: World = { ...world, salesforce: { ...sf, accounts: sf.accounts.map(rename), contacts: sf.contacts.map(rename) } };
  worlds.set(world, { key, world: next });
  return next;
}
