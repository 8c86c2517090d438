import { afterAll, afterEach, beforeAll } from 'vitest';
import { clockAt, type Clock } from '../../sources/kit/clock.js';
import { SANDBOX_TODAY, testSandbox, type TestSandbox } from '../../sources/kit/testing.js';
import { createSourcesRuntime, type RuntimeOptions, type SourcesRuntime } from '../../sources/runtime.js';
import { createPanoramaYoga, type PanoramaYoga, type PanoramaYogaOptions } from '../../graphql/yoga.js';
import { DEMO_USERS } from '../../sources/sandbox/demo-users.js';
import type { Viewer } from '../../graphql/viewer.js';
import type { Role } from '../../graphql/policy.js';

export type Harness = { sandbox: TestSandbox; runtime: SourcesRuntime; yoga: PanoramaYoga };

/**
 * The whole server in-process: the test kit's sandbox behind msw, real clients, the real schema, and one clock
 * for all of them (`today` pins it to that day; the world's today is the clock's).
 */
export function createHarness(
  opts: { size?: number; seed?: number; today?: string; clock?: Clock; env?: Record<string, string>; yoga?: PanoramaYogaOptions; runtime?: Omit<RuntimeOptions, 'clock'> } = {},
): Harness {
  const clock = opts.clock ?? clockAt(opts.today ?? SANDBOX_TODAY);
  const sandbox = testSandbox({ size: opts.size ?? 120, seed: opts.seed ?? 5, clock });
  const runtime = createSourcesRuntime({ ...sandbox.env, PANORAMA_SANDBOX_ORIGIN: sandbox.origin, ...opts.env }, { ...opts.runtime, clock });
  const yoga = createPanoramaYoga(runtime, opts.yoga);
  return { sandbox, runtime, yoga };
}

/**
 * Waits until the runtime has no read in flight, background re-reads (stale-while-revalidate) included, for up to
 * `maxMs`. A file calls it before its sandbox closes: test files share one process per worker and intercept the same
 * origin, so a re-read still running would land on the next file's sandbox and be counted there.
 */
export async function settle(runtime: SourcesRuntime, maxMs = 10_000): Promise<void> {
  const until = Date.now() + maxMs;
  while (runtime.cache.loading > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 2));
}

/** Another runtime over the same sandbox and clock, with settings of its own (cache TTLs, sizes). */
export function runtimeFor(h: Harness, env: Record<string, string> = {}, opts: Omit<RuntimeOptions, 'clock'> = {}): SourcesRuntime {
  return createSourcesRuntime({ ...h.sandbox.env, PANORAMA_SANDBOX_ORIGIN: h.sandbox.origin, ...env }, { ...opts, clock: h.runtime.clock });
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

/**
 * One harness for a test file, listening for its whole run; after each test the sandbox's faults and the runtime's
 * cache are cleared, so no test sees another's failures or cached answers. Read `.h` inside tests.
 */
export function harnessPerFile(opts: Parameters<typeof createHarness>[0] = {}): { readonly h: Harness } {
  let h: Harness | undefined;
  beforeAll(() => {
    h = createHarness(opts);
    h.sandbox.listen();
  });
  afterEach(() => {
    h?.sandbox.state.clearFaults();
    h?.runtime.cache.clear();
  });
  afterAll(async () => {
    if (h) await settle(h.runtime);
    h?.sandbox.close();
  });
  return {
    get h() {
      if (!h) throw new Error('the harness starts in beforeAll');
      return h;
    },
  };
}
