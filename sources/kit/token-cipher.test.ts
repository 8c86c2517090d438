import { describe, expect, it } from 'vitest';
import { encryptionKeyFrom, TokenCipher, TokenKeyring } from './token-cipher.js';

describe('token cipher and keyring', () => {
  it('seals with AES-256-GCM: the blob holds no clear text, opens only under the same key, and tampering is caught', () => {
    const c = new TokenCipher('key-one');
    const sealed = c.seal('rt-secret-123');
    expect(Buffer.from(sealed, 'base64').toString('latin1')).not.toContain('rt-secret-123');
    expect(c.seal('rt-secret-123')).not.toBe(sealed); // a fresh IV each time
    expect(c.open(sealed)).toBe('rt-secret-123');
    expect(() => new TokenCipher('key-two').open(sealed)).toThrow();
    const raw = Buffer.from(sealed, 'base64');
    raw.writeUInt8(raw.readUInt8(raw.length - 1) ^ 1, raw.length - 1);
    expect(() => c.open(raw.toString('base64'))).toThrow();
  });

  it('during a rotation opens blobs sealed under the previous key, says they are stale, and seals under the new key', () => {
    const old = new TokenKeyring('old-key').seal('rt-1');
    const ring = new TokenKeyring('new-key', 'old-key');
    expect(ring.open(old)).toEqual({ plain: 'rt-1', stale: true });
    const fresh = ring.seal('rt-1');
    expect(ring.open(fresh)).toEqual({ plain: 'rt-1', stale: false });
    expect(new TokenKeyring('new-key').open(fresh).plain).toBe('rt-1');
    expect(() => new TokenKeyring('new-key').open(old)).toThrow();
    expect(() => new TokenKeyring('third', 'fourth').open(old)).toThrow();
  });

  it('PANORAMA_ENCRYPTION_KEY is the setting; PANORAMA_TOKEN_KEY is its deprecated alias; none means no key', () => {
    expect(encryptionKeyFrom({})).toEqual({ current: null, previous: null });
    expect(encryptionKeyFrom({ PANORAMA_TOKEN_KEY: 'a' }).current).toBe('a');
    expect(encryptionKeyFrom({ PANORAMA_TOKEN_KEY: 'a', PANORAMA_ENCRYPTION_KEY: 'b', PANORAMA_ENCRYPTION_KEY_PREVIOUS: 'c' })).toEqual({ current: 'b', previous: 'c' });
  });
});
