import { z } from 'zod';

/**
 * Xero Accounting API record shapes (api.xro/2.0), validated at the client boundary. Only the fields Panorama
 * reads; unknown fields pass through untouched. Shapes follow XeroAPI/Xero-OpenAPI xero_accounting.yaml
 * (Contact, Invoice, Payment) and developer.xero.com/documentation/api/accounting/*.
 * Dates arrive either as .NET JSON dates (`/Date(1419937200000+0000)/`) or ISO-8601 strings; see `parseXeroDate`.
 */
const xeroDate = z.string().min(1);

export const xeroPhoneSchema = z
  .object({
    PhoneType: z.string().optional(),
    PhoneNumber: z.string().optional(),
    PhoneAreaCode: z.string().optional(),
    PhoneCountryCode: z.string().optional(),
  })
  .passthrough();

export const xeroAddressSchema = z
  .object({
    AddressType: z.string().optional(),
    AddressLine1: z.string().optional(),
    AddressLine2: z.string().optional(),
    AddressLine3: z.string().optional(),
    AddressLine4: z.string().optional(),
    City: z.string().optional(),
    Region: z.string().optional(),
    PostalCode: z.string().optional(),
    Country: z.string().optional(),
  })
  .passthrough();

export const xeroContactSchema = z
  .object({
    ContactID: z.string().uuid(),
    ContactNumber: z.string().optional(),
    AccountNumber: z.string().optional(),
    ContactStatus: z.string().optional(),
    Name: z.string(),
    EmailAddress: z.string().optional(),
    IsCustomer: z.boolean().optional(),
    IsSupplier: z.boolean().optional(),
    DefaultCurrency: z.string().optional(),
    Phones: z.array(xeroPhoneSchema).optional(),
    Addresses: z.array(xeroAddressSchema).optional(),
    Balances: z
      .object({
        AccountsReceivable: z.object({ Outstanding: z.number().optional(), Overdue: z.number().optional() }).passthrough().optional(),
      })
      .passthrough()
      .optional(),
    UpdatedDateUTC: xeroDate.optional(),
  })
  .passthrough();
export type XeroContact = z.infer<typeof xeroContactSchema>;

export const xeroInvoiceStatusSchema = z.enum(['DRAFT', 'SUBMITTED', 'AUTHORISED', 'PAID', 'VOIDED', 'DELETED']);

export const xeroInvoiceSchema = z
  .object({
    InvoiceID: z.string().uuid(),
    Type: z.enum(['ACCREC', 'ACCPAY']),
    InvoiceNumber: z.string().optional(),
    Reference: z.string().optional(),
    Status: xeroInvoiceStatusSchema,
    Contact: z.object({ ContactID: z.string().uuid(), Name: z.string().optional() }).passthrough(),
    Date: xeroDate.optional(),
    DateString: z.string().optional(),
    DueDate: xeroDate.optional(),
    DueDateString: z.string().optional(),
    Total: z.number(),
    AmountDue: z.number(),
    AmountPaid: z.number().optional(),
    CurrencyCode: z.string().optional(),
    SentToContact: z.boolean().optional(),
    /** The payments applied to the invoice, as the Invoices list answers them. */
    Payments: z
      .array(z.object({ PaymentID: z.string().uuid(), Date: xeroDate, Amount: z.number(), Reference: z.string().optional() }).passthrough())
      .optional(),
    UpdatedDateUTC: xeroDate.optional(),
  })
  .passthrough();
export type XeroInvoice = z.infer<typeof xeroInvoiceSchema>;

export const xeroPaymentSchema = z
  .object({
    PaymentID: z.string().uuid(),
    Date: xeroDate,
    Amount: z.number(),
    Status: z.string().optional(),
    PaymentType: z.string().optional(),
    CurrencyRate: z.number().optional(),
    Invoice: z
      .object({
        InvoiceID: z.string().uuid(),
        InvoiceNumber: z.string().optional(),
        CurrencyCode: z.string().optional(),
        Contact: z.object({ ContactID: z.string().uuid(), Name: z.string().optional() }).passthrough().optional(),
      })
      .passthrough(),
    UpdatedDateUTC: xeroDate.optional(),
  })
  .passthrough();
export type XeroPayment = z.infer<typeof xeroPaymentSchema>;

/** A page of a list endpoint: `{ "Contacts": [...] }`, `{ "Invoices": [...] }`, `{ "Payments": [...] }`. */
export const xeroContactsPageSchema = z.object({ Contacts: z.array(xeroContactSchema) }).passthrough();
export const xeroInvoicesPageSchema = z.object({ Invoices: z.array(xeroInvoiceSchema) }).passthrough();
export const xeroPaymentsPageSchema = z.object({ Payments: z.array(xeroPaymentSchema) }).passthrough();

/** `GET https://api.xero.com/connections`: the tenants (organisations) the token may read. */
export const xeroConnectionSchema = z
  .object({ id: z.string(), tenantId: z.string().uuid(), tenantType: z.string(), tenantName: z.string().nullable().optional() })
  .passthrough();
export const xeroConnectionsSchema = z.array(xeroConnectionSchema);

/** `POST https://identity.xero.com/connect/token` (grant_type=refresh_token): a NEW refresh token every time. */
export const xeroTokenResponseSchema = z
  .object({
    access_token: z.string().min(1),
    refresh_token: z.string().min(1),
    expires_in: z.number().int().positive(),
    token_type: z.string(),
    /** The scopes granted, space-separated (Xero's token answer carries them; so does the access token's `scope` claim). */
    scope: z.string().optional(),
  })
  .passthrough();

/** Xero lists are paged 100 records a page (`page=1,2,…`); a short page is the last. */
export const XERO_PAGE_SIZE = 100;
