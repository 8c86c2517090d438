import { SANDBOX_CREDENTIALS } from '../../sandbox/constants.js';
import { renameNotification, type SandboxPart } from '../../sandbox/part.js';
import { asanaSandbox } from './handlers.js';
import { asanaHandshake, asanaNotification } from './notify.js';

export const sandboxPart: SandboxPart = {
  id: 'asana',
  handlers: asanaSandbox,
  apiBase: (origin) => `${origin}/asana/api/1.0`,
  authorization: async () => `Bearer ${SANDBOX_CREDENTIALS.asana.accessToken}`,
  banner: (env) => `Asana             ${env.ASANA_BASE_URL}/`,
  // a new webhook starts with Asana's handshake
  notify: (state, r, now) =>
    r.handshake
      ? asanaHandshake(state.asanaHookSecret)
      : renameNotification(r, (id, name) => asanaNotification(state.world.asana, state.asanaHookSecret, id, name, now)),
};
