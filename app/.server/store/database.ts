import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresAdapter, PostgresDialect, SqliteDialect, sql, type Dialect, type SqliteDatabase, type Transaction } from 'kysely';
import { LRUCache } from 'lru-cache';
import pg from 'pg';
import { inCodeMigrations } from './migrations.js';
import type { StoreTables } from './schema.js';

export type StoreDb = Kysely<StoreTables>;

export type StoreOptions = {
  /** SQLite file, or `:memory:` for a store that lasts as long as the process. */
  path: string;
  /** A PostgreSQL URL (DATABASE_URL): when set, the store lives there and `path` is not used. */
  url?: string | null;
};

/** PostgreSQL's bigint (int8, oid 20) arrives as a string; the store's bigints are epoch ms and sequence numbers, well inside 2^53. */
const INT8 = 20;
const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

/** Where the store is, for messages: the file, or the database host and name (never the password). */
export function storeLocation(opts: StoreOptions): string {
  if (!opts.url) return `${opts.path} (PANORAMA_STORE_PATH)`;
  try {
    const u = new URL(opts.url);
    return `postgres://${u.host}${u.pathname} (DATABASE_URL)`;
  } catch {
    return 'DATABASE_URL';
  }
}

/**
 * The one place the SQL dialect is chosen: SQLite through better-sqlite3 (one instance, one file), or PostgreSQL
 * through `pg` when DATABASE_URL is set (several instances, one store). Nothing else changes: queries and
 * migrations only use SQL both accept, and the few places that must serialise writers across instances call
 * `serialiseWriters`.
 */
function createDialect(opts: StoreOptions): Dialect {
  if (opts.url) {
    const pool = new pg.Pool({ connectionString: opts.url, max: 10, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 30_000, types: pgTypes });
    // an idle connection the server drops is replaced by the pool; it must not crash the process
    pool.on('error', () => undefined);
    return new PostgresDialect({ pool });
  }
  if (opts.path !== ':memory:') mkdirSync(path.dirname(path.resolve(opts.path)), { recursive: true });
  const database = new SQLite(opts.path);
  // WAL: readers (the admin's audit page) never block the writer; NORMAL sync is durable across a process crash
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  return new SqliteDialect({ database: reusingStatements(database) });
}

/**
 * The database as Kysely's SQLite driver sees it, with each query's prepared statement kept for the next query of
 * the same text (Kysely prepares every query anew: ~3 % of a `/graphql` request, which reads a session and appends
 * an audit record). Bounded: the store's queries are a few dozen texts. A statement still iterating a stream's
 * rows is busy; a query of the same text meanwhile gets one of its own.
 */
export function reusingStatements(database: SQLite.Database, max = 200): SqliteDatabase {
  const statements = new LRUCache<string, SQLite.Statement>({ max });
  return {
    prepare(text: string) {
      const kept = statements.get(text);
      if (kept && !kept.busy) return kept;
      const statement = database.prepare(text);
      if (!kept) statements.set(text, statement);
      return statement;
    },
    close() {
      statements.clear();
      database.close();
    },
  };
}

/** Opens the store and brings its tables up to date; throws (naming the file) if it cannot. */
export async function openStore(opts: StoreOptions): Promise<StoreDb> {
  let db: StoreDb;
  try {
    db = new Kysely<StoreTables>({ dialect: createDialect(opts) });
  } catch (e) {
    throw new Error(`Panorama could not open its store at ${storeLocation(opts)}: ${e instanceof Error ? e.message : String(e)}`);
  }
  // several instances starting at once migrate one after another (Kysely's migrator locks on PostgreSQL)
  const { error, results } = await new Migrator({ db, provider: inCodeMigrations }).migrateToLatest();
  if (error) {
    await db.destroy();
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    const why = error instanceof AggregateError ? error.errors.map((x: unknown) => (x instanceof Error ? x.message : String(x))).join('; ') : error instanceof Error ? error.message : String(error);
    throw new Error(`Panorama could not ${failed === 'unknown' ? 'reach or migrate' : 'migrate'} its store at ${storeLocation(opts)}${failed === 'unknown' ? '' : ` (migration ${failed})`}: ${why}`);
  }
  return db;
}

/**
 * Inside a transaction, waits until no other writer (on any instance) is in the same kind of write. On
 * PostgreSQL a transaction-scoped advisory lock, so two instances appending to the audit chain never both read
 * the same last record; on SQLite nothing is needed (one process writes, and a write transaction is exclusive).
 */
export async function serialiseWriters(trx: Transaction<StoreTables>, what: 'audit' | 'link-decisions'): Promise<void> {
  if (!(trx.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`select pg_advisory_xact_lock(hashtext(${`panorama:${what}`}))`.execute(trx);
}

/** Which engine the store runs on, for /readyz and the admin page. */
export function storeEngine(db: StoreDb): 'postgresql' | 'sqlite' {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgresql' : 'sqlite';
}
