import { SANDBOX_CREDENTIALS } from '../../sandbox/constants.js';
import { basicAuth, bearerFrom, type SandboxPart, renameNotification } from '../../sandbox/part.js';
import { quickbooksSandbox } from './handlers.js';
import { quickbooksNotification } from './notify.js';

export const sandboxPart: SandboxPart = {
  id: 'quickbooks',
  handlers: quickbooksSandbox,
  apiBase: (origin, state) => `${origin}/quickbooks/v3/company/${state.world.quickbooks.realmId}`,
  // QuickBooks rotates its refresh token: the one the sandbox holds valid now
  authorization: (origin, state) => {
    const c = SANDBOX_CREDENTIALS.quickbooks;
    return bearerFrom('quickbooks', `${origin}/quickbooks/oauth2/v1/tokens/bearer`, {
      headers: {
        authorization: basicAuth(c.clientId, c.clientSecret),
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: [...state.refreshTokens.quickbooks][0]! }).toString(),
    });
  },
  banner: (env, state) => `QuickBooks Online ${env.QUICKBOOKS_BASE_URL}/v3/company/${state.world.quickbooks.realmId}/`,
  refreshTokens: true,
  notify: (state, r, now) => renameNotification(r, (id, name) => quickbooksNotification(state.world.quickbooks, id, name, now)),
};
