import { describe, expect, it } from 'vitest';
import { SourceError } from '../kit/errors.js';
import { parseQuery } from './sandbox/qbo-query.js';
import { dateLiteral, idList, isQboId, likeContains, quote } from './query-text.js';

/** What the sandbox's QBO parser reads back from a literal we wrote. */
const readBack = (literal: string) => parseQuery(`SELECT * FROM Customer WHERE DisplayName = ${literal}`).where[0]!.values[0];

describe('query text escaping', () => {
  it.each(["O'Brien & Sons", 'Back\\slash Engineering', "trailing backslash \\", "\\'", 'The "Quoted" Company', '100% Natural', 'Under_score', '東京精密株式会社', "Zoë's Bakery & Café"])(
    'quotes %s so QBO reads back exactly that string',
    (value) => {
      expect(readBack(quote(value))).toBe(value);
    },
  );

  it('escapes backslashes before quotes, so an injected quote cannot close the string', () => {
    expect(quote("x\\' OR '1'='1")).toBe("'x\\\\\\' OR \\'1\\'=\\'1'");
    expect(() => parseQuery(`SELECT * FROM Customer WHERE DisplayName = ${quote("x\\' OR Id = '1")}`)).not.toThrow();
  });

  it('replaces control characters rather than passing them into the query', () => {
    expect(quote('a\nb\u0000c')).toBe("'a b c'");
  });

  it('builds a LIKE contains pattern; a literal % asks for a re-check since QBO cannot escape it', () => {
    expect(likeContains("O'Brien")).toEqual({ pattern: "'%O\\'Brien%'", needsRecheck: false });
    expect(likeContains('100% Natural')).toEqual({ pattern: "'%100% Natural%'", needsRecheck: true });
    expect(likeContains('Under_score').needsRecheck).toBe(false);
  });

  it('accepts only positive integer ids, and refuses a list with anything else before it is built', () => {
    expect(['1', '58', '123456789012'].every(isQboId)).toBe(true);
    for (const bad of ['', '0', '01', '-1', '1.5', 'abc', "1' OR '1'='1", '1 ', ' 1', '1)', '99999999999999999999']) expect(isQboId(bad)).toBe(false);
    expect(idList(['1', '22'])).toBe("('1', '22')");
    expect(() => idList(['1', "2') OR ('1"])).toThrow(SourceError);
    expect(() => idList([])).toThrow(SourceError);
    try {
      idList(['x']);
    } catch (e) {
      expect((e as SourceError).code).toBe('BAD_REQUEST');
      expect((e as SourceError).message).not.toContain('x');
    }
  });

  it('accepts only YYYY-MM-DD days', () => {
    expect(dateLiteral('2026-11-27')).toBe("'2026-11-27'");
    for (const bad of ['2026-13-45', "2026-11-27' OR", '27/11/2026', '']) expect(() => dateLiteral(bad)).toThrow(SourceError);
  });
});
