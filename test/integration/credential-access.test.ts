/**
 * The credential scope check (least privilege, checked): against sandbox credentials of each kind — read only,
 * able to write, reaching less — every source says what Panorama needs and what its credential has, flags more
 * than needed (and whether the vendor offers narrower) and less than needed, keeps its last answer when the vendor
 * cannot be asked, and shows only to admins. The integration register shows the same.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { SandboxState } from "../../sources/sandbox/state.js";
import {
  createHarness,
  gql,
  viewerFor,
  type Harness,
} from "../support/graphql.js";

const ACCESS = /* GraphQL */ `
  query ($refreshSystems: [System!]) {
    credentialAccess(refreshSystems: $refreshSystems) {
      system
      name
      state
      principal
      checkedAt
      checkError
      grants {
        subject
        needs
        has
        verdict
        narrower
        advice
      }
    }
  }
`;

type Grant = {
  subject: string;
  needs: string;
  has: string;
  verdict: string;
  narrower: boolean;
  advice: string | null;
};
type Access = {
  system: string;
  state: string;
  principal: string | null;
  checkedAt: string | null;
  checkError: string | null;
  grants: Grant[];
};

let h: Harness | null = null;
afterEach(() => h?.sandbox.close());

/** A harness whose sandbox credentials are set up by `vary`, checked once for `systems`. */
async function checked(
  systems: string[],
  vary: (s: SandboxState) => void = () => undefined,
  env: Record<string, string> = {}
): Promise<Record<string, Access>> {
  h = createHarness({ size: 30, seed: 5, env });
  vary(h.sandbox.state);
  h.sandbox.listen();
  return check(h, systems);
}

async function check(
  x: Harness,
  systems: string[]
): Promise<Record<string, Access>> {
  const r = await gql<{ credentialAccess: Access[] }>(
    x,
    viewerFor("admin"),
    ACCESS,
    { refreshSystems: systems }
  );
  expect(r.errors ?? []).toEqual([]);
  return Object.fromEntries(r.data!.credentialAccess.map((a) => [a.system, a]));
}

const grant = (a: Access, subject: string) =>
  a.grants.find((g) => g.subject === subject)!;

describe("the default sandbox: credentials set up as the register documents", () => {
  it("Salesforce, Asana and Zendesk are read only; QuickBooks can write, and Intuit offers nothing narrower", async () => {
    const a = await checked(["SALESFORCE", "QUICKBOOKS", "ASANA", "ZENDESK"]);
    expect(a.SALESFORCE).toMatchObject({
      state: "READ_ONLY",
      principal: "panorama-integration@sandbox.example (standard user)",
      checkError: null,
    });
    expect(
      a.SALESFORCE!.grants.map((g) => [g.subject, g.needs, g.has, g.verdict])
    ).toEqual([
      ["Account", "read", "read", "MATCHES"],
      ["Contact", "read", "read", "MATCHES"],
      ["Opportunity", "read", "read", "MATCHES"],
    ]);
    expect(a.ZENDESK).toMatchObject({
      state: "READ_ONLY",
      principal: expect.stringContaining("@"),
    });
    expect(grant(a.ZENDESK!, "Tickets, organizations and users").has).toBe(
      "agent (light agent)"
    );
    expect(grant(a.ZENDESK!, "Which tickets").has).toBe("all tickets");
    expect(a.ASANA).toMatchObject({
      state: "READ_ONLY",
      principal: "Panorama integration",
    });
    expect(a.ASANA!.grants[0]).toMatchObject({
      has: "member, view-only licence",
      verdict: "MATCHES",
    });
    expect(a.QUICKBOOKS).toMatchObject({ state: "CAN_WRITE" });
    expect(a.QUICKBOOKS!.grants[0]).toMatchObject({
      has: "read and write (com.intuit.quickbooks.accounting)",
      verdict: "MORE",
      narrower: false,
    });
    expect(a.QUICKBOOKS!.grants[0]!.advice).toMatch(
      /no read-only accounting scope/
    );
    for (const s of Object.values(a))
      expect(Date.parse(s.checkedAt!)).not.toBeNaN();
  });

  it("before a check nothing is claimed, and a check asks only the sources named", async () => {
    h = createHarness({ size: 30, seed: 5 });
    h.sandbox.listen();
    const before = await check(h, []);
    expect(
      Object.values(before).map((s) => [s.state, s.checkedAt, s.grants.length])
    ).toEqual(Object.values(before).map(() => ["NOT_CHECKED", null, 0]));
    const zendeskCalls = () =>
      h!.sandbox.state.requestCounts().zendesk["users.me"] ?? 0;
    const after = await check(h, ["ZENDESK"]);
    expect(zendeskCalls()).toBe(1);
    expect(after.ZENDESK!.state).toBe("READ_ONLY");
    expect(after.SALESFORCE!.state).toBe("NOT_CHECKED");
  });
});

describe("Salesforce: object permissions from describe", () => {
  it("an integration user that can edit and delete accounts is flagged, naming what to narrow", async () => {
    const a = await checked(
      ["SALESFORCE"],
      (s) =>
        (s.salesforceOrg = {
          objectPermissions: {
            Account: { updateable: true, deletable: true },
            Contact: { createable: true },
          },
        })
    );
    expect(a.SALESFORCE!.state).toBe("CAN_WRITE");
    expect(grant(a.SALESFORCE!, "Account")).toMatchObject({
      has: "read, edit, delete",
      verdict: "MORE",
      narrower: true,
    });
    expect(grant(a.SALESFORCE!, "Account").advice).toMatch(
      /can edit, delete Account records.*Read only on Account/
    );
    expect(grant(a.SALESFORCE!, "Contact")).toMatchObject({
      has: "read, create",
      verdict: "MORE",
    });
    expect(grant(a.SALESFORCE!, "Opportunity").verdict).toBe("MATCHES");
  });

  it("a user that cannot read deals reaches less, which wins over writing", async () => {
    const a = await checked(
      ["SALESFORCE"],
      (s) =>
        (s.salesforceOrg = {
          objectPermissions: {
            Opportunity: { queryable: false },
            Account: { createable: true },
          },
        })
    );
    expect(a.SALESFORCE!.state).toBe("REACHES_LESS");
    expect(grant(a.SALESFORCE!, "Opportunity")).toMatchObject({
      has: "nothing",
      verdict: "LESS",
    });
    expect(grant(a.SALESFORCE!, "Opportunity").advice).toMatch(
      /cannot read Opportunity/
    );
  });
});

describe("Zendesk: the role from users/me", () => {
  it.each([
    [{ role: "admin", role_type: 4 }, "CAN_WRITE", "admin", "MORE"],
    [{ role: "agent", role_type: null }, "CAN_WRITE", "agent", "MORE"],
    [
      { role: "agent", role_type: 0, custom_role_id: 360004 },
      "UNKNOWN",
      "agent (custom role)",
      "UNKNOWN",
    ],
    [{ role: "end-user", role_type: null }, "REACHES_LESS", "end-user", "LESS"],
  ] as const)("%o → %s", async (apiUser, state, has, verdict) => {
    const a = await checked(
      ["ZENDESK"],
      (s) => (s.zendeskAccount = { apiUser })
    );
    expect(a.ZENDESK!.state).toBe(state);
    expect(grant(a.ZENDESK!, "Tickets, organizations and users")).toMatchObject(
      { has, verdict }
    );
  });

  it("a light agent restricted to its groups reaches less: customers\u2019 other tickets are missing", async () => {
    const a = await checked(
      ["ZENDESK"],
      (s) => (s.zendeskAccount = { apiUser: { ticket_restriction: "groups" } })
    );
    expect(a.ZENDESK!.state).toBe("REACHES_LESS");
    expect(grant(a.ZENDESK!, "Which tickets")).toMatchObject({
      has: "only its groups' tickets",
      verdict: "LESS",
    });
    expect(grant(a.ZENDESK!, "Tickets, organizations and users").verdict).toBe(
      "MATCHES"
    );
  });
});

describe("Asana: the workspace membership", () => {
  it.each([
    [{ is_admin: true }, "CAN_WRITE", "MORE", true],
    [{ is_view_only: false }, "CAN_WRITE", "MORE", true],
    [{ is_guest: true, is_view_only: false }, "REACHES_LESS", "LESS", false],
    [{ is_active: false }, "REACHES_LESS", "LESS", false],
  ] as const)("%o → %s", async (membership, state, verdict, narrower) => {
    const a = await checked(
      ["ASANA"],
      (s) => (s.asanaWorkspace = { membership })
    );
    expect(a.ASANA!.state).toBe(state);
    expect(a.ASANA!.grants[0]).toMatchObject({ verdict, narrower });
  });
});

describe("Xero: the granted scopes", () => {
  const XERO = {
    PANORAMA_ACCOUNTING: "xero",
    SALESFORCE_ACCOUNT_QUICKBOOKS_ID_FIELD: "",
  };

  it("read-only scopes match", async () => {
    const a = await checked(["XERO"], () => undefined, XERO);
    expect(a.XERO).toMatchObject({
      state: "READ_ONLY",
      principal: expect.stringMatching(/^organisation /),
    });
    expect(a.XERO!.grants.map((g) => g.subject)).toEqual([
      "Contacts",
      "Invoices and payments",
    ]);
  });

  it("a write scope is more than needed, and Xero offers narrower", async () => {
    const a = await checked(
      ["XERO"],
      (s) =>
        (s.xeroGrantedScopes =
          "accounting.contacts.read accounting.transactions accounting.settings offline_access"),
      XERO
    );
    expect(a.XERO!.state).toBe("CAN_WRITE");
    expect(grant(a.XERO!, "Other scopes")).toMatchObject({
      has: "accounting.transactions accounting.settings",
      verdict: "MORE",
      narrower: true,
    });
    expect(grant(a.XERO!, "Other scopes").advice).toMatch(
      /accounting\.transactions, accounting\.settings can write/
    );
    expect(grant(a.XERO!, "Invoices and payments").verdict).toBe("MATCHES");
  });

  it("the granular read scopes of newer apps do; a missing contacts scope reaches less", async () => {
    const a = await checked(
      ["XERO"],
      (s) =>
        (s.xeroGrantedScopes =
          "accounting.invoices.read accounting.payments.read offline_access"),
      XERO
    );
    expect(a.XERO!.state).toBe("REACHES_LESS");
    expect(grant(a.XERO!, "Contacts").verdict).toBe("LESS");
    expect(grant(a.XERO!, "Invoices and payments").verdict).toBe("MATCHES");
  });
});

describe("a vendor that cannot be asked, the register, and who may see it", () => {
  it("keeps the last answer and names why the check failed", async () => {
    h = createHarness({
      size: 30,
      seed: 5,
      env: { PANORAMA_RETRY_ATTEMPTS: "0" },
    });
    h.sandbox.listen();
    expect((await check(h, ["ASANA"])).ASANA!.state).toBe("READ_ONLY");
    h.sandbox.state.setFault("asana", { status: 503 });
    const a = (await check(h, ["ASANA"])).ASANA!;
    expect(a.checkError).toBe("UNAVAILABLE");
    expect(a.state).toBe("READ_ONLY");
    expect(a.grants).toHaveLength(1);
  });

  it("the integration register shows the same check", async () => {
    await checked(
      ["ZENDESK"],
      (s) =>
        (s.zendeskAccount = { apiUser: { role: "admin", role_type: null } })
    );
    const r = await gql<{
      integrations: { system: string; access: Access | null }[];
    }>(
      h!,
      viewerFor("admin"),
      "{ integrations { system access { state grants { verdict } } } }"
    );
    const zendesk = r.data!.integrations.find((i) => i.system === "ZENDESK")!;
    expect(zendesk.access).toMatchObject({
      state: "CAN_WRITE",
      grants: [{ verdict: "MORE" }, { verdict: "MATCHES" }],
    });
  });

  it.each(["support", "account_manager", "finance"] as const)(
    "is refused to %s",
    async (role) => {
      h = createHarness({ size: 30, seed: 5 });
      h.sandbox.listen();
      const r = await gql(h, viewerFor(role), ACCESS, {
        refreshSystems: ["ZENDESK"],
      });
      expect(r.data?.credentialAccess ?? null).toBeNull();
      expect(r.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      expect(h.sandbox.state.requestCounts().zendesk["users.me"] ?? 0).toBe(0);
    }
  );
});
