import { describe, expect, it } from 'vitest';
import { money, singleCurrencyTotal, totalsByCurrency } from './money.js';

describe('totals per currency', () => {
  it('totals each currency apart, the largest first', () => {
    const t = totalsByCurrency([
      { amount: 100.1, currency: 'USD' },
      { amount: 50, currency: 'EUR' },
      { amount: 0.2, currency: 'USD' },
      { amount: 900, currency: 'EUR' },
    ]);
    expect(t).toEqual([{ currency: 'EUR', amount: 950 }, { currency: 'USD', amount: 100.3 }]);
    expect(singleCurrencyTotal(t)).toBeNull();
    expect(singleCurrencyTotal([{ currency: 'USD', amount: 4 }])).toBe(4);
    expect(singleCurrencyTotal([])).toBe(0);
  });
  it('formats an amount in its own currency', () => {
    expect(money({ amount: 1234.5, currency: 'EUR' })).toBe('€1,234.50');
    expect(money({ amount: 1, currency: null })).toBe('$1.00');
  });
});
