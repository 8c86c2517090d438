import { describe, expect, it } from 'vitest';
import { assertSameOrigin, isCrossSite } from './same-origin.js';

const req = (headers: Record<string, string>) => new Request('http://panorama.example:3000/logout', { method: 'POST', headers: { host: 'panorama.example:3000', ...headers } });

describe('cross-site requests', () => {
  it('accepts Panorama’s own pages, also behind a TLS proxy, and clients that are not browsers', () => {
    expect(isCrossSite(req({ origin: 'http://panorama.example:3000' }))).toBe(false);
    expect(isCrossSite(req({ origin: 'https://panorama.example:3000', 'sec-fetch-site': 'same-origin' }))).toBe(false);
    expect(isCrossSite(req({}))).toBe(false);
  });

  it('refuses another origin, an opaque origin, a bad Origin and a cross-site fetch with 403', () => {
    for (const h of [{ origin: 'https://evil.example' }, { origin: 'null' }, { origin: 'not a url' }, { 'sec-fetch-site': 'cross-site' }, { origin: 'http://panorama.example:3001' }] as Record<string, string>[]) {
      expect(isCrossSite(req(h)), JSON.stringify(h)).toBe(true);
      try {
        assertSameOrigin(req(h));
        expect.unreachable();
      } catch (e) {
        expect((e as Response).status).toBe(403);
      }
    }
  });
});
