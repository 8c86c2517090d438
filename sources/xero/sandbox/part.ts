import { SANDBOX_CREDENTIALS } from '../../sandbox/constants.js';
import { basicAuth, bearerFrom, renameNotification, type SandboxPart } from '../../sandbox/part.js';
import { xeroSandbox } from './handlers.js';
import { xeroNotification } from './notify.js';

export const sandboxPart: SandboxPart = {
  id: 'xero',
  handlers: xeroSandbox,
  apiBase: (origin) => `${origin}/xero/api.xro/2.0`,
  // Xero rotates its refresh token: the one the sandbox holds valid now
  authorization: (origin, state) => {
    const c = SANDBOX_CREDENTIALS.xero;
    return bearerFrom('xero', `${origin}/xero/identity/connect/token`, {
      headers: {
        authorization: basicAuth(c.clientId, c.clientSecret),
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: [...state.refreshTokens.xero][0]! }).toString(),
    });
  },
  banner: (env) => `Xero              ${env.XERO_API_URL}/ (PANORAMA_ACCOUNTING=xero)`,
  refreshTokens: true,
  notify: (state, r, now) => renameNotification(r, (id, name) => xeroNotification(state, id, name, now)),
};
