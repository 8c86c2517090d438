import { ConnectError, askVendor, type TokenConnect } from '../kit/connect.js';
import { encodeZendeskCredential } from './credential.js';
import type { ZendeskConfig } from './config.js';

/**
 * "Connect Zendesk": an agent's e-mail and API token, checked with `GET /api/v2/users/me.json` as
 * `{email}/token:{apiToken}`. Zendesk answers an unknown pair with 401, and with the anonymous user (no id) when it
 * did not take the credentials at all; an end user cannot read tickets. Both are kept together, sealed.
 */
export const zendeskConnect: TokenConnect<ZendeskConfig> = {
  kind: 'token',
  needs: 'ZENDESK_BASE_URL',
  envVariables: 'ZENDESK_EMAIL with ZENDESK_API_TOKEN, or ZENDESK_OAUTH_TOKEN',
  tokenVariables: ['ZENDESK_EMAIL', 'ZENDESK_API_TOKEN', 'ZENDESK_OAUTH_TOKEN'],
  envToken: (c) => Boolean(c.auth),
  fields: [
    { name: 'email', label: "Agent's e-mail", kind: 'email' },
    { name: 'token', label: 'API token', kind: 'secret' },
  ],
  checkedWith: 'GET /api/v2/users/me.json',
  check: async (c, values, fetchFn) => {
    const e = (values.email ?? '').trim();
    const t = (values.token ?? '').trim();
    if (!/^[^\s@]+@[^\s@]+$/.test(e)) throw new ConnectError(400, 'Give the e-mail of the Zendesk agent the API token belongs to: that field is empty or not an e-mail. Nothing was saved.');
    if (!t) throw new ConnectError(400, 'Paste a Zendesk API token: the field was empty. Nothing was saved.');
    const auth = `Basic ${Buffer.from(`${e}/token:${t}`).toString('base64')}`;
    const { status, body } = await askVendor('Zendesk', `${c.baseUrl}/api/v2/users/me.json`, { authorization: auth }, fetchFn);
    if (status === 401) throw new ConnectError(400, `Zendesk refused the API token for ${e} (401 "Couldn't authenticate you"): the token is wrong or deleted, or belongs to another agent. Nothing was saved.`);
    const user = (body as { user?: { id?: unknown; name?: unknown; email?: unknown; role?: unknown } } | null)?.user;
    if (status !== 200 || !user) throw new ConnectError(502, `Zendesk answered ${status} to GET /api/v2/users/me.json: the token could not be checked. Nothing was saved.`);
    if (user.id === null || user.id === undefined) throw new ConnectError(400, `Zendesk did not sign in ${e} with this API token (it answered as an anonymous user). Nothing was saved.`);
    if (user.role === 'end-user') throw new ConnectError(400, `${e} is a Zendesk end user: Panorama needs an agent's (or admin's) API token to read tickets. Nothing was saved.`);
    return { token: encodeZendeskCredential({ email: e, apiToken: t }), owner: { name: typeof user.name === 'string' ? user.name : e, email: typeof user.email === 'string' ? user.email : e } };
  },
};
