import { z } from 'zod';
import { sfAccountSchema, sfContactSchema, sfOpportunitySchema, sfUserRefSchema } from '../types.js';

/**
 * The sandbox's Salesforce records: the client's schemas (types.ts) without what only a query answer carries
 * (`attributes`, the `Owner` relationship), plus the fields the sandbox stores and serves that Panorama does
 * not read. Strict, so a record holding a field no schema names fails the dataset's conformance test.
 */
const audit = { CreatedDate: z.string(), LastModifiedDate: z.string() };

export const sandboxSfUserSchema = sfUserRefSchema
  .unwrap()
  .extend({ Id: z.string(), Email: z.string(), Title: z.string(), IsActive: z.boolean() })
  .strict();

export const sandboxSfAccountSchema = sfAccountSchema
  .omit({ attributes: true, Owner: true })
  .extend({ Type: z.string(), OwnerId: z.string(), Tier__c: z.string().nullable(), QuickBooks_Customer_Id__c: z.string().nullable() })
  .strict();

export const sandboxSfContactSchema = sfContactSchema
  .omit({ attributes: true, CreatedDate: true })
  .extend({ FirstName: z.string(), LastName: z.string(), Primary__c: z.boolean(), ...audit })
  .strict();

export const sandboxSfOpportunitySchema = sfOpportunitySchema
  .omit({ attributes: true, Owner: true })
  .extend({ AccountId: z.string(), CloseDate: z.string(), OwnerId: z.string(), ...audit })
  .strict();

export type SfUser = z.infer<typeof sandboxSfUserSchema>;
export type SfAccount = z.infer<typeof sandboxSfAccountSchema>;
export type SfContact = z.infer<typeof sandboxSfContactSchema>;
export type SfOpportunity = z.infer<typeof sandboxSfOpportunitySchema>;
/** Any stored record, as the SOQL engine sees it: named fields and an Id. */
export type SfRecord = Record<string, unknown> & { Id: string };

export type SalesforceData = {
  users: SfUser[];
  accounts: SfAccount[];
  contacts: SfContact[];
  opportunities: SfOpportunity[];
  /** The Organization record (its currency); the sandbox's default one when absent. */
  organization?: SfRecord;
};
