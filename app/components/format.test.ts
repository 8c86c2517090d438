import { describe, expect, it } from 'vitest';
import { formatMoneyCompact } from './format.js';

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
