/**
 * The customer page's operation streamed with @defer: each system's part is sent once that system has answered,
 * from one execution — still one request per source, one audit record holding every part's customers and field
 * groups, and the role policy applied inside deferred parts as everywhere.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { operationText, serverSentEvents } from '../../app/.server/graphql.js';
import { CUSTOMER_PAGE_QUERY } from '../../app/components/customer/query.js';
import { MY_ACCOUNTS } from '../../app/routes/accounts.js';
import type { AuditRecord } from '../../graphql/audit.js';
import { mergePayload, type Payload } from '../../graphql/incremental.js';
import { canRead, type Role } from '../../graphql/policy.js';
import { createHarness, viewerFor, type Harness } from '../support/graphql.js';

const audit: AuditRecord[] = [];
let h: Harness;
beforeAll(async () => {
  h = createHarness({ size: 120, seed: 5, yoga: { responseCache: { ttlMs: 0, maxEntries: 0, maxBytes: 0 }, audit: { write: (r) => void audit.push(r) } } });
  h.sandbox.listen();
  await h.runtime.warmIndexes();
});
afterEach(() => {
  h.sandbox.state.clearFaults();
  audit.length = 0;
});
afterAll(() => h.sandbox.close());

const vars = (role: Role, id: string, over: Record<string, unknown> = {}) => ({
  id,
  refresh: false,
  refreshSystems: null,
  deals: canRead(role, 'DEALS'),
  billing: canRead(role, 'BILLING'),
  tickets: canRead(role, 'TICKETS'),
  admin: canRead(role, 'ADMIN'),
  stream: true,
  ...over,
});

/** The streamed answer: each payload with when it came, which parts it held, and everything merged. */
async function streamed(role: Role, variables: Record<string, unknown>) {
  const started = performance.now();
  const res = await h.yoga.fetch(
    'http://yoga/graphql',
    { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' }, body: JSON.stringify({ query: operationText(CUSTOMER_PAGE_QUERY), variables, operationName: 'CustomerPage' }) },
    { viewer: viewerFor(role) },
  );
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const arrivals: { at: number; labels: string[] }[] = [];
  const merged = { data: null as Record<string, unknown> | null, errors: [] as unknown[] };
  for await (const payload of serverSentEvents(res.body!)) {
    arrivals.push({ at: performance.now() - started, labels: (payload as Payload).incremental?.map((i) => i.label ?? '') ?? ['first'] });
    mergePayload(merged, payload);
  }
  return { arrivals, merged, customer: merged.data?.customer as Record<string, any> };
}

const at = (arrivals: { at: number; labels: string[] }[], label: string) => arrivals.find((a) => a.labels.includes(label))?.at ?? Number.NaN;

/** A customer whose every section is linked by id, and not yet in the cache. */
function coldLinked(skip: number): string {
  const m = h.sandbox.state.world.manifest;
  const linked = (s: string) => new Set(m.exactLinks.filter((l) => l.system === s).map((l) => l.accountId));
  const [q, a, z] = [linked('quickbooks'), linked('asana'), linked('zendesk')];
  const heuristic = new Set(m.heuristicLinks.map((l) => l.accountId));
  return m.cleanAccountIds.filter((id) => q.has(id) && a.has(id) && z.has(id) && !heuristic.has(id))[skip]!;
}

describe('the customer page streamed with @defer', () => {
  it('sends the slow system last, its part alone waiting, with one request per source and one audit record', async () => {
    const id = coldLinked(0);
    h.sandbox.state.setFault('quickbooks', { latencyMs: 600 });
    const before = h.sandbox.state.requestCounts();
    const { arrivals, customer, merged } = await streamed('admin', vars('admin', id));
    // the header first, then every part, each once
    expect(arrivals[0]!.labels).toEqual(['first']);
    expect(arrivals.flatMap((a) => a.labels).filter((l) => l !== 'first').sort()).toEqual(['accounting', 'crm', 'insights', 'projects', 'support']);
    // the shell waits for no system (the warm index names the customer); the CRM's part comes like the others
    expect(at(arrivals, 'crm')).toBeLessThan(at(arrivals, 'accounting'));
    expect(at(arrivals, 'support')).toBeLessThan(at(arrivals, 'accounting'));
    expect(at(arrivals, 'projects')).toBeLessThan(at(arrivals, 'accounting'));
    expect(at(arrivals, 'accounting')).toBeGreaterThanOrEqual(600);
    expect(merged.errors).toEqual([]);
    expect(customer.crm.account.id).toBe(id);
    expect(customer.accountingSection.state).toBe('LIVE');
    expect(customer.accounting.invoices.length).toBeGreaterThan(0);
    expect(customer.sections).toHaveLength(4);
    const after = h.sandbox.state.requestCounts();
    for (const source of ['salesforce', 'quickbooks', 'asana', 'zendesk'] as const) {
      const sent = Object.values(after[source]).reduce((s, n) => s + n, 0) - Object.values(before[source] ?? {}).reduce((s, n) => s + n, 0);
      expect(sent, source).toBe(1);
    }
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ operation: 'CustomerPage', customerIds: [id], errors: 0, reused: false });
    expect(audit[0]!.fieldGroups).toEqual(expect.arrayContaining(['IDENTITY', 'BILLING', 'DEALS', 'TICKETS', 'PROJECTS']));
  });

  it('applies the role policy inside the deferred parts: support asking for amounts gets none, and none is audited', async () => {
    const id = coldLinked(1);
    const { customer, merged } = await streamed('support', vars('support', id, { billing: true, deals: true }));
    // a refused non-null field (the currency) takes its profile with it: no amount, no invoice reaches support
    expect(customer.accounting?.balance ?? null).toBeNull();
    expect(customer.accounting?.invoices ?? null).toBeNull();
    expect(customer.supportSection.state).toBe('LIVE');
    expect(customer.crm.opportunities).toBeNull();
    expect((merged.errors as { extensions?: { code?: string } }[]).map((e) => e.extensions?.code)).toContain('FORBIDDEN');
    expect(audit).toHaveLength(1);
    expect(audit[0]!.fieldGroups).not.toContain('BILLING');
    expect(audit[0]!.fieldGroups).not.toContain('DEALS');
    expect(audit[0]!.errors).toBeGreaterThan(0);
  });

  it('lists overdue invoices first, then the newest, and counts them all', async () => {
    const planted = h.sandbox.state.world.manifest.overdueWithUrgentTickets[0]!.accountId;
    const { customer } = await streamed('finance', vars('finance', planted, { invoices: 3 }));
    const invoices = customer.accounting.invoices as { status: string; date: string; daysOverdue: number }[];
    const overdue = invoices.filter((i) => i.status === 'OVERDUE');
    expect(overdue.length).toBeGreaterThan(0);
    expect(invoices.slice(0, overdue.length).every((i) => i.status === 'OVERDUE')).toBe(true);
    const rest = invoices.slice(overdue.length).map((i) => i.date);
    expect(rest).toEqual([...rest].sort().reverse());
    expect(customer.accounting.invoiceCount).toBeGreaterThanOrEqual(invoices.length);
  });
});

describe('errors inside deferred parts', () => {
  it("are masked as every other error: a source's failure in a streamed list is its user message with its code, never its internal text", async () => {
    h.sandbox.state.setFault('zendesk', { status: 503 });
    const res = await h.yoga.fetch(
      'http://yoga/graphql',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ query: operationText(MY_ACCOUNTS), variables: { first: 10, deals: true, billing: true, stream: true }, operationName: 'MyAccounts' }),
      },
      { viewer: viewerFor('account_manager') },
    );
    const inParts: { message: string; extensions?: Record<string, unknown> }[] = [];
    for await (const payload of serverSentEvents(res.body!)) for (const part of (payload as Payload).incremental ?? []) inParts.push(...((part.errors ?? []) as never[]));
    expect(inParts.length).toBeGreaterThan(0);
    for (const e of inParts) {
      expect(e.message).toBe('Zendesk is not reachable right now. Try refreshing in a minute.');
      expect(e.extensions).toMatchObject({ code: 'UNAVAILABLE', source: 'zendesk', retryable: true });
    }
  });
});
