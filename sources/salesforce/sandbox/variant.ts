import type { World } from '../../sandbox/world.js';
import { SANDBOX_ORGANIZATION, SOBJECTS, type SObjectDef } from './objects.js';

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
  /**
   * The org's currency: Organization.DefaultCurrencyIsoCode, and in a multi-currency org the currency of its
   * records but those in `dealCurrency`. @default 'USD'
   */
  currency?: string;
  /**
   * Multi-currency on: Account and Opportunity have CurrencyIsoCode (a picklist, in describe and in the
   * records), and every third deal (the 2nd, 5th, 8th … of the world's) is in this other currency, e.g. 'EUR'.
   * Off (the default), the field does not exist and a query naming it is refused with INVALID_FIELD. @default off
   */
  multiCurrency?: { dealCurrency: string };
  /**
   * What the integration user's profile lets it do per object, as describe reports it (`queryable`, `createable`,
   * `updateable`, `deletable`). @default read only on every object (the least privilege Panorama documents)
   */
  objectPermissions?: Readonly<Record<string, Partial<ObjectPermissions>>>;
};

export type ObjectPermissions = { queryable: boolean; createable: boolean; updateable: boolean; deletable: boolean };
const READ_ONLY: ObjectPermissions = { queryable: true, createable: false, updateable: false, deletable: false };

/** The integration user's permissions on an object under the variant. */
export function objectPermissions(v: SalesforceOrgVariant, object: string): ObjectPermissions {
  return { ...READ_ONLY, ...v.objectPermissions?.[object] };
}

/** The versions an org offers: the variant's, else every version the sandbox serves. */
export function offeredVersions(v: SalesforceOrgVariant): string[] {
  return v.versions ? [...v.versions] : Array.from({ length: 64 - 31 + 1 }, (_, i) => `${31 + i}.0`);
}

const CUSTOM = new Set<string>(SALESFORCE_CUSTOM_FIELDS);

const isDefault = (v: SalesforceOrgVariant) => !v.drop?.length && !v.namespace && !v.multiCurrency && !v.currency;
/** The object's currency field, in a multi-currency org. */
const CURRENCY_OBJECTS = new Set(['Account', 'Opportunity']);

function renamed(name: string, v: SalesforceOrgVariant): string | null {
  if (!CUSTOM.has(name)) return name;
  if (v.drop?.includes(name as SalesforceCustomField)) return null;
  return v.namespace ? `${v.namespace}__${name}` : name;
}

/** The org's objects under a variant (fields dropped or prefixed). */
export function variantObjects(v: SalesforceOrgVariant): Record<string, SObjectDef> {
  if (isDefault(v)) return SOBJECTS;
  const out: Record<string, SObjectDef> = {};
  for (const [k, def] of Object.entries(SOBJECTS)) {
    const fields: SObjectDef['fields'] = {};
    for (const [name, type] of Object.entries(def.fields)) {
      const n = renamed(name, v);
      if (n) fields[n] = type;
    }
    if (v.multiCurrency && CURRENCY_OBJECTS.has(k)) fields.CurrencyIsoCode = 'picklist';
    out[k] = { ...def, fields };
  }
  return out;
}

const worlds = new WeakMap<World, { key: string; world: World }>();

/** The world's Salesforce records as the variant org stores them. */
export function variantWorld(world: World, v: SalesforceOrgVariant): World {
  // The default org is the world itself, so tests that edit its records see their edits.
  if (isDefault(v)) return world;
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
  const corporate = v.currency ?? 'USD';
  const multi = v.multiCurrency;
  const accounts = sf.accounts.map(rename).map((a) => (multi ? { ...a, CurrencyIsoCode: corporate } : a));
  const opportunities = multi ? sf.opportunities.map((o, i) => ({ ...o, CurrencyIsoCode: i % 3 === 1 ? multi.dealCurrency : corporate })) : sf.opportunities;
  const organization = { ...SANDBOX_ORGANIZATION, DefaultCurrencyIsoCode: corporate };
  const next: World = { ...world, salesforce: { ...sf, accounts, contacts: sf.contacts.map(rename), opportunities, organization } };
  worlds.set(world, { key, world: next });
  return next;
}
