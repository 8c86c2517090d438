import { asanaSource } from './asana/index.js';
import { quickbooksSource } from './quickbooks/index.js';
import { salesforceSource } from './salesforce/index.js';
import { xeroSource } from './xero/index.js';
import { zendeskSource } from './zendesk/index.js';
import { registerSources } from './kit/source-facts.js';

/**
 * The accounting packages Panorama can read. A business keeps its books in one of them: PANORAMA_ACCOUNTING
 * (default `quickbooks`) chooses which one serves the accounting category.
 */
export const ACCOUNTING_MODULES = { quickbooks: quickbooksSource, xero: xeroSource } as const;
export type AccountingChoice = keyof typeof ACCOUNTING_MODULES;
export const ACCOUNTING_CHOICES = Object.keys(ACCOUNTING_MODULES) as AccountingChoice[];
export const DEFAULT_ACCOUNTING: AccountingChoice = 'quickbooks';

/**
 * The composition of Panorama: every source module, one per category, in the order sections appear. The
 * runtime, the GraphQL schema, the settings, the integration register and the admin pages are all built from
 * this list; nothing above `sources/` names a vendor. A new connector is a folder under `sources/` and a line here.
 */
export function composeModules(accounting: AccountingChoice = DEFAULT_ACCOUNTING) {
  return [salesforceSource, ACCOUNTING_MODULES[accounting], asanaSource, zendeskSource] as const;
}

/** The default composition (PANORAMA_ACCOUNTING unset). */
export const SOURCE_MODULES = [salesforceSource, quickbooksSource, asanaSource, zendeskSource] as const;

/** Every module Panorama has, chosen or not: the settings know all their variables, so a set one is checked. */
export const REGISTERED_MODULES = [salesforceSource, quickbooksSource, xeroSource, asanaSource, zendeskSource] as const;

// the kit's messages, budgets, gates and alerts speak of a source by what its module declares
registerSources(REGISTERED_MODULES);
