/**
 * Salesforce payloads as Panorama reads them (REST API, SOQL query results). `.passthrough()` lets unknown
 * fields through; the required fields are the ones the mapping relies on, so an API that drops or renames
 * one is caught at the boundary as INVALID_RESPONSE instead of rendering blanks.
 */
import { z } from 'zod';

const text = z.string().nullable();
const attributes = z.object({ type: z.string(), url: z.string() }).passthrough();

/** A parent relationship the query selected (`Owner.Name, Owner.Email`); null when the lookup is empty. */
export const sfUserRefSchema = z.object({ Name: z.string(), Email: text }).passthrough().nullable();

export const sfContactSchema = z
  .object({
    attributes,
    Id: z.string(),
    AccountId: text,
    Name: z.string(),
    Title: text,
    Email: text,
    Phone: text,
    CreatedDate: z.string(),
  })
  .passthrough();

export const sfOpportunitySchema = z
  .object({
    attributes,
    Id: z.string(),
    AccountId: text,
    Name: z.string(),
    StageName: z.string(),
    Amount: z.number().nullable(),
    CloseDate: text,
    IsClosed: z.boolean(),
    IsWon: z.boolean(),
    OwnerId: text,
    Owner: sfUserRefSchema,
  })
  .passthrough();

/** A child relationship subquery's result; Salesforce sends null, not an empty list, when there are none. */
export function sfChildResultSchema<T extends z.ZodTypeAny>(record: T) {
  return z
    .object({ totalSize: z.number(), done: z.boolean(), nextRecordsUrl: z.string().optional(), records: z.array(record) })
    .passthrough()
    .nullable();
}

export const sfAccountSchema = z
  .object({
    attributes,
    Id: z.string(),
    Name: z.string(),
    Website: text,
    Phone: text,
    Industry: text,
    BillingStreet: text,
    BillingCity: text,
    BillingState: text,
    BillingPostalCode: text,
    BillingCountry: text,
    ShippingStreet: text,
    ShippingCity: text,
    ShippingState: text,
    ShippingPostalCode: text,
    ShippingCountry: text,
    OwnerId: text,
    Owner: sfUserRefSchema,
    CreatedDate: z.string(),
    LastModifiedDate: z.string(),
  })
  .passthrough();

export const sfAccountWithChildrenSchema = sfAccountSchema
  .extend({
    Contacts: sfChildResultSchema(sfContactSchema),
    Opportunities: sfChildResultSchema(sfOpportunitySchema),
  })
  .passthrough();

export const sfAccountIndexSchema = z
  .object({ attributes, Id: z.string(), Name: z.string(), Website: text })
  .passthrough();

/** An index row as QueryAll answers the index's changes: deleted or not, and when it last changed. */
export const sfAccountIndexChangeSchema = sfAccountIndexSchema.and(z.object({ IsDeleted: z.boolean(), SystemModstamp: z.string() }));

/**
 * Custom fields are named by settings, so they are not in the record schemas above: the mapping reads them by
 * name and checks each value's type (a text field holds a string, a number field a number, a checkbox a boolean).
 */
export const sfCustomTextSchema = z.union([z.string(), z.number()]).nullable().optional();
export const sfCustomBooleanSchema = z.boolean().nullable().optional();

/**
 * `SELECT DefaultCurrencyIsoCode FROM Organization`: the org's currency (Object Reference, Organization:
 * DefaultCurrencyIsoCode, the default currency ISO code of a single-currency org).
 */
export const sfOrganizationCurrencySchema = z
  .object({ attributes, DefaultCurrencyIsoCode: z.string().regex(/^[A-Za-z]{3}$/, 'not an ISO 4217 code') })
  .passthrough();

/** sObject Describe (`GET /sobjects/{type}/describe`): the object's name and its fields with their types. */
/** GET /services/data/: the versions the org offers, e.g. [{ label: "Spring '25", url: "/services/data/v63.0", version: "63.0" }]. */
export const sfVersionsSchema = z.array(z.object({ label: z.string(), url: z.string(), version: z.string() }).passthrough());
export type SfVersions = z.infer<typeof sfVersionsSchema>;

export const sfDescribeSchema = z
  .object({
    name: z.string(),
    // what the integration user may do with the object (DescribeSObjectResult: queryable, createable, updateable,
    // deletable), read by the credential scope check
    queryable: z.boolean().optional(),
    createable: z.boolean().optional(),
    updateable: z.boolean().optional(),
    deletable: z.boolean().optional(),
    fields: z.array(z.object({ name: z.string(), type: z.string(), label: z.string().optional() }).passthrough()),
  })
  .passthrough();
export type SfDescribe = z.infer<typeof sfDescribeSchema>;

/**
 * The OpenID Connect UserInfo endpoint (`GET /services/oauth2/userinfo`): who the integration user is. Its user
 * type (STANDARD, …) and username are shown beside the object permissions.
 */
export const sfUserInfoSchema = z
  .object({ user_id: z.string(), organization_id: z.string(), preferred_username: z.string().optional(), user_type: z.string().optional() })
  .passthrough();
export type SfUserInfo = z.infer<typeof sfUserInfoSchema>;

/** One batch of a SOQL query: `done: false` and a `nextRecordsUrl` when the cursor has more. */
export function sfQueryResultSchema<T extends z.ZodTypeAny>(record: T) {
  return z
    .object({ totalSize: z.number(), done: z.boolean(), nextRecordsUrl: z.string().optional(), records: z.array(record) })
    .passthrough();
}

/** The OAuth token endpoint's answer to the refresh_token grant. */
export const sfTokenResponseSchema = z
  .object({
    access_token: z.string().min(1),
    instance_url: z.string().url(),
    id: z.string(),
    token_type: z.string(),
    issued_at: z.string(),
    signature: z.string().optional(),
    scope: z.string().optional(),
  })
  .passthrough();

/** REST errors: `[{ message, errorCode, fields? }]`. */
export const sfRestErrorSchema = z.array(z.object({ message: z.string(), errorCode: z.string() }).passthrough()).min(1);
/** OAuth errors: `{ error, error_description }`. */
export const sfOAuthErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() }).passthrough();

export type SfAccountRecord = z.infer<typeof sfAccountSchema>;
export type SfAccountWithChildren = z.infer<typeof sfAccountWithChildrenSchema>;
export type SfContactRecord = z.infer<typeof sfContactSchema>;
export type SfOpportunityRecord = z.infer<typeof sfOpportunitySchema>;
export type SfAccountIndexRecord = z.infer<typeof sfAccountIndexSchema>;
export type SfUserRef = z.infer<typeof sfUserRefSchema>;
export type SfQueryResult<T> = { totalSize: number; done: boolean; nextRecordsUrl?: string; records: T[] };
export type SfTokenResponse = z.infer<typeof sfTokenResponseSchema>;
