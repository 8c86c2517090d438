import { ACCESS_GROUPS, ROLE_LABELS, canRead, type AccessGroup } from '../../graphql/policy.js';
import type { Viewer } from '../../graphql/viewer.js';

/**
 * What the pages' frame needs to know about the signed-in person, decided on the server from the role policy (the
 * same `canRead` the GraphQL layer enforces, also served as `viewer { can(group:) }`): the UI shows or hides a link
 * by `can`, never by comparing role names of its own.
 */
export type ViewerAccess = { name: string; roleLabel: string; can: Record<AccessGroup, boolean> };

export function viewerAccess(viewer: Viewer): ViewerAccess {
  const can = Object.fromEntries(ACCESS_GROUPS.map((g) => [g, canRead(viewer.role, g)])) as Record<AccessGroup, boolean>;
  return { name: viewer.name, roleLabel: ROLE_LABELS[viewer.role], can };
}
