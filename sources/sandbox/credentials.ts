import { HttpResponse, http, type HttpHandler } from 'msw';
import { z } from 'zod';
import { SANDBOX_XERO_SCOPES, type SandboxState } from './state.js';

const permissions = z
  .object({
    queryable: z.boolean(),
    createable: z.boolean(),
    updateable: z.boolean(),
    deletable: z.boolean(),
  })
  .partial()
  .strict();

/**
 * What each sandbox credential may do, as its vendor would report it, for trying the credential scope check:
 * Salesforce's object permissions (describe), Zendesk's API user role (users/me), Asana's workspace membership,
 * Xero's granted scopes. QuickBooks has nothing to vary: Intuit grants its one accounting scope or nothing.
 */
const credentialSchemas = {
  salesforce: z
    .object({
      objectPermissions: z.record(z.enum(['Account', 'Contact', 'Opportunity']), permissions),
    })
    .strict(),
  zendesk: z
    .object({
      role: z.enum(['end-user', 'agent', 'admin']),
      role_type: z.number().int().min(0).max(5).nullable(),
      custom_role_id: z.number().int().nullable(),
      ticket_restriction: z.enum(['organization', 'groups', 'assigned', 'requested']).nullable(),
    })
    .partial()
    .strict(),
  asana: z
    .object({
      is_active: z.boolean(),
      is_admin: z.boolean(),
      is_guest: z.boolean(),
      is_view_only: z.boolean(),
    })
    .partial()
    .strict(),
  xero: z
    .object({
      scopes: z
        .array(z.string().regex(/^[a-z_.]{1,60}$/))
        .min(1)
        .max(30),
    })
    .strict(),
};
type Varied = keyof typeof credentialSchemas;

const apply: {
  [K in Varied]: (state: SandboxState, v: z.infer<(typeof credentialSchemas)[K]>) => void;
} = {
  salesforce: (state, v) =>
    (state.salesforceOrg = {
      ...state.salesforceOrg,
      objectPermissions: v.objectPermissions,
    }),
  zendesk: (state, v) => (state.zendeskAccount = { ...state.zendeskAccount, apiUser: v }),
  asana: (state, v) => (state.asanaWorkspace = { ...state.asanaWorkspace, membership: v }),
  xero: (state, v) => (state.xeroGrantedScopes = v.scopes.join(' ')),
};

/**
 * `PUT /__sandbox/credentials/<source>` with the body its schema takes (e.g. zendesk `{ "role": "admin" }`), and
 * `DELETE` to go back to the least-privileged default. A bad body is a 400 naming the problem.
 */
export function credentialControlHandlers(state: SandboxState): HttpHandler[] {
  const known = Object.keys(credentialSchemas).join(', ');
  const unknownSource = (source: string) =>
    HttpResponse.json({ error: `no credential to vary for "${source.slice(0, 40)}"; use one of ${known}` }, { status: 404 });
  return [
    http.put('*/__sandbox/credentials/:source', async ({ params, request }) => {
      const source = String(params.source);
      if (!(source in credentialSchemas)) return unknownSource(source);
      const body: unknown = await request.json().catch(() => undefined);
      const parsed = credentialSchemas[source as Varied].safeParse(body);
      if (!parsed.success)
        return HttpResponse.json(
          {
            error: 'invalid credential',
            issues: parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`),
          },
          { status: 400 }
        );
      (apply[source as Varied] as (s: SandboxState, v: unknown) => void)(state, parsed.data);
      return new HttpResponse(null, { status: 204 });
    }),
    http.delete('*/__sandbox/credentials/:source', ({ params }) => {
      const source = String(params.source);
      if (!(source in credentialSchemas)) return unknownSource(source);
      const { objectPermissions: _p, ...org } = state.salesforceOrg;
      const { apiUser: _u, ...account } = state.zendeskAccount;
      const { membership: _m, ...workspace } = state.asanaWorkspace;
      if (source === 'salesforce') state.salesforceOrg = org;
      if (source === 'zendesk') state.zendeskAccount = account;
      if (source === 'asana') state.asanaWorkspace = workspace;
      if (source === 'xero') state.xeroGrantedScopes = SANDBOX_XERO_SCOPES;
      return new HttpResponse(null, { status: 204 });
    }),
  ];
}
