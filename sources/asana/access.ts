import type { AccessCheck, AccessGrant } from "../kit/access.js";
import type { SourceKit } from "../kit/source-kit.js";
import type { AsanaClient } from "./client.server.js";
import type { AsanaWorkspaceMembership } from "./types.js";

/**
 * What the Asana token may do in the configured workspace: a personal access token acts with its user's rights,
 * so the user's workspace membership says it (is_admin, is_guest, is_view_only, is_active). A member on a view-only
 * licence reads every project it is given and edits none: that is Panorama's need. A full member can edit, an admin
 * can also manage the workspace, a guest sees only what is shared with it.
 */
export async function checkAsanaAccess(
  client: AsanaClient,
  kit: SourceKit
): Promise<AccessCheck> {
  const memberships = await kit.upstream("workspace-memberships", (signal) =>
    client.listOwnWorkspaceMemberships(signal)
  );
  const own = memberships.find(
    (m) => m.workspace.gid === client.config.workspaceGid
  );
  const principal = own?.user?.name ?? memberships[0]?.user?.name ?? null;
  return {
    principal,
    grants: [membershipGrant(own, client.config.workspaceGid)],
  };
}

function membershipGrant(
  m: AsanaWorkspaceMembership | undefined,
  workspaceGid: string
): AccessGrant {
  const subject = `Workspace ${m?.workspace.name ?? workspaceGid}`;
  const needs = "read projects, tasks, custom fields";
  if (!m || !m.is_active) {
    return {
      subject,
      needs,
      has: "no active membership",
      verdict: "LESS",
      narrower: false,
      advice: `The token's user is not an active member of workspace ${workspaceGid} (ASANA_WORKSPACE_GID): add it, or set the workspace it belongs to.`,
    };
  }
  if (m.is_admin)
    return {
      subject,
      needs,
      has: "admin: edits projects, manages members and settings",
      verdict: "MORE",
      narrower: true,
      advice:
        "A workspace admin can change the workspace. Panorama only reads: use a member on a view-only licence, added to the teams whose projects it should show.",
    };
  if (m.is_guest)
    return {
      subject,
      needs,
      has: "guest: only what is shared with it",
      verdict: "LESS",
      narrower: false,
      advice:
        "A guest sees only projects shared with it, so other customers\u2019 projects are missing: make it a member of the teams Panorama should show.",
    };
  if (m.is_view_only)
    return {
      subject,
      needs,
      has: "member, view-only licence",
      verdict: "MATCHES",
      narrower: false,
      advice: null,
    };
  return {
    subject,
    needs,
    has: "member: edits the projects it can see",
    verdict: "MORE",
    narrower: true,
    advice:
      "A full member can edit projects and tasks. Panorama only reads: give the token\u2019s user a view-only licence.",
  };
}
