/**
 * A view's deadline (PANORAMA_VIEW_DEADLINE_MS): a customer view answers by then with the sections whose sources
 * have answered; a slower source's section says it is still being read (TIMEOUT, with an error entry for its
 * fields), and its read goes on and fills the cache, so the next view shows it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGraphqlSettings } from '../../graphql/settings.js';
import { createHarness, gql, viewerFor } from '../support/graphql.js';

const DEADLINE_MS = 600;
const h = createHarness({
  size: 40,
  env: { PANORAMA_RETRY_ATTEMPTS: '0' },
  yoga: { settings: parseGraphqlSettings({ PANORAMA_VIEW_DEADLINE_MS: String(DEADLINE_MS) }) },
});
const admin = viewerFor('admin');
const VIEW = /* GraphQL */ `
  query ($id: ID!) {
    customer(id: $id) {
      name
      support { organization { id } }
      sections { system state message code }
    }
  }
`;
type Section = { system: string; state: string; message: string | null; code: string | null };
let id = '';

beforeAll(async () => {
  h.sandbox.listen();
  expect((await h.runtime.warmIndexes()).every((w) => w.ok)).toBe(true);
  const m = h.sandbox.state.world.manifest;
  id = m.cleanAccountIds.find((a) => m.exactLinks.some((l) => l.system === 'zendesk' && l.accountId === a))!;
});
afterAll(() => h.sandbox.close());

describe('the view deadline', () => {
  it('answers by the deadline with what has answered; the late section is still being read, and lands in the cache', async () => {
    h.sandbox.state.setFault('zendesk', { latencyMs: 1500 });
    const started = performance.now();
    const r = await gql(h, admin, VIEW, { id });
    const took = performance.now() - started;
    expect(took).toBeLessThan(DEADLINE_MS + 500);
    expect(took).toBeGreaterThanOrEqual(DEADLINE_MS - 50);
    const sections = r.data!.customer.sections as Section[];
    expect(sections.find((s) => s.system === 'SALESFORCE')).toMatchObject({ state: 'LIVE' });
    expect(sections.find((s) => s.system === 'ZENDESK')).toEqual({
      system: 'ZENDESK',
      state: 'FAILED',
      code: 'TIMEOUT',
      message: "Zendesk hasn't answered within 0.6 s; this section is still being read. Refresh in a moment to see it.",
    });
    expect(r.data!.customer.support).toBeNull();
    expect(r.errors?.find((e) => e.path?.join('.') === 'customer.support')?.extensions).toMatchObject({ source: 'zendesk', code: 'TIMEOUT', retryable: true });

    await new Promise((res) => setTimeout(res, 1500)); // the read went on
    h.sandbox.state.clearFaults('zendesk');
    const before = h.sandbox.state.totalRequests('zendesk');
    const next = await gql(h, admin, VIEW, { id });
    expect((next.data!.customer.sections as Section[]).find((s) => s.system === 'ZENDESK')).toMatchObject({ state: 'CACHED', code: null });
    expect(next.data!.customer.support).not.toBeNull();
    expect(h.sandbox.state.totalRequests('zendesk')).toBe(before);
  });

  it('holds for the CRM too: the customer still answers, with the other systems, by the deadline', async () => {
    h.sandbox.state.setFault('salesforce', { latencyMs: 1500 });
    const other = h.sandbox.state.world.manifest.cleanAccountIds.find((a) => a !== id)!;
    const started = performance.now();
    const r = await gql(h, admin, VIEW, { id: other });
    expect(performance.now() - started).toBeLessThan(DEADLINE_MS + 500);
    const crm = (r.data!.customer.sections as Section[]).find((s) => s.system === 'SALESFORCE');
    expect(crm).toMatchObject({ state: 'FAILED', code: 'TIMEOUT' });
    expect(crm!.message).toMatch(/^Salesforce hasn't answered within 0\.6 s; this section is still being read\./);
    h.sandbox.state.clearFaults('salesforce');
    await new Promise((res) => setTimeout(res, 1200));
  });
});
