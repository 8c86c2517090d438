import type { World } from '../../sandbox/world.js';
import { qboTime } from './faults.js';

/**
 * How the sandbox's QuickBooks company differs from the default (a US company with multicurrency on, whose
 * records all carry CurrencyRef): another home currency, or no multicurrency, whose records then name no
 * currency at all (every amount is in the home currency). The records' amounts stay the world's.
 */
export type QuickbooksCompanyVariant = {
  /** The company's home currency (Preferences: CurrencyPrefs.HomeCurrency). @default 'USD' */
  homeCurrency?: string;
  /** Multicurrency off: CurrencyPrefs.MultiCurrencyEnabled false, and no record carries CurrencyRef. @default false */
  singleCurrency?: boolean;
};

const CURRENCY_NAMES: Record<string, string> = { USD: 'United States Dollar', GBP: 'British Pound Sterling', CAD: 'Canadian Dollar', EUR: 'Euro', AUD: 'Australian Dollar' };

const worlds = new WeakMap<World, { key: string; world: World }>();

/** The world's QuickBooks records as the variant company stores them. */
export function qboVariantWorld(world: World, v: QuickbooksCompanyVariant): World {
  // The default company is the world itself, so tests that edit its records see their edits.
  if (!v.singleCurrency) return world;
  const key = JSON.stringify(v);
  const hit = worlds.get(world);
  if (hit?.key === key) return hit.world;
  const bare = <T extends { CurrencyRef?: unknown }>(r: T): T => {
    const { CurrencyRef: _dropped, ...rest } = r;
    return rest as T;
  };
  const q = world.quickbooks;
  const next: World = { ...world, quickbooks: { ...q, customers: q.customers.map(bare), invoices: q.invoices.map(bare), payments: q.payments.map(bare) } };
  worlds.set(world, { key, world: next });
  return next;
}

/**
 * `GET /v3/company/<realm>/preferences` as QBO answers it: `{ Preferences: {…}, time }`, with the currency
 * preferences (Finance.xsd complexType CurrencyPrefs: MultiCurrencyEnabled, HomeCurrency as a ReferenceType) and
 * the entity's Id, SyncToken and MetaData. The other preference groups are left out: Panorama reads none.
 */
export function preferencesBody(v: QuickbooksCompanyVariant): unknown {
  const home = v.homeCurrency ?? 'USD';
  return {
    Preferences: {
      CurrencyPrefs: {
        MultiCurrencyEnabled: !v.singleCurrency,
        HomeCurrency: { value: home, ...(CURRENCY_NAMES[home] ? { name: CURRENCY_NAMES[home] } : {}) },
      },
      domain: 'QBO',
      sparse: false,
      Id: '1',
      SyncToken: '0',
      MetaData: { CreateTime: '2024-01-02T09:00:00-08:00', LastUpdatedTime: '2024-01-02T09:00:00-08:00' },
    },
    time: qboTime(),
  };
}
