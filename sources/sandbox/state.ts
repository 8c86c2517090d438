import { createHmac, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { SlidingMemoryLimiter } from '../kit/sliding-minute.js';
import type { SourceId } from '../kit/errors.js';
import { REGISTERED_MODULES } from '../modules.js';
import { SANDBOX_CREDENTIALS } from './constants.js';
import { AuthorizationCodes } from './consent.js';
import { clockAt, systemClock, type Clock } from '../kit/clock.js';
import { generateWorld, type DatasetOptions } from './dataset.js';
import type { World } from './world.js';
import type { SalesforceOrgVariant } from '../salesforce/sandbox/variant.js';
import type { AsanaWorkspaceVariant } from '../asana/sandbox/variant.js';
import type { ZendeskAccountVariant } from '../zendesk/sandbox/variant.js';
import type { QuickbooksCompanyVariant } from '../quickbooks/sandbox/variant.js';

/** The vendors the sandbox imitates: one per registered source module, each served by its module's `sandbox/` folder. */
export const SOURCE_IDS = REGISTERED_MODULES.map((m) => m.id) as [SourceId, ...SourceId[]];

/** A table with one entry per imitated vendor, each made by `make`. */
export function perSource<T>(make: (source: SourceId) => T): Record<SourceId, T> {
  return Object.fromEntries(SOURCE_IDS.map((id) => [id, make(id)])) as Record<SourceId, T>;
}

/** What can go wrong with one source, switchable while the sandbox runs. */
export const faultSchema = z
  .object({
    /** How long the vendor takes to answer, in ms: its own work counts inside it (a slower answer is not delayed further). */
    latencyMs: z.number().int().min(0).max(600_000).default(0),
    /** A random extra of up to this many ms. */
    jitterMs: z.number().int().min(0).max(600_000).default(0),
    /** Never answer (until the client gives up). */
    hang: z.boolean().default(false),
    /** Answer with this server error, in the vendor's own form. */
    status: z.union([z.literal(500), z.literal(503)]).nullable().default(null),
    /** Refuse as the vendor does when its rate limit is spent. */
    rateLimit: z.boolean().default(false),
    /** Seconds the rate-limit answer asks the client to wait. */
    retryAfterSeconds: z.number().int().min(0).max(3600).default(30),
    /** Treat every access token as expired; token refresh still works where the vendor has one. */
    expiredToken: z.boolean().default(false),
    /** Answer 200 with a body that is not valid JSON. */
    malformed: z.boolean().default(false),
    /** Answer with a renamed or missing field, as an API that changed under us. */
    drift: z.boolean().default(false),
    /** Drop the connection without an answer. */
    reset: z.boolean().default(false),
    /** Apply the fault only to endpoints whose name contains this (e.g. "query"). */
    endpoint: z.string().max(100).nullable().default(null),
  })
  .strict();

export type Fault = z.infer<typeof faultSchema>;
export type FaultPatch = z.input<typeof faultSchema>;

export const NO_FAULT: Fault = faultSchema.parse({});

type Token = { source: SourceId; expiresAt: number; issuedAt: number };

export { SANDBOX_CREDENTIALS } from './constants.js';

/** The scopes the sandbox's Xero connection is granted by default: read only, and a refresh token. */
export const SANDBOX_XERO_SCOPES = 'accounting.contacts.read accounting.transactions.read offline_access';

/**
 * Everything the sandbox knows: its world, the faults in force per source, the access tokens it issued and
 * how many requests it answered per source and endpoint.
 */
export class SandboxState {
  world: World;
  readonly options: DatasetOptions;
  readonly faults: Record<SourceId, Fault> = perSource(() => ({ ...NO_FAULT }));
  readonly #counts = new Map<string, number>();
  /** Authorization codes the Salesforce and Intuit authorize pages issued, until their token endpoints exchange them. */
  readonly authorizationCodes = new AuthorizationCodes();
  /** Every vendor route the handlers registered (method, URL pattern, endpoint name), for the HTTP server. */
  readonly routes: { source: SourceId; method: string; pattern: string; endpoint: string }[] = [];
  /** Child relationship records Salesforce returns inline per parent before paging the rest (its own default: 200). */
  salesforceChildBatchSize = 200;
  /** How the Salesforce org's custom fields differ from the default (dropped, or namespaced). @default none */
  salesforceOrg: SalesforceOrgVariant = {};
  /** How the QuickBooks company differs from the default: its home currency, or multicurrency off (records without CurrencyRef). @default none */
  quickbooksCompany: QuickbooksCompanyVariant = {};
  /** How the Asana workspace's account-id custom field differs from the default (absent, renamed, another type). @default none */
  asanaWorkspace: AsanaWorkspaceVariant = {};
  /** How the Zendesk account differs from the default: the CRM account id in an organization custom field (or nowhere), organization_fields of another shape. @default none */
  zendeskAccount: ZendeskAccountVariant = {};
  /** The scopes the Xero token answer says were granted (space-separated). @default read-only scopes and offline_access */
  xeroGrantedScopes = SANDBOX_XERO_SCOPES;
  /** Zendesk answers without the sideloads `include=` asks for (the documented `show_many` calls still work). @default false */
  zendeskIgnoresSideloads = false;
  /** API calls the Salesforce org's other integrations have made today: added to what Sforce-Limit-Info reports. @default 0 */
  salesforceOtherApiUsage = 0;
  /**
   * Records deleted through `/__sandbox/records/<source>` (id and when, by the state's clock), per source and
   * entity: what the vendors' change feeds report as deleted (QuickBooks CDC's `status: "Deleted"`, Zendesk's
   * `deleted_at`). The world no longer holds them.
   */
  readonly deletions: Record<SourceId, { entity: string; id: string; at: number; record?: unknown }[]> = perSource(() => []);
  readonly #tokens = new Map<string, Token>();
  /** Refresh tokens currently valid per source (QuickBooks rotates its refresh token on every use). */
  readonly refreshTokens: Record<SourceId, Set<string>> = perSource((id) => {
    // a module whose demo credentials live in its own folder seeds its refresh tokens from its sandbox part
    const credential = (SANDBOX_CREDENTIALS as Partial<Record<SourceId, object>>)[id];
    return new Set(credential && 'refreshToken' in credential && typeof credential.refreshToken === 'string' ? [credential.refreshToken] : []);
  });

  /**
   * A new authorization of the same company: its own refresh token, valid beside the others, as when a second
   * deployment is connected to the same QuickBooks company. Each connection then rotates its own token. The token
   * is signed with the sandbox's grant key, so a sandbox started again still knows it (a vendor remembers its grants
   * across its restarts; a connection kept by Panorama must survive the sandbox's).
   */
  authorize(source: SourceId): string {
    const nonce = randomBytes(12).toString('base64url');
    const token = `sandbox-${source}-refresh-${nonce}.${grantSignature(source, nonce)}`;
    this.refreshTokens[source].add(token);
    return token;
  }

  /** Refresh tokens used up (rotated away) in this process: a signed one is refused once spent. */
  readonly #spent = new Set<string>();

  /** Whether the token endpoint takes this refresh token: one it holds, or one it signed and this process has not seen spent. */
  acceptsRefreshToken(source: 'salesforce' | 'quickbooks', token: string | null): boolean {
    if (!token) return false;
    if (this.refreshTokens[source].has(token)) return true;
    const m = new RegExp(`^sandbox-${source}-refresh-([A-Za-z0-9_-]{16})\\.([A-Za-z0-9_-]{43})$`).exec(token);
    if (!m || this.#spent.has(token) || m[2] !== grantSignature(source, m[1]!)) return false;
    this.refreshTokens[source].add(token);
    return true;
  }

  /** A rotated-away refresh token: no longer valid here. */
  spendRefreshToken(source: 'salesforce' | 'quickbooks', token: string): void {
    this.refreshTokens[source].delete(token);
    this.#spent.add(token);
  }

  /** The secret the sandbox's Asana hands over in a webhook handshake (X-Hook-Secret) and signs deliveries with. */
  readonly asanaHookSecret = randomBytes(32).toString('hex');
  /** When the vendors say their notifications were sent: the world's day, running on (tests set their own clock). */
  clock: Clock;

  constructor(options: DatasetOptions = {}, world?: World) {
    this.options = options;
    this.world = world ?? generateWorld(options);
    this.clock = options.today ? clockAt(options.today) : systemClock;
  }

  setFault(source: SourceId, patch: FaultPatch): Fault {
    const next = faultSchema.parse({ ...this.faults[source], ...patch });
    this.faults[source] = next;
    return next;
  }

  clearFaults(source?: SourceId): void {
    for (const s of source ? [source] : SOURCE_IDS) this.faults[s] = { ...NO_FAULT };
  }

  /**
   * Per-minute limits the vendors enforce (SANDBOX_RATE_LIMITS=documented: each module's documented one): past it a
   * vendor answers its own 429 with Retry-After, counted over the last 60 s (a sliding minute, the strictest reading).
   */
  readonly rateLimits = new Map<SourceId, number>();
  /** Each limited vendor's window: the same sliding window Panorama's budgets count, of the vendor's minute. */
  readonly #windows = new Map<SourceId, SlidingMemoryLimiter>();
  #rates = new Map<SourceId, { busiestMinute: number; rejected: number }>();

  /** An API request arriving: null when the vendor's limit lets it in, else the seconds until it would. */
  async admit(source: SourceId): Promise<number | null> {
    const limit = this.rateLimits.get(source);
    if (!limit) return null;
    let window = this.#windows.get(source);
    if (!window || window.points !== limit) this.#windows.set(source, (window = new SlidingMemoryLimiter(limit, 60_000, () => performance.now())));
    const rate = this.#rates.get(source) ?? { busiestMinute: 0, rejected: 0 };
    this.#rates.set(source, rate);
    try {
      rate.busiestMinute = Math.max(rate.busiestMinute, (await window.consume(source)).consumedPoints);
      return null;
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      rate.rejected++;
      return Math.max(1, Math.ceil(e.msBeforeNext / 1000));
    }
  }

  /** Per limited vendor: its limit, the most requests let in within any 60 s, and the 429s it answered (since the counts' reset). */
  rateReport(): Partial<Record<SourceId, { perMinute: number; busiestMinute: number; rejected: number }>> {
    return Object.fromEntries([...this.rateLimits].map(([source, perMinute]) => [source, { perMinute, busiestMinute: 0, rejected: 0, ...this.#rates.get(source) }]));
  }

  count(source: SourceId, endpoint: string): void {
    const key = `${source} ${endpoint}`;
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }

  /** Requests answered, as { source: { endpoint: n } }. */
  requestCounts(): Record<SourceId, Record<string, number>> {
    const out = perSource((): Record<string, number> => ({}));
    for (const [key, n] of this.#counts) {
      const [source, endpoint] = key.split(' ') as [SourceId, string];
      out[source][endpoint] = n;
    }
    return out;
  }

  totalRequests(source: SourceId): number {
    return Object.values(this.requestCounts()[source]).reduce((a, b) => a + b, 0);
  }

  resetCounts(): void {
    this.#counts.clear();
    this.#rates = new Map();
  }

  issueToken(source: SourceId, ttlSeconds: number): string {
    const token = `${source}-${randomBytes(18).toString('base64url')}`;
    this.#tokens.set(token, { source, issuedAt: Date.now(), expiresAt: Date.now() + ttlSeconds * 1000 });
    return token;
  }

  /** Forget every access token of a source, as when they all expire at once. */
  expireTokens(source: SourceId): void {
    for (const [token, t] of this.#tokens) if (t.source === source) this.#tokens.delete(token);
  }

  isValidToken(source: SourceId, token: string | null | undefined): boolean {
    if (!token) return false;
    const t = this.#tokens.get(token);
    return Boolean(t && t.source === source && t.expiresAt > Date.now());
  }

  /** A new world from new options (seed, size, today), keeping faults and tokens. */
  regenerate(options: DatasetOptions): void {
    this.world = generateWorld(options);
  }
}

export function bearerToken(request: Request): string | null {
  const h = request.headers.get('authorization');
  const m = h?.match(/^Bearer\s+(\S+)$/i);
  return m?.[1] ?? null;
}

/** The sandbox's key for signing the refresh tokens it grants (demo only: the sandbox is no vendor). */
const GRANT_KEY = 'panorama-sandbox-grant-key';
function grantSignature(source: string, nonce: string): string {
  return createHmac('sha256', GRANT_KEY).update(`${source}:${nonce}`).digest('base64url');
}
