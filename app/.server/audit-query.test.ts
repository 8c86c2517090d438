import { describe, expect, it } from 'vitest';
import { auditFilterOf, csvCell } from './audit-query.js';

const status = (q: string) => {
  try {
    auditFilterOf(new URL(`http://x/admin/audit?${q}`));
    return 200;
  } catch (e) {
    return (e as Response).status;
  }
};

describe('the audit page’s filters', () => {
  it('reads person, customer, group, a date range that includes its last day, and the page', () => {
    const { filter, page } = auditFilterOf(new URL('http://x/admin/audit?person=p-1&customer=001&group=BILLING&from=2026-11-01&to=2026-11-30&page=3'));
    expect(filter).toEqual({ person: 'p-1', customer: '001', group: 'BILLING', from: Date.parse('2026-11-01T00:00:00Z'), to: Date.parse('2026-12-01T00:00:00Z') });
    expect(page).toBe(3);
  });
  it('answers 400 for a bad date, group or page', () => {
    expect(status('from=yesterday')).toBe(400);
    expect(status('to=2026-13-45')).toBe(400);
    expect(status('group=SECRETS')).toBe(400);
    expect(status('page=0')).toBe(400);
    expect(status('page=1.5')).toBe(400);
    expect(status('')).toBe(200);
  });
});

describe('CSV cells', () => {
  it('quotes, doubles quotes, and defuses spreadsheet formulas', () => {
    expect(csvCell('a "b", c')).toBe('"a ""b"", c"');
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell('-1+2')).toBe('"\'-1+2"');
    expect(csvCell(null)).toBe('""');
    expect(csvCell(3)).toBe('"3"');
  });
});
