/**
 * A paged index read (Asana's projects, Zendesk's organizations: 100 a page) sends each page as a call of its own:
 * each takes its own point of the per-minute budget, and the kit's timeout applies to each page, not to the read
 * whole — at 10,000 customers a read is 100 pages or more, which together outlast any single call's timeout. When
 * the pages are more than a minute's budget, the read is paced over the budget's next minutes instead of failing.
 */
import { SlidingMemoryLimiter } from './sliding-minute.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asanaSource } from '../asana/index.js';
import { INDEX_ENTITY } from '../index-upkeep.js';
import { zendeskSource } from '../zendesk/index.js';
import { RESERVED_FOR_PEOPLE, SourceBudget } from './budget.js';
import type { SourceCategory, SourceModule } from './contract.js';
import { sourceTestKit } from './testing.js';

type AnyModule = SourceModule<SourceCategory, unknown, unknown>;
type IndexRead = (loaders: unknown) => Promise<{ value: unknown[] }>;
const cases: { name: string; module: AnyModule; endpoint: string; read: IndexRead }[] = [
  {
    name: 'Asana projects',
    module: asanaSource as unknown as AnyModule,
    endpoint: 'projects.list',
    read: (l) => (l as { projectIndex: () => Promise<{ value: unknown[] }> }).projectIndex(),
  },
  {
    name: 'Zendesk organizations',
    module: zendeskSource as unknown as AnyModule,
    endpoint: 'organizations.list',
    read: (l) => (l as { organizationIndex: () => Promise<{ value: unknown[] }> }).organizationIndex(),
  },
];

describe.each(cases)('the $name index, 700 customers', ({ module, endpoint, read }) => {
  const h = sourceTestKit(module, { size: 700, seed: 11 });
  beforeAll(() => h.listen());
  afterAll(() => h.close());

  it('takes one budget point a page, and loads although its pages together outlast the timeout', async () => {
    const budget = new SourceBudget(module.id, 1_000, h.clock);
    // each page answers in 60 ms; the timeout (250 ms) is shorter than all pages together
    h.state.setFault(module.id, { latencyMs: 60 });
    try {
      h.state.resetCounts();
      const { value } = await read(h.setup({ budget, timeoutMs: 250 }).loaders);
      const pages = h.state.requestCounts()[module.id]![endpoint]!;
      expect(pages).toBeGreaterThanOrEqual(6);
      expect(value.length).toBeGreaterThan(500);
      expect((await budget.state()).remaining).toBe(1_000 - pages);
    } finally {
      h.state.clearFaults();
    }
  });

  it('with more pages than a minute of budget, read in the background: paced over the next minutes, leaving people their quarter', async () => {
    // a "minute" of 1 s and 8 points, so the test waits a second, not a minute: 6 points a minute for the background
    const perMinute = 8;
    const budget = new SourceBudget(module.id, perMinute, h.clock, (_source, points) => new SlidingMemoryLimiter(points, 1_000));
    h.state.resetCounts();
    const started = performance.now();
    const { value } = await read(h.setup({ budget, backgroundEntities: [INDEX_ENTITY[module.category]] }).loaders);
    const pages = h.state.requestCounts()[module.id]![endpoint]!;
    const background = perMinute - Math.ceil(perMinute * RESERVED_FOR_PEOPLE);
    expect(pages).toBeGreaterThan(background);
    expect(value.length).toBeGreaterThan(500);
    // it waited for the next "minute" at least once
    expect(performance.now() - started).toBeGreaterThan(500);
    // and left people their quarter of this one
    expect((await budget.state()).remaining).toBeGreaterThanOrEqual(Math.ceil(perMinute * RESERVED_FOR_PEOPLE));
  });
});
