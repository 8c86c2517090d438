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
