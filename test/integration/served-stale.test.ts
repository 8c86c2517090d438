/**
 * The truth about staleness, end to end: a section past its TTL says "Updating…" while it is read again; once that
 * re-read has failed it says which source is not answering, since when and how old the data is, and the GraphQL
 * answer carries an error entry for that source beside the data; when the source is back the words are plain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPanoramaYoga } from '../../graphql/yoga.js';
import { createSourcesRuntime } from '../../sources/runtime.js';
import { testSandbox } from '../../sources/kit/testing.js';
import { gql, settle, viewerFor, type Harness } from '../support/graphql.js';

const sandbox = testSandbox({ size: 40, seed: 5 });
// Every TTL scaled down (customer data: 60 s → 0.6 s) so that a test can wait past it.
const runtime = createSourcesRuntime({
  ...sandbox.env,
  PANORAMA_SANDBOX_ORIGIN: sandbox.origin,
  PANORAMA_CACHE_TTL_SCALE: '0.01',
  PANORAMA_CACHE_TTL_QUICKBOOKS_OVERDUE_INVOICES_SECONDS: '0.6',
  PANORAMA_RETRY_ATTEMPTS: '0',
}, { clock: sandbox.clock });
const h: Harness = { sandbox, runtime, yoga: createPanoramaYoga(runtime, { responseCache: { ttlMs: 0, maxEntries: 1, maxBytes: 1 } }) };
const admin = viewerFor('admin');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const VIEW = /* GraphQL */ `
  query ($id: ID!) {
    customer(id: $id) {
      id
      accounting { balance }
      sections { system state message code }
    }
  }
`;
type Section = { system: string; state: string; message: string | null; code: string | null };
const qbo = (r: { data?: Record<string, any> | null }) => (r.data!.customer.sections as Section[]).find((s) => s.system === 'QUICKBOOKS')!;

let id = '';
beforeAll(async () => {
  sandbox.listen();
  const w = sandbox.state.world;
  id = w.manifest.cleanAccountIds.find((a) => w.manifest.exactLinks.some((l) => l.system === 'quickbooks' && l.accountId === a))!;
});
afterAll(async () => {
  await settle(runtime);
  sandbox.close();
});

describe('freshness words through GraphQL', () => {
  it('fresh → updating → failing (with an error entry beside the data) → recovered', async () => {
    const fresh = await gql(h, admin, VIEW, { id });
    expect(fresh.errors).toBeUndefined();
    expect(qbo(fresh)).toMatchObject({ state: 'LIVE', code: null, message: 'Updated 0 s ago' });

    await sleep(700); // past the 0.6 s TTL, within stale-while-revalidate
    sandbox.state.setFault('quickbooks', { status: 503 });
    const updating = await gql(h, admin, VIEW, { id });
    expect(qbo(updating)).toMatchObject({ state: 'STALE', code: null, message: 'Updating…' });
    expect(updating.errors).toBeUndefined();

    await sleep(150); // the background re-read has met the 503
    const failing = await gql(h, admin, VIEW, { id });
    expect(failing.data!.customer.accounting.balance).toEqual(fresh.data!.customer.accounting.balance);
    const section = qbo(failing);
    expect(section).toMatchObject({ state: 'STALE', code: 'UNAVAILABLE' });
    expect(section.message).toMatch(/^QuickBooks isn't answering \(503\) since \d\d:\d\d UTC; showing data from \d+ s ago\.$/);
    const entry = failing.errors?.find((e) => e.extensions?.source === 'quickbooks');
    expect(entry?.extensions).toMatchObject({ source: 'quickbooks', code: 'UNAVAILABLE', retryable: true });
    expect(Date.parse(String(entry!.extensions!.servedStaleSince))).toBeGreaterThan(0);
    expect(entry!.message).toBe(section.message);
    expect(failing.errors!.filter((e) => e.extensions?.source === 'quickbooks')).toHaveLength(1);

    sandbox.state.clearFaults('quickbooks');
    await gql(h, admin, VIEW, { id }); // starts the re-read that now succeeds
    await sleep(150);
    const recovered = await gql(h, admin, VIEW, { id });
    expect(recovered.errors).toBeUndefined();
    expect(qbo(recovered)).toMatchObject({ state: 'CACHED', code: null });
    expect(qbo(recovered).message).toMatch(/^Updated \d s ago$/);
  });
});

describe('served-stale errors on lists', () => {
  it.each([
    ['overdueInvoices', 'quickbooks'],
    ['urgentTickets', 'zendesk'],
  ] as const)('%s: a list served stale because %s fails carries its error entry beside the rows', async (list, source) => {
    const LIST = `{ ${list} { totalCount status { system state message code } } }`;
    const fresh = await gql(h, admin, LIST);
    expect(fresh.errors).toBeUndefined();
    await sleep(700);
    sandbox.state.setFault(source, { status: 503 });
    await gql(h, admin, LIST); // served at once ("Updating…") while it is read again
    await sleep(150); // the re-read has met the 503
    const failing = await gql(h, admin, LIST);
    expect(failing.data![list].totalCount).toBe(fresh.data![list].totalCount);
    expect(failing.data![list].status).toMatchObject({ state: 'STALE', code: 'UNAVAILABLE' });
    const entries = failing.errors?.filter((e) => e.extensions?.source === source) ?? [];
    expect(entries).toHaveLength(1);
    expect(entries[0]!.extensions).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
    expect(entries[0]!.message).toBe(failing.data![list].status.message);
    sandbox.state.clearFaults(source);
    await gql(h, admin, LIST);
    await sleep(150);
    expect((await gql(h, admin, LIST)).errors).toBeUndefined();
  });
});
