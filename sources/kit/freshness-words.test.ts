import { describe, expect, it } from 'vitest';
import { SourceCache } from './cache.js';
import { SourceError } from './errors.js';
import { SourceHealth } from './metrics.js';
import { statusFromFetched } from './section-status.js';
import { SourceKit } from './source-kit.js';
// the kit speaks of a source by the name its module declares: the composition file registers them
import '../modules.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Waits for a background re-read to land (polling, so a loaded machine only makes it slower). */
async function until(ok: () => boolean) {
  for (let i = 0; i < 500 && !ok(); i++) await sleep(5);
  expect(ok()).toBe(true);
}

describe('freshness words at each stage', () => {
  it('fresh, updating, failing (from the first failure on), recovered', async () => {
    const kit = new SourceKit({
      source: 'quickbooks',
      timeoutMs: 1000,
      mapError: (e) => new SourceError('quickbooks', 'INTERNAL', String(e)),
      cachePolicies: { default: { ttlMs: 250, swrMs: 60_000, maxStaleMs: 3_600_000 } },
      cache: new SourceCache({ maxBytes: 1e6 }),
      health: new SourceHealth(),
    });
    let fail = false;
    let calls = 0;
    let settled = 0;
    const load = () =>
      kit.upstream('customer', async () => {
        calls++;
        try {
          await sleep(20);
          if (fail) throw new SourceError('quickbooks', 'UNAVAILABLE', 'QuickBooks answered 503', { status: 503 });
          return { n: calls };
        } finally {
          settled++;
        }
      });
    const read = async () => statusFromFetched(await kit.read('customer', '1', load), kit.clock.now());

    // Fresh: a plain fact, no code, no warning.
    expect(await read()).toMatchObject({ state: 'LIVE', code: null, message: 'Updated 0 s ago' });
    expect(await read()).toMatchObject({ state: 'CACHED', code: null, message: 'Updated 0 s ago' });

    // Past its TTL: served at once while it is read again; nothing has failed yet.
    await sleep(270);
    fail = true;
    expect(await read()).toMatchObject({ state: 'STALE', code: null, message: 'Updating…' });

    // The re-read failed: from then on the section says so, with the status and since when.
    await until(() => kit.failing !== null);
    const since = new Date(kit.failing!.since).toISOString().slice(11, 16);
    const failing = await read();
    expect(failing).toMatchObject({ state: 'STALE', code: 'UNAVAILABLE' });
    expect(failing.message).toBe(`QuickBooks isn't answering (503) since ${since} UTC; showing data from 0 s ago.`);
    await sleep(60);
    // Still failing on the next reads (each starts a re-read that fails again), "since" unchanged.
    expect((await read()).message).toContain(`since ${since} UTC`);

    // Recovered: the next re-read lands and the words are plain again.
    fail = false;
    await until(() => settled === calls); // the re-read the previous read started has failed
    await read(); // starts the re-read that succeeds
    await until(() => kit.failing === null);
    expect(await read()).toMatchObject({ state: 'CACHED', code: null, message: 'Updated 0 s ago' });
  });
});
