import type { SourceId } from "./errors.js";

/**
 * The credential scope check (least privilege, checked): each module reads what its credential may do — Salesforce's
 * object permissions through describe, QuickBooks' granted scope, Zendesk's role from users/me, Asana's workspace
 * membership, Xero's granted scopes — and compares it with what Panorama needs, which is only ever to read.
 */

/**
 * MATCHES: the credential may do what Panorama needs and no more. MORE: it may write, or reach more than Panorama
 * reads. LESS: it cannot reach all Panorama reads (sections will miss records). UNKNOWN: the vendor does not say.
 */
export type GrantVerdict = "MATCHES" | "MORE" | "LESS" | "UNKNOWN";

/** One thing Panorama reads, what it needs there, and what the credential has. */
export type AccessGrant = {
  /** What it is about, in the vendor's words ("Account", "Workspace Acme", "Which tickets"). */
  subject: string;
  /** What Panorama needs there ("read"). */
  needs: string;
  /** What the credential has, as the vendor reported it ("read, create, edit, delete"). */
  has: string;
  verdict: GrantVerdict;
  /** Whether the vendor offers a narrower grant that would still do (false: the over-grant is the vendor's floor). */
  narrower: boolean;
  /** What to change, or why nothing narrower exists; null when the grant matches. */
  advice: string | null;
};

/** What a module's check found: whose credential it is, and each grant. */
export type AccessCheck = {
  /** The user or app the credential acts as, as the vendor names it (a username, a company); null if unknown. */
  principal: string | null;
  grants: AccessGrant[];
};

/**
 * READ_ONLY: every grant matches. CAN_WRITE: some grant goes beyond reading. REACHES_LESS: some grant falls short
 * of what Panorama reads (this wins over CAN_WRITE: records are missing). UNKNOWN: the vendor did not say.
 * NOT_CHECKED: not asked yet (or never answered).
 */
export type AccessState =
  | "READ_ONLY"
  | "CAN_WRITE"
  | "REACHES_LESS"
  | "UNKNOWN"
  | "NOT_CHECKED";

export type AccessReport = AccessCheck & {
  source: SourceId;
  state: AccessState;
  /** When the vendor was last asked (ms since the epoch, the runtime's clock); null before the first check. */
  checkedAt: number | null;
  /** Why the last check could not be made (a shared error code), or null. The last answer, if any, stays. */
  checkError: string | null;
};

/** The report's overall state from its grants. */
export function accessState(grants: readonly AccessGrant[]): AccessState {
  if (!grants.length) return "NOT_CHECKED";
  if (grants.some((g) => g.verdict === "LESS")) return "REACHES_LESS";
  if (grants.some((g) => g.verdict === "MORE")) return "CAN_WRITE";
  if (grants.some((g) => g.verdict === "UNKNOWN")) return "UNKNOWN";
  return "READ_ONLY";
}

/**
 * The last access check of one source, kept for the admin page and the register: a failed check keeps what the
 * vendor said before and records why it could not be asked again.
 */
export class AccessRecord {
  readonly source: SourceId;
  #check: AccessCheck | null = null;
  #checkedAt: number | null = null;
  #checkError: string | null = null;

  constructor(source: SourceId) {
    this.source = source;
  }

  checked(check: AccessCheck, at: number): void {
    this.#check = check;
    this.#checkedAt = at;
    this.#checkError = null;
  }

  failed(code: string): void {
    this.#checkError = code;
  }

  report(): AccessReport {
    const grants = this.#check?.grants ?? [];
    return {
      source: this.source,
      principal: this.#check?.principal ?? null,
      grants,
      state: accessState(grants),
      checkedAt: this.#checkedAt,
      checkError: this.#checkError,
    };
  }
}

/** "read, create, edit, delete" from the permissions a vendor reports, in that order. */
export function permissionWords(p: {
  read?: boolean | undefined;
  create?: boolean | undefined;
  edit?: boolean | undefined;
  delete?: boolean | undefined;
}): string {
  const words = (["read", "create", "edit", "delete"] as const).filter(
    (k) => p[k]
  );
  return words.length ? words.join(", ") : "nothing";
}
