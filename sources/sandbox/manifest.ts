export type LinkCase =
  | { rule: 'SHORT_ID'; system: 'asana' | 'zendesk'; accountId: string; recordId: string; storedId: string; expected: 'EXACT' }
  | { rule: 'DANGLING_ID'; system: 'quickbooks'; accountId: string; recordId: string; storedId: string; expected: 'BROKEN' }
  | { rule: 'ORPHAN'; system: 'asana' | 'zendesk'; accountId: null; recordId: string; storedId: string; name: string; deleted: boolean; expected: 'ORPHAN' };

/** Every case the dataset plants on purpose, for tests to read instead of guessing. */
export type Manifest = {
  seed: number;
  size: number;
  today: string;
  demoUsers: { role: 'support' | 'account_manager' | 'finance' | 'admin'; name: string; email: string; salesforceUserId: string | null }[];
  exactLinks: { accountId: string; system: 'quickbooks' | 'asana' | 'zendesk'; recordId: string }[];
  heuristicLinks: { accountId: string; system: 'quickbooks' | 'asana' | 'zendesk'; recordId: string; rule: 'DOMAIN' | 'NAME' }[];
  ambiguous: { accountId: string; system: 'quickbooks'; candidateIds: string[] }[];
  unlinked: { system: 'salesforce' | 'quickbooks' | 'asana' | 'zendesk'; recordId: string }[];
  conflicts: { accountId: string; field: 'billingAddress' | 'email' | 'phone' | 'name'; crmValue: string; otherSystem: 'quickbooks'; otherValue: string }[];
  /** The same value written differently in another system: shown quietly, never a conflict. */
  formattedDifferently: { accountId: string; field: 'billingAddress' | 'email' | 'name'; crmValue: string; otherSystem: 'quickbooks'; otherValue: string }[];
  wonDealsWithoutProject: { accountId: string; opportunityId: string; closeDate: string }[];
  milestonesWithoutInvoice: { accountId: string; milestoneId: string; completedAt: string }[];
  onHoldNothingOverdue: { accountId: string; projectId: string }[];
  overdueWithUrgentTickets: { accountId: string; ticketIds: string[]; overdueBalance: number }[];
  overdueInvoices: { accountId: string | null; invoiceId: string; daysOverdue: number }[];
  urgentOpenTickets: { accountId: string | null; ticketId: string }[];
  trickyNames: { accountId: string; name: string }[];
  /**
   * Searches as callers say them, each with the account it must find and the match it must name: a contact's
   * name (no account name contains it), a contact's e-mail, a contact's phone written in another format than
   * stored, and customer names typed without case, accents or apostrophes ("obrien", "Cafe Muller").
   */
  searchCases: {
    kind: 'CONTACT_NAME' | 'CONTACT_EMAIL' | 'CONTACT_PHONE' | 'FOLDED_NAME';
    query: string;
    accountId: string;
    /** The contact (for contact cases) or the account name. */
    expects: string;
    /** The stored value the query is a variant of (the phone as the CRM holds it). */
    stored?: string;
  }[];
  /**
   * A top-level accounting customer with two sub-customers (jobs), invoices on all three, and an overdue balance
   * that sits only on a job. `balanceWithJobs` is what the customer and its jobs owe together.
   */
  customerTrees: {
    accountId: string;
    customerId: string;
    jobs: { id: string; name: string; balance: number; invoiceNumbers: string[] }[];
    ownInvoiceNumbers: string[];
    balanceWithJobs: number;
    overdueJobInvoice: { id: string; number: string; jobId: string; balance: number };
  }[];
  /** A customer billed in another currency than the company's home currency (USD). */
  foreignCurrency: { accountId: string; customerId: string; currency: string; balance: number; invoiceCount: number }[];
  /**
   * The identity cases of the link rules, each with the state every path (page, search, lists, review queue) must
   * give it: SHORT_ID — the 15-character form of the Account Id held in a linking system (EXACT); DANGLING_ID — a
   * QuickBooks id on the Account that names no customer (BROKEN); ORPHAN — a record whose Account Id names an
   * account that was deleted or never existed (ORPHAN: in the review queue, never a customer in search).
   */
  linkCases: LinkCase[];
  /** Accounts with none of the planted cases above: no flag may appear on them. */
  cleanAccountIds: string[];
};

export function emptyManifest(seed: number, size: number, today: string): Manifest {
  return {
    seed,
    size,
    today,
    demoUsers: [],
    exactLinks: [],
    heuristicLinks: [],
    ambiguous: [],
    unlinked: [],
    conflicts: [],
    formattedDifferently: [],
    wonDealsWithoutProject: [],
    milestonesWithoutInvoice: [],
    onHoldNothingOverdue: [],
    overdueWithUrgentTickets: [],
    overdueInvoices: [],
    urgentOpenTickets: [],
    trickyNames: [],
    searchCases: [],
    customerTrees: [],
    foreignCurrency: [],
    linkCases: [],
    cleanAccountIds: [],
  };
}

/** The accounts none of the flag-raising cases were planted on (read once every part has been generated). */
export function cleanAccountIds(manifest: Manifest, accountIds: readonly string[]): string[] {
  const planted = new Set<string>([
    ...manifest.conflicts.map((c) => c.accountId),
    ...manifest.wonDealsWithoutProject.map((c) => c.accountId),
    ...manifest.milestonesWithoutInvoice.map((c) => c.accountId),
    ...manifest.onHoldNothingOverdue.map((c) => c.accountId),
    ...manifest.overdueWithUrgentTickets.map((c) => c.accountId),
    ...manifest.customerTrees.map((c) => c.accountId),
    ...manifest.foreignCurrency.map((c) => c.accountId),
  ]);
  return accountIds.filter((id) => !planted.has(id));
}
