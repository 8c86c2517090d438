import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { pkceMatches } from './consent.js';
import { SandboxState } from './state.js';

const state = () => new SandboxState({ size: 20, seed: 7, today: '2026-11-27' });

describe('sandbox grants', () => {
  it('a refresh token one sandbox granted is taken by a sandbox started again, until it is spent there', () => {
    const first = state();
    const token = first.authorize('quickbooks');
    const again = state();
    expect(again.acceptsRefreshToken('quickbooks', token)).toBe(true);
    again.spendRefreshToken('quickbooks', token);
    expect(again.acceptsRefreshToken('quickbooks', token)).toBe(false);
    // another source's grant, a forged signature and a made-up token are refused
    expect(again.acceptsRefreshToken('salesforce', token.replace('quickbooks', 'salesforce'))).toBe(false);
    expect(again.acceptsRefreshToken('quickbooks', `${token.slice(0, -4)}AAAA`)).toBe(false);
    expect(again.acceptsRefreshToken('quickbooks', 'sandbox-quickbooks-refresh-x')).toBe(false);
    expect(again.acceptsRefreshToken('quickbooks', null)).toBe(false);
  });

  it('checks a PKCE verifier against its S256 (or plain) challenge', () => {
    const verifier = 'v'.repeat(43);
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    expect(pkceMatches(verifier, challenge, 'S256')).toBe(true);
    expect(pkceMatches('w'.repeat(43), challenge, 'S256')).toBe(false);
    expect(pkceMatches(null, challenge, 'S256')).toBe(false);
    expect(pkceMatches(verifier, verifier, 'plain')).toBe(true);
    expect(pkceMatches(null, null, null)).toBe(true);
  });
});
