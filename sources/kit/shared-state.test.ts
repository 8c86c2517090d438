import { describe, expect, it } from 'vitest';
import { ConfigError } from './config.js';
import { createSourcesRuntime } from '../runtime.js';
import { redisAddress } from './shared-state.js';
import { TokenCipher } from './shared-token-store.js';

describe('shared state settings and secrets', () => {
  it('REDIS_URL needs PANORAMA_TOKEN_KEY, and both are checked, naming the variable', () => {
    const err = (env: Record<string, string>) => {
      try {
        createSourcesRuntime(env);
      } catch (e) {
        return e;
      }
      return null;
    };
    const missingKey = err({ REDIS_URL: 'redis://localhost:6379' });
    expect(missingKey).toBeInstanceOf(ConfigError);
    expect((missingKey as Error).message).toMatch(/PANORAMA_ENCRYPTION_KEY.*required with REDIS_URL/);
    expect((err({ REDIS_URL: 'http://localhost:6379', PANORAMA_TOKEN_KEY: 'k'.repeat(32) }) as Error).message).toMatch(/REDIS_URL.*redis:\/\//);
    expect((err({ REDIS_URL: 'redis://localhost:6379', PANORAMA_TOKEN_KEY: 'short' }) as Error).message).toMatch(/PANORAMA_TOKEN_KEY.*32/);
    // without REDIS_URL nothing is shared, as before
    expect(createSourcesRuntime({}).sharedState().mode).toBe('memory');
  });

  it('tokens are sealed (AES-256-GCM): unreadable without the key, tampering refused', () => {
    const c = new TokenCipher('a'.repeat(40));
    const sealed = c.seal('refresh-token-value');
    expect(sealed).not.toContain('refresh-token-value');
    expect(c.open(sealed)).toBe('refresh-token-value');
    expect(() => new TokenCipher('b'.repeat(40)).open(sealed)).toThrow();
    const raw = Buffer.from(sealed, 'base64');
    raw[raw.length - 1]! ^= 1;
    expect(() => c.open(raw.toString('base64'))).toThrow();
  });

  it('the address shown on /readyz and the admin page carries no credentials', () => {
    expect(redisAddress('redis://user:s3cret@cache.internal:6380/2')).toBe('redis://cache.internal:6380/2');
  });
});
