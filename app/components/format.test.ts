import { describe, expect, it } from 'vitest';
import { formatAgeDays, formatAmount, formatDate, formatDealTotals, formatMoneyCompact, formatMonth, formatTotals, plural, totalsPerCurrency } from './format.js';

describe('formatMoneyCompact', () => {
  // the server and the browser must write the same text, or the page fails to hydrate
  it('writes whole thousands and millions without a trailing zero', () => {
    expect(formatMoneyCompact(57_000)).toBe('$57K');
    expect(formatMoneyCompact(1_000_000)).toBe('$1M');
    expect(formatMoneyCompact(0)).toBe('$0');
  });
  it('keeps one decimal where there is one', () => {
    expect(formatMoneyCompact(57_300)).toBe('$57.3K');
    expect(formatMoneyCompact(1_250_000)).toBe('$1.3M');
  });
});

describe('plural', () => {
  it('says "1 rating" and "2 ratings"', () => {
    expect(plural(1, 'rating')).toBe('1 rating');
    expect(plural(2, 'rating')).toBe('2 ratings');
    expect(plural(0, 'ticket')).toBe('0 tickets');
    expect(plural(1, 'day')).toBe('1 day');
    expect(plural(3, 'person', 'people')).toBe('3 people');
  });
});

describe('formatAgeDays', () => {
  it('says "under a day" before a whole day has passed, never "today", then counts whole days', () => {
    expect(formatAgeDays(0)).toBe('under a day');
    expect(formatAgeDays(1)).toBe('1 day');
    expect(formatAgeDays(12)).toBe('12 days');
  });
});

describe('formatAmount', () => {
  it('says "no amount" for a deal with none, never "$0.00"', () => {
    expect(formatAmount(null, 'USD')).toBe('no amount');
    expect(formatAmount(undefined, 'USD')).toBe('no amount');
    expect(formatAmount(0, 'EUR')).toBe('no amount');
    expect(formatAmount(86_250, 'USD')).toBe('$86,250.00');
  });
  it("writes the amount in the deal's currency, and a plain number when the system names none", () => {
    expect(formatAmount(86_250, 'EUR')).toBe('€86,250.00');
    expect(formatAmount(1200, 'GBP')).toBe('£1,200.00');
    expect(formatAmount(86_250, null)).toBe('86,250.00');
  });
});

describe('deal totals per currency', () => {
  const deals = [
    { amount: 1000, currency: 'USD' },
    { amount: 250.5, currency: 'EUR' },
    { amount: 200, currency: 'USD' },
    { amount: null, currency: 'EUR' },
    { amount: 99, currency: 'EUR' },
  ];
  it('sums each currency apart, never across currencies', () => {
    expect(totalsPerCurrency(deals)).toEqual([
      { currency: 'USD', amount: 1200 },
      { currency: 'EUR', amount: 349.5 },
    ]);
    expect(formatDealTotals(totalsPerCurrency(deals))).toBe('$1,200.00 and €349.50');
  });
  it('keeps amounts whose system names no currency apart too, and says "no amount" when there is none', () => {
    expect(totalsPerCurrency([{ amount: 5, currency: null }, { amount: 7, currency: 'USD' }])).toEqual([
      { currency: 'USD', amount: 7 },
      { currency: null, amount: 5 },
    ]);
    expect(formatDealTotals(totalsPerCurrency([{ amount: null, currency: 'EUR' }]))).toBe('no amount');
    expect(formatDealTotals([])).toBe('no amount');
  });
});

describe('formatDate', () => {
  it('writes days and instants in words, never ISO', () => {
    expect(formatDate('2026-06-04')).toBe('4 Jun 2026');
    expect(formatDate('2026-12-31T23:30:00Z')).toBe('31 Dec 2026');
    expect(formatDate(null)).toBe('—');
    expect(formatDate('2026-06-04')).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });
});

describe('amounts in their own currency', () => {
  it('formats compact amounts in the currency given', () => {
    expect(formatMoneyCompact(57_000, 'EUR')).toBe('€57K');
    expect(formatMoneyCompact(57_300, 'GBP')).toBe('£57.3K');
  });
  it('writes totals per currency side by side, never added', () => {
    expect(formatTotals([{ amount: 1200, currency: 'USD' }, { amount: 300, currency: 'EUR' }])).toBe('$1,200.00 and €300.00');
    expect(formatTotals([{ amount: 5, currency: 'USD' }])).toBe('$5.00');
    expect(formatTotals([])).toBe('$0.00');
  });
});

describe('formatMonth', () => {
  it('names a month by its short English name, in UTC whatever the server’s zone', () => {
    expect(formatMonth('2026-03')).toBe('Mar');
    expect(formatMonth('2026-12')).toBe('Dec');
    expect(formatMonth('2027-01')).toBe('Jan');
  });
});
