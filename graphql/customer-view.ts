import {
  LINKED_ENTITY,
  SOURCE_CATEGORIES,
  linkedEntity,
  type CustomerParent,
  type LinkRule,
  type LoadersByCategory,
  type SectionByCategory,
  type SourceCategory,
  type SourceLink,
} from '../sources/kit/contract.js';
import type { CrmCustomer, Fetched, Project, ProjectsCustomer } from '../sources/kit/domain.js';
import { SourceError, isSourceError, type SourceId } from '../sources/kit/errors.js';
import {
  statusFromError,
  statusFromFetched,
  statusNotLinked,
  type SectionStatus,
} from '../sources/kit/section-status.js';
import type { PanoramaContext } from './context.js';
import { LINKED_CATEGORIES, canonicalAccountId, linkState, ruleOf, type AccountKey, type Candidate, type LinkState, type LinkedCategory } from './identity.js';
import type { LinkDecision } from './link-decisions.js';
import { noteServedStale } from './served-stale.js';

/** How one system is tied to this customer. */
export type SystemLink = {
  category: LinkedCategory;
  source: SourceId;
  state: LinkState;
  /** Records linked by exact id. */
  exactIds: string[];
  /** Heuristic matches: the probable links, or the ambiguous candidates. */
  candidates: Candidate[];
  /** Records an admin decided belong to this customer (the latest decision last). */
  decided: LinkDecision[];
  /** The id this customer holds of the system that names no record there (a broken link), or null. */
  broken: string | null;
};

export type SectionStatusWithLink = SectionStatus & { linkRule: LinkRule | null; linkConfidence: number | null; linkDecision: LinkDecision | null };

const link = (l: Pick<SystemLink, 'category' | 'source' | 'state'> & Partial<SystemLink>): SystemLink => ({ exactIds: [], candidates: [], decided: [], broken: null, ...l });

/**
 * One customer as this request sees it: the CRM account is the customer; every other system is reached through
 * an identity link, resolved once per request, and every section either loads or says why it didn't.
 */
export class CustomerView implements CustomerParent {
  readonly id: string;
  /** The CRM name, when a search already returned it (saves a CRM call for list rows). */
  knownName: string | null = null;
  readonly #ctx: PanoramaContext;
  readonly #loaders: LoadersByCategory;
  readonly #links = new Map<LinkedCategory, Promise<SystemLink>>();

  constructor(id: string, ctx: PanoramaContext, loaders: LoadersByCategory) {
    this.id = id;
    this.#ctx = ctx;
    this.#loaders = loaders;
  }

  /**
   * The view of one customer for this request; `refresh` names the systems to read again past the cache. Only
   * the `customer(id:)` entry point passes `refresh` (empty or not): one customer opened as a whole, so its links
   * start resolving at once — every system is asked beside the CRM, not after it (see `#prefetch`).
   */
  static for(ctx: PanoramaContext, rawId: string, opts: { refresh?: SourceCategory[] } = {}): CustomerView {
    // one customer whichever form of its id was given (page, search, list rows): the CRM module's canonical form
    const id = canonicalAccountId(ctx.runtime.systems, rawId);
    const existing = ctx.customers.get(id);
    if (existing && !opts.refresh?.length) {
      if (opts.refresh) existing.#prefetch();
      return existing;
    }
    const loaders = { ...ctx.loaders };
    for (const category of opts.refresh ?? []) {
      (loaders as Record<SourceCategory, unknown>)[category] = ctx.runtime.sources[category].createLoaders({ forceRefresh: true });
    }
    const view = new CustomerView(id, ctx, loaders);
    ctx.customers.set(id, view);
    if (opts.refresh) view.#prefetch();
    return view;
  }

  /**
   * Starts resolving the links to every system now, while the entry point waits for the CRM: the projects and
   * support links by the account id (their loaders read the warm indexes), accounting by the id the warm account
   * index holds. Each is memoized, and the DataLoaders hand the sections the same reads: nothing is read twice.
   */
  #prefetch(): void {
    for (const category of LINKED_CATEGORIES) this.link(category).catch(() => undefined);
  }

  /** The CRM record, within the view's deadline (the links, the name and the other sections wait on it). */
  crm(): Promise<Fetched<CrmCustomer>> {
    return this.#withinDeadline('crm', this.#loaders.crm.customer.load(this.id));
  }

  async #accountKey(): Promise<AccountKey> {
    const crm = (await this.crm()).value;
    return { id: this.id, name: crm.account.name, website: crm.account.website, emails: crm.contacts.map((c) => c.email) };
  }

  /** The link to one system: exact id first; heuristics only where no exact link exists. */
  link(category: LinkedCategory): Promise<SystemLink> {
    let p = this.#links.get(category);
    if (!p) {
      p = this.#resolveLink(category);
      this.#links.set(category, p);
    }
    return p;
  }

  async #resolveLink(category: LinkedCategory): Promise<SystemLink> {
    const systems = this.#ctx.runtime.systems;
    const source = systems[category].id;
    const decisions = this.#ctx.decisions();
    const heuristics = async (exactIds: string[], decided: LinkDecision[] = []): Promise<SystemLink> => {
      const [key, matcher] = await Promise.all([this.#accountKey(), this.#ctx.identity(category)]);
      const taken = new Set([...exactIds, ...decided.map((d) => d.recordId)]);
      const candidates = matcher.candidates(category, key).filter((c) => !taken.has(c.recordId));
      const state = exactIds.length ? 'EXACT' : decided.length ? 'DECIDED' : linkState(systems[category].links.manyPerCustomer, false, candidates);
      return link({ category, source, state, exactIds, candidates, decided });
    };
    if (category === 'accounting') {
      // The warm account index already names the accounting id: start that read now, beside the CRM's, instead
      // of after it. The CRM record still decides the link; the per-request DataLoader hands the section this load.
      const cached = this.#loaders.crm.cachedAccount(this.id);
      if (cached?.accountingCustomerId) void this.#loaders.accounting.customer.load(cached.accountingCustomerId).catch(() => undefined);
      else if (cached) void this.#prefetchProbable('accounting', cached);
      let crm: Fetched<CrmCustomer>;
      try {
        crm = await this.crm();
      } catch (e) {
        throw new SourceError(source, isSourceError(e) && e.code === 'NOT_FOUND' ? 'NOT_FOUND' : 'UNAVAILABLE', 'accounting link unknown: CRM failed', {
          cause: e,
          userMessage: `${systems.accounting.name} figures can't be matched to this customer while ${systems.crm.name} (which holds the link) is unavailable.`,
        });
      }
      const id = crm.value.account.accountingCustomerId;
      const decided = (await decisions).linkedTo(source, this.id).slice(-1);
      if (id) {
        // An id that names no record is a broken link: its own state, neither a link nor an outage (any other
        // failure of the read, a refused or malformed id included, is the section's failure as before).
        const broken = await this.#loaders.accounting.customer.load(id).then(
          () => false,
          (e: unknown) => isSourceError(e) && e.code === 'NOT_FOUND',
        );
        if (!broken) return link({ category, source, state: 'EXACT', exactIds: [id] });
        return link({ category, source, state: decided.length ? 'DECIDED' : 'BROKEN', decided, broken: id });
      }
      return decided.length ? link({ category, source, state: 'DECIDED', decided }) : heuristics([]);
    }
    if (category === 'support') {
      const cached = this.#loaders.support.organizationIdHint(this.id) === null ? this.#loaders.crm.cachedAccount(this.id) : null;
      if (cached) void this.#prefetchProbable('support', cached);
      const support = await this.#loaders.support.forAccount.load(this.id);
      if (support.value) return link({ category, source, state: 'EXACT', exactIds: [support.value.organization.id] });
      const decided = (await decisions).linkedTo(source, this.id).slice(-1);
      return this.#orExact(category, source, (async () => {
        // an organization holding another form of this id (the short one) is the same exact link
        const other = (await this.#ctx.identity('support')).exactIdsFor('support', this.id);
        if (other.length) return link({ category, source, state: 'EXACT', exactIds: other.slice(0, 1) });
        return decided.length ? link({ category, source, state: 'DECIDED', decided }) : heuristics([]);
      })(), [], decided);
    }
    const cached = this.#loaders.crm.cachedAccount(this.id);
    // The probable projects are asked for first, so they share the linked ones' batch (the matcher reads the same
    // project index the linked read needs anyway): one request to the project tool for the section, not two.
    if (cached) await this.#prefetchProbable('projects', cached);
    const projects = await this.#loaders.projects.forAccount.load(this.id);
    const exactIds = projects.value.projects.map((p) => p.id);
    const decided = (await decisions).linkedTo(source, this.id).filter((d) => !exactIds.includes(d.recordId));
    // Projects named after the customer but without the account field are probable, also beside exact ones.
    return this.#orExact(category, source, heuristics(exactIds, decided), exactIds, decided);
  }

  /**
   * A record without an exact link is found by heuristics, which need the CRM's answer. When the warm account
   * index already holds the name and website, start loading the record they point at now: it joins the exact
   * links' request to that system (one request for a page or a list, not one more after the CRM answers). The
   * heuristics still decide the link once the CRM answers (with the contacts' e-mail domains too); a record
   * loaded here and not chosen then is simply not shown.
   */
  #prefetchProbable(category: LinkedCategory, account: { id: string; name: string; website: string | null }): Promise<void> {
    const ignore = () => undefined;
    return this.#ctx.identity(category).then((matcher) => {
      const key = { id: account.id, name: account.name, website: account.website };
      if (category === 'projects') {
        const ids = matcher.candidates('projects', key).map((c) => c.recordId);
        if (ids.length) void this.#loaders.projects.projects.loadMany(ids);
        return;
      }
      const candidates = matcher.candidates(category, key);
      if (candidates.length !== 1) return;
      const id = candidates[0]!.recordId;
      if (category === 'accounting') void this.#loaders.accounting.customer.load(id).catch(ignore);
      else void this.#loaders.support.forOrganization.load(id).catch(ignore);
    }, ignore);
  }

  /** Heuristics need the CRM's name: while it is down, a system keeps only what its exact link found. */
  async #orExact(category: LinkedCategory, source: SourceId, p: Promise<SystemLink>, exactIds: string[] = [], decided: LinkDecision[] = []): Promise<SystemLink> {
    try {
      return await p;
    } catch {
      return link({ category, source, state: exactIds.length ? 'EXACT' : decided.length ? 'DECIDED' : 'NONE', exactIds, decided });
    }
  }

  /** The links to each system, strongest rule first. A system that fails contributes no link, never an error. */
  async links(): Promise<SourceLink[]> {
    const deep = this.#ctx.deepLink;
    const sys = this.#ctx.runtime.systems;
    const crm = sys.crm;
    const links: SourceLink[] = [{ source: crm.id, recordId: this.id, rule: 'EXACT_ID', confidence: 1, url: deep(crm.id, crm.entities.account, this.id) }];
    const systems = await Promise.allSettled(LINKED_CATEGORIES.map((c) => this.link(c)));
    for (const r of systems) {
      if (r.status !== 'fulfilled') continue;
      const l = r.value;
      const entity = linkedEntity(sys, l.category);
      for (const id of l.exactIds) links.push({ source: l.source, recordId: id, rule: 'EXACT_ID', confidence: 1, url: deep(l.source, entity, id) });
      for (const d of l.decided) links.push({ source: l.source, recordId: d.recordId, rule: 'DECISION', confidence: 1, url: deep(l.source, entity, d.recordId) });
      if (l.state === 'PROBABLE' || (sys[l.category].links.manyPerCustomer && l.candidates.length)) {
        for (const c of l.candidates) links.push({ source: l.source, recordId: c.recordId, rule: ruleOf(c), confidence: c.confidence, url: deep(l.source, entity, c.recordId) });
      }
    }
    return links;
  }

  /** Candidates a person has to choose between, per system. */
  async ambiguities(): Promise<SystemLink[]> {
    const sys = this.#ctx.runtime.systems;
    const systems = await Promise.allSettled(LINKED_CATEGORIES.filter((c) => !sys[c].links.manyPerCustomer).map((c) => this.link(c)));
    return systems.flatMap((r) => (r.status === 'fulfilled' && r.value.state === 'AMBIGUOUS' ? [r.value] : []));
  }

  async section<C extends SourceCategory>(category: C): Promise<SectionByCategory[C] | null> {
    const out = await this.#section(category);
    return out as SectionByCategory[C] | null;
  }

  /** The rule that tied a section's records to the customer (exact, or the heuristic of a probable link). */
  async sectionLink(category: SourceCategory): Promise<{ rule: LinkRule; confidence: number; decision?: LinkDecision } | null> {
    if (category === 'crm') return { rule: 'EXACT_ID', confidence: 1 };
    const l = await this.link(category);
    const decision = l.decided.at(-1);
    if (l.state === 'EXACT') return { rule: 'EXACT_ID', confidence: 1, ...(decision ? { decision } : {}) };
    if (l.state === 'DECIDED' && decision) return { rule: 'DECISION', confidence: 1, decision };
    const best = l.candidates[0];
    return l.state === 'PROBABLE' && best ? { rule: ruleOf(best), confidence: best.confidence } : null;
  }

  /** A section, noting for the answer's errors when it is served stale because its source failed. */
  async #section(category: SourceCategory): Promise<SectionByCategory[SourceCategory] | null> {
    const out = await this.#withinDeadline(category, this.#loadSection(category));
    if (out?.freshness.error) noteServedStale(this.#ctx, out.freshness);
    return out;
  }

  /**
   * The view's deadline (PANORAMA_VIEW_DEADLINE_MS from the request's start): a section whose source has not
   * answered by then is given up for this answer, said to be still being read; its read goes on and fills the
   * cache for the next view.
   */
  #withinDeadline<T>(category: SourceCategory, load: Promise<T>): Promise<T> {
    const leftMs = this.#ctx.settings.viewDeadlineMs - (performance.now() - this.#ctx.startedAt);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const system = this.#ctx.runtime.systems[category];
        const source = system.id;
        const seconds = Math.round(this.#ctx.settings.viewDeadlineMs / 100) / 10;
        reject(
          new SourceError(source, 'TIMEOUT', `${source} did not answer within the view's deadline of ${this.#ctx.settings.viewDeadlineMs} ms`, {
            userMessage: `${system.name} hasn't answered within ${seconds} s; this section is still being read. Refresh in a moment to see it.`,
          }),
        );
      }, Math.max(0, leftMs));
    });
    return Promise.race([load, late]).finally(() => clearTimeout(timer));
  }

  async #loadSection(category: SourceCategory): Promise<SectionByCategory[SourceCategory] | null> {
    switch (category) {
      case 'crm':
        return this.crm();
      case 'accounting': {
        const l = await this.link('accounting');
        const id = l.state === 'EXACT' ? l.exactIds[0] : l.state === 'DECIDED' ? l.decided.at(-1)?.recordId : l.state === 'PROBABLE' ? l.candidates[0]?.recordId : undefined;
        if (!id) return null;
        const loaded = this.#loaders.accounting.customer.load(id);
        // a record an admin linked that has since gone: no section, and the decision is flagged for review
        return l.state === 'DECIDED' ? loaded.catch((e: unknown) => (isSourceError(e) && e.code === 'NOT_FOUND' ? null : Promise.reject(e))) : loaded;
      }
      case 'projects': {
        const exact = await this.#loaders.projects.forAccount.load(this.id);
        const l = await this.link('projects');
        const more = [...l.decided.map((d) => d.recordId), ...l.candidates.map((c) => c.recordId)];
        const probable = more.length ? await this.#loaders.projects.projects.loadMany(more) : [];
        const extra = probable.filter((p): p is Fetched<Project> => !(p instanceof Error));
        const all: ProjectsCustomer = { projects: [...exact.value.projects, ...extra.map((p) => p.value)], ...(exact.value.unmapped ? { unmapped: exact.value.unmapped } : {}) };
        // An unmapped link field is said on the section, also when no project matched by name.
        return all.projects.length || all.unmapped?.length ? { value: all, freshness: exact.freshness } : null;
      }
      case 'support': {
        const l = await this.link('support');
        if (l.state === 'EXACT') {
          const own = await this.#loaders.support.forAccount.load(this.id);
          if (own.value) return own as SectionByCategory['support'];
        }
        const id = l.state === 'EXACT' ? l.exactIds[0] : l.state === 'DECIDED' ? l.decided.at(-1)?.recordId : l.state === 'PROBABLE' ? l.candidates[0]?.recordId : undefined;
        if (!id) return null;
        const s = await this.#loaders.support.forOrganization.load(id);
        return s.value ? (s as SectionByCategory['support']) : null;
      }
    }
  }

  /** Each section's provenance: live, cached, stale, failed with the reason, not linked, ambiguous or a broken link. */
  async sectionStatuses(): Promise<SectionStatusWithLink[]> {
    return Promise.all(SOURCE_CATEGORIES.map((category) => this.sectionStatus(category)));
  }

  /** One section's provenance, as soon as its own system has answered (a streamed page waits for no other). */
  async sectionStatus(category: SourceCategory): Promise<SectionStatusWithLink> {
    const source = this.#ctx.runtime.systems[category].id;
    try {
      const fetched = await this.#section(category);
      const link = fetched ? await this.sectionLink(category).catch(() => null) : null;
      if (fetched) {
        return { ...statusFromFetched(fetched, this.#ctx.now.getTime()), linkRule: link?.rule ?? null, linkConfidence: link?.confidence ?? null, linkDecision: link?.decision ?? null };
      }
      // a system left unlinked because an admin rejected its candidate says so, with who and when
      const rejected = category === 'crm' ? undefined : (await this.#ctx.decisions().catch(() => null))?.inEffect().filter((d) => d.kind === 'REJECT' && d.source === source && d.accountId === this.id).at(-1);
      return { ...(await this.#notLinked(category)), linkRule: null, linkConfidence: null, linkDecision: rejected ?? null };
    } catch (e) {
      return { ...statusFromError(source, e), linkRule: null, linkConfidence: null, linkDecision: null };
    }
  }

  async #notLinked(category: SourceCategory): Promise<SectionStatus> {
    const system = this.#ctx.runtime.systems[category];
    const source = system.id;
    if (category === 'crm') return statusNotLinked(source);
    const l = await this.link(category).catch(() => null);
    const entity = linkedEntity(this.#ctx.runtime.systems, category).toLowerCase();
    if (l?.state === 'BROKEN' && l.broken) {
      return {
        ...statusNotLinked(source),
        state: 'BROKEN_LINK',
        code: 'BROKEN_LINK',
        message: `Link broken: ${system.name} has no ${entity} ${l.broken}. ${this.#ctx.runtime.systems.crm.name} holds that id for this customer; an admin can correct it there or link the right record in the review queue.`,
      };
    }
    if (l?.state === 'DECIDED') {
      const d = l.decided.at(-1)!;
      return {
        ...statusNotLinked(source),
        state: 'BROKEN_LINK',
        code: 'BROKEN_LINK',
        message: `Link broken: an admin linked ${system.name} ${entity} ${d.recordId}, which ${system.name} no longer has. The decision is flagged for review.`,
      };
    }
    if (!system.links.manyPerCustomer && l?.state === 'AMBIGUOUS') {
      return {
        ...statusNotLinked(source),
        state: 'AMBIGUOUS',
        code: 'AMBIGUOUS',
        message: `${l.candidates.length} ${system.name} records could be this customer (${l.candidates
          .map((c) => c.name)
          .join('; ')}). Panorama shows none of them until an admin confirms which one is right.`,
      };
    }
    return statusNotLinked(source);
  }

  /** The name people know the customer by: the CRM's, or another system's while the CRM is down. */
  async name(): Promise<string> {
    if (this.knownName) return this.knownName;
    try {
      return (await this.crm()).value.account.name;
    } catch {
      const support = await this.#loaders.support.forAccount.load(this.id).catch(() => null);
      return support?.value?.organization.name ?? `Customer ${this.id} (${this.#ctx.runtime.systems.crm.name} unavailable)`;
    }
  }

  /** The sections that loaded (null where a system failed or is not linked), for flags, timeline and health. */
  async loadedSections(): Promise<{ [K in SourceCategory]: SectionByCategory[K]['value'] | null } & { missing: SourceId[]; accountingExact: boolean }> {
    const [crm, accounting, projects, support] = await Promise.allSettled([
      this.#section('crm'),
      this.#section('accounting'),
      this.#section('projects'),
      this.#section('support'),
    ]);
    const value = <T>(r: PromiseSettledResult<Fetched<T> | null>): T | null => (r.status === 'fulfilled' && r.value ? r.value.value : null);
    const sys = this.#ctx.runtime.systems;
    const missing = (
      [
        [sys.crm.id, crm],
        [sys.accounting.id, accounting],
        [sys.projects.id, projects],
        [sys.support.id, support],
      ] as const
    )
      .filter(([, r]) => r.status === 'rejected')
      .map(([s]) => s);
    const qbo = await this.link('accounting').catch(() => null);
    return {
      crm: value(crm as PromiseSettledResult<Fetched<CrmCustomer> | null>),
      accounting: value(accounting as PromiseSettledResult<SectionByCategory['accounting'] | null>),
      projects: value(projects as PromiseSettledResult<SectionByCategory['projects'] | null>),
      support: value(support as PromiseSettledResult<SectionByCategory['support'] | null>),
      missing,
      // a link an admin decided is as sure as an id: its values are compared
      accountingExact: qbo?.state === 'EXACT' || qbo?.state === 'DECIDED',
    };
  }
}

