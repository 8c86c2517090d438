import { randomUUID } from 'node:crypto';
import type { WebhookDelivery } from '../../../sources/runtime.js';
import type { SourceId } from '../../../sources/kit/errors.js';
import type { WebhookSecretStore } from '../../../sources/kit/webhooks.js';
import type { StoreDb } from './database.js';

/**
 * The audit of webhook deliveries, beside (not inside) the read audit: the read audit's chain records people's
 * reads of customer data; a delivery is a vendor's operation on Panorama's cache (ADR 040).
 */
export class WebhookAuditStore {
  constructor(private readonly db: Promise<StoreDb> | StoreDb) {}

  async record(d: WebhookDelivery): Promise<void> {
    const db = await this.db;
    await db
      .insertInto('webhook_delivery')
      .values({ id: randomUUID(), at: d.at, source: d.source, outcome: d.outcome, verified: d.verified ? 1 : 0, reason: d.reason?.slice(0, 300) ?? null, entities: JSON.stringify(d.entities), dropped: d.dropped })
      .execute();
  }

  /** The latest deliveries, newest first (of one source, or all). */
  async recent(limit = 50, source?: SourceId): Promise<WebhookDelivery[]> {
    const db = await this.db;
    let q = db.selectFrom('webhook_delivery').selectAll().orderBy('at', 'desc').limit(Math.min(Math.max(1, limit), 500));
    if (source) q = q.where('source', '=', source);
    const rows = await q.execute();
    return rows.map((r) => ({
      at: Number(r.at),
      source: r.source as SourceId,
      outcome: r.outcome as WebhookDelivery['outcome'],
      verified: Number(r.verified) === 1,
      reason: r.reason,
      entities: JSON.parse(r.entities) as WebhookDelivery['entities'],
      dropped: Number(r.dropped),
    }));
  }
}

/** Handshake secrets in the own store, so every instance (on PostgreSQL) checks signatures with the same one. */
export class WebhookSecretDbStore implements WebhookSecretStore {
  constructor(
    private readonly db: Promise<StoreDb> | StoreDb,
    private readonly now: () => number,
  ) {}

  async get(source: string): Promise<string | null> {
    const db = await this.db;
    const row = await db.selectFrom('webhook_secret').select('secret').where('source', '=', source).executeTakeFirst();
    return row?.secret ?? null;
  }

  async set(source: string, secret: string): Promise<void> {
    const db = await this.db;
    await db.transaction().execute(async (trx) => {
      await trx.deleteFrom('webhook_secret').where('source', '=', source).execute();
      await trx.insertInto('webhook_secret').values({ source, secret, at: this.now() }).execute();
    });
  }
}
