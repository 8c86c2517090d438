import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type Dialect } from 'kysely';
import { inCodeMigrations } from './migrations.js';
import type { StoreTables } from './schema.js';

export type StoreDb = Kysely<StoreTables>;

export type StoreOptions = {
  /** SQLite file, or `:memory:` for a store that lasts as long as the process. */
  path: string;
};

/**
 * The one place the SQL dialect is chosen. Today SQLite through better-sqlite3 (one instance, one file); a
 * PostgreSQL dialect (kysely's PostgresDialect over `pg`) goes here when several instances share one store,
 * and nothing else changes: queries and migrations only use SQL both accept.
 */
function createDialect(opts: StoreOptions): Dialect {
  if (opts.path !== ':memory:') mkdirSync(path.dirname(path.resolve(opts.path)), { recursive: true });
  const database = new SQLite(opts.path);
  // WAL: readers (the admin's audit page) never block the writer; NORMAL sync is durable across a process crash
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  return new SqliteDialect({ database });
}

/** Opens the store and brings its tables up to date; throws (naming the file) if it cannot. */
export async function openStore(opts: StoreOptions): Promise<StoreDb> {
  let db: StoreDb;
  try {
    db = new Kysely<StoreTables>({ dialect: createDialect(opts) });
  } catch (e) {
    throw new Error(`Panorama could not open its store at ${opts.path} (PANORAMA_STORE_PATH): ${e instanceof Error ? e.message : String(e)}`);
  }
  const { error, results } = await new Migrator({ db, provider: inCodeMigrations }).migrateToLatest();
  if (error) {
    await db.destroy();
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Panorama could not migrate its store at ${opts.path} (migration ${failed}): ${error instanceof Error ? error.message : String(error)}`);
  }
  return db;
}
