import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { openStore, reusingStatements } from './database.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempFile = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'panorama-store-'));
  dirs.push(d);
  return path.join(d, 'nested', 'panorama.sqlite');
};

describe('the own store', () => {
  it('creates its file and folder, runs the migrations, and keeps rows across a reopen', async () => {
    const file = tempFile();
    const first = await openStore({ path: file });
    await first
      .insertInto('session')
      .values({ id_hash: 'h1', person_id: 'p1', email: 'a@b.example', name: 'A', role: 'admin', method: 'demo', created_at: 1, last_seen_at: 1, revoked_at: null, revoked_reason: null })
      .execute();
    await first.destroy();
    const second = await openStore({ path: file });
    const rows = await second.selectFrom('session').selectAll().execute();
    expect(rows.map((r) => r.person_id)).toEqual(['p1']);
    const migrations = await second.selectFrom('kysely_migration' as never).select('name' as never).execute();
    expect(migrations.length).toBeGreaterThan(0);
    await second.destroy();
  });

  it('names the file and the variable when it cannot open it', async () => {
    const blocker = path.join(path.dirname(path.dirname(tempFile())), 'a-file');
    writeFileSync(blocker, '');
    await expect(openStore({ path: path.join(blocker, 'x.sqlite') })).rejects.toThrow(/a-file.*PANORAMA_STORE_PATH/);
  });

  it('prepares a query text once and reuses its statement, never while it is still iterating rows', async () => {
    const database = new SQLite(':memory:');
    let prepared = 0;
    const prepare = database.prepare.bind(database);
    database.prepare = ((text: string) => {
      prepared += 1;
      return prepare(text);
    }) as typeof database.prepare;
    database.exec('create table t (n integer)');
    const db = new Kysely<{ t: { n: number } }>({ dialect: new SqliteDialect({ database: reusingStatements(database) }) });
    await db.insertInto('t').values([{ n: 1 }, { n: 2 }, { n: 3 }]).execute();
    const before = prepared;
    for (let i = 0; i < 20; i++) expect((await db.selectFrom('t').selectAll().where('n', '>', 1).execute()).length).toBe(2);
    expect(prepared - before).toBe(1);
    // (Kysely's one connection runs a stream's rows before any other query; the kept statement is still never handed out busy)
    const statements = reusingStatements(database);
    const text = 'select n from t where n > ?';
    const seen: unknown[] = [];
    for (const row of statements.prepare(text).iterate([1])) seen.push(row, statements.prepare(text).all([2]));
    expect(seen).toEqual([{ n: 2 }, [{ n: 3 }], { n: 3 }, [{ n: 3 }]]);
    await db.destroy();
    expect(database.open).toBe(false);
  });
});
