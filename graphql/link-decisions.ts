import { randomUUID } from 'node:crypto';
import type { SourceId } from '../sources/kit/errors.js';

/**
 * An admin's decision about one link: confirm a probable link, pick one candidate of an ambiguous set, reject a
 * link, or link an unlinked record by hand. Kept in Panorama's own store (never written to a vendor) and applied
 * on every read: the page, search, lists and the review queue all see the same links.
 */
export type LinkDecisionKind = 'CONFIRM' | 'PICK' | 'REJECT' | 'LINK';
export const LINK_DECISION_KINDS = ['CONFIRM', 'PICK', 'REJECT', 'LINK'] as const satisfies readonly LinkDecisionKind[];

export type LinkDecision = {
  id: string;
  kind: LinkDecisionKind;
  /** The system the record lives in (never the CRM: the account is the customer). */
  source: SourceId;
  /** The CRM account (the customer), in its canonical form. */
  accountId: string;
  recordId: string;
  reason: string | null;
  byId: string;
  byName: string;
  /** Epoch ms, from the runtime's clock. */
  at: number;
};

export type NewLinkDecision = Omit<LinkDecision, 'id'>;
export type Undo = { byId: string; byName: string; at: number; reason: string | null };

/**
 * Where decisions are kept: the app's store in production, memory in tests. `active()` returns the same array
 * object until a decision is recorded or undone, so what is built from it can be shared across requests.
 */
export interface LinkDecisionStore {
  active(): Promise<readonly LinkDecision[]>;
  record(d: NewLinkDecision): Promise<LinkDecision>;
  /** Undoes a decision in force; null when there is none with this id (or it was undone already). */
  undo(id: string, undo: Undo): Promise<LinkDecision | null>;
}

/** Decisions in memory: for tests and for a runtime without a store. */
export class MemoryLinkDecisions implements LinkDecisionStore {
  #active: readonly LinkDecision[] = [];
  async active() {
    return this.#active;
  }
  async record(d: NewLinkDecision) {
    const decision = { ...d, id: randomUUID() };
    this.#active = [...this.#active, decision];
    return decision;
  }
  async undo(id: string) {
    const found = this.#active.find((d) => d.id === id) ?? null;
    if (found) this.#active = this.#active.filter((d) => d.id !== id);
    return found;
  }
}

/** The decisions in force, indexed for the identity rules: the latest decision about a record wins. */
export class DecisionIndex {
  static readonly EMPTY = new DecisionIndex([]);
  readonly all: readonly LinkDecision[];
  /** Record → the positive decision (confirm, pick, link) tying it to an account. */
  readonly #linked = new Map<string, LinkDecision>();
  /** "source account record" → the rejection of that pair. */
  readonly #rejected = new Map<string, LinkDecision>();

  constructor(decisions: readonly LinkDecision[]) {
    this.all = decisions;
    const pair = (d: LinkDecision) => `${d.source}\u0000${d.accountId}\u0000${d.recordId}`;
    // in the order they were made (the store's order breaks a tie of the same millisecond)
    for (const d of [...decisions].sort((a, b) => a.at - b.at)) {
      const record = `${d.source}\u0000${d.recordId}`;
      if (d.kind === 'REJECT') {
        this.#rejected.set(pair(d), d);
        if (this.#linked.get(record)?.accountId === d.accountId) this.#linked.delete(record);
      } else {
        this.#linked.set(record, d);
        this.#rejected.delete(pair(d));
      }
    }
  }

  /** The positive decision tying this record to an account, if any. */
  linkOf(source: SourceId, recordId: string): LinkDecision | undefined {
    return this.#linked.get(`${source}\u0000${recordId}`);
  }

  /** The records decided to belong to this account in one system, oldest decision first. */
  linkedTo(source: SourceId, accountId: string): LinkDecision[] {
    return [...this.#linked.values()].filter((d) => d.source === source && d.accountId === accountId).sort((a, b) => a.at - b.at);
  }

  rejection(source: SourceId, accountId: string, recordId: string): LinkDecision | undefined {
    return this.#rejected.get(`${source}\u0000${accountId}\u0000${recordId}`);
  }

  /** The decisions still in effect (a later one about the same record replaces an earlier one). */
  inEffect(): LinkDecision[] {
    return [...this.#linked.values(), ...this.#rejected.values()].sort((a, b) => a.at - b.at);
  }
}

const indexes = new WeakMap<readonly LinkDecision[], DecisionIndex>();
/** One index per set of decisions in force (the store hands out the same array until it changes). */
export function decisionIndexOf(decisions: readonly LinkDecision[]): DecisionIndex {
  let i = indexes.get(decisions);
  if (!i) {
    i = new DecisionIndex(decisions);
    indexes.set(decisions, i);
  }
  return i;
}
