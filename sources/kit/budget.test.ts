import { describe, expect, it } from 'vitest';
import { SourceBudget } from './budget.js';
import { REGISTERED_MODULES } from '../modules.js';
import { defaultBudgetPerMinute, sourceFacts } from './source-facts.js';
import { SourceCache } from './cache.js';
import { systemClock } from './clock.js';
import { SourceError } from './errors.js';
import { SourceHealth } from './metrics.js';
import { SourceKit } from './source-kit.js';

describe('SourceBudget in the kit', () => {
  it('defaults to 80 % of the documented limit', () => {
    const of = (id: string) => defaultBudgetPerMinute(sourceFacts(id)?.limits);
    expect(REGISTERED_MODULES.map((m) => [m.id, of(m.id)])).toEqual(expect.arrayContaining([['salesforce', 0], ['quickbooks', 400], ['xero', 48], ['asana', 120], ['zendesk', 160]]));
    expect(defaultBudgetPerMinute({ perMinute: 99, waitSeconds: 60 })).toBe(79);
    expect(defaultBudgetPerMinute(sourceFacts('nowhere')?.limits)).toBe(0);
  });

  it('background upkeep yields to people: it stops while a quarter of the budget is left', async () => {
    const kit = new SourceKit({
      source: 'asana',
      timeoutMs: 1000,
      mapError: (e) => new SourceError('asana', 'INTERNAL', String(e)),
      cachePolicies: { default: { ttlMs: 60_000, swrMs: 0, maxStaleMs: 60_000 } },
      cache: new SourceCache({ maxBytes: 1e6 }),
      health: new SourceHealth(),
      budget: new SourceBudget('asana', 4, systemClock),
      backgroundEntities: ['index'],
    });
    let calls = 0;
    const load = () => kit.upstream('x', async () => ++calls);
    await kit.read('customer', '1', load);
    await kit.read('customer', '2', load);
    // 2 of 4 left: background upkeep leaves them to people (a quarter, rounded up, is 1; 2 > 1, so it may run once)
    await kit.read('index', 'all', load);
    expect(calls).toBe(3);
    // 1 of 4 left: reserved for people
    const kept = await kit.read('index', 'other', load).catch((e: unknown) => e);
    expect(kept).toMatchObject({ code: 'RATE_LIMITED', budget: true });
    expect(calls).toBe(3);
    await kit.read('customer', '3', load); // a person still gets the last one
    expect(calls).toBe(4);
    const spent = await kit.read('customer', '4', load).catch((e: unknown) => e);
    expect(spent).toMatchObject({ code: 'RATE_LIMITED', budget: true, gated: true });
    expect(calls).toBe(4);
  });
});

describe('a retried call', () => {
  it('takes a point for every attempt, and a retry is not sent when none is left', async () => {
    const kitWith = (budget: SourceBudget) =>
      new SourceKit({
        source: 'zendesk',
        timeoutMs: 1000,
        mapError: (e) => (e instanceof SourceError ? e : new SourceError('zendesk', 'INTERNAL', String(e))),
        cachePolicies: { default: { ttlMs: 60_000, swrMs: 0, maxStaleMs: 60_000 } },
        cache: new SourceCache({ maxBytes: 1e6 }),
        health: new SourceHealth(),
        retry: { attempts: 2, initialDelayMs: 1, maxDelayMs: 2, deadlineMs: 1_000 },
        budget,
      });
    const roomy = new SourceBudget('zendesk', 10, systemClock);
    let sent = 0;
    const flaky = () => kitWith(roomy).upstream('x', async () => {
      if (++sent < 3) throw new SourceError('zendesk', 'UNAVAILABLE', 'a 503');
      return 'ok';
    });
    expect(await flaky()).toBe('ok');
    expect(sent).toBe(3);
    expect((await roomy.state()).remaining).toBe(7);

    const tight = new SourceBudget('zendesk', 2, systemClock);
    sent = 0;
    const failing = kitWith(tight).upstream('x', async () => {
      sent++;
      throw new SourceError('zendesk', 'UNAVAILABLE', 'a 503');
    });
    await expect(failing).rejects.toMatchObject({ code: 'RATE_LIMITED', budget: true });
    expect(sent).toBe(2);
  });
});
