import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** AES-256-GCM with a key derived from a secret (PANORAMA_ENCRYPTION_KEY): no store holds a token in clear. */
export class TokenCipher {
  readonly #key: Buffer;
  constructor(secret: string) {
    this.#key = createHash('sha256').update(`panorama-token-store\0${secret}`).digest();
  }
  seal(plain: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.#key, iv);
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), body]).toString('base64');
  }
  open(sealed: string): string {
    const raw = Buffer.from(sealed, 'base64');
    const d = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, 12));
    d.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
  }
}

/**
 * The current key and, during a rotation, the previous one: sealing always uses the current key; opening tries
 * the current key, then the previous. `open` says which key opened a blob, so callers re-seal the old ones.
 */
export class TokenKeyring {
  readonly #current: TokenCipher;
  readonly #previous: TokenCipher | null;
  constructor(current: string, previous?: string | null) {
    this.#current = new TokenCipher(current);
    this.#previous = previous ? new TokenCipher(previous) : null;
  }
  seal(plain: string): string {
    return this.#current.seal(plain);
  }
  /** The plain text and whether it was sealed under the previous key; throws when neither key opens it. */
  open(sealed: string): { plain: string; stale: boolean } {
    try {
      return { plain: this.#current.open(sealed), stale: false };
    } catch (e) {
      if (!this.#previous) throw e;
      return { plain: this.#previous.open(sealed), stale: true };
    }
  }
}

/** The one key setting: PANORAMA_ENCRYPTION_KEY, with PANORAMA_TOKEN_KEY as its deprecated alias. */
export function encryptionKeyFrom(env: Record<string, string | undefined>): { current: string | null; previous: string | null } {
  const current = env.PANORAMA_ENCRYPTION_KEY || env.PANORAMA_TOKEN_KEY || null;
  return { current, previous: env.PANORAMA_ENCRYPTION_KEY_PREVIOUS || null };
}
