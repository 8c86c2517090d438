import type {
  CustomerParent,
  LoadersByCategory,
  SectionByCategory,
  SourceCategory,
  SourceLink,
} from '../sources/kit/contract.js';
import type { CrmCustomer, Fetched } from '../sources/kit/domain.js';
import { SourceError, isSourceError, sourceName, type SourceId } from '../sources/kit/errors.js';
import {
  statusFromError,
  statusFromFetched,
  statusNotLinked,
  type SectionStatus,
} from '../sources/kit/section-status.js';
import type { PanoramaContext } from './context.js';

const SOURCE_OF: Record<SourceCategory, SourceId> = {
  crm: 'salesforce',
  accounting: 'quickbooks',
  projects: 'asana',
  support: 'zendesk',
};

/** Salesforce record ids: 15 case-sensitive or 18 case-safe characters. The CRM account id is the customer id. */
export const CUSTOMER_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

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

  constructor(id: string, ctx: PanoramaContext, loaders: LoadersByCategory) {
    this.id = id;
    this.#ctx = ctx;
    this.#loaders = loaders;
  }

  static for(ctx: PanoramaContext, id: string, opts: { refresh?: boolean } = {}): CustomerView {
    const existing = ctx.customers.get(id);
    if (existing && !opts.refresh) return existing;
    const loaders = opts.refresh ? ctx.runtime.createLoaders({ forceRefresh: true }) : ctx.loaders;
    const view = new CustomerView(id, ctx, loaders);
    ctx.customers.set(id, view);
    return view;
  }

  crm(): Promise<Fetched<CrmCustomer>> {
    return this.#loaders.crm.customer.load(this.id);
  }

  /** The links to each system, strongest rule first. A system that fails contributes no link, never an error. */
  async links(): Promise<SourceLink[]> {
    const deep = this.#ctx.deepLink;
    const links: SourceLink[] = [{ source: 'salesforce', recordId: this.id, rule: 'EXACT_ID', confidence: 1, url: deep('salesforce', 'Account', this.id) }];
    const [qbo, projects, support] = await Promise.allSettled([
      this.accountingId(),
      this.#loaders.projects.forAccount.load(this.id),
      this.#loaders.support.forAccount.load(this.id),
    ]);
    if (qbo.status === 'fulfilled' && qbo.value) {
      links.push({ source: 'quickbooks', recordId: qbo.value, rule: 'EXACT_ID', confidence: 1, url: deep('quickbooks', 'Customer', qbo.value) });
    }
    if (projects.status === 'fulfilled') {
      for (const p of projects.value.value.projects) {
        links.push({ source: 'asana', recordId: p.id, rule: 'EXACT_ID', confidence: 1, url: deep('asana', 'Project', p.id) });
      }
    }
    if (support.status === 'fulfilled' && support.value.value) {
      const org = support.value.value.organization;
      links.push({ source: 'zendesk', recordId: org.id, rule: 'EXACT_ID', confidence: 1, url: deep('zendesk', 'Organization', org.id) });
    }
    return links;
  }

  /** The accounting customer id the CRM account holds (the exact link rule). */
  async accountingId(): Promise<string | null> {
    try {
      return (await this.crm()).value.account.accountingCustomerId;
    } catch (e) {
      const why = isSourceError(e) ? e : null;
      throw new SourceError('quickbooks', why?.code === 'NOT_FOUND' ? 'NOT_FOUND' : 'UNAVAILABLE', 'accounting link unknown: CRM failed', {
        cause: e,
        userMessage: `QuickBooks figures can't be matched to this customer while Salesforce (which holds the link) is unavailable.`,
      });
    }
  }

  async section<C extends SourceCategory>(category: C): Promise<SectionByCategory[C] | null> {
    const out = await this.#section(category);
    return out as SectionByCategory[C] | null;
  }

  async #section(category: SourceCategory): Promise<SectionByCategory[SourceCategory] | null> {
    switch (category) {
      case 'crm':
        return this.crm();
      case 'accounting': {
        const id = await this.accountingId();
        return id ? this.#loaders.accounting.customer.load(id) : null;
      }
      case 'projects': {
        const projects = await this.#loaders.projects.forAccount.load(this.id);
        return projects.value.projects.length ? projects : null;
      }
      case 'support': {
        const support = await this.#loaders.support.forAccount.load(this.id);
        return support.value ? (support as SectionByCategory['support']) : null;
      }
    }
  }

  /** Each section's provenance: live, cached, stale, failed with the reason, or not linked. */
  async sectionStatuses(): Promise<SectionStatus[]> {
    const categories: SourceCategory[] = ['crm', 'accounting', 'projects', 'support'];
    return Promise.all(
      categories.map(async (category) => {
        const source = SOURCE_OF[category];
        try {
          const fetched = await this.#section(category);
          return fetched ? statusFromFetched(fetched) : statusNotLinked(source);
        } catch (e) {
          return statusFromError(source, e);
        }
      }),
    );
  }

  /** The name people know the customer by: the CRM's, or another system's while the CRM is down. */
  async name(): Promise<string> {
    if (this.knownName) return this.knownName;
    try {
      return (await this.crm()).value.account.name;
    } catch {
      const support = await this.#loaders.support.forAccount.load(this.id).catch(() => null);
      return support?.value?.organization.name ?? `Customer ${this.id} (${sourceName('salesforce')} unavailable)`;
    }
  }
}
