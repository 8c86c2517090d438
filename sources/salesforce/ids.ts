/**
 * Salesforce record ids: 15 case-sensitive characters, or 18 with a 3-character suffix that encodes the case
 * of the first 15 (so the 18-character form survives case-insensitive tools such as spreadsheets).
 * https://help.salesforce.com/s/articleView?id=000385585&type=1
 */
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const SHAPE = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-5]{3})?$/;

/** Key prefixes of the objects Panorama reads (the first three characters of every id). */
export const KEY_PREFIXES = { Account: '001', Contact: '003', User: '005', Opportunity: '006' } as const;
export type KnownSObject = keyof typeof KEY_PREFIXES;

function suffixOf(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let flags = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15[chunk * 5 + i]!;
      if (c >= 'A' && c <= 'Z') flags |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET[flags];
  }
  return suffix;
}

/**
 * The canonical 18-character form of an id, or null when it is not an id at all. A 15-character id gets its
 * suffix; an 18-character one gets the case of its first 15 characters restored from the suffix, so
 * "001pn0000000001iaa" and "001Pn0000000001IAA" name the same record, as they do in Salesforce.
 */
export function normalizeSalesforceId(raw: string): string | null {
  if (!SHAPE.test(raw)) return null;
  if (raw.length === 15) return raw + suffixOf(raw);
  const suffix = raw.slice(15).toUpperCase();
  let body = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    const flags = SUFFIX_ALPHABET.indexOf(suffix[chunk]!);
    for (let i = 0; i < 5; i++) {
      const c = raw[chunk * 5 + i]!;
      body += /[a-z]/i.test(c) ? (flags & (1 << i) ? c.toUpperCase() : c.toLowerCase()) : c;
    }
  }
  // A suffix that flags a digit as upper case (or any other mismatch) is not a real id.
  return suffixOf(body) === suffix ? body + suffix : null;
}

/** The canonical id when `raw` is an id of this object type, else null. */
export function normalizeIdOf(type: KnownSObject, raw: string): string | null {
  const id = normalizeSalesforceId(raw);
  return id && id.startsWith(KEY_PREFIXES[type]) ? id : null;
}
