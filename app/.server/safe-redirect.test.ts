import { describe, expect, it } from 'vitest';
import { safeRedirect } from './safe-redirect.js';

const status = (to: string) => {
  try {
    safeRedirect(to);
    return 200;
  } catch (e) {
    return e instanceof Response ? e.status : 500;
  }
};

describe('safeRedirect', () => {
  it('keeps same-origin paths with their query and fragment', () => {
    expect(safeRedirect('/customers/001?tab=billing#x')).toBe('/customers/001?tab=billing#x');
    expect(safeRedirect('/accounts')).toBe('/accounts');
  });

  it.each(['//evil.example', '/\\evil.example', '/\t/evil.example', '/ /evil.example'.replace(' ', '\t'), 'https://evil.example/', 'javascript:alert(1)', 'evil.example', '\\\\evil.example', '/\\/evil.example'])(
    'refuses %j and falls back',
    (to) => {
      expect(safeRedirect(to, '/home')).toBe('/home');
    },
  );

  it('refuses /%09/host as the login route receives it (decoded from the query string)', () => {
    const decoded = new URL('http://x/login?redirectTo=/%09/evil.example').searchParams.get('redirectTo');
    expect(decoded).toBe('/\t/evil.example');
    expect(safeRedirect(decoded)).toBe('/');
  });

  it('answers 400, not 500, for CR/LF, NUL and characters above Latin-1', () => {
    expect(status('/a\r\nSet-Cookie: x=1')).toBe(400);
    expect(status('/a\nb')).toBe(400);
    expect(status('/a\0')).toBe(400);
    expect(status('/caf\u00e9')).toBe(200);
    expect(status('/\u2603')).toBe(400);
  });

  it('falls back for nothing', () => {
    expect(safeRedirect(null)).toBe('/');
    expect(safeRedirect('')).toBe('/');
  });
});
