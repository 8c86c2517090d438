import { describe, expect, it } from 'vitest';
import { newNonce } from './security-headers.js';

describe('CSP nonces', () => {
  it('are 128 random bits each, never the same twice, across many draws of the pool', () => {
    const nonces = Array.from({ length: 2_000 }, newNonce);
    expect(new Set(nonces).size).toBe(nonces.length);
    for (const n of nonces) expect(Buffer.from(n, 'base64')).toHaveLength(16);
    // not a counter: the bits vary everywhere, not only at the end
    expect(new Set(nonces.map((n) => n.slice(0, 4))).size).toBeGreaterThan(1_900);
  });
});
