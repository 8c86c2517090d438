/**
 * The one test kit: the in-process sandbox (msw over a seeded world), and for any source module its real config,
 * client, source kit and per-request loaders pointed at that sandbox. Every test builds what it needs from here,
 * with one clock: the sandbox's "today" is the clock's day, and the kits and loaders ask that same clock.
 */
import { setupServer } from 'msw/node';
import type { DatasetOptions } from '../sandbox/dataset.js';
import { sandboxEnv } from '../sandbox/env.js';
import { sandboxHandlerGroups } from '../sandbox/handlers.js';
import { basicAuth } from '../sandbox/part.js';
import { sandboxPart } from '../sandbox/parts.js';
import { SandboxState, perSource } from '../sandbox/state.js';
import type { Manifest, World } from '../sandbox/world.js';
import { SourceCache, type CachePolicy } from './cache.js';
import { clockAt, todayOf, type Clock } from './clock.js';
import { parseEnv } from './config.js';
import type { ClientDeps, LoaderContext, LoaderOptions, LoadersByCategory, SourceCategory, SourceModule } from './contract.js';
import type { SourceId } from './errors.js';
import { SourceHealth } from './metrics.js';
import type { Fetched } from './domain.js';
import type { SourceBudget } from './budget.js';
import { SourceKit } from './source-kit.js';
import { sourceFacts } from './source-facts.js';
import { MemoryTokenStore } from './token-store.js';
import type { RetrySettings } from './resilience-settings.js';

/** The day the sandbox's world is generated around unless a test asks for another. */
export const SANDBOX_TODAY = '2026-11-27';
export const TEST_ORIGIN = 'http://sandbox.panorama.test';

export type TestSandboxOptions = {
  /** Customers in the world. @default 60 */
  size?: number;
  /** @default 7 */
  seed?: number;
  /** Panorama's "now" and the world's "today" (its date). @default clockAt(SANDBOX_TODAY) */
  clock?: Clock;
  /** A world made beforehand (e.g. generated and then edited); its own `today` should be the clock's day. */
  world?: World;
  /** The vendors whose APIs the sandbox serves (the control API comes with all of them only). @default all four */
  sources?: readonly SourceId[];
};

/**
 * The sandbox inside the test process. msw intercepts the real clients' requests (fetch, node-fetch, axios) to
 * TEST_ORIGIN; any other request is an error once `listen()` ran, so a test never reaches a real vendor.
 */
export function testSandbox(opts: TestSandboxOptions = {}) {
  const clock = opts.clock ?? clockAt(SANDBOX_TODAY);
  const today = todayOf(clock);
  const options: DatasetOptions = { size: opts.size ?? 60, seed: opts.seed ?? 7, today };
  const state = new SandboxState(options, opts.world);
  state.clock = clock;
  const groups = sandboxHandlerGroups(state);
  const handlers = opts.sources ? opts.sources.flatMap((s) => groups[s]) : Object.values(groups).flat();
  const server = setupServer(...handlers);
  const env = sandboxEnv(TEST_ORIGIN);
  return {
    state,
    server,
    env,
    origin: TEST_ORIGIN,
    clock,
    today,
    listen: () => server.listen({ onUnhandledRequest: 'error' }),
    close: () => server.close(),
  };
}

export type TestSandbox = ReturnType<typeof testSandbox>;

/** What a module's test kit needs of a sandbox: its state, the env that points the clients at it, and its clock. */
export type SandboxTarget = { state: SandboxState; env: Record<string, string>; origin: string; clock: Clock; today: string };

/**
 * The sandbox served over real HTTP (`startSandboxServer`) as a test kit's target: the clients open real sockets
 * to `origin` (for tests of sockets, hangs and resets, which msw in-process cannot show). The clock's day is the
 * world's today unless a clock is given.
 */
export function httpSandbox(server: { origin: string; state: SandboxState }, clock: Clock = clockAt(server.state.options.today ?? SANDBOX_TODAY)): SandboxTarget {
  return {
    state: server.state,
    origin: server.origin,
    env: sandboxEnv(server.origin),
    clock,
    today: todayOf(clock),
  };
}

/** Where each vendor's API lives in the sandbox (the same paths the clients use). */
export function sandboxApi(source: SourceId, state: SandboxState, origin = TEST_ORIGIN): string {
  return sandboxPart(source).apiBase(origin, state);
}

export { basicAuth };

/**
 * The `authorization` header the sandbox accepts for raw requests to a vendor's API: a fresh access token from
 * its token endpoint where the vendor has one, else the configured credentials (each module's sandbox part says).
 */
export function sandboxAuthorization(source: SourceId, state: SandboxState): Promise<string> {
  return sandboxPart(source).authorization(TEST_ORIGIN, state);
}

/** Request counts of a sandbox that was asked nothing: an empty count for every imitated vendor (expected counts spread it first, so any other module is seen to be asked nothing). */
export function noRequests(): Record<SourceId, Record<string, number>> {
  return perSource(() => ({}));
}

/**
 * A source's index read through per-request loaders: the index its category keeps (the CRM's accounts, the
 * accounting customers, the projects, the support organizations), whichever module serves it.
 */
export function indexRead(loaders: LoadersByCategory, source: SourceId): Promise<Fetched<unknown[]>> {
  const facts = sourceFacts(source);
  if (!facts) throw new Error(`no registered module is ${source}`);
  const reads: { [C in SourceCategory]: () => Promise<Fetched<unknown[]>> } = {
    crm: () => loaders.crm.accountIndex(),
    accounting: () => loaders.accounting.customerIndex(),
    projects: () => loaders.projects.projectIndex(),
    support: () => loaders.support.organizationIndex(),
  };
  return reads[facts.category]();
}

/** The manifest's exact links into one system: CRM account id → the ids of the records linked to it. */
export function exactLinks(manifest: Manifest, system: Manifest['exactLinks'][number]['system']): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const l of manifest.exactLinks) if (l.system === system) out.set(l.accountId, [...(out.get(l.accountId) ?? []), l.recordId]);
  return out;
}

export type TestKitOptions = {
  /** @default the module's own */
  timeoutMs?: number;
  /** @default the kit's (5 failures, 10 s) */
  breaker?: { threshold: number; halfOpenAfterMs: number };
  /** @default a fresh 50 MB cache */
  cache?: SourceCache;
  /** Merged over the module's own policies. */
  cachePolicies?: Record<string, CachePolicy>;
  health?: SourceHealth;
  /** @default the sandbox's clock */
  clock?: Clock;
  /** @default none (the kit's default) */
  retry?: RetrySettings;
  /** @default none: no per-minute budget */
  budget?: SourceBudget;
  /** Entities read in the background (the runtime's: the source's index), which yield to people. @default none */
  backgroundEntities?: string[];
};

type LoaderFactory<Client, L, LO> = (ctx: LoaderContext<Client> & LO) => L;

/**
 * One source module wired to the test sandbox. `createClient` and `createLoaders` default to the module's own;
 * pass the module's `client.server.ts` constructor or `loaders.ts` function for options beyond the contract
 * (QuickBooks' refresh token and page size, Salesforce's batch size).
 */
export function sourceTestKit<
  C extends SourceCategory,
  Config,
  Client,
  L = LoadersByCategory[C],
  LO extends object = object,
  CO = ClientDeps,
  S extends SandboxTarget = TestSandbox,
>(
  module: SourceModule<C, Config, Client>,
  opts: TestSandboxOptions & {
    /** Settings over the sandbox's. */
    env?: Record<string, string>;
    /** Defaults for every kit this builds. */
    kit?: TestKitOptions;
    createClient?: (config: Config, o: CO) => Client;
    createLoaders?: LoaderFactory<Client, L, LO>;
    /**
     * A sandbox already built (to wire several modules to one), or the HTTP sandbox (`httpSandbox(server)`); by
     * default one in process serving this vendor only.
     */
    sandbox?: S;
  } = {},
) {
  const sandbox = (opts.sandbox ?? testSandbox({ sources: [module.id], ...opts })) as S;
  const env = { ...sandbox.env, ...opts.env };
  const config = (extraEnv: Record<string, string> = {}): Config => parseEnv(module.configSchema, { ...env, ...extraEnv }, module.displayName);
  const client = (o: { env?: Record<string, string>; client?: CO } = {}): Client =>
    opts.createClient
      ? opts.createClient(config(o.env), o.client as CO)
      : module.createClient(config(o.env), { tokens: new MemoryTokenStore(), ...(o.client as Partial<ClientDeps> | undefined) });
  const kit = (o: TestKitOptions = {}): SourceKit => {
    const k: TestKitOptions = { ...opts.kit, ...o };
    const clock = k.clock ?? sandbox.clock;
    return new SourceKit({
      source: module.id,
      timeoutMs: k.timeoutMs ?? module.timeoutMs,
      mapError: module.mapError,
      cachePolicies: { ...module.cachePolicies, ...k.cachePolicies },
      cache: k.cache ?? new SourceCache({ maxBytes: 50e6, clock }),
      health: k.health ?? new SourceHealth({ clock }),
      clock,
      ...(k.breaker ? { breaker: k.breaker } : {}),
      ...(k.retry ? { retry: k.retry } : {}),
      ...(k.budget ? { budget: k.budget } : {}),
      ...(k.backgroundEntities ? { backgroundEntities: k.backgroundEntities } : {}),
    });
  };
  const make = (opts.createLoaders ?? (module.createLoaders as unknown as LoaderFactory<Client, L, LO>));
  /**
   * Loaders for one request. Loaders that still take a `today` option get the kit's clock's day, so that no
   * loader of a test reads the wall clock.
   */
  const loaders = (c: Client, k: SourceKit, o: Partial<LoaderOptions> & Partial<LO> = {}): L =>
    make({ client: c, kit: k, forceRefresh: false, today: () => todayOf(k.clock), ...o } as unknown as LoaderContext<Client> & LO);
  /** A fresh client, kit and loaders; `next()` gives the loaders of one more request on the same client and kit. */
  const setup = (o: TestKitOptions & { env?: Record<string, string>; client?: CO; loaders?: Partial<LoaderOptions> & Partial<LO> } = {}) => {
    const c = client(o);
    const k = kit(o);
    const next = (forceRefresh = false) => loaders(c, k, { ...o.loaders, forceRefresh } as Partial<LoaderOptions> & Partial<LO>);
    return { config: config(o.env), client: c, kit: k, loaders: loaders(c, k, o.loaders), next };
  };
  return {
    ...sandbox,
    sandbox,
    env,
    api: sandboxApi(module.id, sandbox.state, sandbox.origin),
    /** The `authorization` header for raw requests to this vendor's sandbox API. */
    authorization: () => sandboxAuthorization(module.id, sandbox.state),
    config,
    client,
    kit,
    loaders,
    setup,
  };
}
