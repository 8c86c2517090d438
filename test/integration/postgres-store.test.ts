/**
 * Panorama's own store on a real PostgreSQL (DATABASE_URL), as several instances use it: two stores opened at once
 * migrate once; a session started on one instance is live on the other and ends on both; both instances append
 * to one audit chain that still verifies; a link decision recorded on one is in force on the other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../graphql/audit.js';
import { parseAuthSettings } from '../../app/.server/auth-settings.js';
import { AuditStore } from '../../app/.server/store/audit-store.js';
import { openStore, storeEngine, storeLocation, type StoreDb } from '../../app/.server/store/database.js';
import { LinkDecisionDbStore } from '../../app/.server/store/link-decisions.js';
import { SessionStore } from '../../app/.server/store/sessions.js';
import { manualClock } from '../../sources/kit/clock.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';

let server: TestPostgres;
const open: StoreDb[] = [];
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(async () => {
  for (const db of open.splice(0)) await db.destroy();
  await server?.close();
});

/** Two instances of Panorama: two stores (two connection pools) on one database. */
async function twoInstances(): Promise<[StoreDb, StoreDb]> {
  const url = await server.database();
  const [a, b] = await Promise.all([openStore({ path: 'unused.sqlite', url }), openStore({ path: 'unused.sqlite', url })]);
  open.push(a, b);
  return [a, b];
}

const record = (i: number, who: string): AuditRecord => ({ requestId: `${who}-${i}`, at: 1_760_000_000_000 + i, userId: who, role: 'support', operation: 'Customer', customerIds: [`00${i}`], customerCount: 1, fieldGroups: ['IDENTITY'], errors: 0, reused: false, ms: 2 });

describe('the own store on PostgreSQL', () => {
  it('is chosen by DATABASE_URL, named without its password, and migrated once when two instances start together', async () => {
    const url = await server.database();
    expect(parseAuthSettings({ DATABASE_URL: url }).DATABASE_URL).toBe(url);
    expect(() => parseAuthSettings({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL must be a PostgreSQL URL/);
    expect(storeLocation({ path: 'x', url: 'postgres://panorama:s3cret@db.internal:5432/panorama' })).toBe('postgres://db.internal:5432/panorama (DATABASE_URL)');
    const [a, b] = await twoInstances();
    expect(storeEngine(a)).toBe('postgresql');
    const migrations = await a.selectFrom('kysely_migration' as never).selectAll().execute();
    expect(migrations.length).toBeGreaterThanOrEqual(4);
    expect(new Set(migrations.map((m) => (m as { name: string }).name)).size).toBe(migrations.length);
    expect(await b.selectFrom('session').selectAll().execute()).toEqual([]);
  });

  it('names the database, not its password, when it cannot be reached', async () => {
    await expect(openStore({ path: 'x', url: `postgres://panorama:hunter2@127.0.0.1:${server.port + 1}/nowhere` })).rejects.toThrow(/postgres:\/\/127\.0\.0\.1:\d+\/nowhere \(DATABASE_URL\)/);
    await expect(openStore({ path: 'x', url: `postgres://panorama:hunter2@127.0.0.1:${server.port + 1}/nowhere` })).rejects.not.toThrow(/hunter2/);
  });

  it('a session started on one instance is live on the other, and ended there it is ended everywhere', async () => {
    const [a, b] = await twoInstances();
    const clock = manualClock('2026-03-02T09:00:00Z');
    const limits = { idleMs: 30 * 60_000, absoluteMs: 8 * 3_600_000 };
    const onA = new SessionStore(a, clock, limits);
    const onB = new SessionStore(b, clock, limits);
    const id = await onA.create({ personId: 'p-7', email: 'riley@example.com', name: 'Riley', role: 'support', method: 'oidc' });
    clock.advance(5 * 60_000);
    expect(await onB.touch(id)).toMatchObject({ personId: 'p-7', role: 'support', createdAt: Date.parse('2026-03-02T09:00:00Z') });
    await onB.revoke(id);
    expect(await onA.touch(id)).toBeNull();
  });

  it('both instances append to one audit chain at once, and it verifies with every record in it', async () => {
    const [a, b] = await twoInstances();
    const onA = new AuditStore(Promise.resolve(a));
    const onB = new AuditStore(Promise.resolve(b));
    for (let i = 1; i <= 120; i++) {
      onA.write(record(i, 'a'));
      onB.write(record(i, 'b'));
    }
    await Promise.all([onA.flushed(), onB.flushed()]);
    const rows = await a.selectFrom('audit_record').select(['seq', 'request_id']).orderBy('seq').execute();
    expect(rows).toHaveLength(240);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 240 }, (_, i) => i + 1));
    expect(await onB.verify()).toEqual({ ok: true, records: 240 });
    expect(await onA.search({ person: 'b' }, { offset: 0, limit: 5 })).toMatchObject({ total: 120 });
  });

  it('a link decision recorded or undone on one instance is in force, or not, on the other at its next read', async () => {
    const [a, b] = await twoInstances();
    const onA = new LinkDecisionDbStore(a);
    const onB = new LinkDecisionDbStore(b);
    const before = await onB.active();
    expect(before).toEqual([]);
    expect(await onB.active()).toBe(before);
    const d = await onA.record({ kind: 'REJECT', source: 'quickbooks', accountId: '001A', recordId: '58', reason: 'different company', byId: 'p-1', byName: 'Morgan', at: 1_760_000_000_000 });
    expect((await onB.active()).map((x) => x.id)).toEqual([d.id]);
    await onB.undo(d.id, { byId: 'p-1', byName: 'Morgan', at: 1_760_000_100_000, reason: 'wrong call' });
    expect(await onA.active()).toEqual([]);
  });
});
