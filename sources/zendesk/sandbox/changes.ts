import type { RecordChange } from '../../quickbooks/sandbox/changes.js';
import type { SandboxState } from '../../sandbox/state.js';
import type { ZdOrganization } from './records.js';

const isoZ = (ms: number) => new Date(ms).toISOString();

/**
 * Renames, creates or deletes a Zendesk organization in the sandbox's world, stamped with the state's clock
 * (`updated_at`, what the incremental export reads); a deletion is logged with the organization as it was, which
 * the export then shows with `deleted_at`. Answers the organization's id, or why not.
 */
export function changeZendeskOrganization(state: SandboxState, change: RecordChange): { id: string } | string {
  const data = state.world.zendesk;
  const now = state.clock.now();
  if (change.action === 'create') {
    const template = data.organizations[0];
    if (!template) return 'the sandbox holds no Zendesk organization to model a new one on';
    const id = Math.max(...data.organizations.map((o) => o.id)) + 1;
    const created: ZdOrganization = {
      ...template,
      id,
      name: change.name,
      external_id: null,
      domain_names: [],
      details: null,
      notes: null,
      tags: [],
      organization_fields: {},
      created_at: isoZ(now),
      updated_at: isoZ(now),
    };
    data.organizations = [...data.organizations, created];
    return { id: String(id) };
  }
  const org = data.organizations.find((o) => String(o.id) === change.id);
  if (!org) return `no Zendesk organization ${change.id}`;
  if (change.action === 'update') {
    org.name = change.name;
    org.updated_at = isoZ(now);
    return { id: String(org.id) };
  }
  data.organizations = data.organizations.filter((o) => o !== org);
  state.deletions.zendesk.push({ entity: 'organization', id: String(org.id), at: now, record: { ...org, updated_at: isoZ(now) } });
  return { id: String(org.id) };
}
