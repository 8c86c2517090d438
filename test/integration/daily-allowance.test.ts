/**
 * Salesforce's daily API allowance, read from the `Sforce-Limit-Info: api-usage=N/M` header of its answers (the
 * org's usage, shared with its other integrations): the index upkeep stops at 70 % of it, everything at 80 %
 * (PANORAMA_BUDGET_SALESFORCE_DAILY_PERCENT); then nothing is sent for 15 minutes, reads are served from the
 * cache, labelled, and one call after that reads the usage again. Requests are counted at the sandbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../sources/kit/clock.js';
import { statusFromFetched } from '../../sources/kit/section-status.js';
import { SANDBOX_TODAY, testSandbox } from '../../sources/kit/testing.js';
import { metricsRegistry } from '../../sources/kit/metrics.js';
import { observeRuntime, readiness } from '../../sources/readiness.js';
import { createSourcesRuntime } from '../../sources/runtime.js';

const clock = manualClock(`${SANDBOX_TODAY}T09:00:00Z`);
const sandbox = testSandbox({ size: 40, seed: 5, clock, sources: ['salesforce'] });
const runtime = createSourcesRuntime(
  { ...Object.fromEntries(Object.entries(sandbox.env).filter(([k]) => k.startsWith('SALESFORCE_'))), PANORAMA_SANDBOX_ORIGIN: sandbox.origin, PANORAMA_BUDGET_SALESFORCE_DAILY_PERCENT: '80' },
  { clock },
);
const kit = runtime.bySource.salesforce.kit;
const accounts = sandbox.state.world.salesforce.accounts.map((a) => a.Id);
const sent = () => sandbox.state.totalRequests('salesforce');
const read = (id: string) => runtime.createLoaders({ forceRefresh: false }).crm.customer.load(id);
const MIN = 60_000;

beforeAll(async () => {
  sandbox.listen();
  expect((await runtime.warmIndexes()).find((w) => w.source === 'salesforce')?.ok).toBe(true);
});
afterAll(() => sandbox.close());

describe("Salesforce's daily API allowance", () => {
  it('is not watched against the built-in sandbox unless set', () => {
    const plain = createSourcesRuntime({ ...Object.fromEntries(Object.entries(sandbox.env).filter(([k]) => k.startsWith('SALESFORCE_'))), PANORAMA_SANDBOX_ORIGIN: sandbox.origin }, { clock });
    expect(plain.bySource.salesforce.kit.allowance).toBeNull();
  });

  it('is read from Sforce-Limit-Info and shown with the share Panorama stops at', () => {
    expect(kit.allowance!.state()).toMatchObject({ used: sent(), limit: 15_000, stopAt: 12_000, backgroundStopAt: 10_500, blockedUntil: null });
  });

  it('index upkeep stops at 70 %, people are still served', async () => {
    sandbox.state.salesforceOtherApiUsage = 11_000;
    await read(accounts[0]!); // a person's read is sent and reports the org's usage
    expect(kit.allowance!.state()!.used).toBe(11_000 + sent());
    clock.advance(11 * MIN); // the account index is past its 10 min TTL
    const before = sent();
    const index = await runtime.createLoaders({ forceRefresh: false }).crm.accountIndex();
    expect(sent()).toBe(before);
    const status = statusFromFetched(index, clock.now());
    expect(status).toMatchObject({ state: 'STALE', code: 'RATE_LIMITED' });
    expect(status.message).toMatch(/^Salesforce's daily API allowance is 73 % used \(11,0\d\d of 15,000; the rest is kept for people\); Panorama asks again at \d\d:\d\d UTC; showing data from 11 min ago\.$/);
    await read(accounts[1]!);
    expect(sent()).toBe(before + 1);
  });

  it('at 80 % nothing is sent for 15 minutes: cached data is served, labelled; then one call reads the usage again', async () => {
    sandbox.state.salesforceOtherApiUsage = 12_000;
    await read(accounts[2]!); // sent: its answer reports 80 %
    const before = sent();
    const refused = await read(accounts[3]!).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', budget: true, gated: true });
    expect((refused as Error & { userMessage: string }).userMessage).toMatch(
      /^Salesforce's daily API allowance is 80 % used \(12,0\d\d of 15,000\); Panorama asks again at 09:2\d UTC; nothing is sent to Salesforce before then\.$/,
    );
    clock.advance(2 * MIN);
    const stale = statusFromFetched(await read(accounts[2]!), clock.now());
    expect(stale).toMatchObject({ state: 'STALE', code: 'RATE_LIMITED' });
    expect(stale.message).toMatch(/^Salesforce's daily API allowance is 80 % used .*; showing data from 2 min ago\.$/);
    const forced = await runtime.createLoaders({ forceRefresh: true }).crm.customer.load(accounts[2]!);
    expect(forced.freshness.error?.code).toBe('RATE_LIMITED');
    expect(sent()).toBe(before);
    const r = (await readiness(runtime)).sources.find((s) => s.source === 'salesforce')!;
    expect(r).toMatchObject({ state: 'RATE_LIMITED', dailyAllowance: { limit: 15_000, stopAt: 12_000 } });
    expect(Date.parse(r.closedUntil!)).toBe(kit.allowance!.state()!.blockedUntil);
    observeRuntime(runtime); // the gauges report the latest runtime built (another test built one)
    const ratio = (await metricsRegistry.getMetricsAsJSON()).find((m) => m.name === 'panorama_source_daily_allowance_used_ratio')?.values.find((v) => v.labels.source === 'salesforce')?.value;
    expect(ratio).toBeCloseTo(kit.allowance!.state()!.used / 15_000, 5);

    clock.advance(14 * MIN); // 16 min after the answer that reported 80 %
    sandbox.state.salesforceOtherApiUsage = 0; // the rolling 24 h moved on
    await read(accounts[3]!);
    expect(sent()).toBe(before + 1);
    expect(kit.allowance!.state()).toMatchObject({ blockedUntil: null });
    await read(accounts[4]!);
    expect(sent()).toBe(before + 2);
  });
});
