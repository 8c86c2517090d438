import type { LinkRule, SourceCategory, Systems } from '../sources/kit/contract.js';
import type { AccountingCustomerRecord, CrmAccountIndexEntry, ProjectIndexRow, SupportOrganization } from '../sources/kit/domain.js';
import type { SourceId } from '../sources/kit/errors.js';
import { domainOf, normaliseCompanyName } from '../sources/kit/names.js';
import { DecisionIndex, type LinkDecision } from './link-decisions.js';

/**
 * Identity across systems. The CRM account is the customer; other records link to it by exact ids first (the ids
 * businesses already wire between systems), then by heuristics — the web/e-mail domain and the normalised legal
 * name — which only ever give *probable* links, shown as such. Two or more candidates are ambiguous: returned as
 * candidates for a person to decide, never guessed.
 */

/** The categories whose records are linked to the CRM account (the customer). */
export type LinkedCategory = Exclude<SourceCategory, 'crm'>;
export const LINKED_CATEGORIES = ['accounting', 'projects', 'support'] as const satisfies readonly LinkedCategory[];

export type Candidate = { source: SourceId; recordId: string; name: string; rules: ('NAME' | 'DOMAIN')[]; confidence: number };

/**
 * EXACT: tied by an id one system holds of the other. DECIDED: an admin decided it in Panorama. BROKEN: an id is
 * held, but the other system has no such record (its own state: neither a link nor an outage).
 */
export type LinkState = 'EXACT' | 'DECIDED' | 'BROKEN' | 'PROBABLE' | 'AMBIGUOUS' | 'NONE';

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

/**
 * The one form of a CRM account id another system holds (the CRM module says what it is: both lengths of one id
 * are one id); text that is no account id stays as it is, and so matches no account.
 */
export function canonicalAccountId(systems: Systems, raw: string): string {
  return systems.crm.accountIds?.canonical(raw) ?? raw;
}

/** A record with its comparison keys: normalised names (legal and display name may differ) and domains. */
type Keyed<T> = { record: T; names: string[]; domains: string[] };

function byKey<T>(rows: Keyed<T>[], key: (r: Keyed<T>) => string[]): Map<string, Keyed<T>[]> {
  const m = new Map<string, Keyed<T>[]>();
  for (const r of rows) for (const k of key(r)) if (k) m.set(k, [...(m.get(k) ?? []), r]);
  return m;
}

export type MatcherInput = {
  accounts: CrmAccountIndexEntry[];
  accountingCustomers: AccountingCustomerRecord[] | null;
  organizations: SupportOrganization[] | null;
  projects: ProjectIndexRow[] | null;
  /** The admins' link decisions in force. @default none */
  decisions?: DecisionIndex;
};

/**
 * The heuristic matcher over the systems' indexes. Records already linked by an exact id to some account are
 * never offered to another one.
 */
export class IdentityMatcher {
  readonly #systems: Systems;
  readonly #accounting: { byName: Map<string, Keyed<AccountingCustomerRecord>[]>; byDomain: Map<string, Keyed<AccountingCustomerRecord>[]> | null };
  readonly #support: { byName: Map<string, Keyed<SupportOrganization>[]>; byDomain: Map<string, Keyed<SupportOrganization>[]> | null };
  readonly #projects: { byName: Map<string, Keyed<ProjectIndexRow>[]>; byDomain: Map<string, Keyed<ProjectIndexRow>[]> | null };
  readonly #input: MatcherInput;
  readonly #owners = new Map<LinkedCategory, Map<string, Owner>>();
  readonly decisions: DecisionIndex;
  /** Support organizations and projects by the (canonical) CRM account id their link field holds. */
  readonly #linkedTo: Record<'support' | 'projects', Map<string, string[]>> = { support: new Map(), projects: new Map() };
  readonly #accountIds: Set<string>;

  constructor(systems: Systems, input: MatcherInput) {
    this.#systems = systems;
    this.#input = input;
    this.decisions = input.decisions ?? DecisionIndex.EMPTY;
    const decided = (category: LinkedCategory, recordId: string) => this.decisions.linkOf(systems[category].id, recordId) !== undefined;
    for (const [category, rows] of [['support', input.organizations], ['projects', input.projects]] as const) {
      for (const r of rows ?? []) {
        if (!r.crmAccountId) continue;
        const id = canonicalAccountId(systems, r.crmAccountId);
        this.#linkedTo[category].set(id, [...(this.#linkedTo[category].get(id) ?? []), r.id]);
      }
    }
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
    this.#accountIds = accountIds;
    // A record whose link field names an account that does not exist is offered too; without the account list,
    // only records with no link field at all are. A record an admin decided about is never offered elsewhere.
    const unclaimed = (linkedTo: string | null) => !linkedTo || (input.accounts.length > 0 && !accountIds.has(canonicalAccountId(systems, linkedTo)));
    const exactQbo = new Set(input.accounts.map((a) => a.accountingCustomerId).filter((x): x is string => Boolean(x)));
    const qbo = (input.accountingCustomers ?? [])
      .filter((c) => !exactQbo.has(c.id) && !c.parentId && !decided('accounting', c.id))
      .map((c) => ({
        record: c,
        names: [...new Set([normaliseCompanyName(customerName('accounting', c.companyName ?? c.displayName)), normaliseCompanyName(customerName('accounting', c.displayName))])],
        domains: [domainOf(c.email)].filter((d): d is string => Boolean(d)),
      }));
    this.#accounting = keyed('accounting', qbo);
    const orgs = (input.organizations ?? [])
      .filter((o) => unclaimed(o.crmAccountId) && !decided('support', o.id))
      .map((o) => ({ record: o, names: [normaliseCompanyName(customerName('support', o.name))], domains: o.domains.map((d) => d.toLowerCase().replace(/^www\./, '')) }));
    this.#support = keyed('support', orgs);
    const projects = (input.projects ?? [])
      .filter((p) => unclaimed(p.crmAccountId) && !decided('projects', p.id))
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
    const found =
      category === 'accounting'
        ? this.#match(source, account, this.#accounting.byName, this.#accounting.byDomain, (c) => c.id, (c) => c.displayName)
        : category === 'support'
          ? this.#match(source, account, this.#support.byName, this.#support.byDomain, (o) => o.id, (o) => o.name)
          : this.#match(source, account, this.#projects.byName, this.#projects.byDomain, (p) => p.id, (p) => p.name);
    // a pair an admin rejected is never offered again
    return found.filter((c) => !this.decisions.rejection(source, account.id, c.recordId));
  }

  /** Whether the CRM has this account (unknown without the account list: then it is taken to exist). */
  accountExists(accountId: string): boolean {
    return this.#input.accounts.length === 0 || this.#accountIds.has(canonicalAccountId(this.#systems, accountId));
  }

  /**
   * The support organizations or projects whose link field holds this account's id, in any of the CRM's forms of
   * it (a short form held elsewhere is the same id), from the system's index.
   */
  exactIdsFor(category: 'support' | 'projects', accountId: string): string[] {
    return this.#linkedTo[category].get(canonicalAccountId(this.#systems, accountId)) ?? [];
  }

  /** The records an admin decided belong to this account in one system. */
  decidedFor(category: LinkedCategory, accountId: string): LinkDecision[] {
    return this.decisions.linkedTo(this.#systems[category].id, accountId);
  }

  readonly #records = new Map<LinkedCategory, Map<string, { id: string; name: string }>>();
  #accountsById: Map<string, CrmAccountIndexEntry> | null = null;

  /** A record of one system by its id, from that system's index; undefined when the index did not load. */
  record(category: LinkedCategory, recordId: string): { id: string; name: string } | null | undefined {
    let byId = this.#records.get(category);
    if (!byId) {
      const { accountingCustomers, organizations, projects } = this.#input;
      if (category === 'accounting' && accountingCustomers) byId = new Map(accountingCustomers.map((c) => [c.id, { id: c.id, name: c.displayName }]));
      if (category === 'support' && organizations) byId = new Map(organizations.map((o) => [o.id, { id: o.id, name: o.name }]));
      if (category === 'projects' && projects) byId = new Map(projects.map((p) => [p.id, { id: p.id, name: p.name }]));
      if (!byId) return undefined;
      this.#records.set(category, byId);
    }
    return byId.get(recordId) ?? null;
  }

  /** The CRM account by its id (either form); undefined without the account list. */
  account(accountId: string): CrmAccountIndexEntry | null | undefined {
    if (this.#input.accounts.length === 0) return undefined;
    this.#accountsById ??= new Map(this.#input.accounts.map((a) => [a.id, a]));
    return this.#accountsById.get(canonicalAccountId(this.#systems, accountId)) ?? null;
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
      if (category === 'support') for (const o of organizations ?? []) if (o.crmAccountId) exact(o.id, canonicalAccountId(this.#systems, o.crmAccountId));
      if (category === 'projects') for (const p of projects ?? []) if (p.crmAccountId) exact(p.id, canonicalAccountId(this.#systems, p.crmAccountId));
      // then what admins decided, for records no exact id ties elsewhere
      const source = this.#systems[category].id;
      for (const d of this.decisions.inEffect()) {
        const a = byId.get(d.accountId);
        if (d.kind !== 'REJECT' && d.source === source && a && !owners.has(d.recordId)) owners.set(d.recordId, { accountId: a.id, accountName: a.name, rule: 'DECISION', confidence: 1 });
      }
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
  | { kind: 'UNLINKED'; source: SourceId; recordId: string; name: string }
  /** The account holds an id of this system that names no record there. */
  | { kind: 'BROKEN'; accountId: string; accountName: string; source: SourceId; recordId: string }
  /** The record's link field names a CRM account that does not exist (deleted, or never there). */
  | { kind: 'ORPHAN'; source: SourceId; recordId: string; name: string; pointsAt: string };

/**
 * The admin's review queue over the whole of each system: probable links to confirm, ambiguous cases to decide,
 * broken ids, records pointing at accounts that do not exist, and records no rule ties to any customer. The
 * admins' decisions are applied as on every other read: a decided case is no longer in the queue.
 */
export function reviewQueue(systems: Systems, input: MatcherInput, matcher: IdentityMatcher = new IdentityMatcher(systems, input)): ReviewItem[] {
  const items: ReviewItem[] = [];
  const claimed: Record<LinkedCategory, Set<string>> = { accounting: new Set(), support: new Set(), projects: new Set() };
  const orphans: Record<'support' | 'projects', Set<string>> = { support: new Set(), projects: new Set() };
  const qboIds = input.accountingCustomers ? new Set(input.accountingCustomers.map((c) => c.id)) : null;
  for (const [category, rows] of [['support', input.organizations], ['projects', input.projects]] as const) {
    for (const r of rows ?? []) {
      if (!r.crmAccountId) continue;
      if (matcher.accountExists(r.crmAccountId)) claimed[category].add(r.id);
      else if (!matcher.decisions.linkOf(systems[category].id, r.id)) {
        orphans[category].add(r.id);
        items.push({ kind: 'ORPHAN', source: systems[category].id, recordId: r.id, name: r.name, pointsAt: r.crmAccountId });
      }
    }
  }
  for (const a of input.accounts) if (a.accountingCustomerId) claimed.accounting.add(a.accountingCustomerId);

  const linkedAnywhere = new Set<string>();
  for (const a of input.accounts) {
    const key: AccountKey = { id: a.id, name: a.name, website: a.website };
    const broken = Boolean(a.accountingCustomerId && qboIds && !qboIds.has(a.accountingCustomerId));
    const linked: [LinkedCategory, boolean, Candidate[] | null][] = [
      ['accounting', Boolean(a.accountingCustomerId) && !broken, input.accountingCustomers ? matcher.candidates('accounting', key) : null],
      ['support', matcher.exactIdsFor('support', a.id).length > 0, input.organizations ? matcher.candidates('support', key) : null],
      ['projects', matcher.exactIdsFor('projects', a.id).length > 0, input.projects ? matcher.candidates('projects', key) : null],
    ];
    for (const [category, exact, candidates] of linked) {
      const source = systems[category].id;
      const many = systems[category].links.manyPerCustomer;
      const decided = matcher.decidedFor(category, a.id);
      for (const d of decided) claimed[category].add(d.recordId);
      if (exact) {
        linkedAnywhere.add(a.id);
        // exact for this system: heuristics are not consulted (and a record named after it that a customer may
        // have several of is still its own)
        if (many) for (const c of candidates ?? []) claimed[category].add(c.recordId);
        continue;
      }
      if (decided.length) {
        linkedAnywhere.add(a.id);
        if (!many) continue;
      }
      if (category === 'accounting' && broken) {
        items.push({ kind: 'BROKEN', accountId: a.id, accountName: a.name, source, recordId: a.accountingCustomerId! });
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
  for (const o of input.organizations ?? []) if (!claimed.support.has(o.id) && !orphans.support.has(o.id)) items.push({ kind: 'UNLINKED', source: systems.support.id, recordId: o.id, name: o.name });
  for (const p of input.projects ?? []) if (!claimed.projects.has(p.id) && !orphans.projects.has(p.id)) items.push({ kind: 'UNLINKED', source: systems.projects.id, recordId: p.id, name: p.name });
  return items;
}

/**
 * The customer a support organization (or its ticket) belongs to, by the identity rules: its external id in any
 * of the CRM's forms, an admin's decision, or a probable link. An organization whose external id names an account
 * the CRM does not have is an orphan: it belongs to no customer and is never shown as one. Without the indexes
 * (the CRM's failed), the external id is taken as it is.
 */
export function supportOwner(ctx: { runtime: { systems: Systems } }, matcher: IdentityMatcher | null, orgId: string | null, crmAccountId: string | null) {
  const owner = matcher && orgId ? matcher.ownerOf('support', orgId) : null;
  if (owner) return owner;
  if (crmAccountId && (!matcher || matcher.accountExists(crmAccountId))) return { accountId: canonicalAccountId(ctx.runtime.systems, crmAccountId), accountName: null as string | null, rule: 'EXACT_ID' as const, confidence: 1 };
  return null;
}
