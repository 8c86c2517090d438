import { randomUUID } from 'node:crypto';
import type { LinkDecision, LinkDecisionKind, LinkDecisionStore, NewLinkDecision, Undo } from '../../../graphql/link-decisions.js';
import type { SourceId } from '../../../sources/kit/errors.js';
import { serialiseWriters, type StoreDb } from './database.js';
import type { LinkDecisionTable } from './schema.js';

const toDecision = (r: LinkDecisionTable): LinkDecision => ({
  id: r.id,
  kind: r.kind as LinkDecisionKind,
  source: r.system as SourceId,
  accountId: r.account_id,
  recordId: r.record_id,
  reason: r.reason,
  byId: r.person_id,
  byName: r.person_name,
  at: Number(r.at),
});

/**
 * The admins' link decisions in Panorama's own store. Nothing here is ever written to a vendor. An undone decision
 * is kept (with who undid it, when and why) but no longer in force. The decisions in force are kept in memory and
 * read again only when the store's version changed: the highest sequence number and the number of undone
 * decisions only ever grow, so one small aggregate query tells whether any instance recorded or undid one.
 */
export class LinkDecisionDbStore implements LinkDecisionStore {
  #active: { version: string; decisions: Promise<readonly LinkDecision[]> } | null = null;

  constructor(private readonly db: Promise<StoreDb> | StoreDb) {}

  async active(): Promise<readonly LinkDecision[]> {
    const db = await this.db;
    const v = await db
      .selectFrom('link_decision')
      .select((e) => [e.fn.max('seq').as('seq'), e.fn.count('undone_at').as('undone')])
      .executeTakeFirst();
    const version = `${Number(v?.seq ?? 0)}:${Number(v?.undone ?? 0)}`;
    if (this.#active?.version !== version) {
      const decisions = db
        .selectFrom('link_decision')
        .selectAll()
        .where('undone_at', 'is', null)
        .orderBy('seq')
        .execute()
        .then((rows) => rows.map(toDecision));
      this.#active = { version, decisions };
      decisions.catch(() => {
        if (this.#active?.decisions === decisions) this.#active = null;
      });
    }
    return this.#active.decisions;
  }

  async record(d: NewLinkDecision): Promise<LinkDecision> {
    const decision: LinkDecision = { ...d, id: randomUUID() };
    const db = await this.db;
    await db.transaction().execute(async (trx) => {
      await serialiseWriters(trx, 'link-decisions');
      const last = await trx
        .selectFrom('link_decision')
        .select((e) => e.fn.max('seq').as('seq'))
        .executeTakeFirst();
      await trx
        .insertInto('link_decision')
        .values({
          id: decision.id,
          seq: Number(last?.seq ?? 0) + 1,
          kind: d.kind,
          system: d.source,
          account_id: d.accountId,
          record_id: d.recordId,
          reason: d.reason,
          person_id: d.byId,
          person_name: d.byName,
          at: d.at,
          undone_at: null,
          undone_by_id: null,
          undone_by_name: null,
          undo_reason: null,
        })
        .execute();
    });
    this.#active = null;
    return decision;
  }

  async undo(id: string, undo: Undo): Promise<LinkDecision | null> {
    const db = await this.db;
    const row = await db.selectFrom('link_decision').selectAll().where('id', '=', id).where('undone_at', 'is', null).executeTakeFirst();
    if (!row) return null;
    await db
      .updateTable('link_decision')
      .set({ undone_at: undo.at, undone_by_id: undo.byId, undone_by_name: undo.byName, undo_reason: undo.reason })
      .where('id', '=', id)
      .where('undone_at', 'is', null)
      .execute();
    this.#active = null;
    return toDecision(row);
  }
}
