import { HttpResponse, http, type HttpHandler } from 'msw';
import type { SourceId } from '../kit/errors.js';
import { SOURCE_IDS, faultSchema, perSource, type SandboxState } from './state.js';
import { webhookControlHandlers } from './notify.js';
import { recordControlHandlers } from './changes.js';
import { credentialControlHandlers } from './credentials.js';
import { SANDBOX_PARTS, sandboxPart } from './parts.js';

/** Where each vendor API is served under the sandbox's origin. */
export const SANDBOX_PREFIXES: Record<SourceId, string> = perSource((id) => `/${id}`);

const isSource = (s: unknown): s is SourceId => SOURCE_IDS.includes(s as SourceId);

/** The control API tests and benchmarks use to switch faults and read the request counter. */
function controlHandlers(state: SandboxState): HttpHandler[] {
  return [
    http.get('*/__sandbox/health', () => HttpResponse.json({
        ok: true,
        size: state.world.manifest.size,
        seed: state.world.manifest.seed,
        today: state.world.manifest.today,
        realmId: state.world.quickbooks.realmId,
        workspaceGid: state.world.asana.workspace.gid,
      })),
    http.get('*/__sandbox/manifest', () => HttpResponse.json(state.world.manifest)),
    http.get('*/__sandbox/requests', () => HttpResponse.json(state.requestCounts())),
    http.get('*/__sandbox/rates', () => HttpResponse.json(state.rateReport())),
    http.delete('*/__sandbox/requests', () => {
      state.resetCounts();
      return new HttpResponse(null, { status: 204 });
    }),
    http.get('*/__sandbox/faults', () => HttpResponse.json(state.faults)),
    http.delete('*/__sandbox/faults', () => {
      state.clearFaults();
      return new HttpResponse(null, { status: 204 });
    }),
    http.put('*/__sandbox/faults/:source', async ({ params, request }) => {
      const source = params.source;
      if (!isSource(source)) return HttpResponse.json({ error: `unknown source "${String(source)}"; use one of ${SOURCE_IDS.join(', ')}` }, { status: 404 });
      let body: unknown;
      try {
        body = await request.json();
      } catch {
        return HttpResponse.json({ error: 'body must be a JSON object of faults' }, { status: 400 });
      }
      const parsed = faultSchema.partial().safeParse(body);
      if (!parsed.success) {
        return HttpResponse.json({ error: 'invalid fault', issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) }, { status: 400 });
      }
      return HttpResponse.json(state.setFault(source, parsed.data));
    }),
    http.delete('*/__sandbox/faults/:source', ({ params }) => {
      if (!isSource(params.source)) return HttpResponse.json({ error: `unknown source "${String(params.source)}"` }, { status: 404 });
      state.clearFaults(params.source);
      return new HttpResponse(null, { status: 204 });
    }),
    // a second connection to the same company (another Panorama against this sandbox): its own refresh token
    http.post('*/__sandbox/authorize/:source', ({ params }) => {
      const source = params.source;
      const withTokens = SANDBOX_PARTS.filter((p) => p.refreshTokens).map((p) => p.id);
      if (!withTokens.includes(source as SourceId)) {
        return HttpResponse.json({ error: `"${String(source)}" has no refresh tokens; use ${withTokens.join(', ')}` }, { status: 404 });
      }
      return HttpResponse.json({ refreshToken: state.authorize(source as SourceId) });
    }),
    http.post('*/__sandbox/expire-tokens/:source', ({ params }) => {
      if (!isSource(params.source)) return HttpResponse.json({ error: `unknown source "${String(params.source)}"` }, { status: 404 });
      state.expireTokens(params.source);
      return new HttpResponse(null, { status: 204 });
    }),
    ...webhookControlHandlers(state),
    ...recordControlHandlers(state),
    ...credentialControlHandlers(state),
  ];
}

export function sandboxHandlers(state: SandboxState): HttpHandler[] {
  return Object.values(sandboxHandlerGroups(state)).flat();
}

/**
 * The same handlers by path prefix (`/__sandbox` and each vendor's), so the HTTP server matches a request only
 * against its own vendor's routes rather than every route of all of them.
 */
export function sandboxHandlerGroups(state: SandboxState): Record<'control' | SourceId, HttpHandler[]> {
  return { control: controlHandlers(state), ...perSource((id) => sandboxPart(id).handlers(state)) };
}
