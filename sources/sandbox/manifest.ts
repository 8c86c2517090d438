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
  onHoldWhilePaidUp: { accountId: string; projectId: string }[];
  overdueWithUrgentTickets: { accountId: string; ticketIds: string[]; overdueBalance: number }[];
  overdueInvoices: { accountId: string | null; invoiceId: string; daysOverdue: number }[];
  urgentOpenTickets: { accountId: string | null; ticketId: string }[];
  trickyNames: { accountId: string; name: string }[];
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
    onHoldWhilePaidUp: [],
    overdueWithUrgentTickets: [],
    overdueInvoices: [],
    urgentOpenTickets: [],
    trickyNames: [],
    cleanAccountIds: [],
  };
}

/** The accounts none of the flag-raising cases were planted on (read once every part has been generated). */
export function cleanAccountIds(manifest: Manifest, accountIds: readonly string[]): string[] {
  const planted = new Set<string>([
    ...manifest.conflicts.map((c) => c.accountId),
    ...manifest.wonDealsWithoutProject.map((c) => c.accountId),
    ...manifest.milestonesWithoutInvoice.map((c) => c.accountId),
    ...manifest.onHoldWhilePaidUp.map((c) => c.accountId),
    ...manifest.overdueWithUrgentTickets.map((c) => c.accountId),
  ]);
  return accountIds.filter((id) => !planted.has(id));
}
