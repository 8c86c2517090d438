import type { AccessCheck, AccessGrant } from "../kit/access.js";
import type { SourceKit } from "../kit/source-kit.js";
import type { ZendeskClient } from "./client.server.js";
import type { ZdMe } from "./types.js";

const ROLE_TYPE: Record<number, string> = {
  0: "custom role",
  1: "light agent",
  2: "chat agent",
  3: "chat contributor",
  4: "admin",
  5: "billing admin",
};
const SUBJECT = "Tickets, organizations and users";

/**
 * What the Zendesk credentials may do, from the user they act as (GET /api/v2/users/me): an API token acts with
 * its agent's role. The narrowest role that still reads every ticket is a light agent (views tickets, adds only
 * private comments, cannot be assigned or edit); a full agent can edit and reply, an admin can change the account.
 * A ticket restriction ("groups", "assigned", …) hides tickets Panorama should show.
 */
export async function checkZendeskAccess(
  client: ZendeskClient,
  kit: SourceKit
): Promise<AccessCheck> {
  const me = await kit.upstream("users.me", (signal) => client.me(signal));
  return {
    principal: me.email ?? me.name ?? `user ${me.id}`,
    grants: [roleGrant(me), reachGrant(me)],
  };
}

function roleGrant(me: ZdMe): AccessGrant {
  const type =
    me.role_type == null
      ? null
      : ROLE_TYPE[me.role_type] ?? `role type ${me.role_type}`;
  const has = type && type !== me.role ? `${me.role} (${type})` : me.role;
  const base = { subject: SUBJECT, needs: "read (a light agent)", has };
  if (me.role === "admin" || me.role_type === 4 || me.role_type === 5) {
    return {
      ...base,
      verdict: "MORE",
      narrower: true,
      advice:
        "An admin can change settings, users and every ticket. Panorama only reads: make the API user a light agent.",
    };
  }
  if (me.role !== "agent")
    return {
      ...base,
      verdict: "LESS",
      narrower: false,
      advice:
        "An end user sees only its own requests: make the API user a light agent.",
    };
  if (me.role_type === 1)
    return { ...base, verdict: "MATCHES", narrower: false, advice: null };
  if (me.role_type === 0) {
    return {
      ...base,
      verdict: "UNKNOWN",
      narrower: false,
      advice: `A custom role (${
        me.custom_role_id ?? "unnamed"
      }): its permissions are in Admin Center, which an agent's token cannot read. Panorama needs only to view tickets.`,
    };
  }
  return {
    ...base,
    verdict: "MORE",
    narrower: true,
    advice:
      "A full agent can edit and reply to tickets. Panorama only reads: make the API user a light agent.",
  };
}

function reachGrant(me: ZdMe): AccessGrant {
  const r = me.ticket_restriction ?? null;
  const base = {
    subject: "Which tickets",
    needs: "all tickets",
    has: r
      ? `only ${r === "groups" ? "its groups'" : r} tickets`
      : "all tickets",
  };
  if (r === null)
    return { ...base, verdict: "MATCHES", narrower: false, advice: null };
  return {
    ...base,
    verdict: "LESS",
    narrower: false,
    advice: `The API user sees only ${
      r === "groups" ? "its groups'" : r
    } tickets, so customers' other tickets are missing: give it access to all tickets.`,
  };
}
