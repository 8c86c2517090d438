import { describe, expect, it } from 'vitest';
import { foldForSearch, nameContainsText } from './names.js';

describe('nameContainsText', () => {
  it('keeps % and _ as typed, so a look-alike without them does not match', () => {
    expect(nameContainsText('100% Natural Foods', '100% natural')).toBe(true);
    expect(nameContainsText('100 Natural Foods Outlet', '100% natural')).toBe(false);
    expect(nameContainsText('Under_score Labs', 'under_score')).toBe(true);
    expect(nameContainsText('UnderXscore Labs', 'under_score')).toBe(false);
  });

  it('folds case, accents, transliterations, apostrophes, & and spaces as names are folded elsewhere', () => {
    expect(nameContainsText('Café Müller GmbH', 'cafe mueller')).toBe(true);
    expect(nameContainsText("Zoë's Bakery & Café", 'zoes bakery and')).toBe(true);
    expect(foldForSearch('  Hart  &  Sons ')).toBe('hart and sons');
  });
});
