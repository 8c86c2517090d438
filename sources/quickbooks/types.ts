import { z } from 'zod';
import { ResponseShapeError, validate } from '../kit/http.js';

/**
 * QuickBooks Online payloads as Panorama reads them (JSON keys = the element names of Intuit's XSDs). Required
 * here is what mapping relies on, so an API that drifted fails loudly as INVALID_RESPONSE; everything else
 * passes through untouched.
 */

const ref = z.object({ value: z.string(), name: z.string().optional() }).passthrough();

const address = z
  .object({
    Line1: z.string().optional(),
    Line2: z.string().optional(),
    Line3: z.string().optional(),
    City: z.string().optional(),
    CountrySubDivisionCode: z.string().optional(),
    PostalCode: z.string().optional(),
    Country: z.string().optional(),
  })
  .passthrough();

export const qboCustomerSchema = z
  .object({
    Id: z.string(),
    DisplayName: z.string(),
    CompanyName: z.string().optional(),
    PrimaryEmailAddr: z.object({ Address: z.string().optional() }).passthrough().optional(),
    PrimaryPhone: z.object({ FreeFormNumber: z.string().optional() }).passthrough().optional(),
    BillAddr: address.optional(),
    Balance: z.number(),
    /** Open balance of the customer and all its sub-customers (jobs). */
    BalanceWithJobs: z.number().optional(),
    CurrencyRef: ref.optional(),
    Active: z.boolean(),
    /** "Parent:Job:Sub-job", up to 5 levels. */
    FullyQualifiedName: z.string().optional(),
    /** true for a sub-customer or job; false or absent for a top-level customer. */
    Job: z.boolean().optional(),
    /** The immediate parent of a sub-customer or job. */
    ParentRef: ref.optional(),
    /** 0 at the top of the tree. */
    Level: z.number().optional(),
  })
  .passthrough();

export const qboInvoiceSchema = z
  .object({
    Id: z.string(),
    DocNumber: z.string().optional(),
    TxnDate: z.string(),
    DueDate: z.string().optional(),
    CustomerRef: ref,
    CurrencyRef: ref.optional(),
    TotalAmt: z.number(),
    Balance: z.number(),
    EmailStatus: z.string().optional(),
    PrintStatus: z.string().optional(),
    CustomerMemo: z.object({ value: z.string() }).passthrough().optional(),
  })
  .passthrough();

export const qboPaymentSchema = z
  .object({
    Id: z.string(),
    TxnDate: z.string(),
    CustomerRef: ref,
    CurrencyRef: ref.optional(),
    TotalAmt: z.number(),
    Line: z
      .array(
        z
          .object({ LinkedTxn: z.array(z.object({ TxnId: z.string(), TxnType: z.string() }).passthrough()).optional() })
          .passthrough(),
      )
      .optional(),
  })
  .passthrough();

/**
 * The company's Preferences (`GET /v3/company/<realm>/preferences`), of which Panorama reads the currency ones:
 * `CurrencyPrefs.HomeCurrency` (a ReferenceType whose value is the ISO 4217 code) and
 * `CurrencyPrefs.MultiCurrencyEnabled` (Intuit's Finance.xsd, complexType CurrencyPrefs, element of Preferences;
 * Intuit's published Finance.xsd; the Accounting API reference, entity Preferences). Both
 * are optional in the schema: a company whose answer names no home currency is read with the configured one.
 */
export const qboPreferencesSchema = z
  .object({
    CurrencyPrefs: z
      .object({
        MultiCurrencyEnabled: z.boolean().optional(),
        HomeCurrency: z.object({ value: z.string().regex(/^[A-Za-z]{3}$/, 'not an ISO 4217 code') }).passthrough().optional(),
      })
      .passthrough()
      .optional(),
  })
  .passthrough();

export type QboCurrencyPrefs = { homeCurrency: string | null; multiCurrency: boolean | null };

/**
 * The currency preferences from a Preferences read. node-quickbooks' `getPreferences` hands over the body's
 * `Preferences` object (or the whole body when it has none), so an envelope is accepted either way.
 */
export function unpackPreferences(body: unknown): QboCurrencyPrefs {
  const inner = body && typeof body === 'object' && 'Preferences' in body ? (body as { Preferences: unknown }).Preferences : body;
  if (inner && typeof inner === 'object' && 'Fault' in inner) throw new ResponseShapeError('QuickBooks preferences', ['Preferences: Required']);
  const p = validate(qboPreferencesSchema, inner, 'QuickBooks preferences');
  const home = p.CurrencyPrefs?.HomeCurrency?.value;
  return { homeCurrency: home ? home.toUpperCase() : null, multiCurrency: p.CurrencyPrefs?.MultiCurrencyEnabled ?? null };
}

export type QboCustomer = z.infer<typeof qboCustomerSchema>;
export type QboInvoice = z.infer<typeof qboInvoiceSchema>;
export type QboPayment = z.infer<typeof qboPaymentSchema>;

export const ENTITY_SCHEMAS = { Customer: qboCustomerSchema, Invoice: qboInvoiceSchema, Payment: qboPaymentSchema } as const;
export type QboEntity = keyof typeof ENTITY_SCHEMAS;
export type QboRow<E extends QboEntity> = z.infer<(typeof ENTITY_SCHEMAS)[E]>;

// ---- envelopes ---------------------------------------------------------------------------------------
const faultErrorSchema = z.object({ Message: z.string(), Detail: z.string().optional(), code: z.string() }).passthrough();
const faultSchema = z.object({ Error: z.array(faultErrorSchema).min(1), type: z.string() }).passthrough();

const queryResponseSchema = z
  .object({ startPosition: z.number().optional(), maxResults: z.number().optional(), totalCount: z.number().optional() })
  .passthrough();

const queryEnvelopeSchema = z.object({ QueryResponse: queryResponseSchema, time: z.string() }).passthrough();

const batchEnvelopeSchema = z
  .object({
    BatchItemResponse: z.array(
      z.object({ bId: z.string(), QueryResponse: queryResponseSchema.optional(), Fault: faultSchema.optional() }).passthrough(),
    ),
    time: z.string(),
  })
  .passthrough();

// ---- change data capture --------------------------------------------------------------------------------
/** An entity deleted since `changedSince`: CDC sends only its id, `status: "Deleted"` and its MetaData. */
const qboDeletedSchema = z.object({ Id: z.string(), status: z.literal('Deleted') }).passthrough();

const cdcEnvelopeSchema = z
  .object({
    CDCResponse: z
      .array(
        z
          .object({
            QueryResponse: z.array(z.object({ Customer: z.array(z.unknown()).optional() }).passthrough()).optional(),
            Fault: faultSchema.optional(),
          })
          .passthrough(),
      )
      .min(1),
    time: z.string(),
  })
  .passthrough();

/** Customers CDC reported changed (whole records) and deleted (ids) since `changedSince`. */
export type CdcCustomers = { changed: QboCustomer[]; deleted: string[] };

/**
 * `GET /cdc?entities=Customer&changedSince=…` answers `{ CDCResponse: [{ QueryResponse: [{ Customer: [...] }] }], time }`:
 * each changed customer whole, each deleted one as `{ Id, status: "Deleted" }`; a fault inside throws.
 */
export function unpackCdcCustomers(body: unknown, what: string): CdcCustomers {
  const env = validate(cdcEnvelopeSchema, body, what);
  const out: CdcCustomers = { changed: [], deleted: [] };
  for (const part of env.CDCResponse) {
    if (part.Fault) {
      const e = part.Fault.Error[0]!;
      throw new QboFaultError({ type: part.Fault.type, code: e.code, message: e.Message }, what);
    }
    for (const qr of part.QueryResponse ?? []) {
      for (const raw of qr.Customer ?? []) {
        const gone = qboDeletedSchema.safeParse(raw);
        if (gone.success) out.deleted.push(gone.data.Id);
        else out.changed.push(validate(qboCustomerSchema, raw, `${what} (Customer)`));
      }
    }
  }
  return out;
}

const tokenSchema = z
  .object({
    token_type: z.string(),
    access_token: z.string().min(1),
    refresh_token: z.string().min(1),
    expires_in: z.number(),
    x_refresh_token_expires_in: z.number().optional(),
  })
  .passthrough();

export type QboFault = { type: string; code: string; message: string };

/** A fault QBO returned inside an otherwise successful answer (a batch item, or a 200 with a Fault). */
export class QboFaultError extends Error {
  readonly fault: QboFault;

  constructor(fault: QboFault, what: string) {
    super(`${what}: QuickBooks fault ${fault.code} (${fault.type}): ${fault.message}`);
    this.name = 'QboFaultError';
    this.fault = fault;
  }
}

function entityRows<E extends QboEntity>(qr: Record<string, unknown>, entity: E, what: string): QboRow<E>[] {
  const rows = qr[entity];
  if (rows === undefined) {
    // An empty answer is `QueryResponse: {}`; a count of rows without the rows is a changed API.
    if (typeof qr.maxResults === 'number' && qr.maxResults > 0) throw new ResponseShapeError(what, [`QueryResponse.${entity}: Required`]);
    return [];
  }
  return validate(z.array(ENTITY_SCHEMAS[entity]), rows, what) as QboRow<E>[];
}

/** The rows of one entity from a `/query` answer (QBO leaves the key out when nothing matched). */
export function unpackQuery<E extends QboEntity>(body: unknown, entity: E, what: string): QboRow<E>[] {
  const env = validate(queryEnvelopeSchema, body, what);
  return entityRows(env.QueryResponse, entity, what);
}

/** `SELECT COUNT(*)` answers `{ QueryResponse: { totalCount } }`. */
export function unpackCount(body: unknown, what: string): number {
  const env = validate(queryEnvelopeSchema, body, what);
  if (env.QueryResponse.totalCount === undefined) throw new ResponseShapeError(what, ['QueryResponse.totalCount: Required']);
  return env.QueryResponse.totalCount;
}

export type BatchQuery = { bId: string; entity: QboEntity; query: string };

/** The batch body QBO expects for query items. */
export function batchRequest(items: readonly BatchQuery[]): { bId: string; Query: string }[] {
  return items.map((i) => ({ bId: i.bId, Query: i.query }));
}

/** The rows per batch item; a faulted item throws, so no partial answer passes as complete. */
export function unpackBatch(body: unknown, items: readonly BatchQuery[], what: string): Map<string, unknown[]> {
  const env = validate(batchEnvelopeSchema, body, what);
  const out = new Map<string, unknown[]>();
  for (const item of items) {
    const res = env.BatchItemResponse.find((r) => r.bId === item.bId);
    if (!res) throw new ResponseShapeError(what, [`BatchItemResponse: no answer for ${item.bId}`]);
    if (res.Fault) {
      const e = res.Fault.Error[0]!;
      throw new QboFaultError({ type: res.Fault.type, code: e.code, message: e.Message }, `${what} (${item.bId})`);
    }
    if (!res.QueryResponse) throw new ResponseShapeError(what, [`BatchItemResponse.${item.bId}: neither QueryResponse nor Fault`]);
    out.set(item.bId, entityRows(res.QueryResponse, item.entity, `${what} (${item.bId})`));
  }
  return out;
}

export type TokenGrant = { accessToken: string; refreshToken: string; expiresInSeconds: number; refreshExpiresInSeconds: number | null };

export function unpackToken(body: unknown): TokenGrant {
  const t = validate(tokenSchema, body, 'QuickBooks token refresh');
  return {
    accessToken: t.access_token,
    refreshToken: t.refresh_token,
    expiresInSeconds: t.expires_in,
    refreshExpiresInSeconds: t.x_refresh_token_expires_in ?? null,
  };
}

// ---- error bodies --------------------------------------------------------------------------------------
const apiFaultBody = z.object({ Fault: faultSchema }).passthrough();
const gatewayFaultBody = z
  .object({
    fault: z.object({
      error: z.array(z.object({ message: z.string().nullable().optional(), code: z.string() }).passthrough()).min(1),
      type: z.string().nullable().optional(),
    }),
  })
  .passthrough();
const oauthErrorBody = z.object({ error: z.string() }).passthrough();

/**
 * The vendor's error code and message from any of the shapes QBO answers errors in: the API's `Fault`, the
 * gateway's lowercase `fault`, an XML `IntuitResponse`, or an OAuth `{ error }`. Never the Detail: it can
 * quote the query, and with it a customer's name.
 */
export function parseFault(body: unknown): QboFault | null {
  const api = apiFaultBody.safeParse(body);
  if (api.success) {
    const e = api.data.Fault.Error[0]!;
    return { type: api.data.Fault.type, code: e.code, message: e.Message };
  }
  const gw = gatewayFaultBody.safeParse(body);
  if (gw.success) {
    const e = gw.data.fault.error[0]!;
    return { type: gw.data.fault.type ?? 'SERVICE', code: e.code, message: e.message ?? '' };
  }
  const oauth = oauthErrorBody.safeParse(body);
  if (oauth.success) return { type: 'OAUTH', code: oauth.data.error, message: oauth.data.error };
  if (typeof body === 'string') {
    const code = body.match(/<Error[^>]*\bcode="([^"]+)"/)?.[1];
    if (code) {
      return {
        type: body.match(/<Fault[^>]*\btype="([^"]+)"/)?.[1] ?? 'SERVICE',
        code,
        message: body.match(/<Message>([^<]*)<\/Message>/)?.[1] ?? '',
      };
    }
  }
  return null;
}
