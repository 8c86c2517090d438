import type { Kysely, Migration, MigrationProvider } from 'kysely';

/**
 * The store's migrations, in code so the build carries them (no folder to ship beside it). Append only: a
 * released migration is never edited; names sort in the order they run. Only portable SQL (SQLite and
 * PostgreSQL) through Kysely's schema builder.
 */
export const MIGRATIONS: Record<string, Migration> = {
  '001-sessions': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('session')
        .addColumn('id_hash', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('person_id', 'varchar(255)', (c) => c.notNull())
        .addColumn('email', 'varchar(320)', (c) => c.notNull())
        .addColumn('name', 'varchar(255)', (c) => c.notNull())
        .addColumn('role', 'varchar(32)', (c) => c.notNull())
        .addColumn('method', 'varchar(16)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .addColumn('revoked_reason', 'varchar(32)')
        .execute();
      await db.schema.createIndex('session_person').on('session').column('person_id').execute();
    },
  },
  '002-audit': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('audit_record')
        .addColumn('seq', 'bigint', (c) => c.primaryKey())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('request_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('person_id', 'varchar(255)')
        .addColumn('role', 'varchar(32)')
        .addColumn('operation', 'varchar(100)', (c) => c.notNull())
        .addColumn('customer_ids', 'text', (c) => c.notNull())
        .addColumn('customer_count', 'integer', (c) => c.notNull())
        .addColumn('field_groups', 'text', (c) => c.notNull())
        .addColumn('errors', 'integer', (c) => c.notNull())
        .addColumn('reused', 'integer', (c) => c.notNull())
        .addColumn('prev_hash', 'varchar(64)', (c) => c.notNull())
        .addColumn('hash', 'varchar(64)', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_record_at').on('audit_record').column('at').execute();
      await db.schema.createIndex('audit_record_person').on('audit_record').columns(['person_id', 'at']).execute();
    },
  },
  '003-audit-anchor': {
    async up(db: Kysely<unknown>) {
      // where the chain starts after retention removed older records: the last removed record's seq and hash
      await db.schema
        .createTable('audit_anchor')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('hash', 'varchar(64)', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
};

export const inCodeMigrations: MigrationProvider = { getMigrations: async () => MIGRATIONS };
