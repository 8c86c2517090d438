/**
 * Workspaces name their custom fields as they like, or lack them: against sandbox workspaces whose account-id
 * field is absent, renamed, or of another type, every customer page loads with all four sections, the projects
 * section says how it links instead, and the admin's field mapping says found / missing / wrong type.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AsanaWorkspaceVariant } from '../../sources/asana/sandbox/variant.js';
import { createHarness, gql, viewerFor, type Harness } from '../support/graphql.js';

const PAGE = /* GraphQL */ `
  query ($id: ID!) {
    customer(id: $id) {
      id
      links { system rule }
      sections { system state code }
      crm { status { state } }
      accounting { status { state } }
      projects { status { state } projects { id } unmapped { feature message } }
      support { status { state } }
    }
  }
`;

const MAPPINGS = /* GraphQL */ `
  query ($refreshSystems: [System!]) {
    fieldMappings(refreshSystems: $refreshSystems) { system name checkedAt checkError fields { key setting field state foundType accepted } }
  }
`;

let h: Harness | null = null;
afterEach(() => h?.sandbox.close());

async function harnessFor(variant: AsanaWorkspaceVariant, env: Record<string, string> = {}) {
  h = createHarness({ size: 40, seed: 5, env });
  h.sandbox.state.asanaWorkspace = variant;
  h.sandbox.listen();
  await h.runtime.warmIndexes();
  return h;
}

/** Accounts with a project whose account field holds their id in the default workspace. */
function linkedByField(x: Harness): string[] {
  const ids = x.sandbox.state.world.asana.projects.map((p) => p.custom_fields[0]?.text_value).filter((v): v is string => !!v);
  return [...new Set(ids)].slice(0, 5);
}

async function page(x: Harness, id: string) {
  const r = await gql(x, viewerFor('admin'), PAGE, { id });
  expect(r.status).toBe(200);
  expect(r.errors ?? []).toEqual([]);
  return r.data!.customer;
}

const asanaState = (x: Harness) => x.runtime.sources.projects.fieldMapping()!.fields[0]!;

describe('Asana account-id field mapping', () => {
  it('the default workspace: the field is found as text, projects link by id, nothing is said to be unmapped', async () => {
    const x = await harnessFor({});
    expect(asanaState(x)).toMatchObject({ key: 'accountId', state: 'FOUND', foundType: 'text', setting: 'ASANA_ACCOUNT_FIELD_NAME' });
    expect(x.sandbox.state.requestCounts().asana['custom_fields.list']).toBe(1);
    for (const id of linkedByField(x)) {
      const c = await page(x, id);
      expect(c.projects.unmapped).toEqual([]);
      expect(c.projects.projects.length).toBeGreaterThan(0);
      expect(c.links.find((l: { system: string }) => l.system === 'ASANA')?.rule).toBe('EXACT_ID');
    }
  });

  it.each([
    ['absent', 'drop', 'MISSING', null],
    ['renamed', { name: 'Account (CRM)' }, 'MISSING', null],
    ['a number field', { subtype: 'number' }, 'WRONG_TYPE', 'number'],
  ] as const)('a workspace whose field is %s: pages load with all four sections and the projects section says how it links', async (_, variant, state, foundType) => {
    const x = await harnessFor({ accountField: variant as AsanaWorkspaceVariant['accountField'] });
    expect(asanaState(x)).toMatchObject({ state, foundType });
    for (const id of linkedByField(x)) {
      const c = await page(x, id);
      expect(c.sections.map((s: { system: string }) => s.system).sort()).toEqual(['ASANA', 'QUICKBOOKS', 'SALESFORCE', 'ZENDESK']);
      expect(c.sections.filter((s: { state: string }) => s.state === 'FAILED')).toEqual([]);
      expect(c.projects.status.state).not.toBe('FAILED');
      expect(c.projects.unmapped).toEqual([{ feature: 'ACCOUNT_ID', message: expect.stringContaining('matched by name only') }]);
      expect(c.links.find((l: { system: string }) => l.system === 'ASANA')?.rule ?? 'NONE').not.toBe('EXACT_ID');
    }
  });

  it('a renamed field is found once the setting names it', async () => {
    const x = await harnessFor({ accountField: { name: 'Account (CRM)' } }, { ASANA_ACCOUNT_FIELD_NAME: 'account (crm)' });
    expect(asanaState(x)).toMatchObject({ state: 'FOUND', field: 'account (crm)' });
    const [id] = linkedByField(x);
    const c = await page(x, id!);
    expect(c.projects.unmapped).toEqual([]);
    expect(c.links.find((l: { system: string }) => l.system === 'ASANA')?.rule).toBe('EXACT_ID');
  });

  it('by gid: ASANA_ACCOUNT_FIELD_GID is the setting to change, and an unknown gid is missing', async () => {
    const gid = (await harnessFor({})).sandbox.state.world.asana.accountField.gid;
    h!.sandbox.close();
    const x = await harnessFor({ accountField: { name: 'Renamed in Asana' } }, { ASANA_ACCOUNT_FIELD_GID: gid });
    expect(asanaState(x)).toMatchObject({ state: 'FOUND', setting: 'ASANA_ACCOUNT_FIELD_GID', field: gid });
    x.sandbox.close();
    const y = await harnessFor({}, { ASANA_ACCOUNT_FIELD_GID: '1299999999999999' });
    expect(asanaState(y)).toMatchObject({ state: 'MISSING', setting: 'ASANA_ACCOUNT_FIELD_GID' });
  });

  it('an admin "check now" asks Asana again: a field added since start-up is found', async () => {
    const x = await harnessFor({ accountField: 'drop' });
    const before = await gql(x, viewerFor('admin'), MAPPINGS, {});
    const asana = () => before.data!.fieldMappings.find((m: { system: string }) => m.system === 'ASANA');
    expect(asana()).toMatchObject({ name: 'Asana', fields: [{ state: 'MISSING', accepted: ['text'] }] });
    x.sandbox.state.asanaWorkspace = {};
    const after = await gql(x, viewerFor('admin'), MAPPINGS, { refreshSystems: ['ASANA'] });
    expect(after.data!.fieldMappings.find((m: { system: string }) => m.system === 'ASANA')).toMatchObject({ fields: [{ state: 'FOUND', foundType: 'text' }] });
    expect(x.sandbox.state.requestCounts().asana['custom_fields.list']).toBe(2);
    // Salesforce was not asked again
    expect(x.sandbox.state.requestCounts().salesforce.describe).toBe(3);
  });

  it('the field mapping is for admins only', async () => {
    const x = await harnessFor({});
    const r = await gql(x, viewerFor('support'), MAPPINGS, {});
    expect(r.data?.fieldMappings ?? null).toBeNull();
    expect(r.errors?.[0]).toBeDefined();
  });

  it('Asana unable to answer the check: the field stays as configured and the reason is shown', async () => {
    h = createHarness({ size: 40, seed: 5 });
    h.sandbox.listen();
    h.sandbox.state.setFault('asana', { status: 503, endpoint: 'custom_fields.list' });
    await h.runtime.sources.projects.checkFields();
    const r = h.runtime.sources.projects.fieldMapping()!;
    expect(r.checkError).not.toBeNull();
    expect(r.fields[0]!.state).toBe('NOT_CHECKED');
  });
});

describe('Asana project status: current_status_update first, the deprecated current_status as fallback', () => {
  const STATUS = /* GraphQL */ `
    query ($id: ID!) { customer(id: $id) { projects { projects { id status statusText } } projectSummary { worstStatus counts { status count } } } }
  `;
  async function statuses(status: AsanaWorkspaceVariant['status']) {
    const x = await harnessFor(status ? { status } : {});
    const out: unknown[] = [];
    for (const id of linkedByField(x)) {
      const r = await gql(x, viewerFor('admin'), STATUS, { id });
      expect(r.errors ?? []).toEqual([]);
      out.push(r.data!.customer);
    }
    x.sandbox.close();
    return out;
  }

  it('the same statuses whether a workspace has both fields, only the status update, or only the deprecated field', async () => {
    const both = await statuses(undefined);
    const known = (both as { projects: { projects: { status: string }[] } }[]).flatMap((c) => c.projects.projects.map((p) => p.status));
    expect(known.length).toBeGreaterThan(0);
    expect(known.filter((s) => s !== 'UNKNOWN').length).toBeGreaterThan(0);
    expect(await statuses('update-only')).toEqual(both);
    expect(await statuses('legacy-only')).toEqual(both);
  });

  it('a status update wins over the deprecated field when they disagree', async () => {
    const x = await harnessFor({});
    const project = x.sandbox.state.world.asana.projects.find((p) => p.current_status_update && p.custom_fields[0]?.text_value)!;
    project.current_status_update = { ...project.current_status_update!, status_type: 'off_track', title: 'Slipping' };
    project.current_status = { ...project.current_status!, color: 'green', title: 'On track' };
    const r = await gql(x, viewerFor('admin'), STATUS, { id: project.custom_fields[0]!.text_value });
    const p = r.data!.customer.projects.projects.find((q: { id: string }) => q.id === project.gid);
    expect(p.status).toBe('OFF_TRACK');
  });
});
