import { ConnectError, askVendor, type TokenConnect } from '../kit/connect.js';
import type { AsanaConfig } from './config.js';

/** "Connect Asana": a personal access token, checked with `GET /users/me` before it is kept. */
export const asanaConnect: TokenConnect<AsanaConfig> = {
  kind: 'token',
  needs: 'ASANA_WORKSPACE_GID',
  envVariables: 'ASANA_ACCESS_TOKEN',
  tokenVariables: ['ASANA_ACCESS_TOKEN'],
  envToken: (c) => Boolean(c.accessToken),
  fields: [{ name: 'token', label: 'Personal access token', kind: 'secret' }],
  checkedWith: 'GET /users/me',
  check: async (c, values, fetchFn) => {
    const t = (values.token ?? '').trim();
    if (!t) throw new ConnectError(400, 'Paste an Asana personal access token: the field was empty. Nothing was saved.');
    if (/\s/.test(t) || t.length > 500) throw new ConnectError(400, 'That is not an Asana personal access token (it has spaces or is too long). Nothing was saved.');
    const { status, body } = await askVendor('Asana', `${c.baseUrl}/users/me`, { authorization: `Bearer ${t}` }, fetchFn);
    if (status === 401) throw new ConnectError(400, 'Asana refused this personal access token (401 Not Authorized): it is wrong, revoked or expired. Nothing was saved.');
    if (status === 403) throw new ConnectError(400, 'Asana accepted the token but does not let it read its own user (403). Nothing was saved.');
    const data = (body as { data?: { name?: unknown; email?: unknown } } | null)?.data;
    if (status !== 200 || !data) throw new ConnectError(502, `Asana answered ${status} to GET /users/me: the token could not be checked. Nothing was saved.`);
    return { token: t, owner: { name: typeof data.name === 'string' ? data.name : 'Asana user', email: typeof data.email === 'string' ? data.email : null } };
  },
};
