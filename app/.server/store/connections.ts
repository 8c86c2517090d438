import type { SourceId } from '../../../sources/kit/errors.js';
import { logger } from '../../../sources/kit/logger.js';
import type { TokenKeyring } from '../../../sources/kit/token-cipher.js';
import type { TokenStore } from '../../../sources/kit/token-store.js';
import type { StoreDb } from './database.js';

/** A connection as the connections page shows it; never the token. */
export type Connection = {
  source: SourceId;
  byId: string;
  byName: string;
  connectedAt: number;
  lastRefreshAt: number | null;
  lastError: string | null;
};

/**
 * Vendor connections in Panorama's own store, each refresh token sealed under PANORAMA_ENCRYPTION_KEY. It is the
 * sources runtime's TokenStore: `load` answers from the tokens read at start-up (the runtime asks synchronously),
 * `save` writes a rotated refresh token back before it is used, so nothing is lost across a restart.
 */
export class ConnectionDbStore implements TokenStore {
  readonly #db: Promise<StoreDb>;
  readonly #keys: TokenKeyring;
  readonly #now: () => number;
  readonly #tokens = new Map<SourceId, string>();

  readonly #fallback: TokenStore | null;

  /** `fallback` answers `load` for a source with no connection here (PANORAMA_TOKEN_FILE, when set). */
  constructor(db: StoreDb | Promise<StoreDb>, keys: TokenKeyring, now: () => number, fallback: TokenStore | null = null) {
    this.#fallback = fallback;
    this.#db = Promise.resolve(db);
    this.#keys = keys;
    this.#now = now;
  }

  /**
   * Reads every connection's token; one sealed under PANORAMA_ENCRYPTION_KEY_PREVIOUS is re-sealed under the
   * current key. Returns how many were re-sealed; one neither key opens is marked failing and not used.
   */
  async start(): Promise<{ resealed: number; unreadable: SourceId[] }> {
    const rows = await (await this.#db).selectFrom('connection').select(['source', 'token_blob']).execute();
    let resealed = 0;
    const unreadable: SourceId[] = [];
    for (const row of rows) {
      const source = row.source as SourceId;
      try {
        const { plain, stale } = this.#keys.open(row.token_blob);
        this.#tokens.set(source, plain);
        if (stale) {
          await (await this.#db).updateTable('connection').set({ token_blob: this.#keys.seal(plain) }).where('source', '=', source).execute();
          resealed++;
        }
      } catch {
        unreadable.push(source);
        logger.error({ source }, 'connections: the stored token cannot be decrypted with PANORAMA_ENCRYPTION_KEY (or _PREVIOUS)');
        await (await this.#db)
          .updateTable('connection')
          .set({ last_error: 'The stored token cannot be decrypted with the configured encryption key; connect again.' })
          .where('source', '=', source)
          .execute();
      }
    }
    return { resealed, unreadable };
  }

  load(source: SourceId): string | null {
    return this.#tokens.get(source) ?? this.#fallback?.load(source) ?? null;
  }

  /** A rotated refresh token from the runtime: sealed and stored, with the time of the refresh. */
  async save(source: SourceId, refreshToken: string): Promise<void> {
    this.#tokens.set(source, refreshToken);
    // PANORAMA_TOKEN_FILE keeps its copy too: it is what a client built before `start` finished reads after a restart
    await this.#fallback?.save(source, refreshToken);
    const res = await (await this.#db)
      .updateTable('connection')
      .set({ token_blob: this.#keys.seal(refreshToken), last_refresh_at: this.#now(), last_error: null })
      .where('source', '=', source)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) await this.connect(source, refreshToken, { id: 'system', name: 'Panorama' });
  }

  /** A refresh that kept the refresh token (one that does not rotate): only its time is noted, on a connection made here. */
  async refreshed(source: SourceId): Promise<void> {
    if (!this.#tokens.has(source)) return;
    await (await this.#db).updateTable('connection').set({ last_refresh_at: this.#now(), last_error: null }).where('source', '=', source).execute();
  }

  /** A connection made by an admin (OAuth callback or a checked pasted token); replaces an earlier one. */
  async connect(source: SourceId, token: string, by: { id: string; name: string }): Promise<void> {
    const row = {
      source,
      token_blob: this.#keys.seal(token),
      person_id: by.id,
      person_name: by.name,
      connected_at: this.#now(),
      last_refresh_at: null,
      last_error: null,
    };
    await (await this.#db).transaction().execute(async (trx) => {
      await trx.deleteFrom('connection').where('source', '=', source).execute();
      await trx.insertInto('connection').values(row).execute();
    });
    this.#tokens.set(source, token);
  }

  /** Records why the source failed with this connection (words for the page, never a token). */
  async failed(source: SourceId, message: string): Promise<void> {
    await (await this.#db).updateTable('connection').set({ last_error: message.slice(0, 500) }).where('source', '=', source).execute();
  }

  async disconnect(source: SourceId): Promise<boolean> {
    this.#tokens.delete(source);
    const res = await (await this.#db).deleteFrom('connection').where('source', '=', source).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  async list(): Promise<Connection[]> {
    const rows = await (await this.#db).selectFrom('connection').selectAll().orderBy('source').execute();
    return rows.map((r) => ({
      source: r.source as SourceId,
      byId: r.person_id,
      byName: r.person_name,
      connectedAt: Number(r.connected_at),
      lastRefreshAt: r.last_refresh_at === null ? null : Number(r.last_refresh_at),
      lastError: r.last_error,
    }));
  }
}
