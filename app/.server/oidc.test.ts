import { describe, expect, it } from 'vitest';
import { parseAuthSettings, parseRoleMap } from './auth-settings.js';
import { claimValues, roleFor } from './oidc.js';

const MAP = parseRoleMap('support:cs-team,account_manager:sales,finance:finance,admin:it-admins,admin:/platform');

describe('roles from the identity provider', () => {
  it('maps a claim value to its role; nobody gets a default role', () => {
    expect(roleFor(['cs-team'], MAP)).toBe('support');
    expect(roleFor(['sales', 'everyone'], MAP)).toBe('account_manager');
    expect(roleFor(['marketing', 'everyone'], MAP)).toBeNull();
    expect(roleFor([], MAP)).toBeNull();
  });

  it('matches Keycloak full group paths either way, and the widest of several roles wins', () => {
    expect(roleFor(['/finance'], MAP)).toBe('finance');
    expect(roleFor(['platform'], MAP)).toBe('admin');
    expect(roleFor(['cs-team', 'it-admins'], MAP)).toBe('admin');
    expect(roleFor(['finance', 'sales'], MAP)).toBe('account_manager');
  });

  it('reads arrays, single strings and space-separated strings', () => {
    expect(claimValues(['a', 1, 'b'])).toEqual(['a', 'b']);
    expect(claimValues('a b,c')).toEqual(['a', 'b', 'c']);
    expect(claimValues(undefined)).toEqual([]);
  });
});

describe('sign-in settings', () => {
  const oidc = { OIDC_ISSUER_URL: 'https://idp.example/realms/acme', OIDC_CLIENT_ID: 'panorama', OIDC_CLIENT_SECRET: 's3cret' };
  it('names the variable that is wrong', () => {
    expect(() => parseAuthSettings({ PANORAMA_ROLE_MAP: 'boss:it-admins' })).toThrow(/PANORAMA_ROLE_MAP: "boss" is not a role/);
    expect(() => parseAuthSettings({ PANORAMA_ROLE_MAP: 'support' })).toThrow(/PANORAMA_ROLE_MAP: "support" is not role:group/);
    expect(() => parseAuthSettings({ OIDC_ISSUER_URL: 'https://idp.example' })).toThrow(/all of OIDC_ISSUER_URL, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET/);
    expect(() => parseAuthSettings({ ...oidc })).toThrow(/PANORAMA_ROLE_MAP is empty/);
    expect(() => parseAuthSettings({ ...oidc, OIDC_ISSUER_URL: 'not a url', PANORAMA_ROLE_MAP: 'admin:x' })).toThrow(/OIDC_ISSUER_URL must be a URL/);
    expect(() => parseAuthSettings({ PANORAMA_SESSION_IDLE_MINUTES: '0' })).toThrow(/PANORAMA_SESSION_IDLE_MINUTES must be a number above 0/);
  });
  it('has defaults for everything but the provider', () => {
    const s = parseAuthSettings({});
    expect(s).toMatchObject({ PANORAMA_STORE_PATH: './data/panorama.sqlite', PANORAMA_SESSION_IDLE_MINUTES: 30, PANORAMA_SESSION_ABSOLUTE_HOURS: 8, OIDC_ROLE_CLAIM: 'groups', OIDC_SCOPES: 'openid email profile' });
    expect(parseAuthSettings({ ...oidc, PANORAMA_ROLE_MAP: 'admin:it-admins' }).PANORAMA_ROLE_MAP).toEqual([{ role: 'admin', value: 'it-admins' }]);
  });
});
