import { asanaSource } from './asana/index.js';
import { quickbooksSource } from './quickbooks/index.js';
import { salesforceSource } from './salesforce/index.js';
import { zendeskSource } from './zendesk/index.js';

/**
 * The composition of Panorama: every source module, one per category, in the order sections appear. The
 * runtime, the GraphQL schema, the settings, the integration register and the admin pages are all built from
 * this list; nothing above `sources/` names a vendor. A new connector is a folder under `sources/` and a line here.
 */
export const SOURCE_MODULES = [salesforceSource, quickbooksSource, asanaSource, zendeskSource] as const;
