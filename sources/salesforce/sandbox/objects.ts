import type { World } from '../../sandbox/world.js';
import type { SfRecord } from './records.js';

/** The field types the sandbox distinguishes; they decide which literals and operators a filter accepts. */
export type FieldType = 'id' | 'reference' | 'string' | 'picklist' | 'boolean' | 'double' | 'date' | 'datetime';

export type SObjectDef = {
  name: string;
  keyPrefix: string;
  /** Canonical field names (as describe() spells them) and their types. */
  fields: Record<string, FieldType>;
  /** Parent relationships: relationship name → the id field holding the parent and the parent's object. */
  parents: Record<string, { field: string; object: string }>;
  /** Child relationships: relationship name → the child object and its field holding this record's id. */
  children: Record<string, { object: string; field: string }>;
};

const audit = { CreatedDate: 'datetime', LastModifiedDate: 'datetime' } as const;

/** The slice of the Salesforce schema the sandbox serves: what Panorama reads, with real names and types. */
export const SOBJECTS: Record<string, SObjectDef> = {
  Account: {
    name: 'Account',
    keyPrefix: '001',
    fields: {
      Id: 'id',
      Name: 'string',
      Website: 'string',
      Phone: 'string',
      Industry: 'string',
      Type: 'string',
      Tier__c: 'string',
      BillingStreet: 'string',
      BillingCity: 'string',
      BillingState: 'string',
      BillingPostalCode: 'string',
      BillingCountry: 'string',
      ShippingStreet: 'string',
      ShippingCity: 'string',
      ShippingState: 'string',
      ShippingPostalCode: 'string',
      ShippingCountry: 'string',
      OwnerId: 'reference',
      QuickBooks_Customer_Id__c: 'string',
      ...audit,
      // system fields Salesforce keeps on every record (see SYSTEM_FIELDS in soql.ts)
      SystemModstamp: 'datetime',
      IsDeleted: 'boolean',
    },
    parents: { Owner: { field: 'OwnerId', object: 'User' } },
    children: {
      Contacts: { object: 'Contact', field: 'AccountId' },
      Opportunities: { object: 'Opportunity', field: 'AccountId' },
    },
  },
  Contact: {
    name: 'Contact',
    keyPrefix: '003',
    fields: {
      Id: 'id',
      AccountId: 'reference',
      FirstName: 'string',
      LastName: 'string',
      Name: 'string',
      Title: 'string',
      Email: 'string',
      Phone: 'string',
      Primary__c: 'boolean',
      ...audit,
    },
    parents: { Account: { field: 'AccountId', object: 'Account' } },
    children: {},
  },
  Opportunity: {
    name: 'Opportunity',
    keyPrefix: '006',
    fields: {
      Id: 'id',
      AccountId: 'reference',
      Name: 'string',
      StageName: 'string',
      Amount: 'double',
      CloseDate: 'date',
      IsClosed: 'boolean',
      IsWon: 'boolean',
      OwnerId: 'reference',
      ...audit,
    },
    parents: { Account: { field: 'AccountId', object: 'Account' }, Owner: { field: 'OwnerId', object: 'User' } },
    children: {},
  },
  // The org itself: one record. DefaultCurrencyIsoCode is its currency (Object Reference, Organization).
  Organization: {
    name: 'Organization',
    keyPrefix: '00D',
    fields: { Id: 'id', Name: 'string', DefaultCurrencyIsoCode: 'picklist' },
    parents: {},
    children: {},
  },
  User: {
    name: 'User',
    keyPrefix: '005',
    fields: { Id: 'id', Name: 'string', Email: 'string', Title: 'string', IsActive: 'boolean' },
    parents: {},
    children: {},
  },
};

/** Case-insensitive lookup of a name in a record of canonical names, as Salesforce resolves names. */
export function findName<T>(map: Record<string, T>, name: string): [string, T] | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(map)) if (k.toLowerCase() === lower) return [k, v];
  return undefined;
}

/** The sandbox org's Organization record: a single-currency org in US dollars unless a variant says otherwise. */
export const SANDBOX_ORGANIZATION: SfRecord = { Id: '00D000000000001EAA', Name: 'Panorama Sandbox', DefaultCurrencyIsoCode: 'USD' };

/** The records of a world, indexed for the interpreter: by id, and children by parent id. */
export type SoqlDatabase = {
  records: (object: string) => readonly SfRecord[];
  /** Soft-deleted records (the recycle bin), which only QueryAll reads; each with IsDeleted true. */
  deleted?: (object: string) => readonly SfRecord[];
  byId: (object: string, id: string) => SfRecord | undefined;
  children: (object: string, field: string, parentId: string) => readonly SfRecord[];
};

const databases = new WeakMap<World, SoqlDatabase>();

/** Drops a world's indexed records, after its tables changed (a record created or deleted). */
export function forgetSalesforceDatabase(world: World): void {
  databases.delete(world);
}

export function salesforceDatabase(world: World): SoqlDatabase {
  const cached = databases.get(world);
  if (cached) return cached;
  const sf = world.salesforce;
  const tables: Record<string, readonly SfRecord[]> = {
    Account: sf.accounts,
    Contact: sf.contacts,
    Opportunity: sf.opportunities,
    User: sf.users,
    Organization: [sf.organization ?? SANDBOX_ORGANIZATION],
  };
  const ids = new Map<string, Map<string, SfRecord>>();
  const childIndex = new Map<string, Map<string, SfRecord[]>>();
  const db: SoqlDatabase = {
    records: (object) => tables[object] ?? [],
    byId: (object, id) => {
      let m = ids.get(object);
      if (!m) {
        m = new Map((tables[object] ?? []).map((r) => [r.Id, r]));
        ids.set(object, m);
      }
      return m.get(id);
    },
    children: (object, field, parentId) => {
      const key = `${object}.${field}`;
      let m = childIndex.get(key);
      if (!m) {
        m = new Map();
        for (const r of tables[object] ?? []) {
          const p = r[field];
          if (typeof p !== 'string') continue;
          const list = m.get(p) ?? [];
          list.push(r);
          m.set(p, list);
        }
        childIndex.set(key, m);
      }
      return m.get(parentId) ?? [];
    },
  };
  databases.set(world, db);
  return db;
}
