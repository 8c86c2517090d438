/**
 * Orgs name their custom fields as they like, or lack them: against sandbox orgs that drop each optional field,
 * or carry it under a namespace prefix, every customer page loads with all four sections, and what is not
 * mapped says so. The mapping is learnt from Salesforce's describe at start-up (index warm-up).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SalesforceOrgVariant } from '../../sources/salesforce/sandbox/variant.js';
import { createHarness, gql, viewerFor, type Harness } from '../support/graphql.js';

const PAGE = /* GraphQL */ `
  query ($id: ID!) {
    customer(id: $id) {
      id
      links { system rule }
      sections { system state code }
      crm { account { tier } contacts { id primary } unmapped { feature message } }
      accounting { status { state } }
      projects { status { state } }
      support { status { state } }
    }
  }
`;

let h: Harness | null = null;
afterEach(() => h?.sandbox.close());

async function harnessFor(variant: SalesforceOrgVariant, env: Record<string, string> = {}) {
  h = createHarness({ size: 40, seed: 5, env });
  h.sandbox.state.salesforceOrg = variant;
  h.sandbox.listen();
  await h.runtime.warmIndexes();
  return h;
}

/** The custom fields of the Salesforce mapping (the API version is checked beside them). */
const customFields = (x: Harness) => x.runtime.sources.crm.fieldMapping()!.fields.filter((f) => f.key !== 'apiVersion');

/** Customers linked in all four systems by exact ids in the default org. */
function fullyLinked(x: Harness): string[] {
  const sf = x.sandbox.state.world.salesforce;
  return sf.accounts.filter((a) => a.QuickBooks_Customer_Id__c).slice(0, 6).map((a) => a.Id);
}

async function page(x: Harness, id: string) {
  const r = await gql(x, viewerFor('admin'), PAGE, { id });
  expect(r.status).toBe(200);
  expect(r.errors ?? []).toEqual([]);
  return r.data!.customer;
}

describe('Salesforce field mapping', () => {
  it('the default org: every mapped field is found, nothing is said to be unmapped', async () => {
    const x = await harnessFor({});
    expect(customFields(x).map((f) => [f.key, f.state])).toEqual([['accountingId', 'FOUND'], ['tier', 'FOUND'], ['primaryContact', 'FOUND']]);
    for (const id of fullyLinked(x)) {
      const c = await page(x, id);
      expect(c.crm.unmapped).toEqual([]);
      expect(c.links.find((l: { system: string }) => l.system === 'QUICKBOOKS')?.rule).toBe('EXACT_ID');
    }
  });

  it.each([
    ['Tier__c', 'TIER', 'Tier: not mapped in Salesforce'],
    ['Primary__c', 'PRIMARY_CONTACT', 'the contact added first is shown as primary'],
    ['QuickBooks_Customer_Id__c', 'ACCOUNTING_ID', 'linked by website and name only'],
  ] as const)('an org without %s: pages load with all four sections and say what is not mapped', async (field, feature, words) => {
    const x = await harnessFor({ drop: [field] });
    expect(customFields(x).filter((f) => f.state === 'MISSING').map((f) => f.field)).toEqual([field]);
    const queries = x.sandbox.state.requestCounts().salesforce;
    // Account, Contact, and Opportunity (whether the org is multi-currency)
    expect(queries.describe).toBe(3);
    for (const id of fullyLinked(x)) {
      const c = await page(x, id);
      expect(c.sections.map((s: { system: string }) => s.system).sort()).toEqual(['ASANA', 'QUICKBOOKS', 'SALESFORCE', 'ZENDESK']);
      expect(c.sections.filter((s: { state: string }) => s.state === 'FAILED')).toEqual([]);
      expect(c.crm.unmapped).toEqual([{ feature, message: expect.stringContaining(words) }]);
      if (feature === 'TIER') expect(c.crm.account.tier).toBeNull();
      if (feature === 'PRIMARY_CONTACT' && c.crm.contacts.length) expect(c.crm.contacts.filter((p: { primary: boolean }) => p.primary)).toHaveLength(1);
      if (feature === 'ACCOUNTING_ID') expect(c.links.find((l: { system: string }) => l.system === 'QUICKBOOKS')?.rule ?? 'NONE').not.toBe('EXACT_ID');
    }
  });

  it('an org whose fields carry a namespace prefix: unmapped until the settings name them, then found', async () => {
    const variant = { namespace: 'acme' };
    const x = await harnessFor(variant);
    expect(customFields(x).every((f) => f.state === 'MISSING')).toBe(true);
    const [id] = fullyLinked(x);
    const before = await page(x, id!);
    expect(before.crm.unmapped.map((u: { feature: string }) => u.feature)).toEqual(['TIER', 'PRIMARY_CONTACT', 'ACCOUNTING_ID']);
    x.sandbox.close();

    const y = await harnessFor(variant, {
      SALESFORCE_ACCOUNT_TIER_FIELD: 'acme__Tier__c',
      SALESFORCE_ACCOUNT_QUICKBOOKS_ID_FIELD: 'acme__QuickBooks_Customer_Id__c',
      SALESFORCE_CONTACT_PRIMARY_FIELD: 'acme__Primary__c',
    });
    expect(customFields(y).map((f) => f.state)).toEqual(['FOUND', 'FOUND', 'FOUND']);
    const after = await page(y, id!);
    expect(after.crm.unmapped).toEqual([]);
    expect(after.crm.account.tier).toBe(y.sandbox.state.world.salesforce.accounts.find((a) => a.Id === id)!.Tier__c);
    expect(after.links.find((l: { system: string }) => l.system === 'QUICKBOOKS')?.rule).toBe('EXACT_ID');
  });

  it('a field of the wrong type is not read', async () => {
    // Type is a text field (usable as a tier); Email is text, not a checkbox
    const x = await harnessFor({}, { SALESFORCE_ACCOUNT_TIER_FIELD: 'Type' , SALESFORCE_CONTACT_PRIMARY_FIELD: 'Email' });
    const states = Object.fromEntries(customFields(x).map((f) => [f.key, [f.state, f.foundType]]));
    expect(states.tier).toEqual(['FOUND', 'string']);
    expect(states.primaryContact).toEqual(['WRONG_TYPE', 'string']);
    const [id] = fullyLinked(x);
    const c = await page(x, id!);
    expect(c.crm.unmapped.map((u: { feature: string }) => u.feature)).toEqual(['PRIMARY_CONTACT']);
  });
});

describe('Salesforce API version', () => {
  it('the configured version is checked against the versions the org offers (GET /services/data/)', async () => {
    const x = await harnessFor({});
    const version = () => x.runtime.sources.crm.fieldMapping()!.fields.find((f) => f.key === 'apiVersion')!;
    expect(version()).toMatchObject({ state: 'FOUND', field: '62.0', setting: 'SALESFORCE_API_VERSION' });
    expect(x.sandbox.state.requestCounts().salesforce.versions).toBe(1);
    // an org that stopped offering it: said on the admin page, with the setting to change
    x.sandbox.state.salesforceOrg = { versions: ['63.0', '64.0'] };
    await x.runtime.sources.crm.checkFields();
    expect(version()).toMatchObject({ state: 'MISSING', field: '62.0' });
    expect(version().without).toMatch(/set it to a version the org offers/);
  });

  it('an org offering it under the configured setting', async () => {
    const x = await harnessFor({ versions: ['58.0', '59.0'] }, { SALESFORCE_API_VERSION: '58.0' });
    expect(x.runtime.sources.crm.fieldMapping()!.fields.find((f) => f.key === 'apiVersion')).toMatchObject({ state: 'FOUND', field: '58.0' });
  });
});

describe('a vendor 400 is not the user fault', () => {
  it('Salesforce refusing a query (INVALID_FIELD) fails the CRM section alone; the page still answers 200', async () => {
    // Not warmed: the mapping is unchecked, so the configured field that the org lacks goes into the query.
    h = createHarness({ size: 40, seed: 5, env: { SALESFORCE_ACCOUNT_TIER_FIELD: 'Nowhere__c' } });
    h.sandbox.listen();
    const id = fullyLinked(h)[0]!;
    const r = await gql(h, viewerFor('support'), PAGE, { id });
    expect(r.status).toBe(200);
    expect(r.data?.customer?.id).toBe(id);
    const crm = r.data!.customer.sections.find((s: { system: string }) => s.system === 'SALESFORCE');
    expect(crm).toMatchObject({ state: 'FAILED', code: 'BAD_REQUEST' });
    expect(r.data!.customer.sections).toHaveLength(4);
    for (const e of r.errors ?? []) {
      expect(e.extensions?.code).not.toBe('BAD_USER_INPUT');
      expect(e.message).not.toMatch(/not a valid/i);
    }
  });

  it('an id whose checksum does not match is still the user input', async () => {
    h = createHarness({ size: 40, seed: 5 });
    h.sandbox.listen();
    const r = await gql(h, viewerFor('support'), PAGE, { id: '001Pn0000000zzzzzZ' });
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
