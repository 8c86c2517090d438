import type { World } from '../../sandbox/world.js';

/**
 * How this sandbox workspace's account-id custom field differs from the default: absent, named otherwise, or of
 * another type (a number field, say). The projects keep the world's values under the field as it is.
 */
export type AsanaWorkspaceVariant = {
  accountField?: 'drop' | { name?: string; subtype?: 'text' | 'number' | 'enum' };
  /**
   * Project status: only the current `current_status_update` (the deprecated `current_status` gone, as Asana
   * plans), or only the deprecated field (projects whose status predates status updates).
   */
  status?: 'update-only' | 'legacy-only';
  /**
   * The token user's membership of the workspace (WorkspaceMembershipResponse: `is_admin`, `is_guest`,
   * `is_view_only`, `is_active`). @default a member with a view-only licence (the least privilege Panorama documents)
   */
  membership?: Partial<AsanaMembership>;
};

export type AsanaMembership = { is_active: boolean; is_admin: boolean; is_guest: boolean; is_view_only: boolean };

/** The token user's membership under the variant. */
export function tokenMembership(v: AsanaWorkspaceVariant): AsanaMembership {
  return { is_active: true, is_admin: false, is_guest: false, is_view_only: true, ...v.membership };
}

const worlds = new WeakMap<World, { key: string; world: World }>();

/** The world's Asana records as the variant workspace holds them. */
export function asanaVariantWorld(world: World, v: AsanaWorkspaceVariant): World {
  if (!v.accountField && !v.status) return world;
  const key = JSON.stringify(v);
  const hit = worlds.get(world);
  if (hit?.key === key) return hit.world;
  const a = world.asana;
  const original = a.accountField;
  const change = v.accountField;
  const field = change === 'drop' ? null : !change ? original : { ...original, name: change.name ?? original.name, ...(change.subtype ? { resource_subtype: change.subtype, type: change.subtype } : {}) };
  const projects = a.projects.map((p) => ({
    ...p,
    ...(v.status === 'update-only' ? { current_status: null } : v.status === 'legacy-only' ? { current_status_update: null } : {}),
    custom_fields: p.custom_fields.flatMap((f) => {
      if (f.gid !== original.gid || !change) return [f];
      if (!field) return [];
      // A field of another type holds no text value.
      return [{ ...f, name: field.name, resource_subtype: field.resource_subtype, type: field.type, ...(field.resource_subtype === 'text' ? {} : { text_value: null }) }];
    }),
  }));
  const next: World = { ...world, asana: { ...a, accountField: (field ?? original) as World['asana']['accountField'], accountFieldExists: field !== null, projects } };
  worlds.set(world, { key, world: next });
  return next;
}
