import { FieldMap, type FieldSpec, type VendorFields } from '../kit/field-mapping.js';
import type { SourceKit } from '../kit/source-kit.js';
import type { SalesforceClient } from './client.server.js';
import type { SalesforceConfig } from './config.js';
import { readOrgCurrency } from './loaders.js';

export type SalesforceFieldKey = 'accountingId' | 'tier' | 'primaryContact';

/**
 * The custom fields Panorama reads from Salesforce, named by settings. Types are describe's `type` values
 * (DescribeSObjectResult Field.type: string, picklist, boolean, double, ...).
 */
export function salesforceFieldSpecs(config: SalesforceConfig): Record<SalesforceFieldKey, FieldSpec> {
  return {
    accountingId: {
      label: 'Accounting customer id',
      object: 'Account',
      setting: 'SALESFORCE_ACCOUNT_QUICKBOOKS_ID_FIELD',
      field: config.fields.accountingId,
      types: ['string', 'double', 'int'],
      without: 'The exact accounting link is off; accounting customers (QuickBooks or Xero, as PANORAMA_ACCOUNTING chooses) are linked by website domain and name only (probable links, for review).',
    },
    tier: {
      label: 'Account tier',
      object: 'Account',
      setting: 'SALESFORCE_ACCOUNT_TIER_FIELD',
      field: config.fields.tier,
      types: ['string', 'picklist'],
      without: 'Customer pages show "Tier: not mapped in Salesforce".',
    },
    primaryContact: {
      label: 'Primary contact flag',
      object: 'Contact',
      setting: 'SALESFORCE_CONTACT_PRIMARY_FIELD',
      field: config.fields.primaryContact,
      types: ['boolean'],
      without: 'The contact added first (earliest created) is shown as the primary contact.',
    },
  };
}

export function salesforceFieldMap(config: SalesforceConfig): FieldMap<SalesforceFieldKey> {
  return new FieldMap('salesforce', salesforceFieldSpecs(config));
}

/**
 * CurrencyIsoCode on Opportunity: a standard field, but only multi-currency orgs have it; in a single-currency org
 * a query naming it is refused (400 INVALID_FIELD), so it is selected only once describe has said it is there.
 * (Object Reference: "Querying Currency Fields in Multicurrency Organizations"; the field is a picklist of the
 * org's active currencies.) Without it every deal is in the org's one currency, Organization.DefaultCurrencyIsoCode.
 */
export function salesforceCurrencyMap(): FieldMap<'dealCurrency'> {
  return new FieldMap('salesforce', {
    dealCurrency: {
      label: 'Deal currency',
      object: 'Opportunity',
      setting: 'SALESFORCE_DEFAULT_CURRENCY',
      field: 'CurrencyIsoCode',
      types: ['picklist'],
      untilChecked: 'skip',
      without: "A single-currency org: every deal is in the org's currency (Organization.DefaultCurrencyIsoCode).",
    },
  });
}

/** The vendor "object" the versions the org offers are recorded under (GET /services/data/). */
const VERSIONS = 'REST API';

/** The REST API version Panorama calls, checked against the versions the org offers (Versions resource). */
export function salesforceVersionMap(config: SalesforceConfig): FieldMap<'apiVersion'> {
  return new FieldMap('salesforce', {
    apiVersion: {
      label: 'REST API version',
      object: VERSIONS,
      setting: 'SALESFORCE_API_VERSION',
      field: config.apiVersion,
      types: ['offered'],
      without: 'This org does not offer that version, so Salesforce answers every call with 404; set it to a version the org offers.',
    },
  });
}

/** Asks Salesforce (sObject Describe, one request per object) which mapped fields exist, and records it. */
export async function checkSalesforceFields(client: SalesforceClient, kit: SourceKit): Promise<void> {
  const map = client.fields;
  const currency = client.currency;
  const objects = [
    ...new Set([
      ...map.keys().filter((k) => map.spec(k).field).map((k) => map.spec(k).object),
      ...currency.keys().map((k) => currency.spec(k).object),
    ]),
  ];
  try {
    // GET /services/data/ lists [{ label, url, version }]: the configured version is used only if offered.
    const versions = await kit.upstream('versions', (signal) => client.versions({ signal }));
    client.version.apply({ [VERSIONS]: new Map(versions.map((v) => [v.version, 'offered'])) }, kit.clock.now());
  } catch (e) {
    client.version.failed(kit.toSourceError(e).code);
  }
  try {
    const described = await Promise.all(
      objects.map((o) => kit.upstream(`describe${o}`, (signal) => client.describe(o, { signal }))),
    );
    const found: VendorFields = {};
    objects.forEach((o, i) => (found[o] = new Map(described[i]!.fields.map((f) => [f.name, f.type]))));
    map.apply(found, kit.clock.now());
    currency.apply(found, kit.clock.now());
  } catch (e) {
    const code = kit.toSourceError(e).code;
    map.failed(code);
    currency.failed(code);
  }
  // A single-currency org: its one currency, warmed now so the first customer page does not wait for it (the
  // loaders read it again, and fall back to SALESFORCE_DEFAULT_CURRENCY, if this fails).
  if (currency.state('dealCurrency') === 'MISSING') await readOrgCurrency(client, kit).catch(() => undefined);
}
