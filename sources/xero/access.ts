import type { AccessCheck, AccessGrant } from "../kit/access.js";
import type { SourceKit } from "../kit/source-kit.js";
import type { XeroClient } from "./client.server.js";

/** Scopes that read what Panorama shows (the broad ones, and the granular ones of apps created since March 2026). */
const READS = new Set([
  "accounting.contacts.read",
  "accounting.transactions.read",
  "accounting.invoices.read",
  "accounting.payments.read",
]);
/** Scopes that carry no record access of their own (a refresh token, the signed-in user's identity). */
const NEUTRAL = new Set(["offline_access", "openid", "profile", "email"]);

/**
 * What the Xero connection was granted, from its scopes (the token answer's `scope`, or the access token's claim),
 * against what Panorama reads: contacts, invoices and payments, read only. Xero has read-only scopes for each, so
 * any write scope (a name without `.read`) or a scope for other data is more than needed, and narrower is possible.
 */
export async function checkXeroAccess(
  { api }: { api: XeroClient },
  kit: SourceKit
): Promise<AccessCheck> {
  const [scopes, tenant] = await Promise.all([
    api.grantedScopes(),
    kit.upstream("connections", (signal) => api.tenantId(signal)),
  ]);
  const principal = `organisation ${tenant}`;
  if (scopes === null) {
    return {
      principal,
      grants: [
        {
          subject: "Scopes",
          needs: "read contacts, invoices, payments",
          has: "not reported",
          verdict: "UNKNOWN",
          narrower: false,
          advice:
            "Xero did not say which scopes were granted; check again after the next token refresh.",
        },
      ],
    };
  }
  const has = new Set(scopes);
  const reads = (...names: string[]) =>
    names.some((n) => has.has(n) || has.has(n.replace(/\.read$/, "")));
  const grants: AccessGrant[] = [
    need(
      "Contacts",
      reads("accounting.contacts.read"),
      "accounting.contacts.read",
      scopes
    ),
    need(
      "Invoices and payments",
      reads("accounting.transactions.read") ||
        (reads("accounting.invoices.read") &&
          reads("accounting.payments.read")),
      "accounting.transactions.read (or accounting.invoices.read and accounting.payments.read)",
      scopes
    ),
  ];
  const extra = scopes.filter((s) => !READS.has(s) && !NEUTRAL.has(s));
  if (extra.length) {
    const writes = extra.filter((s) => !s.endsWith(".read"));
    grants.push({
      subject: "Other scopes",
      needs: "none",
      has: extra.join(" "),
      verdict: "MORE",
      narrower: true,
      advice: `${
        writes.length ? `${writes.join(", ")} can write. ` : ""
      }Panorama reads only contacts, invoices and payments: connect again asking for ${[
        ...READS,
      ]
        .slice(0, 2)
        .join(" ")} offline_access.`,
    });
  }
  return { principal, grants };
}

function need(
  subject: string,
  ok: boolean,
  scope: string,
  scopes: readonly string[]
): AccessGrant {
  const related =
    scopes.filter((s) => s.startsWith("accounting.")).join(" ") ||
    "no accounting scope";
  return ok
    ? {
        subject,
        needs: "read",
        has: related,
        verdict: "MATCHES",
        narrower: false,
        advice: null,
      }
    : {
        subject,
        needs: "read",
        has: related,
        verdict: "LESS",
        narrower: false,
        advice: `The connection lacks ${scope}: connect Xero again granting it.`,
      };
}
