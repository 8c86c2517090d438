import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../../graphql/audit.js';
import { AuditStore } from './audit-store.js';
import { openStore, type StoreDb } from './database.js';

const open: StoreDb[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.destroy();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
async function filled(n: number, file = ':memory:') {
  const db = await openStore({ path: file });
  open.push(db);
  const store = new AuditStore(Promise.resolve(db));
  for (let i = 1; i <= n; i++) store.write(record(i));
  await store.flushed();
  return { db, store };
}
const record = (i: number): AuditRecord => ({ requestId: `req-${i}`, at: 1_760_000_000_000 + i, userId: 'p-1', role: 'support', operation: 'Customer', customerIds: [`00${i}`], customerCount: 1, fieldGroups: ['IDENTITY', 'TICKETS'], errors: 0, reused: false, ms: 3 });

describe('the read audit in the store', () => {
  it('appends records in order, chained, and the chain verifies', async () => {
    const { db, store } = await filled(5);
    const rows = await db.selectFrom('audit_record').selectAll().orderBy('seq').execute();
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(rows[1]!.prev_hash).toBe(rows[0]!.hash);
    expect(JSON.parse(rows[2]!.customer_ids)).toEqual(['003']);
    expect(await store.verify()).toEqual({ ok: true, records: 5 });
  });

  it('detects an edited row', async () => {
    const { db, store } = await filled(5);
    await db.updateTable('audit_record').set({ customer_ids: '[]' }).where('seq', '=', 3).execute();
    expect(await store.verify()).toMatchObject({ ok: false, brokenAt: 3, problem: 'record 3 was changed after it was written' });
  });

  it('detects a deleted row, and a row re-hashed to hide an edit', async () => {
    const { db, store } = await filled(5);
    await db.deleteFrom('audit_record').where('seq', '=', 2).execute();
    expect(await store.verify()).toMatchObject({ ok: false, brokenAt: 2, problem: 'record 2 is missing (next is 3)' });
    const again = await filled(4);
    await sql`update audit_record set hash = ${'f'.repeat(64)} where seq = 2`.execute(again.db);
    expect(await again.store.verify()).toMatchObject({ ok: false, brokenAt: 2 });
  });

  it('retention removes old records, anchors the chain, records the removal, and still detects a later deletion', async () => {
    const { db, store } = await filled(5);
    expect(await store.prune(1_760_000_000_000 + 3.5, 1_770_000_000_000)).toBe(3);
    const rows = await db.selectFrom('audit_record').selectAll().orderBy('seq').execute();
    expect(rows.map((r) => [r.seq, r.operation, r.customer_count])).toEqual([
      [4, 'Customer', 1],
      [5, 'Customer', 1],
      [6, 'AuditRetention', 3],
    ]);
    expect(await store.verify()).toEqual({ ok: true, records: 3 });
    expect(await store.prune(1_760_000_000_000, 1_770_000_000_000)).toBe(0);
    await db.deleteFrom('audit_record').where('seq', '=', 4).execute();
    expect(await store.verify()).toMatchObject({ ok: false, brokenAt: 4 });
  });

  it('finds records by person, customer, field group and date range, newest first, a page at a time', async () => {
    const db = await openStore({ path: ':memory:' });
    open.push(db);
    const store = new AuditStore(Promise.resolve(db));
    store.write({ ...record(1), customerIds: ['001A', '001B'], fieldGroups: ['BILLING'] });
    store.write({ ...record(2), userId: 'p-2', customerIds: ['001B'] });
    store.write({ ...record(3), customerIds: ['001_x'] });
    store.write({ ...record(4), customerIds: ['001AX'] });
    await store.flushed();
    const seqs = async (f: Parameters<AuditStore['search']>[0], offset = 0, limit = 10) => (await store.search(f, { offset, limit })).rows.map((r) => r.seq);
    expect(await seqs({ customer: '001B' })).toEqual([2, 1]);
    expect(await seqs({ customer: '001A' })).toEqual([1]); // not 001AX
    expect(await seqs({ customer: '001%' })).toEqual([]); // LIKE wildcards are literal
    expect(await seqs({ customer: '001_x' })).toEqual([3]);
    expect(await seqs({ person: 'p-2' })).toEqual([2]);
    expect(await seqs({ group: 'BILLING' })).toEqual([1]);
    expect(await seqs({ from: 1_760_000_000_002, to: 1_760_000_000_004 })).toEqual([3, 2]);
    expect(await store.search({}, { offset: 1, limit: 2 })).toMatchObject({ total: 4, rows: [{ seq: 3 }, { seq: 2 }] });
  });

  it('survives a restart and keeps chaining after it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'panorama-audit-'));
    dirs.push(dir);
    const file = path.join(dir, 'store.sqlite');
    const first = await filled(3, file);
    await first.db.destroy();
    open.splice(open.indexOf(first.db), 1);
    const db = await openStore({ path: file });
    open.push(db);
    const store = new AuditStore(Promise.resolve(db));
    store.write(record(4));
    await store.flushed();
    expect(await store.verify()).toEqual({ ok: true, records: 4 });
  });
});
