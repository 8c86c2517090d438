import { authSettings } from '../auth-settings.js';
import { openStore, type StoreDb } from './database.js';

declare global {
  // eslint-disable-next-line no-var
  var __panoramaStore: Promise<StoreDb> | undefined;
}

/**
 * The process's own store, opened and migrated once (kept on globalThis so a dev server's module reloads reuse
 * the connection). Its path comes from PANORAMA_STORE_PATH.
 */
export function panoramaStore(): Promise<StoreDb> {
  globalThis.__panoramaStore ??= openStore({ path: authSettings().PANORAMA_STORE_PATH });
  return globalThis.__panoramaStore;
}

export type { StoreDb } from './database.js';
