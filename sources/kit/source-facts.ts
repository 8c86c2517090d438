import type { SourceCategory } from './contract.js';

/** A vendor's documented limits, as its module declares them (with where they were read, in the module). */
export type SourceLimits = {
  /** Requests a minute the vendor allows (null: none per minute). Panorama's default budget is 80 % of it. */
  perMinute: number | null;
  /** How long to stay away after a rate-limit answer that says not for how long (seconds). */
  waitSeconds: number;
};

/** What the kit needs to know of a source to speak of it: its name, its category, its limits. */
export type SourceFacts = {
  id: string;
  displayName: string;
  /** The name in running text ("no invoice in QuickBooks"), when shorter than the display name. */
  shortName?: string;
  category: SourceCategory;
  limits: SourceLimits;
};

const registry = new Map<string, SourceFacts>();

/**
 * Tells the kit the sources Panorama has (the composition file does, for every registered module): the kit's
 * messages, budgets, gates and alerts then read a source's name, limits and category from its module, and hold
 * no table of vendors of their own.
 */
export function registerSources(list: readonly SourceFacts[]): void {
  for (const f of list) {
    const known = registry.get(f.id);
    if (known && known.displayName !== f.displayName) throw new Error(`two source modules share the id ${f.id}: ${known.displayName} and ${f.displayName}`);
    registry.set(f.id, { id: f.id, displayName: f.displayName, shortName: f.shortName, category: f.category, limits: f.limits });
  }
}

/** A registered source's facts; undefined for an id no module declared. */
export function sourceFacts(id: string): SourceFacts | undefined {
  return registry.get(id);
}

/** A source's name in running text: its module's short name, else its display name, else its id capitalised. */
export function nameOfSource(id: string): string {
  const f = registry.get(id);
  return f ? (f.shortName ?? f.displayName) : id.charAt(0).toUpperCase() + id.slice(1);
}

/** Panorama's default budget: 80 % of the documented per-minute limit, the rest left to the vendor's other clients (0: none). */
export function defaultBudgetPerMinute(limits: SourceLimits | undefined): number {
  return limits?.perMinute == null ? 0 : Math.floor(limits.perMinute * 0.8);
}

/** The wait after a rate-limit answer without Retry-After: the module's documented one, else a minute. */
export function documentedWaitSeconds(id: string): number {
  return registry.get(id)?.limits.waitSeconds ?? 60;
}

/** What people lose while a source of this category is down (for alerts). */
export const AFFECTED_BY_CATEGORY: Record<SourceCategory, string> = {
  crm: 'every customer page (the CRM is the customer record) and the customer list',
  accounting: 'billing sections of customer pages and the overdue-invoices list',
  projects: 'project sections of customer pages and project summaries in lists',
  support: 'support sections of customer pages and the urgent-tickets list',
};

export function affectedBy(id: string): string {
  const f = registry.get(id);
  return f ? AFFECTED_BY_CATEGORY[f.category] : `the sections read from ${nameOfSource(id)}`;
}
