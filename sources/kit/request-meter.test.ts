import { describe, expect, it } from 'vitest';
import { beforeRequest, metered } from './request-meter.js';

describe('the request meter', () => {
  it("lets a call's first request go on its own point and takes one for each further request, also from work it started in parallel", async () => {
    let spent = 0;
    const spend = async () => void spent++;
    await metered(spend, async () => {
      await beforeRequest();
      expect(spent).toBe(0);
      await Promise.all([beforeRequest(), new Promise<void>((r) => setImmediate(() => void beforeRequest().then(r)))]);
    });
    expect(spent).toBe(2);
  });

  it('keeps a call made inside another call apart (it pays its own first request), and meters nothing outside a call', async () => {
    const spent = { outer: 0, inner: 0 };
    await metered(
      async () => void spent.outer++,
      async () => {
        await beforeRequest();
        await metered(
          async () => void spent.inner++,
          async () => {
            await beforeRequest();
            await beforeRequest();
          }
        );
        await beforeRequest();
      }
    );
    await beforeRequest();
    expect(spent).toEqual({ outer: 1, inner: 1 });
  });

  it('refuses the request when the budget is spent: the error of `spend` reaches the caller', async () => {
    const refused = metered(
      async () => Promise.reject(new Error('budget spent')),
      async () => {
        await beforeRequest();
        await beforeRequest();
      }
    );
    await expect(refused).rejects.toThrow('budget spent');
  });
});
