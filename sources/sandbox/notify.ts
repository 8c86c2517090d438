import { HttpResponse, http, type HttpHandler } from 'msw';
import { z } from 'zod';
import type { SourceId } from '../kit/errors.js';
import type { WebhookRequest } from './part.js';
import { SANDBOX_PARTS } from './parts.js';
import type { SandboxState } from './state.js';

/** A vendor's notification as the sandbox would send it: the query the target needs, the headers, the body. */
export type SandboxNotification = { query: Record<string, string>; headers: Record<string, string>; body: string };

const requestSchema = z
  .object({
    /** Panorama's webhook URL for the source (e.g. http://localhost:3000/webhooks/quickbooks); omitted = not sent, only returned. */
    target: z.string().url().refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL').optional(),
    /** The record to change (account id, customer id, project gid, organization id); not needed for a handshake. */
    id: z.string().min(1).max(40).optional(),
    /** Its new name. */
    name: z.string().min(1).max(200).optional(),
    /** Asana only: send the handshake a new webhook starts with. */
    handshake: z.boolean().optional(),
  })
  .strict();

function notificationFor(state: SandboxState, source: string, r: WebhookRequest): SandboxNotification | string {
  const part = SANDBOX_PARTS.find((p) => p.id === (source as SourceId) && p.notify);
  if (!part?.notify) return `unknown source "${source.slice(0, 40)}": use one of ${SANDBOX_PARTS.filter((p) => p.notify).map((p) => p.id).join(', ')}`;
  return part.notify(state, r, new Date(state.clock.now()));
}


/**
 * `POST /__sandbox/webhooks/<source>` `{ id, name, target? }`: changes the record in the sandbox's world and builds
 * the vendor's signed notification of it; with `target`, delivers it there (as the vendor would) and says what
 * Panorama answered. `{ handshake: true }` on asana starts a webhook as Asana does.
 */
export function webhookControlHandlers(state: SandboxState): HttpHandler[] {
  return [
    http.post('*/__sandbox/webhooks/:source', async ({ params, request }) => {
      let raw: unknown;
      try {
        raw = await request.json();
      } catch {
        return HttpResponse.json({ error: 'body must be a JSON object: { id, name, target? }' }, { status: 400 });
      }
      const parsed = requestSchema.safeParse(raw);
      if (!parsed.success) return HttpResponse.json({ error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') }, { status: 400 });
      const source = String(params.source);
      const n = notificationFor(state, source, parsed.data);
      if (typeof n === 'string') return HttpResponse.json({ error: n }, { status: n.startsWith('unknown source') ? 404 : 400 });
      if (!parsed.data.target) return HttpResponse.json({ notification: n });
      const url = new URL(parsed.data.target);
      for (const [k, v] of Object.entries(n.query)) if (!url.searchParams.has(k)) url.searchParams.set(k, v);
      try {
        const res = await fetch(url, { method: 'POST', headers: n.headers, body: n.body });
        return HttpResponse.json({ notification: n, delivered: { status: res.status, headers: Object.fromEntries(res.headers), body: (await res.text()).slice(0, 2000) } });
      } catch (e) {
        return HttpResponse.json({ notification: n, error: `could not deliver to ${url.origin}: ${(e as Error).message}` }, { status: 502 });
      }
    }),
  ];
}
