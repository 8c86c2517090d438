import { accountingSchema } from '../kit/accounting-schema.js';

export { agingOf } from '../kit/accounting-schema.js';

/** QuickBooks Online's slice of the schema: the accounting slice, its links to QuickBooks. */
export const quickbooksSchema = accountingSchema('quickbooks', 'QuickBooks Online');
