import { accountingSchema } from '../kit/accounting-schema.js';

/** Xero's slice of the schema: the accounting slice every accounting module shares, its links to Xero. */
export const xeroSchema = accountingSchema('xero', 'Xero');
