import { generateKeyPairSync } from 'node:crypto';
import type { Server } from 'node:http';
import Provider from 'oidc-provider';

/** The people of the test identity provider: one per Panorama group, and one in no group Panorama maps. */
export const IDP_USERS = {
  support: { name: 'Sam Support', email: 'sam.support@acme.example', groups: ['cs-team', 'everyone'] },
  // the account manager's address is the CRM owner of accounts in the sandbox: "My accounts" lists them
  sales: { name: 'Alex Morgan', email: 'alex.morgan@panorama-demo.example', groups: ['sales', 'everyone'] },
  finance: { name: 'Fay Finance', email: 'fay.finance@acme.example', groups: ['/finance'] },
  admin: { name: 'Ada Admin', email: 'ada.admin@acme.example', groups: ['it-admins', 'sales'] },
  nobody: { name: 'Noel Nogroup', email: 'noel@acme.example', groups: ['marketing'] },
} as const;
export type IdpLogin = keyof typeof IDP_USERS;

export const IDP_ROLE_MAP = 'support:cs-team,account_manager:sales,finance:finance,admin:it-admins';

/**
 * A real OpenID Provider (panva's oidc-provider) on a loopback port, with its development login form (any
 * password; the login is one of IDP_USERS) and consent skipped for the one client, Panorama.
 */
export async function startIdp(opts: { port: number; redirectUri: string; clientId: string; clientSecret: string }): Promise<{ issuer: string; close: () => Promise<void> }> {
  const issuer = `http://127.0.0.1:${opts.port}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const provider = new Provider(issuer, {
    clients: [{ client_id: opts.clientId, client_secret: opts.clientSecret, redirect_uris: [opts.redirectUri], grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_post' }],
    jwks: { keys: [jwk] },
    cookies: { keys: ['panorama-test-idp-cookie-key'] },
    pkce: { required: () => true },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
    // the claims of the requested scopes go into the ID token, as most providers configure groups
    conformIdTokenClaims: false,
    async findAccount(_ctx, id) {
      const user = IDP_USERS[id as IdpLogin];
      if (!user) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, name: user.name, email: user.email, email_verified: true, groups: [...user.groups] }) };
    },
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
  });
  const server: Server = await new Promise((resolve) => {
    const s = provider.listen(opts.port, '127.0.0.1', () => resolve(s));
  });
  return { issuer, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
