import { HttpResponse, http, type HttpHandler } from 'msw';
import { z } from 'zod';
import { changeQuickbooksCustomer, type RecordChange } from '../quickbooks/sandbox/changes.js';
import { changeSalesforceAccount } from '../salesforce/sandbox/changes.js';
import { changeZendeskOrganization } from '../zendesk/sandbox/changes.js';
import type { SandboxState } from './state.js';

const changeSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('update'), id: z.string().min(1).max(40), name: z.string().min(1).max(200) }).strict(),
  z.object({ action: z.literal('create'), name: z.string().min(1).max(200) }).strict(),
  z.object({ action: z.literal('delete'), id: z.string().min(1).max(40) }).strict(),
]);

/** The sources whose index record (customer, organization…) the control API can change, and how. */
const CHANGERS: Record<string, (state: SandboxState, change: RecordChange) => { id: string } | string> = {
  salesforce: changeSalesforceAccount,
  quickbooks: changeQuickbooksCustomer,
  zendesk: changeZendeskOrganization,
};

/** Changes one record of a source's world now (by the state's clock): what its change feed then reports. */
export function changeRecord(state: SandboxState, source: string, change: RecordChange): { id: string } | string {
  const changer = CHANGERS[source];
  return changer ? changer(state, change) : `records of "${source.slice(0, 40)}" cannot be changed; use one of ${Object.keys(CHANGERS).join(', ')}`;
}

/**
 * `POST /__sandbox/records/<source>` `{ action: "update", id, name }` · `{ action: "create", name }` ·
 * `{ action: "delete", id }`: renames, creates or deletes the source's index record (a QuickBooks customer…) as
 * someone in the vendor's app would, stamped with the sandbox's clock, so its change feed reports it.
 */
export function recordControlHandlers(state: SandboxState): HttpHandler[] {
  return [
    http.post('*/__sandbox/records/:source', async ({ params, request }) => {
      let raw: unknown;
      try {
        raw = await request.json();
      } catch {
        return HttpResponse.json({ error: 'body must be a JSON object: { action, id?, name? }' }, { status: 400 });
      }
      const parsed = changeSchema.safeParse(raw);
      if (!parsed.success) return HttpResponse.json({ error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') }, { status: 400 });
      const source = String(params.source);
      if (!CHANGERS[source]) return HttpResponse.json({ error: changeRecord(state, source, parsed.data) }, { status: 404 });
      const out = changeRecord(state, source, parsed.data);
      return typeof out === 'string' ? HttpResponse.json({ error: out }, { status: 400 }) : HttpResponse.json(out);
    }),
  ];
}
