import { z } from 'zod';
import { qboCustomerSchema, qboInvoiceSchema, qboPaymentSchema } from '../types.js';

/**
 * The sandbox's QuickBooks Online records: the client's schemas (types.ts) extended with the elements of
 * Intuit's XSDs the sandbox stores and serves but Panorama does not read. Strict, so a record holding a field
 * no schema names fails the dataset's conformance test.
 */
const ref = qboInvoiceSchema.shape.CustomerRef.strict();
const address = qboCustomerSchema.shape.BillAddr.unwrap().extend({ Id: z.string().optional() }).strict();
const meta = z.object({ CreateTime: z.string(), LastUpdatedTime: z.string() }).strict();
const entity = { Id: z.string(), SyncToken: z.string(), MetaData: meta, domain: z.literal('QBO'), sparse: z.boolean() };
const email = z.object({ Address: z.string() }).strict();

export const sandboxQboCustomerSchema = qboCustomerSchema
  .extend({
    ...entity,
    GivenName: z.string().optional(),
    FamilyName: z.string().optional(),
    FullyQualifiedName: z.string(),
    PrintOnCheckName: z.string(),
    PrimaryEmailAddr: email.optional(),
    PrimaryPhone: z.object({ FreeFormNumber: z.string() }).strict().optional(),
    WebAddr: z.object({ URI: z.string() }).strict().optional(),
    BillAddr: address.optional(),
    ShipAddr: address.optional(),
    BalanceWithJobs: z.number(),
    CurrencyRef: ref,
    PreferredDeliveryMethod: z.string(),
    Job: z.boolean(),
    BillWithParent: z.boolean(),
    ParentRef: ref.optional(),
    Level: z.number().optional(),
    Taxable: z.boolean(),
  })
  .strict();

const invoiceLineSchema = z
  .object({
    Id: z.string().optional(),
    LineNum: z.number().optional(),
    Description: z.string().optional(),
    Amount: z.number(),
    DetailType: z.enum(['SalesItemLineDetail', 'SubTotalLineDetail']),
    SalesItemLineDetail: z
      .object({ ItemRef: ref, UnitPrice: z.number(), Qty: z.number(), TaxCodeRef: ref })
      .strict()
      .optional(),
    SubTotalLineDetail: z.object({}).strict().optional(),
  })
  .strict();

export const sandboxQboInvoiceSchema = qboInvoiceSchema
  .extend({
    ...entity,
    DocNumber: z.string(),
    DueDate: z.string(),
    CurrencyRef: ref,
    CustomerRef: ref,
    Line: z.array(invoiceLineSchema),
    EmailStatus: z.enum(['NotSet', 'NeedToSend', 'EmailSent']),
    PrintStatus: z.enum(['NotSet', 'NeedToPrint', 'PrintComplete']),
    BillEmail: email.optional(),
    BillAddr: address.optional(),
    PrivateNote: z.string().optional(),
    CustomerMemo: z.object({ value: z.string() }).strict().optional(),
    LinkedTxn: z.array(z.object({ TxnId: z.string(), TxnType: z.string() }).strict()),
    ApplyTaxAfterDiscount: z.boolean(),
    /** Home-currency units per unit of the invoice's currency (multicurrency companies only). */
    ExchangeRate: z.number().optional(),
  })
  .strict();

const paymentLineSchema = qboPaymentSchema.shape.Line.unwrap()
  .element.extend({
    Amount: z.number(),
    LinkedTxn: z.array(z.object({ TxnId: z.string(), TxnType: z.literal('Invoice') }).strict()),
  })
  .strict();

export const sandboxQboPaymentSchema = qboPaymentSchema
  .extend({
    ...entity,
    CustomerRef: ref,
    CurrencyRef: ref,
    UnappliedAmt: z.number(),
    ProcessPayment: z.boolean(),
    Line: z.array(paymentLineSchema),
  })
  .strict();

export type QboAddr = z.infer<typeof address>;
export type QboCustomer = z.infer<typeof sandboxQboCustomerSchema>;
export type QboInvoice = z.infer<typeof sandboxQboInvoiceSchema>;
export type QboPayment = z.infer<typeof sandboxQboPaymentSchema>;

export type QuickBooksData = { realmId: string; customers: QboCustomer[]; invoices: QboInvoice[]; payments: QboPayment[] };
