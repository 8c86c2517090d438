import type { AccessCheck } from "../kit/access.js";
import type { SourceKit } from "../kit/source-kit.js";
import type { QuickbooksClient } from "./client.server.js";
import { QUICKBOOKS_SCOPE } from "./connect.js";

/**
 * What the QuickBooks grant may do. Intuit's token answer does not list the granted scopes, and its consent grants
 * what was asked or nothing: Panorama asks for `com.intuit.quickbooks.accounting` only, and a read of the company's
 * Preferences (one request) shows the grant holds it. That scope reads and writes every accounting record; Intuit
 * offers no read-only one, so the over-grant is the vendor's floor, stated as such rather than hidden.
 */
export async function checkQuickbooksAccess(
  client: QuickbooksClient,
  kit: SourceKit
): Promise<AccessCheck> {
  const principal = `company ${client.config.realmId}`;
  try {
    await kit.upstream("preferences", (signal) =>
      client.currencyPreferences(signal)
    );
  } catch (e) {
    const err = kit.toSourceError(e);
    if (err.code !== "FORBIDDEN") throw err;
    return {
      principal,
      grants: [
        {
          subject: "Accounting data",
          needs: "read",
          has: `no ${QUICKBOOKS_SCOPE}`,
          verdict: "LESS",
          narrower: false,
          advice: `QuickBooks refused to read the company's settings: connect again granting ${QUICKBOOKS_SCOPE}.`,
        },
      ],
    };
  }
  return {
    principal,
    grants: [
      {
        subject: "Accounting data",
        needs: "read",
        has: `read and write (${QUICKBOOKS_SCOPE})`,
        verdict: "MORE",
        narrower: false,
        advice: `Intuit has no read-only accounting scope: ${QUICKBOOKS_SCOPE} can also write. Panorama asks for that scope alone and never writes; keep its app keys only in Panorama's settings.`,
      },
    ],
  };
}
