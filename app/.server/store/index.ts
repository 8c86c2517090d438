import { authSettings } from '../auth-settings.js';
import { sql } from 'kysely';
import { openStore, storeEngine, type StoreDb } from './database.js';

declare global {
  // eslint-disable-next-line no-var
  var __panoramaStore: Promise<StoreDb> | undefined;
}

/**
 * The process's own store, opened and migrated once (kept on globalThis so a dev server's module reloads reuse
 * the connection). It is the SQLite file at PANORAMA_STORE_PATH, or PostgreSQL at DATABASE_URL when that is set.
 */
export function panoramaStore(): Promise<StoreDb> {
  globalThis.__panoramaStore ??= openStore({ path: authSettings().PANORAMA_STORE_PATH, url: authSettings().DATABASE_URL });
  return globalThis.__panoramaStore;
}

export type StoreReadiness = { engine: 'postgresql' | 'sqlite' | null; answering: boolean; reason: string | null };

/** Whether the own store answers a trivial query within 2 s (for /readyz); the reason names no secret. */
export async function storeReadiness(): Promise<StoreReadiness> {
  let engine: StoreReadiness['engine'] = authSettings().DATABASE_URL ? 'postgresql' : 'sqlite';
  try {
    const db = await panoramaStore();
    engine = storeEngine(db);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('no answer within 2 s')), 2_000);
    });
    await Promise.race([sql`select 1`.execute(db), late]).finally(() => clearTimeout(timer));
    return { engine, answering: true, reason: null };
  } catch (e) {
    // a store that failed to open is tried again on the next request
    if (!(e instanceof Error && e.message === 'no answer within 2 s')) globalThis.__panoramaStore = undefined;
    return { engine, answering: false, reason: e instanceof Error ? e.message.slice(0, 200) : 'unknown error' };
  }
}

export type { StoreDb } from './database.js';
