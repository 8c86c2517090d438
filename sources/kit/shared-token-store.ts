import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SourceId } from './errors.js';
import { logger } from './logger.js';
import type { SharedState } from './shared-state.js';
import { TokenCipher } from './token-cipher.js';

export { TokenCipher } from './token-cipher.js';
import type { CoordinatedTokenStore, TokenGrant, TokenStore } from './token-store.js';

/** What Redis holds per source, encrypted: the newest grant and its generation (one more on every refresh). */
type Stored = { refreshToken: string; accessToken: string | null; accessTokenExpiresAt: number; generation: number };

/** How long one refresh may hold the lock (a refresh is one HTTP call with its own timeout, well under this). */
const LOCK_TTL_MS = 15_000;
/** How often, and how many times, an instance waiting for another's refresh looks for the new token (20 s in all). */
const WAIT_STEP_MS = 50;
const WAIT_STEPS = 400;
/** An access token this close to its expiry is not handed out; it is refreshed. */
const EXPIRY_SKEW_MS = 60_000;

/**
 * The rotating OAuth tokens shared by every instance through Redis (encrypted), with a lock around refresh:
 * exactly one instance refreshes, the others wait and then use the token it stored. Every token is also kept in
 * the instance's own store (memory, or PANORAMA_TOKEN_FILE): while Redis is down the instance refreshes on its
 * own from the newest token it has seen, and what it got then is written back to Redis when Redis returns (unless
 * Redis meanwhile holds a newer generation), so no rotated token is lost.
 */
export class RedisTokenStore implements CoordinatedTokenStore {
  readonly #shared: SharedState;
  readonly #local: TokenStore;
  readonly #cipher: TokenCipher;
  /** The newest generation this instance has seen per source. */
  readonly #seen = new Map<SourceId, number>();
  /** Grants got while Redis was down, to write back. */
  readonly #pending = new Map<SourceId, Stored>();

  constructor(shared: SharedState, local: TokenStore, secret: string) {
    this.#shared = shared;
    this.#local = local;
    this.#cipher = new TokenCipher(secret);
    shared.onModeChange((mode) => {
      if (mode === 'redis') void this.flush();
    });
  }

  #key(source: SourceId): string {
    return this.#shared.key(`tokens:${source}`);
  }

  /** Grants not yet in Redis (for the admin page and tests): how many sources wait for write-back. */
  get pendingWriteBack(): number {
    return this.#pending.size;
  }

  load(source: SourceId): string | null {
    return this.#local.load(source);
  }

  async refreshed(source: SourceId): Promise<void> {
    await this.#local.refreshed?.(source);
  }

  async save(source: SourceId, refreshToken: string): Promise<void> {
    await this.#local.save(source, refreshToken);
    const stored: Stored = { refreshToken, accessToken: null, accessTokenExpiresAt: 0, generation: (this.#seen.get(source) ?? 0) + 1 };
    if (!(await this.#write(source, stored))) this.#pending.set(source, stored);
  }

  /** The stored grant; null when none, 'down' when Redis cannot be read. An unreadable one (another key) is none. */
  async #read(source: SourceId): Promise<Stored | null | 'down'> {
    const got = await this.#shared.run<string | null | 'down'>((r) => r.hget(this.#key(source), 'data'), () => 'down' as const);
    if (got === 'down' || got === null) return got;
    try {
      const s = JSON.parse(this.#cipher.open(got)) as Stored;
      this.#seen.set(source, Math.max(this.#seen.get(source) ?? 0, s.generation));
      return s;
    } catch {
      logger.error({ source }, 'shared token store: the stored token cannot be decrypted (PANORAMA_ENCRYPTION_KEY differs between instances?)');
      return null;
    }
  }

  /** Writes a grant unless Redis holds a newer generation; false when Redis could not be written. */
  async #write(source: SourceId, s: Stored): Promise<boolean> {
    const ok = await this.#shared.run(
      async (r) =>
        (await r.eval(
          `local g = tonumber(redis.call('HGET', KEYS[1], 'generation') or '0')
           if tonumber(ARGV[2]) > g then redis.call('HSET', KEYS[1], 'data', ARGV[1], 'generation', ARGV[2]) return 1 end
           return 0`,
          1,
          this.#key(source),
          this.#cipher.seal(JSON.stringify(s)),
          String(s.generation),
        )) !== undefined,
      () => false,
    );
    if (ok) this.#seen.set(source, Math.max(this.#seen.get(source) ?? 0, s.generation));
    return ok;
  }

  /** Writes back what was got while Redis was down. */
  async flush(): Promise<void> {
    for (const [source, s] of [...this.#pending]) {
      if (await this.#write(source, s)) {
        this.#pending.delete(source);
        logger.info({ source }, 'shared token store: the token got while Redis was down is stored in Redis again');
      }
    }
  }

  async refreshOnce(source: SourceId, stale: string | null, refresh: (refreshToken: string | null) => Promise<TokenGrant>, nowMs: number = this.#shared.clock.now()): Promise<TokenGrant> {
    const usable = (s: Stored | null | 'down'): s is Stored & { accessToken: string } =>
      s !== null && s !== 'down' && s.accessToken !== null && s.accessToken !== stale && s.accessTokenExpiresAt - EXPIRY_SKEW_MS > nowMs;
    const lockKey = this.#shared.key(`tokens:${source}:lock`);
    const holder = randomUUID();
    for (let step = 0; step < WAIT_STEPS; step++) {
      const taken = await this.#shared.run<boolean | 'down'>(async (r) => (await r.set(lockKey, holder, 'PX', LOCK_TTL_MS, 'NX')) === 'OK', () => 'down' as const);
      if (taken === 'down') return this.#refreshAlone(source, refresh);
      const current = await this.#read(source);
      if (usable(current)) {
        // another instance refreshed: its token, and the refresh token it got, are the ones to use
        if (taken) await this.#unlock(lockKey, holder);
        await this.#local.save(source, current.refreshToken);
        return { accessToken: current.accessToken, refreshToken: current.refreshToken, accessTokenExpiresAt: current.accessTokenExpiresAt };
      }
      if (taken) {
        try {
          const from = current && current !== 'down' ? current.refreshToken : this.#local.load(source);
          const grant = await refresh(from);
          await this.#keep(source, grant, (current && current !== 'down' ? current.generation : (this.#seen.get(source) ?? 0)) + 1);
          return grant;
        } finally {
          await this.#unlock(lockKey, holder);
        }
      }
      await sleep(WAIT_STEP_MS);
    }
    throw new Error(`another Panorama instance holds the ${source} token refresh for more than ${(WAIT_STEPS * WAIT_STEP_MS) / 1000} s`);
  }

  /** Redis down: refresh from the newest token this instance has, keep the result for write-back. */
  async #refreshAlone(source: SourceId, refresh: (refreshToken: string | null) => Promise<TokenGrant>): Promise<TokenGrant> {
    const grant = await refresh(this.#local.load(source));
    await this.#keep(source, grant, (this.#seen.get(source) ?? 0) + 1);
    return grant;
  }

  /** The new grant: in the local store first (it must never be lost), then in Redis, or pending write-back. */
  async #keep(source: SourceId, grant: TokenGrant, generation: number): Promise<void> {
    await this.#local.save(source, grant.refreshToken);
    const stored: Stored = { ...grant, generation };
    this.#seen.set(source, Math.max(this.#seen.get(source) ?? 0, generation));
    if (!(await this.#write(source, stored))) this.#pending.set(source, stored);
    else this.#pending.delete(source);
  }

  async #unlock(lockKey: string, holder: string): Promise<void> {
    await this.#shared.run(
      (r) => r.eval(`if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`, 1, lockKey, holder),
      () => 0,
    );
  }
}
