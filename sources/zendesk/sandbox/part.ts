import { SANDBOX_CREDENTIALS } from '../../sandbox/constants.js';
import { basicAuth, type SandboxPart, renameNotification } from '../../sandbox/part.js';
import { zendeskSandbox } from './handlers.js';
import { zendeskNotification } from './notify.js';

export const sandboxPart: SandboxPart = {
  id: 'zendesk',
  handlers: zendeskSandbox,
  apiBase: (origin) => `${origin}/zendesk/api/v2`,
  authorization: async () => basicAuth(`${SANDBOX_CREDENTIALS.zendesk.email}/token`, SANDBOX_CREDENTIALS.zendesk.apiToken),
  banner: (env) => `Zendesk           ${env.ZENDESK_BASE_URL}/api/v2/`,
  notify: (state, r, now) => renameNotification(r, (id, name) => zendeskNotification(state.world.zendesk, id, name, now)),
};
