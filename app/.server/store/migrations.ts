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
  '004-link-decisions': {
    async up(db: Kysely<unknown>) {
      // an admin's decision about one link (who, when, why), and its undoing; never a copy of customer data
      await db.schema
        .createTable('link_decision')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        // the order decisions were made in (two in one millisecond included): the latest about a record wins
        .addColumn('seq', 'bigint', (c) => c.notNull().unique())
        .addColumn('kind', 'varchar(16)', (c) => c.notNull())
        .addColumn('system', 'varchar(32)', (c) => c.notNull())
        .addColumn('account_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('record_id', 'varchar(100)', (c) => c.notNull())
        .addColumn('reason', 'varchar(500)')
        .addColumn('person_id', 'varchar(255)', (c) => c.notNull())
        .addColumn('person_name', 'varchar(255)', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('undone_at', 'bigint')
        .addColumn('undone_by_id', 'varchar(255)')
        .addColumn('undone_by_name', 'varchar(255)')
        .addColumn('undo_reason', 'varchar(500)')
        .execute();
      await db.schema.createIndex('link_decision_active').on('link_decision').columns(['undone_at', 'at']).execute();
    },
  },
  '005-webhooks': {
    async up(db: Kysely<unknown>) {
      // each vendor push received: who (the source's webhook), what (entities, record ids, counts), the outcome;
      // never the body, never a secret, never customer data beyond vendor record ids
      await db.schema
        .createTable('webhook_delivery')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('source', 'varchar(32)', (c) => c.notNull())
        .addColumn('outcome', 'varchar(16)', (c) => c.notNull())
        .addColumn('verified', 'integer', (c) => c.notNull())
        .addColumn('reason', 'varchar(300)')
        .addColumn('entities', 'text', (c) => c.notNull())
        .addColumn('dropped', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('webhook_delivery_source_at').on('webhook_delivery').columns(['source', 'at']).execute();
      // a secret a vendor hands over in a webhook handshake, one per source
      await db.schema
        .createTable('webhook_secret')
        .addColumn('source', 'varchar(32)', (c) => c.primaryKey())
        .addColumn('secret', 'varchar(512)', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  '006-connections': {
    async up(db: Kysely<unknown>) {
      // a vendor connection made on the connections page: its refresh token sealed (AES-256-GCM), never in clear
      await db.schema
        .createTable('connection')
        .addColumn('source', 'varchar(32)', (c) => c.primaryKey())
        .addColumn('token_blob', 'text', (c) => c.notNull())
        .addColumn('person_id', 'varchar(255)', (c) => c.notNull())
        .addColumn('person_name', 'varchar(255)', (c) => c.notNull())
        .addColumn('connected_at', 'bigint', (c) => c.notNull())
        .addColumn('last_refresh_at', 'bigint')
        .addColumn('last_error', 'varchar(500)')
        .execute();
    },
  },
};

export const inCodeMigrations: MigrationProvider = { getMigrations: async () => MIGRATIONS };
