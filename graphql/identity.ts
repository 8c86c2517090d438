import type { LinkRule } from '../sources/kit/contract.js';
import type { AccountingCustomerRecord, CrmAccountIndexEntry, ProjectIndexRow, SupportOrganization } from '../sources/kit/domain.js';
import type { SourceId } from '../sources/kit/errors.js';
import { domainOf, normaliseCompanyName } from '../sources/kit/names.js';

/**
 * Identity across systems. The CRM account is the customer; other records link to it by exact ids first (the ids
 * businesses already wire between systems), then by heuristics — the web/e-mail domain and the normalised legal
 * name — which only ever give *probable* links, shown as such. Two or more candidates are ambiguous: returned as
 * candidates for a person to decide, never guessed.
 */

export type LinkedSystem = Exclude<SourceId, 'salesforce'>;

export type Candidate = { source: LinkedSystem; recordId: string; name: string; rules: Exclude<LinkRule, 'EXACT_ID'>[]; confidence: number };

export type LinkState = 'EXACT' | 'PROBABLE' | 'AMBIGUOUS' | 'NONE';

export type Owner = { accountId: string; accountName: string; rule: LinkRule; confidence: number };

/** Confidence of a heuristic link: both rules agreeing is stronger than either alone. */
export function confidenceOf(rules: readonly string[]): number {
  if (rules.includes('NAME') && rules.includes('DOMAIN')) return 0.9;
  return rules.includes('NAME') ? 0.8 : 0.7;
}

/** The strongest rule of a heuristic match, as the link reports it. */
export function ruleOf(c: Candidate): LinkRule {
  return c.rules.includes('NAME') ? 'NAME' : 'DOMAIN';
}

/** Asana project names start with the customer's name: "Acme Inc — Website rebuild". */
export function projectCustomerName(projectName: string): string {
  // the last separator: the customer's own name may contain one ("Smith - Jones — Onboarding")
  return projectName.match(/^(.*\S)\s+[—–-]\s+[^—–]*$/)?.[1] ?? projectName;
}

export type AccountKey = { id: string; name: string; website: string | null; emails?: readonly (string | null)[] };

/** A record with its comparison keys: normalised names (legal and display name may differ) and domains. */
type Keyed<T> = { record: T; names: string[]; domains: string[] };

function byKey<T>(rows: Keyed<T>[], key: (r: Keyed<T>) => string[]): Map<string, Keyed<T>[]> {
  const m = new Map<string, Keyed<T>[]>();
  for (const r of rows) for (const k of key(r)) if (k) m.set(k, [...(m.get(k) ?? []), r]);
  return m;
}

/**
 * The heuristic matcher over the systems' indexes. Records already linked by an exact id to some account are
 * never offered to another one.
 */
export class IdentityMatcher {
  readonly #qbo: { byName: Map<string, Keyed<AccountingCustomerRecord>[]>; byDomain: Map<string, Keyed<AccountingCustomerRecord>[]> };
  readonly #zd: { byName: Map<string, Keyed<SupportOrganization>[]>; byDomain: Map<string, Keyed<SupportOrganization>[]> };
  readonly #asana: Map<string, Keyed<ProjectIndexRow>[]>;
  readonly #input: {
    accounts: CrmAccountIndexEntry[];
    accountingCustomers: AccountingCustomerRecord[] | null;
    organizations: SupportOrganization[] | null;
    projects: ProjectIndexRow[] | null;
  };
  readonly #owners = new Map<LinkedSystem, Map<string, Owner>>();

  constructor(input: {
    accounts: CrmAccountIndexEntry[];
    accountingCustomers: AccountingCustomerRecord[] | null;
    organizations: SupportOrganization[] | null;
    projects: ProjectIndexRow[] | null;
  }) {
    this.#input = input;
    const accountIds = new Set(input.accounts.map((a) => a.id));
    // A record whose link field names an account that does not exist is offered too; without the account list,
    // only records with no link field at all are.
    const unclaimed = (linkedTo: string | null) => !linkedTo || (input.accounts.length > 0 && !accountIds.has(linkedTo));
    const exactQbo = new Set(input.accounts.map((a) => a.accountingCustomerId).filter((x): x is string => Boolean(x)));
    const qbo = (input.accountingCustomers ?? [])
      .filter((c) => !exactQbo.has(c.id))
      .map((c) => ({
        record: c,
        names: [...new Set([normaliseCompanyName(c.companyName ?? c.displayName), normaliseCompanyName(c.displayName)])],
        domains: [domainOf(c.email)].filter((d): d is string => Boolean(d)),
      }));
    this.#qbo = {
      byName: byKey(qbo, (r) => r.names),
      byDomain: byKey(qbo, (r) => r.domains),
    };
    const orgs = (input.organizations ?? [])
      .filter((o) => unclaimed(o.crmAccountId))
      .map((o) => ({ record: o, names: [normaliseCompanyName(o.name)], domains: o.domains.map((d) => d.toLowerCase().replace(/^www\./, '')) }));
    this.#zd = { byName: byKey(orgs, (r) => r.names), byDomain: byKey(orgs, (r) => r.domains) };
    const projects = (input.projects ?? [])
      .filter((p) => unclaimed(p.crmAccountId))
      .map((p) => ({ record: p, names: [normaliseCompanyName(projectCustomerName(p.name))], domains: [] }));
    this.#asana = byKey(projects, (r) => r.names);
  }

  #match<T>(
    source: LinkedSystem,
    account: AccountKey,
    byName: Map<string, Keyed<T>[]>,
    byDomain: Map<string, Keyed<T>[]> | null,
    idOf: (r: T) => string,
    nameOf: (r: T) => string,
  ): Candidate[] {
    const name = normaliseCompanyName(account.name);
    const domains = new Set([domainOf(account.website), ...(account.emails ?? []).map((e) => domainOf(e))].filter((d): d is string => Boolean(d)));
    const found = new Map<string, Candidate>();
    const add = (r: Keyed<T>, rule: 'NAME' | 'DOMAIN') => {
      const id = idOf(r.record);
      const c = found.get(id) ?? { source, recordId: id, name: nameOf(r.record), rules: [], confidence: 0 };
      if (!c.rules.includes(rule)) c.rules.push(rule);
      c.confidence = confidenceOf(c.rules);
      found.set(id, c);
    };
    if (name) for (const r of byName.get(name) ?? []) add(r, 'NAME');
    if (byDomain) for (const d of domains) for (const r of byDomain.get(d) ?? []) add(r, 'DOMAIN');
    return [...found.values()].sort((a, b) => b.confidence - a.confidence || a.recordId.localeCompare(b.recordId));
  }

  quickbooks(account: AccountKey): Candidate[] {
    return this.#match('quickbooks', account, this.#qbo.byName, this.#qbo.byDomain, (c) => c.id, (c) => c.displayName);
  }

  zendesk(account: AccountKey): Candidate[] {
    return this.#match('zendesk', account, this.#zd.byName, this.#zd.byDomain, (o) => o.id, (o) => o.name);
  }

  /**
   * Which account owns each record of a system: by exact id, or by a probable link where exactly one account's
   * heuristics point at it. Used to put cross-customer lists (overdue invoices, urgent tickets) under their customer.
   */
  ownerOf(source: LinkedSystem, recordId: string): Owner | null {
    let owners = this.#owners.get(source);
    if (!owners) {
      owners = new Map();
      const { accounts, organizations, projects } = this.#input;
      const byId = new Map(accounts.map((a) => [a.id, a]));
      const exact = (recordIdOf: string, accountId: string) => {
        const a = byId.get(accountId);
        if (a) owners!.set(recordIdOf, { accountId: a.id, accountName: a.name, rule: 'EXACT_ID', confidence: 1 });
      };
      if (source === 'quickbooks') for (const a of accounts) if (a.accountingCustomerId) exact(a.accountingCustomerId, a.id);
      if (source === 'zendesk') for (const o of organizations ?? []) if (o.crmAccountId) exact(o.id, o.crmAccountId);
      if (source === 'asana') for (const p of projects ?? []) if (p.crmAccountId) exact(p.id, p.crmAccountId);
      const hasExact = new Set([...owners.values()].map((o) => o.accountId));
      for (const a of accounts) {
        if (source !== 'asana' && hasExact.has(a.id)) continue;
        const key = { id: a.id, name: a.name, website: a.website };
        const candidates = source === 'quickbooks' ? this.quickbooks(key) : source === 'zendesk' ? this.zendesk(key) : this.asana(key);
        if (linkState(source, false, candidates) !== 'PROBABLE') continue;
        for (const c of candidates) if (!owners.has(c.recordId)) owners.set(c.recordId, { accountId: a.id, accountName: a.name, rule: ruleOf(c), confidence: c.confidence });
      }
      this.#owners.set(source, owners);
    }
    return owners.get(recordId) ?? null;
  }

  /** Projects named after the customer; a customer may have several, so these are never ambiguous. */
  asana(account: AccountKey): Candidate[] {
    return this.#match('asana', account, this.#asana, null, (p) => p.id, (p) => p.name);
  }
}

/** One system's link state for one account, given its exact link (if any) and the heuristic candidates. */
export function linkState(source: LinkedSystem, exact: boolean, candidates: Candidate[]): LinkState {
  if (exact) return 'EXACT';
  if (candidates.length === 0) return 'NONE';
  if (source === 'asana' || candidates.length === 1) return 'PROBABLE';
  return 'AMBIGUOUS';
}

export type ReviewItem =
  | { kind: 'PROBABLE'; accountId: string; accountName: string; candidate: Candidate }
  | { kind: 'AMBIGUOUS'; accountId: string; accountName: string; source: LinkedSystem; candidates: Candidate[] }
  | { kind: 'UNLINKED'; source: SourceId; recordId: string; name: string };

/**
 * The admin's review queue over the whole of each system: probable links to confirm, ambiguous cases to decide,
 * and records no rule ties to any customer.
 */
export function reviewQueue(input: {
  accounts: CrmAccountIndexEntry[];
  accountingCustomers: AccountingCustomerRecord[] | null;
  organizations: SupportOrganization[] | null;
  projects: ProjectIndexRow[] | null;
}): ReviewItem[] {
  const matcher = new IdentityMatcher(input);
  const items: ReviewItem[] = [];
  const accountIds = new Set(input.accounts.map((a) => a.id));
  const claimed: Record<LinkedSystem, Set<string>> = { quickbooks: new Set(), zendesk: new Set(), asana: new Set() };
  const exactZd = new Set((input.organizations ?? []).filter((o) => o.crmAccountId && accountIds.has(o.crmAccountId)).map((o) => o.crmAccountId!));
  const exactAsana = new Set((input.projects ?? []).filter((p) => p.crmAccountId && accountIds.has(p.crmAccountId)).map((p) => p.crmAccountId!));
  for (const o of input.organizations ?? []) if (o.crmAccountId && accountIds.has(o.crmAccountId)) claimed.zendesk.add(o.id);
  for (const p of input.projects ?? []) if (p.crmAccountId && accountIds.has(p.crmAccountId)) claimed.asana.add(p.id);
  for (const a of input.accounts) if (a.accountingCustomerId) claimed.quickbooks.add(a.accountingCustomerId);

  const linkedAnywhere = new Set<string>();
  for (const a of input.accounts) {
    const key: AccountKey = { id: a.id, name: a.name, website: a.website };
    const systems: [LinkedSystem, boolean, Candidate[] | null][] = [
      ['quickbooks', Boolean(a.accountingCustomerId), input.accountingCustomers ? matcher.quickbooks(key) : null],
      ['zendesk', exactZd.has(a.id), input.organizations ? matcher.zendesk(key) : null],
      ['asana', exactAsana.has(a.id), input.projects ? matcher.asana(key) : null],
    ];
    for (const [source, exact, candidates] of systems) {
      if (exact) {
        linkedAnywhere.add(a.id);
        // exact for this system: heuristics are not consulted (and a project named after it is still its own)
        if (source === 'asana') for (const c of candidates ?? []) claimed.asana.add(c.recordId);
        continue;
      }
      if (!candidates) continue;
      const state = linkState(source, false, candidates);
      for (const c of candidates) claimed[source].add(c.recordId);
      if (state === 'PROBABLE') {
        linkedAnywhere.add(a.id);
        for (const c of candidates) items.push({ kind: 'PROBABLE', accountId: a.id, accountName: a.name, candidate: c });
      } else if (state === 'AMBIGUOUS') {
        items.push({ kind: 'AMBIGUOUS', accountId: a.id, accountName: a.name, source, candidates });
      }
    }
  }
  for (const a of input.accounts) if (!linkedAnywhere.has(a.id)) items.push({ kind: 'UNLINKED', source: 'salesforce', recordId: a.id, name: a.name });
  for (const c of input.accountingCustomers ?? []) if (!claimed.quickbooks.has(c.id)) items.push({ kind: 'UNLINKED', source: 'quickbooks', recordId: c.id, name: c.displayName });
  for (const o of input.organizations ?? []) if (!claimed.zendesk.has(o.id)) items.push({ kind: 'UNLINKED', source: 'zendesk', recordId: o.id, name: o.name });
  for (const p of input.projects ?? []) if (!claimed.asana.has(p.id)) items.push({ kind: 'UNLINKED', source: 'asana', recordId: p.id, name: p.name });
  return items;
}
