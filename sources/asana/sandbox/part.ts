import { SANDBOX_CREDENTIALS } from '../../sandbox/constants.js';
import type { SandboxPart } from '../../sandbox/part.js';
import { asanaSandbox } from './handlers.js';

export const sandboxPart: SandboxPart = {
  id: 'asana',
  handlers: asanaSandbox,
  apiBase: (origin) => `${origin}/asana/api/1.0`,
  authorization: async () => `Bearer ${SANDBOX_CREDENTIALS.asana.accessToken}`,
  banner: (env) => `Asana             ${env.ASANA_BASE_URL}/`,
};
