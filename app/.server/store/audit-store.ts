import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { AuditRecord, AuditSink } from '../../../graphql/audit.js';
import { errorForLog, logger } from '../../../sources/kit/logger.js';
import { serialiseWriters, type StoreDb } from './database.js';
import type { AuditTable } from './schema.js';

const GENESIS = '0'.repeat(64);
const chainLog = logger.child({ audit: true });
type Fields = Omit<AuditTable, 'hash'>;

/** The chained hash of one row: its fields in a fixed order, after the previous row's hash. */
export function hashOf(r: Fields): string {
  const canonical = JSON.stringify([r.seq, r.at, r.request_id, r.person_id, r.role, r.operation, r.customer_ids, r.customer_count, r.field_groups, r.errors, r.reused, r.prev_hash]);
  return createHash('sha256').update(canonical).digest('hex');
}

export type AuditFilter = { person?: string; customer?: string; group?: string; from?: number; to?: number };
export type AuditRow = Omit<AuditRecord, 'ms'> & { seq: number };

/** `%` and `_` in a value searched with LIKE stand for themselves. */
const likeLiteral = (v: string) => v.replace(/[\\%_]/g, (c) => `\\${c}`);

export type ChainCheck = { ok: true; records: number } | { ok: false; records: number; brokenAt: number; problem: string };

/**
 * The read audit in the own store: append-only, each record chained to the one before by a SHA-256 hash, so a
 * row deleted, edited or inserted afterwards breaks the chain at that row. Writes are queued one after another
 * (the chain needs the previous hash); a failed write is logged, never thrown into a reader's request.
 */
export class AuditStore implements AuditSink {
  private tail: Promise<void> = Promise.resolve();
  constructor(private readonly db: Promise<StoreDb>) {}

  write(record: AuditRecord): void {
    this.tail = this.tail.then(() => this.append(record)).catch((e: unknown) => logger.error({ err: errorForLog(e), requestId: record.requestId }, 'audit record could not be stored'));
  }

  /** Resolves when every record written so far is stored. */
  flushed(): Promise<void> {
    return this.tail;
  }

  private async append(r: AuditRecord): Promise<void> {
    const db = await this.db;
    await db.transaction().execute(async (trx) => {
      await serialiseWriters(trx, 'audit');
      const last = await trx.selectFrom('audit_record').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
      const fields: Fields = {
        seq: last ? Number(last.seq) + 1 : 1,
        at: r.at,
        request_id: r.requestId.slice(0, 64),
        person_id: r.userId,
        role: r.role,
        operation: r.operation.slice(0, 100),
        customer_ids: JSON.stringify(r.customerIds),
        customer_count: r.customerCount,
        field_groups: JSON.stringify(r.fieldGroups),
        errors: r.errors,
        reused: r.reused ? 1 : 0,
        prev_hash: last?.hash ?? GENESIS,
      };
      const hash = hashOf(fields);
      await trx.insertInto('audit_record').values({ ...fields, hash }).execute();
      // the chain's head in the log too: a copy outside the store shows rows cut from its end
      chainLog.info({ seq: fields.seq, hash, requestId: fields.request_id, customers: fields.customer_count }, 'audit record');
    });
  }

  /**
   * Retention: removes the records older than `cutoff` (epoch ms). The chain then starts at an anchor (the last
   * removed record's seq and hash), and the removal is itself a chained record (operation AuditRetention, its
   * customer count the number removed), so a pruned chain still verifies and a silent removal does not.
   */
  async prune(cutoff: number, now: number): Promise<number> {
    const db = await this.db;
    let removed = 0;
    await (this.tail = this.tail.then(async () => {
      await db.transaction().execute(async (trx) => {
        await serialiseWriters(trx, 'audit');
        const last = await trx.selectFrom('audit_record').select(['seq', 'hash']).where('at', '<', cutoff).orderBy('seq', 'desc').limit(1).executeTakeFirst();
        if (!last) return;
        const r = await trx.deleteFrom('audit_record').where('seq', '<=', Number(last.seq)).executeTakeFirst();
        removed = Number(r.numDeletedRows);
        await trx.deleteFrom('audit_anchor').execute();
        await trx.insertInto('audit_anchor').values({ id: 1, seq: Number(last.seq), hash: last.hash, at: now }).execute();
      });
    }));
    if (removed) {
      this.write({ requestId: 'retention', at: now, userId: null, role: null, operation: 'AuditRetention', customerIds: [], customerCount: removed, fieldGroups: [], errors: 0, reused: false, ms: 0 });
      await this.flushed();
    }
    return removed;
  }

  /** Records matching the filter, newest first, one page at a time, with the number matching in all. */
  async search(f: AuditFilter, page: { offset: number; limit: number }): Promise<{ rows: AuditRow[]; total: number }> {
    const db = await this.db;
    let q = db.selectFrom('audit_record');
    if (f.person) q = q.where('person_id', '=', f.person);
    // ids and groups are stored as JSON arrays of strings: match the quoted element (portable LIKE with an escape)
    if (f.customer) q = q.where(sql<boolean>`customer_ids like ${`%${likeLiteral(JSON.stringify(f.customer))}%`} escape '\\'`);
    if (f.group) q = q.where(sql<boolean>`field_groups like ${`%${likeLiteral(JSON.stringify(f.group))}%`} escape '\\'`);
    if (f.from !== undefined) q = q.where('at', '>=', f.from);
    if (f.to !== undefined) q = q.where('at', '<', f.to);
    const [rows, count] = await Promise.all([
      q.selectAll().orderBy('seq', 'desc').offset(page.offset).limit(page.limit).execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return {
      total: Number(count.n),
      rows: rows.map((r) => ({
        seq: Number(r.seq),
        at: Number(r.at),
        requestId: r.request_id,
        userId: r.person_id,
        role: r.role,
        operation: r.operation,
        customerIds: JSON.parse(r.customer_ids) as string[],
        customerCount: r.customer_count,
        fieldGroups: JSON.parse(r.field_groups) as string[],
        errors: r.errors,
        reused: r.reused === 1,
      })),
    };
  }

  /** Walks the whole chain in order: every row's hash recomputed, every link and sequence number checked. */
  async verify(): Promise<ChainCheck> {
    const db = await this.db;
    const anchor = await db.selectFrom('audit_anchor').selectAll().executeTakeFirst();
    let prev = anchor?.hash ?? GENESIS;
    let expected = anchor ? Number(anchor.seq) + 1 : 1;
    let records = 0;
    const page = 1000;
    for (let after = 0; ; ) {
      const rows = await db.selectFrom('audit_record').selectAll().where('seq', '>', after).orderBy('seq').limit(page).execute();
      for (const row of rows) {
        const seq = Number(row.seq);
        if (seq !== expected) return { ok: false, records, brokenAt: expected, problem: `record ${expected} is missing (next is ${seq})` };
        const { hash, ...fields } = row;
        if (row.prev_hash !== prev) return { ok: false, records, brokenAt: seq, problem: `record ${seq} does not follow record ${seq - 1}` };
        if (hashOf({ ...fields, seq, at: Number(row.at) }) !== hash) return { ok: false, records, brokenAt: seq, problem: `record ${seq} was changed after it was written` };
        prev = hash;
        expected = seq + 1;
        records += 1;
      }
      if (rows.length < page) return { ok: true, records };
      after = Number(rows[rows.length - 1]!.seq);
    }
  }
}
