import { systemClock, todayOf, type Clock } from '../kit/clock.js';
import { normaliseCompanyName } from '../kit/names.js';
import { addAsanaProjects, addInternalProject, addOrphanProject, createAsanaPart, shortenAccountFields } from '../asana/sandbox/dataset.js';
import { addQuickBooksCustomer, addWalkInCustomer, createQuickBooksPart, listOverdueInvoices, plantCustomerTree, plantForeignCurrency } from '../quickbooks/sandbox/dataset.js';
import { addSalesforceCustomer, createSalesforcePart, linkQuickBooksCustomer, missingAccountId, plantDanglingQuickBooksIds, plantSearchCases, salesforceId } from '../salesforce/sandbox/dataset.js';
import { addOrphanOrganization, addZendeskCustomer, addTrialOrganization, createZendeskPart, shortenExternalIds } from '../zendesk/sandbox/dataset.js';
import { createCore } from './core.js';
import { drawCustomer, plantTraits, TRICKY_NAMES } from './customers.js';
import { cleanAccountIds } from './manifest.js';
import type { World } from './world.js';

export type DatasetOptions = {
  seed?: number;
  /** Number of CRM accounts (customers). */
  size?: number;
  /** The dataset's "today" (YYYY-MM-DD); dates spread over the two years before it. @default the clock's day */
  today?: string;
  /** Gives "today" when `today` is unset. @default systemClock (the real date, so the demo looks current) */
  clock?: Clock;
};

export const DEFAULT_SEED = 20261127;
export const DEFAULT_SIZE = 1000;

export { normaliseCompanyName, salesforceId, TRICKY_NAMES };

/**
 * Generates the sandbox's whole world from a seed: four systems linked the way businesses link them, with the
 * cases Panorama exists to catch planted and listed in `manifest`. Same options, same world. Each module
 * generates its own records; they draw from one seeded source in a fixed order, customer by customer.
 */
export function generateWorld(opts: DatasetOptions = {}): World {
  const seed = opts.seed ?? DEFAULT_SEED;
  const size = Math.max(20, opts.size ?? DEFAULT_SIZE);
  const todayStr = opts.today ?? todayOf(opts.clock ?? systemClock);
  const core = createCore(seed, size, todayStr);

  const salesforce = createSalesforcePart(core);
  const asana = createAsanaPart(core);
  const zendesk = createZendeskPart(core);
  const quickbooks = createQuickBooksPart(core);
  const traits = plantTraits(core);

  const withoutBooks: string[] = [];
  for (let i = 0; i < size; i++) {
    const customer = drawCustomer(core, i, traits[i]!);
    const crm = addSalesforceCustomer(salesforce, customer);
    if (!customer.traits.prospect && customer.traits.qbo === 'none' && !customer.tricky) withoutBooks.push(crm.accountId);
    if (customer.traits.prospect) continue;
    const milestones = addAsanaProjects(asana, customer, crm);
    const accounting = addQuickBooksCustomer(quickbooks, customer, crm, milestones);
    if (accounting.linkedCustomerId) linkQuickBooksCustomer(salesforce, crm.accountId, accounting.linkedCustomerId);
    addZendeskCustomer(zendesk, customer, crm, accounting.overdueBalance);
  }

  // records no customer owns
  const extra = Math.max(3, Math.round(size * 0.02));
  for (let k = 0; k < extra; k++) {
    addWalkInCustomer(quickbooks);
    addTrialOrganization(zendesk);
    addInternalProject(asana, k);
  }

  // planted after every other record, so the rest of the seeded dataset stays as it was
  plantCustomerTree(quickbooks);
  plantForeignCurrency(quickbooks);
  listOverdueInvoices(quickbooks);
  plantSearchCases(salesforce);

  // Identity cases planted last, drawing nothing the records above depend on: the 15-character Account Id in each
  // system that holds one, QuickBooks ids naming no customer, and records pointing at accounts that are gone.
  const few = Math.max(2, Math.round(size * 0.01));
  const exactIn = (system: 'asana' | 'zendesk') => core.manifest.exactLinks.filter((l) => l.system === system).map((l) => l.recordId);
  shortenExternalIds(zendesk, exactIn('zendesk').slice(-few));
  shortenAccountFields(asana, exactIn('asana').slice(-few));
  plantDanglingQuickBooksIds(salesforce, withoutBooks.slice(-few));
  for (let k = 0; k < 3; k++) {
    const deleted = k < 2;
    addOrphanOrganization(zendesk, missingAccountId(salesforce, k, deleted), deleted);
    addOrphanProject(asana, missingAccountId(salesforce, 10 + k, deleted), deleted);
  }
  core.manifest.cleanAccountIds = cleanAccountIds(core.manifest, salesforce.data.accounts.map((a) => a.Id));
  return { salesforce: salesforce.data, quickbooks: quickbooks.data, asana: asana.data, zendesk: zendesk.data, manifest: core.manifest };
}
