import { SANDBOX_CREDENTIALS } from '../../sandbox/constants.js';
import { bearerFrom, type SandboxPart, renameNotification } from '../../sandbox/part.js';
import { salesforceSandbox } from './handlers.js';
import { salesforceNotification } from './notify.js';

export const sandboxPart: SandboxPart = {
  id: 'salesforce',
  handlers: salesforceSandbox,
  apiBase: (origin) => `${origin}/salesforce/services/data/v62.0`,
  authorization: (origin) => {
    const c = SANDBOX_CREDENTIALS.salesforce;
    return bearerFrom('salesforce', `${origin}/salesforce/services/oauth2/token`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: c.clientId, client_secret: c.clientSecret, refresh_token: c.refreshToken }),
    });
  },
  banner: (env) => `Salesforce REST   ${env.SALESFORCE_INSTANCE_URL}/services/data/v62.0/`,
  refreshTokens: true,
  notify: (state, r, now) => renameNotification(r, (id, name) => salesforceNotification(state.world.salesforce, id, name, now)),
};
