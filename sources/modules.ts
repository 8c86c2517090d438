import { asanaSource } from './asana/index.js';
import { quickbooksSource } from './quickbooks/index.js';
import { salesforceSource } from './salesforce/index.js';
import { zendeskSource } from './zendesk/index.js';

/** Every source module, in the order sections appear. The GraphQL layer and the admin pages read this list. */
export const SOURCE_MODULES = [salesforceSource, quickbooksSource, asanaSource, zendeskSource] as const;
