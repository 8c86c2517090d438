import type { LinkRule, SourceCategory, Systems } from '../sources/kit/contract.js';
import type { AccountingCustomerRecord, CrmAccountIndexEntry, ProjectIndexRow, SupportOrganization } from '../sources/kit/domain.js';
import type { SourceId } from '../sources/kit/errors.js';
import { domainOf, normaliseCompanyName } from '../sources/kit/names.js';

/**
 * Identity across systems. The CRM account is the customer; other records link to it by exact ids first (the ids
 * businesses already wire between systems), then by heuristics — the web/e-mail domain and the normalised legal
 * name — which only ever give *probable* links, shown as such. Two or more candidates are ambiguous: returned as
 * candidates for a person to decide, never guessed.
 */

/** The categories whose records are linked to the CRM account (the customer). */
export type LinkedCategory = Exclude<SourceCategory, 'crm'>;
export const LINKED_CATEGORIES = ['accounting', 'projects', 'support'] as const satisfies readonly LinkedCategory[];

export type Candidate = { source: SourceId; recordId: string; name: string; rules: Exclude<LinkRule, 'EXACT_ID'>[]; confidence: number };

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
  readonly #systems: Systems;
  readonly #accounting: { byName: Map<string, Keyed<AccountingCustomerRecord>[]>; byDomain: Map<string, Keyed<AccountingCustomerRecord>[]> | null };
  readonly #support: { byName: Map<string, Keyed<SupportOrganization>[]>; byDomain: Map<string, Keyed<SupportOrganization>[]> | null };
  readonly #projects: { byName: Map<string, Keyed<ProjectIndexRow>[]>; byDomain: Map<string, Keyed<ProjectIndexRow>[]> | null };
  readonly #input: {
    accounts: CrmAccountIndexEntry[];
    accountingCustomers: AccountingCustomerRecord[] | null;
    organizations: SupportOrganization[] | null;
    projects: ProjectIndexRow[] | null;
  };
  readonly #owners = new Map<LinkedCategory, Map<string, Owner>>();

  constructor(systems: Systems, input: {
    accounts: CrmAccountIndexEntry[];
    accountingCustomers: AccountingCustomerRecord[] | null;
    organizations: SupportOrganization[] | null;
    projects: ProjectIndexRow[] | null;
  }) {
    this.#systems = systems;
    this.#input = input;
    // Each module's link rules: the heuristic keys it is found by, and how its records' names carry the customer's.
    const keyed = <T>(category: LinkedCategory, rows: Keyed<T>[]) => {
      const rules = systems[category].links;
      return {
        byName: byKey(rules.heuristics.includes('NAME') ? rows : [], (r) => r.names),
        byDomain: rules.heuristics.includes('DOMAIN') ? byKey(rows, (r) => r.domains) : null,
      };
    };
    const customerName = (category: LinkedCategory, name: string) => systems[category].links.customerNameOf?.(name) ?? name;
    const accountIds = new Set(input.accounts.map((a) => a.id));
    // A record whose link field names an account that does not exist is offered too; without the account list,
    // only records with no link field at all are.
    const unclaimed = (linkedTo: string | null) => !linkedTo || (input.accounts.length > 0 && !accountIds.has(linkedTo));
    const exactQbo = new Set(input.accounts.map((a) => a.accountingCustomerId).filter((x): x is string => Boolean(x)));
    const qbo = (input.accountingCustomers ?? [])
      .filter((c) => !exactQbo.has(c.id) && !c.parentId)
      .map((c) => ({
        record: c,
        names: [...new Set([normaliseCompanyName(customerName('accounting', c.companyName ?? c.displayName)), normaliseCompanyName(customerName('accounting', c.displayName))])],
        domains: [domainOf(c.email)].filter((d): d is string => Boolean(d)),
      }));
    this.#accounting = keyed('accounting', qbo);
    const orgs = (input.organizations ?? [])
      .filter((o) => unclaimed(o.crmAccountId))
      .map((o) => ({ record: o, names: [normaliseCompanyName(customerName('support', o.name))], domains: o.domains.map((d) => d.toLowerCase().replace(/^www\./, '')) }));
    this.#support = keyed('support', orgs);
    const projects = (input.projects ?? [])
      .filter((p) => unclaimed(p.crmAccountId))
      .map((p) => ({ record: p, names: [normaliseCompanyName(customerName('projects', p.name))], domains: [] }));
    this.#projects = keyed('projects', projects);
  }

  #match<T>(
    source: SourceId,
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

  /** The heuristic candidates of one category's records for this account, strongest first. */
  candidates(category: LinkedCategory, account: AccountKey): Candidate[] {
    const source = this.#systems[category].id;
    if (category === 'accounting') return this.#match(source, account, this.#accounting.byName, this.#accounting.byDomain, (c) => c.id, (c) => c.displayName);
    if (category === 'support') return this.#match(source, account, this.#support.byName, this.#support.byDomain, (o) => o.id, (o) => o.name);
    return this.#match(source, account, this.#projects.byName, this.#projects.byDomain, (p) => p.id, (p) => p.name);
  }

  /**
   * Which account owns each record of a system: by exact id, or by a probable link where exactly one account's
   * heuristics point at it. Used to put cross-customer lists (overdue invoices, urgent tickets) under their customer.
   */
  ownerOf(category: LinkedCategory, recordId: string): Owner | null {
    let owners = this.#owners.get(category);
    const many = this.#systems[category].links.manyPerCustomer;
    if (!owners) {
      owners = new Map();
      const { accounts, organizations, projects } = this.#input;
      const byId = new Map(accounts.map((a) => [a.id, a]));
      const exact = (recordIdOf: string, accountId: string) => {
        const a = byId.get(accountId);
        if (a) owners!.set(recordIdOf, { accountId: a.id, accountName: a.name, rule: 'EXACT_ID', confidence: 1 });
      };
      if (category === 'accounting') for (const a of accounts) if (a.accountingCustomerId) exact(a.accountingCustomerId, a.id);
      if (category === 'support') for (const o of organizations ?? []) if (o.crmAccountId) exact(o.id, o.crmAccountId);
      if (category === 'projects') for (const p of projects ?? []) if (p.crmAccountId) exact(p.id, p.crmAccountId);
      const hasExact = new Set([...owners.values()].map((o) => o.accountId));
      for (const a of accounts) {
        if (!many && hasExact.has(a.id)) continue;
        const key = { id: a.id, name: a.name, website: a.website };
        const candidates = this.candidates(category, key);
        if (linkState(many, false, candidates) !== 'PROBABLE') continue;
        for (const c of candidates) if (!owners.has(c.recordId)) owners.set(c.recordId, { accountId: a.id, accountName: a.name, rule: ruleOf(c), confidence: c.confidence });
      }
      this.#owners.set(category, owners);
    }
    return owners.get(category === 'accounting' ? this.#topLevel(recordId) : recordId) ?? null;
  }

  /** A sub-customer (job) belongs to the customer at the top of its tree. */
  #topLevel(recordId: string): string {
    this.#parents ??= new Map((this.#input.accountingCustomers ?? []).filter((c) => c.parentId).map((c) => [c.id, c.parentId!]));
    return this.#parents.get(recordId) ?? recordId;
  }
  #parents: Map<string, string> | undefined;

}

/**
 * One system's link state for one account, given its exact link (if any) and the heuristic candidates. A system
 * whose records a customer may have several of (`manyPerCustomer`) is never ambiguous.
 */
export function linkState(manyPerCustomer: boolean, exact: boolean, candidates: Candidate[]): LinkState {
  if (exact) return 'EXACT';
  if (candidates.length === 0) return 'NONE';
  if (manyPerCustomer || candidates.length === 1) return 'PROBABLE';
  return 'AMBIGUOUS';
}

export type ReviewItem =
  | { kind: 'PROBABLE'; accountId: string; accountName: string; candidate: Candidate }
  | { kind: 'AMBIGUOUS'; accountId: string; accountName: string; source: SourceId; candidates: Candidate[] }
  | { kind: 'UNLINKED'; source: SourceId; recordId: string; name: string };

/**
 * The admin's review queue over the whole of each system: probable links to confirm, ambiguous cases to decide,
 * and records no rule ties to any customer.
 */
export function reviewQueue(systems: Systems, input: {
  accounts: CrmAccountIndexEntry[];
  accountingCustomers: AccountingCustomerRecord[] | null;
  organizations: SupportOrganization[] | null;
  projects: ProjectIndexRow[] | null;
}): ReviewItem[] {
  const matcher = new IdentityMatcher(systems, input);
  const items: ReviewItem[] = [];
  const accountIds = new Set(input.accounts.map((a) => a.id));
  const claimed: Record<LinkedCategory, Set<string>> = { accounting: new Set(), support: new Set(), projects: new Set() };
  const exactZd = new Set((input.organizations ?? []).filter((o) => o.crmAccountId && accountIds.has(o.crmAccountId)).map((o) => o.crmAccountId!));
  const exactProjects = new Set((input.projects ?? []).filter((p) => p.crmAccountId && accountIds.has(p.crmAccountId)).map((p) => p.crmAccountId!));
  for (const o of input.organizations ?? []) if (o.crmAccountId && accountIds.has(o.crmAccountId)) claimed.support.add(o.id);
  for (const p of input.projects ?? []) if (p.crmAccountId && accountIds.has(p.crmAccountId)) claimed.projects.add(p.id);
  for (const a of input.accounts) if (a.accountingCustomerId) claimed.accounting.add(a.accountingCustomerId);

  const linkedAnywhere = new Set<string>();
  for (const a of input.accounts) {
    const key: AccountKey = { id: a.id, name: a.name, website: a.website };
    const linked: [LinkedCategory, boolean, Candidate[] | null][] = [
      ['accounting', Boolean(a.accountingCustomerId), input.accountingCustomers ? matcher.candidates('accounting', key) : null],
      ['support', exactZd.has(a.id), input.organizations ? matcher.candidates('support', key) : null],
      ['projects', exactProjects.has(a.id), input.projects ? matcher.candidates('projects', key) : null],
    ];
    for (const [category, exact, candidates] of linked) {
      const source = systems[category].id;
      const many = systems[category].links.manyPerCustomer;
      if (exact) {
        linkedAnywhere.add(a.id);
        // exact for this system: heuristics are not consulted (and a record named after it that a customer may
        // have several of is still its own)
        if (many) for (const c of candidates ?? []) claimed[category].add(c.recordId);
        continue;
      }
      if (!candidates) continue;
      const state = linkState(many, false, candidates);
      for (const c of candidates) claimed[category].add(c.recordId);
      if (state === 'PROBABLE') {
        linkedAnywhere.add(a.id);
        for (const c of candidates) items.push({ kind: 'PROBABLE', accountId: a.id, accountName: a.name, candidate: c });
      } else if (state === 'AMBIGUOUS') {
        items.push({ kind: 'AMBIGUOUS', accountId: a.id, accountName: a.name, source, candidates });
      }
    }
  }
  for (const a of input.accounts) if (!linkedAnywhere.has(a.id)) items.push({ kind: 'UNLINKED', source: systems.crm.id, recordId: a.id, name: a.name });
  for (const c of input.accountingCustomers ?? []) if (!claimed.accounting.has(c.parentId ?? c.id)) items.push({ kind: 'UNLINKED', source: systems.accounting.id, recordId: c.id, name: c.displayName });
  for (const o of input.organizations ?? []) if (!claimed.support.has(o.id)) items.push({ kind: 'UNLINKED', source: systems.support.id, recordId: o.id, name: o.name });
  for (const p of input.projects ?? []) if (!claimed.projects.has(p.id)) items.push({ kind: 'UNLINKED', source: systems.projects.id, recordId: p.id, name: p.name });
  return items;
}
