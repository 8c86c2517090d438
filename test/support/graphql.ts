import { createInProcessSandbox, type InProcessSandbox } from '../../sources/sandbox/in-process.js';
import { createSourcesRuntime, type SourcesRuntime } from '../../sources/runtime.js';
import { clockAt } from '../../sources/kit/clock.js';
import { createPanoramaYoga, type PanoramaYoga, type PanoramaYogaOptions } from '../../graphql/yoga.js';
import { DEMO_USERS } from '../../sources/sandbox/demo-users.js';
import type { Viewer } from '../../graphql/viewer.js';
import type { Role } from '../../graphql/policy.js';

export type Harness = { sandbox: InProcessSandbox; runtime: SourcesRuntime; yoga: PanoramaYoga };

/** The day the in-process sandbox and Panorama's clock agree on unless a test names another. */
export const HARNESS_TODAY = '2026-11-27';

/**
 * The whole server in-process: the sandbox behind msw, real clients, the real schema. Panorama's clock starts at
 * the sandbox's today (and then runs), so overdue, aging and flags agree with the manifest on any calendar day.
 */
export function createHarness(opts: { size?: number; seed?: number; today?: string; yoga?: PanoramaYogaOptions } = {}): Harness {
  const today = opts.today ?? HARNESS_TODAY;
  const sandbox = createInProcessSandbox({ size: opts.size ?? 120, seed: opts.seed ?? 5, today });
  const runtime = createSourcesRuntime({ ...sandbox.env, PANORAMA_SANDBOX_ORIGIN: sandbox.origin }, { clock: clockAt(today) });
  const yoga = createPanoramaYoga(runtime, opts.yoga);
  return { sandbox, runtime, yoga };
}

export function viewerFor(role: Role): Viewer {
  const u = DEMO_USERS.find((d) => d.role === role)!;
  return { id: u.id, name: u.name, email: u.email, role };
}

export type GqlResult<T = Record<string, unknown>> = {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  extensions?: { responseCache?: { hit: boolean; didCache?: boolean; ttl?: number } } & Record<string, unknown>;
};

export async function gql<T = Record<string, any>>(
  h: Harness,
  viewer: Viewer | null,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GqlResult<T>> {
  const res = await h.yoga.fetch(
    'http://yoga/graphql',
    { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) },
    { viewer },
  );
  return { status: res.status, ...((await res.json()) as Omit<GqlResult<T>, 'status'>) };
}
