/**
 * The fault matrix: each source × each fault the sandbox can play in that vendor's own form (timeout, 500, a burst
 * of 503, rate limit with Retry-After, expired token, malformed body, renamed field, connection reset), over the
 * HTTP sandbox with real sockets. Each cell reads a customer's section that is already cached, forced past the
 * cache, and checks the shared code, what was served, the requests the sandbox counted (retries, none inside a
 * rate-limit window) and that no socket of a hung request is left open.
 */
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceModule } from '../../sources/kit/contract.js';
import type { Fetched } from '../../sources/kit/domain.js';
import type { SourceErrorCode } from '../../sources/kit/errors.js';
import { httpSandbox, sourceTestKit } from '../../sources/kit/testing.js';
import { SOURCE_MODULES } from '../../sources/runtime.js';
import { SANDBOX_CREDENTIALS } from '../../sources/sandbox/constants.js';
import { startSandboxServer, type SandboxServer } from '../../sources/sandbox/server.js';
import type { FaultPatch } from '../../sources/sandbox/state.js';

const TIMEOUT_MS = 300;
/** Each source's own timeout setting, as the kit's. */
const HTTP_TIMEOUTS = { SALESFORCE_TIMEOUT_MS: String(TIMEOUT_MS), QUICKBOOKS_TIMEOUT_MS: String(TIMEOUT_MS), ASANA_TIMEOUT_MS: String(TIMEOUT_MS), ZENDESK_TIMEOUT_MS: String(TIMEOUT_MS) };
const RETRIES = 1;
let sb: SandboxServer;
const open = new Set<Socket>();
const unanswered = new Map<Socket, number>();
const hungSockets = () => [...unanswered.entries()].filter(([s, n]) => n > 0 && open.has(s)).length;
/** Called with every answer the sandbox sends (for the 503 burst). */
let onAnswer: ((status: number, path: string) => void) | null = null;

beforeAll(async () => {
  sb = await startSandboxServer({ port: 0, size: 30, seed: 3, today: '2026-11-27' });
  sb.server.on('connection', (s: Socket) => {
    open.add(s);
    s.on('close', () => (open.delete(s), unanswered.delete(s)));
  });
  sb.server.on('request', (req, res) => {
    unanswered.set(req.socket, (unanswered.get(req.socket) ?? 0) + 1);
    res.on('finish', () => {
      unanswered.set(req.socket, (unanswered.get(req.socket) ?? 1) - 1);
      onAnswer?.(res.statusCode, req.url ?? '');
    });
  });
});
afterAll(() => sb.close());

/** A customer linked by exact ids in every system. */
function linkedAccount(): { account: string; quickbooks: string } {
  const m = sb.state.world.manifest;
  const by = (system: string, id: string) => m.exactLinks.find((l) => l.system === system && l.accountId === id);
  const account = m.cleanAccountIds.find((id) => by('quickbooks', id) && by('asana', id) && by('zendesk', id))!;
  return { account, quickbooks: by('quickbooks', account)!.recordId };
}

/** One source's module over the HTTP sandbox, with a short timeout and one retry, fresh for each cell. */
function bound(module: (typeof SOURCE_MODULES)[number]) {
  const t = sourceTestKit(module as unknown as SourceModule, {
    sandbox: httpSandbox(sb),
    env: HTTP_TIMEOUTS,
    kit: { timeoutMs: TIMEOUT_MS, retry: { attempts: RETRIES, initialDelayMs: 10, maxDelayMs: 20, deadlineMs: TIMEOUT_MS * 3 } },
  });
  const m = module as unknown as SourceModule;
  const { client, kit } = t.setup();
  const ids = linkedAccount();
  const section = async (): Promise<Fetched<unknown>> => {
    const l = t.loaders(client, kit, { forceRefresh: true }) as unknown as Record<string, { load: (id: string) => Promise<Fetched<unknown>> }>;
    const read = { crm: () => l.customer!.load(ids.account), accounting: () => l.customer!.load(ids.quickbooks), projects: () => l.forAccount!.load(ids.account), support: () => l.forAccount!.load(ids.account) }[m.category]!;
    return read();
  };
  return { kit, section };
}

/** How many requests a faulted read may cost: each failed call retried, or none retried (a read may make several calls). */
type Cost = 'retried' | 'once' | 'any';
type Cell = { fault: string; patch: FaultPatch; code: SourceErrorCode | null; cost: Cost };
const CELLS: Cell[] = [
  { fault: 'timeout', patch: { hang: true }, code: 'TIMEOUT', cost: 'any' },
  { fault: '500', patch: { status: 500 }, code: 'UNAVAILABLE', cost: 'retried' },
  { fault: '503 burst', patch: { status: 503 }, code: null, cost: 'any' },
  { fault: 'rate limit with Retry-After', patch: { rateLimit: true, retryAfterSeconds: 30 }, code: 'RATE_LIMITED', cost: 'once' },
  { fault: 'expired token', patch: { expiredToken: true }, code: 'UNAUTHENTICATED', cost: 'any' },
  { fault: 'malformed body', patch: { malformed: true }, code: 'INVALID_RESPONSE', cost: 'once' },
  { fault: 'renamed field', patch: { drift: true }, code: 'INVALID_RESPONSE', cost: 'once' },
  { fault: 'connection reset', patch: { reset: true }, code: 'UNAVAILABLE', cost: 'retried' },
];

describe.each(SOURCE_MODULES.map((m) => [m.id, m] as const))('%s', (id, module) => {
  it.each(CELLS)('$fault', async ({ fault, patch, code, cost }) => {
    // QuickBooks rotated the refresh token an earlier cell's client used: each cell's client starts from the configured one
    sb.state.refreshTokens.quickbooks.add(SANDBOX_CREDENTIALS.quickbooks.refreshToken);
    const s = bound(module);
    const first = await s.section();
    expect(first.freshness.error).toBeNull();
    const counted = sb.state.totalRequests(id);
    await s.section();
    const perRead = sb.state.totalRequests(id) - counted; // what a forced read costs when all is well
    sb.state.setFault(id, patch);
    if (fault === '503 burst') onAnswer = (status, path) => status === 503 && path.startsWith(`/${id}`) && sb.state.clearFaults(id);
    try {
      const before = sb.state.totalRequests(id);
      const r = await s.section();
      const sent = sb.state.totalRequests(id) - before;
      if (code === null) {
        expect(r.freshness).toMatchObject({ fromCache: false, error: null }); // the retry rode the burst out
        expect(sent).toBe(perRead + 1);
      } else {
        // the cached section is served, marked stale with the shared code
        expect(r.freshness).toMatchObject({ fromCache: true, stale: true, error: { code } });
        expect(r.value).toEqual(first.value);
        expect(sent).toBeGreaterThanOrEqual(1);
        if (cost === 'once') expect(sent).toBeLessThanOrEqual(perRead);
        if (cost === 'retried') {
          expect(sent % (1 + RETRIES)).toBe(0);
          expect(sent).toBeLessThanOrEqual(perRead * (1 + RETRIES));
        }
      }
      if (fault === 'rate limit with Retry-After') {
        const inside = sb.state.totalRequests(id);
        const again = await Promise.all([s.section(), s.section(), s.section()]);
        expect(sb.state.totalRequests(id)).toBe(inside); // 0 requests inside the window
        expect(again.every((a) => a.freshness.error?.retryAt)).toBe(true);
      }
      if (fault === 'timeout') {
        await new Promise((res) => setTimeout(res, 100));
        expect(hungSockets()).toBe(0); // 0 sockets left open after the hang
      }
    } finally {
      onAnswer = null;
      sb.state.clearFaults(id);
    }
  });
});
