import { randomUUID } from 'node:crypto';
import type { WebhookDelivery } from '../../../sources/runtime.js';
import type { SourceId } from '../../../sources/kit/errors.js';
import type { WebhookSecretStore } from '../../../sources/kit/webhooks.js';
import type { TokenKeyring } from '../../../sources/kit/token-cipher.js';
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

/**
 * Handshake secrets in the own store, so every instance (on PostgreSQL) checks signatures with the same one; sealed
 * under PANORAMA_ENCRYPTION_KEY (AES-256-GCM) like the connections' tokens, never kept in clear. A secret sealed
 * under the previous key during a rotation is read and sealed again under the current one; one no key opens reads
 * as none (the vendor's next handshake sets a new one).
 */
export class WebhookSecretDbStore implements WebhookSecretStore {
  constructor(
    private readonly db: Promise<StoreDb> | StoreDb,
    private readonly keyring: TokenKeyring,
    private readonly now: () => number,
  ) {}

  async get(source: string): Promise<string | null> {
    const db = await this.db;
    const row = await db.selectFrom('webhook_secret').select('secret').where('source', '=', source).executeTakeFirst();
    if (!row) return null;
    let opened: { plain: string; stale: boolean };
    try {
      opened = this.keyring.open(row.secret);
    } catch {
      return null;
    }
    if (opened.stale) await this.set(source, opened.plain);
    return opened.plain;
  }

  async set(source: string, secret: string): Promise<void> {
    const db = await this.db;
    const sealed = this.keyring.seal(secret);
    await db.transaction().execute(async (trx) => {
      await trx.deleteFrom('webhook_secret').where('source', '=', source).execute();
      await trx.insertInto('webhook_secret').values({ source, secret: sealed, at: this.now() }).execute();
    });
  }
}
