import {
  permissionWords,
  type AccessCheck,
  type AccessGrant,
} from "../kit/access.js";
import type { SourceKit } from "../kit/source-kit.js";
import type { SalesforceClient } from "./client.server.js";
import type { SfDescribe } from "./types.js";

/** The objects whose records Panorama reads (the customer's account, its contacts and deals). */
export const SALESFORCE_READ_OBJECTS = [
  "Account",
  "Contact",
  "Opportunity",
] as const;

/**
 * What the integration user may do with each object Panorama reads, from sObject Describe (`queryable`,
 * `createable`, `updateable`, `deletable` are the current user's permissions on the object), and who it is
 * (UserInfo). Panorama only reads: a profile or permission set that lets it create, edit or delete is more than it
 * needs, and Salesforce can narrow it (an API-only profile with Read on these objects).
 */
export async function checkSalesforceAccess(
  client: SalesforceClient,
  kit: SourceKit
): Promise<AccessCheck> {
  const [user, ...described] = await Promise.all([
    kit.upstream("userinfo", (signal) => client.userInfo({ signal })),
    ...SALESFORCE_READ_OBJECTS.map((o) =>
      kit.upstream(`describe${o}`, (signal) => client.describe(o, { signal }))
    ),
  ]);
  return {
    principal: user.preferred_username
      ? `${user.preferred_username}${
          user.user_type ? ` (${user.user_type.toLowerCase()} user)` : ""
        }`
      : user.user_id,
    grants: described.map((d) => objectGrant(d)),
  };
}

function objectGrant(d: SfDescribe): AccessGrant {
  const p = {
    read: d.queryable,
    create: d.createable,
    edit: d.updateable,
    delete: d.deletable,
  };
  const base = { subject: d.name, needs: "read", has: permissionWords(p) };
  if (p.read === undefined)
    return {
      ...base,
      has: "not reported",
      verdict: "UNKNOWN",
      narrower: false,
      advice: `Salesforce's describe of ${d.name} did not say what the user may do.`,
    };
  if (!p.read)
    return {
      ...base,
      verdict: "LESS",
      narrower: false,
      advice: `The integration user cannot read ${d.name}: give its profile or a permission set Read on ${d.name}.`,
    };
  const writes = (["create", "edit", "delete"] as const).filter((k) => p[k]);
  if (writes.length) {
    return {
      ...base,
      verdict: "MORE",
      narrower: true,
      advice: `The integration user can ${writes.join(", ")} ${
        d.name
      } records. Panorama only reads: give it a profile or permission set with Read only on ${
        d.name
      }.`,
    };
  }
  return { ...base, verdict: "MATCHES", narrower: false, advice: null };
}
