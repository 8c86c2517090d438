import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { SourceId } from './errors.js';

/**
 * Where rotated refresh tokens are kept. QuickBooks issues a new refresh token on every refresh and the old one
 * soon stops working, so the new one must be stored before it is used, and read back after a restart.
 */
export interface TokenStore {
  load(source: SourceId): string | null;
  save(source: SourceId, refreshToken: string): Promise<void>;
  /** An access token was refreshed from the stored refresh token, which did not change (Salesforce's do not rotate). */
  refreshed?(source: SourceId): Promise<void>;
}

/** Tokens for the life of the process; enough for the sandbox and for tests. */
export class MemoryTokenStore implements TokenStore {
  readonly #tokens = new Map<SourceId, string>();
  load(source: SourceId): string | null {
    return this.#tokens.get(source) ?? null;
  }
  async save(source: SourceId, refreshToken: string): Promise<void> {
    this.#tokens.set(source, refreshToken);
  }
}

/** Tokens in a JSON file readable only by Panorama's user (0600), written atomically. */
export class FileTokenStore implements TokenStore {
  readonly #path: string;
  constructor(path: string) {
    this.#path = path;
  }
  #read(): Partial<Record<SourceId, string>> {
    if (!existsSync(this.#path)) return {};
    try {
      return JSON.parse(readFileSync(this.#path, 'utf8')) as Partial<Record<SourceId, string>>;
    } catch (e) {
      throw new Error(`The token file ${this.#path} is not valid JSON; fix or delete it (${(e as Error).message}).`);
    }
  }
  load(source: SourceId): string | null {
    return this.#read()[source] ?? null;
  }
  async save(source: SourceId, refreshToken: string): Promise<void> {
    const next = { ...this.#read(), [source]: refreshToken };
    const tmp = `${this.#path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(next, null, 2), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.#path);
  }
}

/** A token pair as a refresh returns it: the access token, until when it works, and the (rotated) refresh token. */
export type TokenGrant = { accessToken: string; refreshToken: string; accessTokenExpiresAt: number };

/**
 * A store that can run a refresh so that exactly one instance does it (the Redis one): `refresh` is called with
 * the newest stored refresh token under a lock; an instance that finds a grant newer than the access token it
 * holds (`stale`), stored meanwhile by another instance, uses that one and does not refresh.
 */
export interface CoordinatedTokenStore extends TokenStore {
  refreshOnce(source: SourceId, stale: string | null, refresh: (refreshToken: string | null) => Promise<TokenGrant>, nowMs?: number): Promise<TokenGrant>;
}

export const isCoordinated = (s: TokenStore): s is CoordinatedTokenStore => typeof (s as Partial<CoordinatedTokenStore>).refreshOnce === 'function';
