import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { LRUCache } from 'lru-cache';
import type { Address } from '../sources/kit/domain.js';
import { emailDomain, isPersonalMailDomain, normaliseCompanyName } from '../sources/kit/names.js';

/**
 * How two systems' values of one field are compared. Each rule says what makes a difference *material* (a real
 * disagreement a person must resolve, raised as a flag with the rule's severity) and what is only *cosmetic*
 * (the same thing written differently: shown quietly as "formatted differently", never a flag, never health).
 */
export type Difference = 'SAME' | 'COSMETIC' | 'MATERIAL';
export type Severity = 'HIGH' | 'MEDIUM' | 'LOW';

export type ConflictRule =
  | 'EMAIL_COMPANY_DOMAIN'
  | 'EMAIL_PERSONAL_MAIL'
  | 'ADDRESS_STREET'
  | 'ADDRESS_LOCALITY'
  | 'PHONE_E164'
  | 'LEGAL_NAME'
  | 'WEB_DOMAIN';

export type Comparison = { difference: Difference; rule: ConflictRule; severity: Severity | null };

/**
 * Severity of each rule's material difference, and why:
 * - LEGAL_NAME HIGH: invoices and contracts under another legal name.
 * - EMAIL_COMPANY_DOMAIN HIGH: billing mail goes to another company.
 * - ADDRESS_LOCALITY HIGH: another city, postcode, region or country — post goes elsewhere, tax may differ.
 * - ADDRESS_STREET MEDIUM: same town, another street or number.
 * - PHONE_E164 MEDIUM: calls reach another number.
 * - EMAIL_PERSONAL_MAIL LOW: a personal mailbox says nothing about the company; worth a look, not a disagreement.
 * - WEB_DOMAIN LOW: support matches tickets by it; a second domain is common.
 */
export const RULE_SEVERITY: Record<ConflictRule, Severity> = {
  LEGAL_NAME: 'HIGH',
  EMAIL_COMPANY_DOMAIN: 'HIGH',
  ADDRESS_LOCALITY: 'HIGH',
  ADDRESS_STREET: 'MEDIUM',
  PHONE_E164: 'MEDIUM',
  EMAIL_PERSONAL_MAIL: 'LOW',
  WEB_DOMAIN: 'LOW',
};

const verdict = (difference: Difference, rule: ConflictRule): Comparison => ({ difference, rule, severity: difference === 'MATERIAL' ? RULE_SEVERITY[rule] : null });

const squash = (s: string | null | undefined) => (s ?? '').trim().replace(/\s+/g, ' ');

/**
 * E-mail by domain. Another mailbox at the same company domain (a person vs the payables mailbox) is the same
 * company: cosmetic. Another company domain is material. A personal-mail address (gmail.com …) is its own case:
 * two different personal addresses, or a personal one against a company one, are a low-severity difference.
 */
export function compareEmail(a: string, b: string): Comparison {
  const x = a.trim().toLowerCase();
  const y = b.trim().toLowerCase();
  const dx = emailDomain(x);
  const dy = emailDomain(y);
  const personal = isPersonalMailDomain(dx) || isPersonalMailDomain(dy);
  if (x === y) return verdict('SAME', personal ? 'EMAIL_PERSONAL_MAIL' : 'EMAIL_COMPANY_DOMAIN');
  if (personal) return verdict('MATERIAL', 'EMAIL_PERSONAL_MAIL');
  if (dx && dx === dy) return verdict('COSMETIC', 'EMAIL_COMPANY_DOMAIN');
  return verdict('MATERIAL', 'EMAIL_COMPANY_DOMAIN');
}

/** Street words written in full or abbreviated are the same word. */
const STREET_WORDS: Record<string, string> = {
  street: 'st', avenue: 'ave', av: 'ave', suite: 'ste', road: 'rd', boulevard: 'blvd', drive: 'dr', lane: 'ln', court: 'ct',
  place: 'pl', square: 'sq', highway: 'hwy', parkway: 'pkwy', terrace: 'ter', circle: 'cir', floor: 'fl', apartment: 'apt',
  building: 'bldg', unit: 'unit', north: 'n', south: 's', east: 'e', west: 'w', northeast: 'ne', northwest: 'nw',
  southeast: 'se', southwest: 'sw', number: 'no', strasse: 'str', straße: 'str',
};

const fold = (s: string) => s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

function streetKey(s: string | null): string {
  return fold(squash(s))
    .replace(/#\s*/g, ' ste ')
    .replace(/[.,;:'’"()/-]+/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => STREET_WORDS[w] ?? w)
    .join(' ');
}

const plainKey = (s: string | null) => fold(squash(s)).replace(/[.,;:'’"()-]+/g, ' ').replace(/\s+/g, ' ').trim();

let countryNames: Map<string, string> | null = null;
/** Country names (in English, from ICU) and ISO codes, all to the ISO 3166 alpha-2 code. */
function countryKey(s: string | null): string {
  const k = plainKey(s).replace(/\bthe\b/g, '').replace(/\s+/g, ' ').trim();
  if (!k) return '';
  if (!countryNames) {
    countryNames = new Map(Object.entries({ usa: 'us', 'united states of america': 'us', uk: 'gb', 'great britain': 'gb', england: 'gb', deu: 'de', gbr: 'gb', can: 'ca', fra: 'fr', aus: 'au', nld: 'nl', che: 'ch', aut: 'at', irl: 'ie', esp: 'es', ita: 'it', swe: 'se' }));
    const names = new Intl.DisplayNames(['en'], { type: 'region' });
    for (let i = 0; i < 26; i++) {
      for (let j = 0; j < 26; j++) {
        const code = String.fromCharCode(65 + i, 65 + j);
        const name = names.of(code);
        // the first code wins: the reserved "UK" also names the United Kingdom, whose code is GB
        if (name && name !== code && !countryNames.has(plainKey(name))) countryNames.set(plainKey(name), code.toLowerCase());
      }
    }
  }
  if (k.length === 2) return k;
  return countryNames.get(k) ?? k;
}

const postcodeKey = (s: string | null) => squash(s).replace(/[\s-]+/g, '').toUpperCase();

/**
 * Addresses part by part, after case, punctuation, whitespace, street abbreviations (Street/St, Avenue/Ave,
 * Suite/Ste …), country names vs codes and postcode spacing are normalised. What differs only in those is
 * cosmetic; another street or number is material (ADDRESS_STREET), another city, region, postcode or country
 * is material (ADDRESS_LOCALITY, the stronger of the two).
 */
export function compareAddress(a: Address, b: Address): Comparison {
  const locality =
    plainKey(a.city) !== plainKey(b.city) ||
    plainKey(a.region) !== plainKey(b.region) ||
    postcodeKey(a.postalCode) !== postcodeKey(b.postalCode) ||
    countryKey(a.country) !== countryKey(b.country);
  if (locality) return verdict('MATERIAL', 'ADDRESS_LOCALITY');
  if (streetKey(a.street) !== streetKey(b.street)) return verdict('MATERIAL', 'ADDRESS_STREET');
  const raw = (x: Address) => [x.street, x.city, x.region, x.postalCode, x.country].map(squash).join('|');
  return verdict(raw(a) === raw(b) ? 'SAME' : 'COSMETIC', 'ADDRESS_STREET');
}

/**
 * Phone numbers by their E.164 form (libphonenumber-js), a number without a country code read in the default
 * region. Formatting alone is cosmetic; a different number is material. A text that is no phone number at all
 * is compared by its digits.
 */
export function comparePhone(a: string, b: string, defaultRegion: CountryCode): Comparison {
  if (squash(a) === squash(b)) return verdict('SAME', 'PHONE_E164');
  return verdict(phoneKey(a, defaultRegion) === phoneKey(b, defaultRegion) ? 'COSMETIC' : 'MATERIAL', 'PHONE_E164');
}

/**
 * The numbers read lately, by region and text: the same customers' phones are compared on every view of them, and
 * parsing one costs more than the rest of the comparison. Bounded and expiring, as the source cache is.
 */
const phoneKeys = new LRUCache<string, string>({ max: 5_000, ttl: 15 * 60_000 });

/** A number's E.164 form, a number without a country code read in the default region; its digits when it is no number. */
export function phoneKey(raw: string, region: CountryCode): string {
  const key = `${region}:${raw}`;
  let e164 = phoneKeys.get(key);
  if (e164 === undefined) phoneKeys.set(key, (e164 = parsePhoneNumberFromString(raw, region)?.number ?? raw.replace(/\D/g, '')));
  return e164;
}

/**
 * Names after legal suffixes (Inc, Incorporated, LLC, Ltd, GmbH, L.L.P. …), case, punctuation, `&`/`and` and
 * diacritics are folded away (see `normaliseCompanyName`): a difference only in those is cosmetic.
 */
export function compareName(a: string, b: string): Comparison {
  if (squash(a) === squash(b)) return verdict('SAME', 'LEGAL_NAME');
  return verdict(normaliseCompanyName(a) === normaliseCompanyName(b) ? 'COSMETIC' : 'MATERIAL', 'LEGAL_NAME');
}

/** The web domain against the domains a support organization lists: material when it is none of them. */
export function compareDomain(domain: string, others: readonly string[]): Comparison {
  const own = domain.toLowerCase().replace(/^www\./, '');
  return verdict(others.some((d) => d.toLowerCase().replace(/^www\./, '') === own) ? 'SAME' : 'MATERIAL', 'WEB_DOMAIN');
}
