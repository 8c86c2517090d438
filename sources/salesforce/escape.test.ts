import { describe, expect, it } from 'vitest';
import { TRICKY_NAMES, generateWorld } from '../sandbox/dataset.js';
import type { SfRecord } from '../sandbox/world.js';
import { soqlLikeContains, soqlLikeEndsWith, soqlString } from './escape.js';
import { normalizeIdOf, normalizeSalesforceId } from './ids.js';
import type { SoqlDatabase } from './sandbox/objects.js';
import { executeSoql } from './sandbox/soql.js';

/** A one-table database, so any string can be a Name and round-trip through a real SOQL parse. */
function dbOf(names: string[]): SoqlDatabase {
  const rows: SfRecord[] = names.map((Name, i) => ({ Id: normalizeSalesforceId(`001Pn${String(i).padStart(10, '0')}`)!, Name }));
  return { records: (o) => (o === 'Account' ? rows : []), byId: () => undefined, children: () => [] };
}
const names = (db: SoqlDatabase, where: string) =>
  executeSoql(`SELECT Name FROM Account WHERE ${where}`, { db, apiVersion: 'v62.0', today: '2026-11-27' }).records.map((r) => r.Name);

const NASTY = [
  ...TRICKY_NAMES,
  "'; DELETE FROM Account; --",
  "x' OR Name != '",
  'trailing backslash \\',
  '\\\'',
  '%%__%%',
  'tab\there',
  'line\nbreak',
  'both "double" and \'single\'',
];

describe('soqlString', () => {
  it('escapes quotes, backslashes and control characters', () => {
    expect(soqlString("O'Brien")).toBe("'O\\'Brien'");
    expect(soqlString('a\\b')).toBe("'a\\\\b'");
    expect(soqlString('say "hi"')).toBe("'say \\\"hi\\\"'");
    expect(soqlString('a\nb\tc')).toBe("'a\\nb\\tc'");
    expect(soqlString('100%_')).toBe("'100%_'"); // wildcards mean nothing outside LIKE
  });

  it('round-trips every nasty value exactly through a SOQL parse', () => {
    const db = dbOf(NASTY);
    for (const n of NASTY) expect(names(db, `Name = ${soqlString(n)}`), n).toEqual([n]);
  });
});

describe('soqlLikeContains', () => {
  it('escapes wildcards after backslashes', () => {
    expect(soqlLikeContains('100%')).toBe("'%100\\%%'");
    expect(soqlLikeContains('a_b')).toBe("'%a\\_b%'");
    expect(soqlLikeContains('a\\%')).toBe("'%a\\\\\\%%'");
  });

  it('matches exactly the values containing the text, for random strings of special characters', () => {
    const alphabet = ['a', 'B', '%', '_', '\\', "'", '"', ' '];
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const word = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
    const values = Array.from({ length: 60 }, () => word(1 + Math.floor(rnd() * 6)));
    const db = dbOf(values);
    for (let i = 0; i < 80; i++) {
      const needle = word(1 + Math.floor(rnd() * 3));
      const expected = values.filter((v) => v.toLowerCase().includes(needle.toLowerCase()));
      expect(names(db, `Name LIKE ${soqlLikeContains(needle)}`), needle).toEqual(expected);
    }
  });
});

describe('soqlLikeEndsWith', () => {
  it('matches exactly the values ending with the text, wildcards and quotes literal', () => {
    const values = ['(210) 506-4854', '+1 210.506.4854', '4854 first', '48%4', "o'4854", 'x_4854', 'x\\4854'];
    const db = dbOf(values);
    for (const needle of ['4854', '%4', "'4854", '_4854', '\\4854', "' OR Name != '"]) {
      expect(names(db, `Name LIKE ${soqlLikeEndsWith(needle)}`), needle).toEqual(values.filter((v) => v.toLowerCase().endsWith(needle.toLowerCase())));
    }
  });
});

describe('Salesforce ids', () => {
  const world = generateWorld({ size: 20, seed: 3, today: '2026-11-27' });
  const all = [...world.salesforce.accounts, ...world.salesforce.contacts, ...world.salesforce.opportunities, ...world.salesforce.users].map((r) => r.Id);

  it('normalises 15-character and any-case 18-character forms to the canonical id', () => {
    for (const id of all) {
      expect(normalizeSalesforceId(id)).toBe(id);
      expect(normalizeSalesforceId(id.slice(0, 15))).toBe(id);
      expect(normalizeSalesforceId(id.toLowerCase())).toBe(id);
      expect(normalizeSalesforceId(id.toUpperCase())).toBe(id);
    }
  });

  it('rejects what is not an id', () => {
    const id = world.salesforce.accounts[0]!.Id;
    for (const bad of ['', 'abc', `${id}x`, id.slice(0, 16), "001' OR 'a'='a", `${id.slice(0, 15)}999`, '001Pn0000000001-AA', `${id.slice(0, 15)}IA9`]) {
      expect(normalizeSalesforceId(bad), bad).toBeNull();
    }
  });

  it('checks the key prefix of an object', () => {
    expect(normalizeIdOf('Account', world.salesforce.accounts[0]!.Id)).toBe(world.salesforce.accounts[0]!.Id);
    expect(normalizeIdOf('Account', world.salesforce.contacts[0]!.Id)).toBeNull();
    expect(normalizeIdOf('Contact', world.salesforce.contacts[0]!.Id.slice(0, 15))).toBe(world.salesforce.contacts[0]!.Id);
  });
});
