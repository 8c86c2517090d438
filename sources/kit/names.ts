/**
 * How names and domains are compared across systems: the normalised legal name drops case, accents and
 * transliterations (ü/ue, é/e, ß/ss), apostrophes, punctuation, `&`/`and` and legal suffixes, so "Acme Inc" and
 * "ACME Incorporated", "Jäger GmbH" and "Jaeger", "Hart & Sons" and "Hart and Sons" compare equal.
 */
const LEGAL_SUFFIXES = /\b(inc|incorporated|llc|llp|lp|ltd|limited|corp|corporation|co|company|gmbh|ag|kg|sa|sarl|bv|nv|ab|oy|pty|plc|group|the)\b/g;

/** Letters written as two in transliteration; folded to the one letter so both spellings meet. */
const TRANSLITERATED = /(?<=[a-z])(ae|oe|ue)|^(ae|oe|ue)/g;

/** Case, accents, transliterations and apostrophes folded: the part of every comparison of names. */
function foldLetters(text: string): string {
  return text
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/æ/g, 'ae')
    .replace(/ø/g, 'o')
    .replace(/œ/g, 'oe')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(TRANSLITERATED, (m) => m[0]!)
    .replace(/['’`´]/g, '');
}

export function normaliseCompanyName(name: string): string {
  return foldLetters(name)
    .replace(/&/g, ' and ')
    .replace(/\band\b/g, ' ')
    // dotted abbreviations are words: "L.L.P." is "llp"
    .replace(/\b(?:\p{L}\.){2,}/gu, (m) => ` ${m.replace(/\./g, '')} `)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .replace(LEGAL_SUFFIXES, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Free mail providers say nothing about which company a person works for. */
const PUBLIC_MAIL = new Set([
  'gmail.com', 'googlemail.com', 'yahoo.com', 'yahoo.co.uk', 'hotmail.com', 'outlook.com', 'live.com', 'msn.com', 'icloud.com',
  'me.com', 'aol.com', 'proton.me', 'protonmail.com', 'gmx.com', 'gmx.de', 'gmx.net', 'web.de', 'mail.com', 'zoho.com', 'yandex.com',
]);

/** Whether a domain is a known personal-mail provider's. */
export const isPersonalMailDomain = (domain: string | null | undefined): boolean => Boolean(domain && PUBLIC_MAIL.has(domain.toLowerCase()));

/** The domain of an e-mail address (personal-mail providers included), or null when it has none. */
export function emailDomain(email: string | null | undefined): string | null {
  const s = email?.trim().toLowerCase() ?? '';
  const at = s.lastIndexOf('@');
  const host = at >= 0 ? s.slice(at + 1) : '';
  return host.includes('.') ? host : null;
}

/** The registrable-looking host of a URL or e-mail address, without `www.`; null for public mail providers. */
export function domainOf(urlOrEmail: string | null | undefined): string | null {
  if (!urlOrEmail) return null;
  const s = urlOrEmail.trim().toLowerCase();
  const host = (s.includes('@') ? s.slice(s.lastIndexOf('@') + 1) : s.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').split(/[/?#:]/)[0]!).replace(/^www\./, '');
  if (!host || !host.includes('.') || PUBLIC_MAIL.has(host)) return null;
  return host;
}

/**
 * Text folded for a literal "contains" test of search results: case, accents and transliterations (as
 * `normaliseCompanyName` folds them), apostrophes, `&`/`and` and runs of whitespace are folded; every other
 * character, `%` and `_` included, stays as typed, so "100% Natural" never matches "100 Natural".
 */
export function foldForSearch(text: string): string {
  return foldLetters(text)
    .replace(/&/g, ' and ')
    .replace(/\s+/g, ' ')
    .trim()
    .normalize('NFC');
}

/** Whether a record's name holds the user's search text literally (both folded by `foldForSearch`). */
export const nameContainsText = (name: string, text: string): boolean => foldForSearch(name).includes(foldForSearch(text));
