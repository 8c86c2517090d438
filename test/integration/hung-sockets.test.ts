/**
 * Every hung call is really cancelled: over the HTTP sandbox (real sockets), a source that never answers is given
 * up by the kit's timeout, and no socket that carried one of those requests stays open afterwards — for each of
 * the four clients (jsforce, node-quickbooks over axios, and the fetch clients of Asana and Zendesk).
 */
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceModule } from '../../sources/kit/contract.js';
import { httpSandbox, sourceTestKit } from '../../sources/kit/testing.js';
import { SOURCE_MODULES } from '../../sources/runtime.js';
import { startSandboxServer, type SandboxServer } from '../../sources/sandbox/server.js';

const TIMEOUT_MS = 400;
let sb: SandboxServer;
/** Sockets the sandbox holds open, and those with a request it has not answered. */
const open = new Set<Socket>();
const unanswered = new Map<Socket, number>();

beforeAll(async () => {
  sb = await startSandboxServer({ port: 0, size: 30, seed: 3, today: '2026-11-27' });
  sb.server.on('connection', (s: Socket) => {
    open.add(s);
    s.on('close', () => {
      open.delete(s);
      unanswered.delete(s);
    });
  });
  sb.server.on('request', (req, res) => {
    const s = req.socket;
    unanswered.set(s, (unanswered.get(s) ?? 0) + 1);
    res.on('finish', () => unanswered.set(s, (unanswered.get(s) ?? 1) - 1));
  });
});
afterAll(() => sb.close());

/** One source's module over the HTTP sandbox, with a short timeout for its client and its kit alike. */
function bound(module: (typeof SOURCE_MODULES)[number]) {
  const t = sourceTestKit(module as unknown as SourceModule, {
    sandbox: httpSandbox(sb),
    env: { SALESFORCE_TIMEOUT_MS: String(TIMEOUT_MS), QUICKBOOKS_TIMEOUT_MS: String(TIMEOUT_MS), ZENDESK_TIMEOUT_MS: String(TIMEOUT_MS) },
    kit: { timeoutMs: TIMEOUT_MS },
  });
  const m = module as unknown as SourceModule;
  const { client, kit } = t.setup();
  const loaders = () => t.loaders(client, kit, { forceRefresh: true }) as Record<string, unknown>;
  const index = () => {
    const l = loaders() as Record<string, () => Promise<unknown>>;
    const read = { crm: l.accountIndex, accounting: l.customerIndex, projects: l.projectIndex, support: l.organizationIndex }[m.category]!;
    return read();
  };
  return { id: m.id, index };
}

const hungSockets = () => [...unanswered.entries()].filter(([s, n]) => n > 0 && open.has(s)).length;

describe.each(SOURCE_MODULES.map((m) => [m.id, m] as const))('%s', (id, module) => {
  it('leaves no socket open after a hang and the kit timeout', async () => {
    const s = bound(module);
    await s.index(); // tokens fetched, a connection may be kept alive: that one is idle, not hung
    sb.state.setFault(id, { hang: true });
    try {
      const before = sb.state.totalRequests(id);
      const started = performance.now();
      // One after the other: each is a request of its own that never gets an answer.
      const results = [await s.index(), await s.index()] as { freshness: { error: { code: string } | null } }[];
      expect(performance.now() - started).toBeLessThan(TIMEOUT_MS * 2 + 400);
      expect(results.map((r) => r.freshness.error?.code)).toEqual(['TIMEOUT', 'TIMEOUT']);
      expect(hungSockets()).toBeLessThanOrEqual(2);
      expect(sb.state.totalRequests(id) - before).toBeGreaterThanOrEqual(1); // the hung requests did reach the sandbox
      await new Promise((r) => setTimeout(r, 150));
      expect(hungSockets()).toBe(0);
    } finally {
      sb.state.clearFaults(id);
    }
  });
});
