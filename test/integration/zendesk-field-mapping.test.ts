/**
 * Zendesk accounts keep the CRM account id where they like: the standard external_id (the default), an
 * organization custom field ZENDESK_ORGANIZATION_LINK_FIELD names, or nowhere. Against sandbox accounts of each
 * kind, the admin's field mapping says found / missing / wrong type, organizations link exactly only by a field
 * that exists as text, and without one every customer page still loads, the support section linked by name and
 * domain instead.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ZendeskAccountVariant } from '../../sources/zendesk/sandbox/variant.js';
import { createHarness, gql, viewerFor, type Harness } from '../support/graphql.js';

const PAGE = /* GraphQL */ `
  query ($id: ID!) {
    customer(id: $id) {
      id
      links { system recordId rule }
      sections { system state code }
      support { status { state } organization { id } }
    }
  }
`;

const MAPPINGS = /* GraphQL */ `
  query ($refreshSystems: [System!]) {
    fieldMappings(refreshSystems: $refreshSystems) { system name checkedAt checkError fields { key setting field state foundType accepted without } }
  }
`;

const KEY = 'salesforce_account_id';
const CUSTOM = { ZENDESK_ORGANIZATION_LINK_FIELD: KEY };

let h: Harness | null = null;
afterEach(() => h?.sandbox.close());

async function harnessFor(variant: ZendeskAccountVariant, env: Record<string, string> = {}) {
  h = createHarness({ size: 40, seed: 5, env });
  h.sandbox.state.zendeskAccount = variant;
  h.sandbox.listen();
  await h.runtime.warmIndexes();
  return h;
}

/** Accounts the sandbox linked exactly to a Zendesk organization, with that organization's id. */
function exactLinks(x: Harness): { accountId: string; recordId: string }[] {
  return x.sandbox.state.world.manifest.exactLinks.filter((l) => l.system === 'zendesk').slice(0, 4);
}

async function page(x: Harness, id: string) {
  const r = await gql(x, viewerFor('admin'), PAGE, { id });
  expect(r.status).toBe(200);
  expect(r.errors ?? []).toEqual([]);
  return r.data!.customer;
}

const zendeskLink = (c: { links: { system: string; recordId: string; rule: string }[] }) => c.links.find((l) => l.system === 'ZENDESK');
const zendeskState = (x: Harness) => x.runtime.sources.support.fieldMapping()!.fields[0]!;
const fieldCalls = (x: Harness) => x.sandbox.state.requestCounts().zendesk['organization_fields.list'] ?? 0;

describe('Zendesk organization link field mapping', () => {
  it('the default: external_id, found without asking, and organizations link by it exactly', async () => {
    const x = await harnessFor({});
    expect(zendeskState(x)).toMatchObject({ key: 'accountId', setting: 'ZENDESK_ORGANIZATION_LINK_FIELD', field: 'external_id', state: 'FOUND' });
    expect(x.runtime.sources.support.fieldMapping()!.checkedAt).not.toBeNull();
    // external_id is standard: nothing to ask Zendesk
    expect(fieldCalls(x)).toBe(0);
    const links = exactLinks(x);
    expect(links.length).toBeGreaterThan(0);
    for (const { accountId, recordId } of links) {
      const c = await page(x, accountId);
      expect(zendeskLink(c)).toMatchObject({ recordId, rule: 'EXACT_ID' });
      expect(c.support.organization.id).toBe(recordId);
    }
  });

  it('a custom organization field: checked against organization_fields, and organizations link by it exactly', async () => {
    const x = await harnessFor({ linkField: {} }, CUSTOM);
    expect(zendeskState(x)).toMatchObject({ field: KEY, state: 'FOUND', foundType: 'text' });
    expect(fieldCalls(x)).toBe(1);
    for (const { accountId, recordId } of exactLinks(x)) {
      const c = await page(x, accountId);
      expect(zendeskLink(c)).toMatchObject({ recordId, rule: 'EXACT_ID' });
      expect(c.support.organization.id).toBe(recordId);
    }
    // the same account read by external_id (the setting left at its default) links none of them exactly
    x.sandbox.close();
    const y = await harnessFor({ linkField: {} });
    for (const { accountId } of exactLinks(y)) expect(zendeskLink(await page(y, accountId))?.rule).not.toBe('EXACT_ID');
  });

  it('a custom link field of the account, looked up by search when the organization index is cold', async () => {
    h = createHarness({ size: 40, seed: 5, env: CUSTOM });
    h.sandbox.state.zendeskAccount = { linkField: {} };
    h.sandbox.listen();
    await h.runtime.sources.support.checkFields();
    const { accountId, recordId } = exactLinks(h)[0]!;
    const c = await page(h, accountId);
    expect(zendeskLink(c)).toMatchObject({ recordId, rule: 'EXACT_ID' });
    expect(c.support.organization.id).toBe(recordId);
  });

  it.each([
    ['no such field (the id still in external_id)', {}, 'MISSING', null],
    ['no such field, nor any id anywhere', { linkField: 'drop' }, 'MISSING', null],
    ['a number field', { linkField: { type: 'integer' } }, 'WRONG_TYPE', 'integer'],
    ['a dropdown field', { linkField: { type: 'dropdown' } }, 'WRONG_TYPE', 'dropdown'],
  ] as const)('an account with %s: the exact link is off, pages load and the support section links by name and domain', async (_, variant, state, foundType) => {
    const x = await harnessFor(variant as ZendeskAccountVariant, CUSTOM);
    expect(zendeskState(x)).toMatchObject({ setting: 'ZENDESK_ORGANIZATION_LINK_FIELD', field: KEY, state, foundType, without: expect.stringContaining('ZENDESK_ORGANIZATION_LINK_FIELD') });
    for (const { accountId, recordId } of exactLinks(x)) {
      const c = await page(x, accountId);
      expect(c.sections.map((s: { system: string }) => s.system).sort()).toEqual(['ASANA', 'QUICKBOOKS', 'SALESFORCE', 'ZENDESK']);
      expect(c.sections.filter((s: { state: string }) => s.state === 'FAILED')).toEqual([]);
      // the organization (same name and domain as the customer) is still shown, as a probable link
      const link = zendeskLink(c);
      expect(link?.recordId).toBe(recordId);
      expect(link?.rule).not.toBe('EXACT_ID');
      expect(c.support.organization.id).toBe(recordId);
    }
  });

  it('an organization_fields answer of another shape: INVALID_RESPONSE on the mapping, the field used as configured, nothing fails', async () => {
    const x = await harnessFor({ linkField: {}, organizationFields: 'drifted' }, CUSTOM);
    const r = x.runtime.sources.support.fieldMapping()!;
    expect(r.checkError).toBe('INVALID_RESPONSE');
    expect(r.fields[0]).toMatchObject({ state: 'NOT_CHECKED', field: KEY });
    for (const { accountId, recordId } of exactLinks(x)) expect(zendeskLink(await page(x, accountId))).toMatchObject({ recordId, rule: 'EXACT_ID' });
    // a body that is not JSON at all is the same
    x.sandbox.state.zendeskAccount = { linkField: {} };
    x.sandbox.state.setFault('zendesk', { malformed: true, endpoint: 'organization_fields' });
    await x.runtime.sources.support.checkFields();
    expect(x.runtime.sources.support.fieldMapping()!.checkError).toBe('INVALID_RESPONSE');
  });

  it('an admin "check now" asks Zendesk again: a link field added since start-up is found, and links exactly', async () => {
    const x = await harnessFor({ linkField: 'drop' }, CUSTOM);
    const before = await gql(x, viewerFor('admin'), MAPPINGS, {});
    const zendesk = (r: typeof before) => r.data!.fieldMappings.find((m: { system: string }) => m.system === 'ZENDESK');
    expect(zendesk(before)).toMatchObject({ name: 'Zendesk', checkError: null, fields: [{ setting: 'ZENDESK_ORGANIZATION_LINK_FIELD', field: KEY, state: 'MISSING', accepted: ['text', 'textarea', 'regexp'] }] });
    const { accountId, recordId } = exactLinks(x)[0]!;
    expect(zendeskLink(await page(x, accountId))?.rule).not.toBe('EXACT_ID');
    x.sandbox.state.zendeskAccount = { linkField: {} };
    const after = await gql(x, viewerFor('admin'), MAPPINGS, { refreshSystems: ['ZENDESK'] });
    expect(zendesk(after)).toMatchObject({ fields: [{ state: 'FOUND', foundType: 'text' }] });
    expect(fieldCalls(x)).toBe(2);
    expect(zendeskLink(await page(x, accountId))).toMatchObject({ recordId, rule: 'EXACT_ID' });
  });

  it('an empty setting turns the exact link off without asking Zendesk', async () => {
    const x = await harnessFor({}, { ZENDESK_ORGANIZATION_LINK_FIELD: '' });
    expect(zendeskState(x)).toMatchObject({ state: 'OFF', field: null });
    expect(fieldCalls(x)).toBe(0);
    const { accountId } = exactLinks(x)[0]!;
    expect(zendeskLink(await page(x, accountId))?.rule).not.toBe('EXACT_ID');
  });
});
