import { describe, expect, it } from 'vitest';
import { beforeRequest, carryMeter, mergedSignal, meterRequests } from './request-meter.js';

describe('the request meter', () => {
  it("lets a call's first request go on its own point and takes one for each further request, also on a signal made from the call's", async () => {
    let spent = 0;
    const call = new AbortController().signal;
    meterRequests(call, async () => void spent++);
    await beforeRequest(call);
    expect(spent).toBe(0);
    const merged = carryMeter(AbortSignal.any([call, new AbortController().signal]), call);
    await Promise.all([beforeRequest(call), beforeRequest(merged), beforeRequest(mergedSignal([call, new AbortController().signal]))]);
    expect(spent).toBe(3);
  });

  it("keeps calls apart, and meters nothing sent without a call's signal", async () => {
    const spent = { a: 0, b: 0 };
    const a = new AbortController().signal;
    const b = new AbortController().signal;
    meterRequests(a, async () => void spent.a++);
    meterRequests(b, async () => void spent.b++);
    for (const s of [a, b, a, a, undefined, new AbortController().signal]) await beforeRequest(s);
    expect(spent).toEqual({ a: 2, b: 0 });
  });

  it('refuses the request when the budget is spent: the error of `spend` reaches the caller', async () => {
    const call = new AbortController().signal;
    meterRequests(call, async () => Promise.reject(new Error('budget spent')));
    await beforeRequest(call);
    await expect(beforeRequest(call)).rejects.toThrow('budget spent');
  });
});
