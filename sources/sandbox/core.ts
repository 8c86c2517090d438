import { Faker, en } from '@faker-js/faker';
import { normaliseCompanyName } from '../kit/names.js';
import { emptyManifest, type Manifest } from './manifest.js';

/**
 * What every module's part of the sandbox dataset shares: one seeded random source (the parts draw from it in a
 * fixed order, so the same options give the same world), the dataset's "today", the manifest of planted cases,
 * and the company names and domains that are unique across all four systems.
 */
export type SandboxCore = {
  seed: number;
  size: number;
  /** The dataset's "today" as YYYY-MM-DD, and as UTC midnight in ms. */
  todayStr: string;
  today: number;
  /** Dates spread over the two years before today. */
  start: number;
  f: Faker;
  int: (min: number, max: number) => number;
  chance: (p: number) => boolean;
  /** A whole day between two days (inclusive). */
  dayBetween: (from: number, to: number) => number;
  /** A time of day in office hours on the given day. */
  timeOn: (day: number) => number;
  manifest: Manifest;
  companies: CompanyNames;
};

export type CompanyNames = {
  /** A company name no other customer of the dataset has (compared as normalised names). */
  unique: () => string;
  /** Marks a name chosen elsewhere as taken. */
  reserve: (name: string) => void;
  /** A domain derived from the name, unique in the dataset. */
  domainFor: (name: string) => string;
};

export const DAY = 86_400_000;

export const isoZ = (ms: number) => new Date(ms).toISOString();
export const ymd = (ms: number) => new Date(ms).toISOString().slice(0, 10);
export const money = (n: number) => Math.round(n * 100) / 100;

export function createCore(seed: number, size: number, todayStr: string): SandboxCore {
  const today = Date.parse(`${todayStr}T00:00:00Z`);
  if (Number.isNaN(today)) throw new Error(`Sandbox: today "${todayStr}" is not a date (YYYY-MM-DD)`);
  const f = new Faker({ locale: [en] });
  f.seed(seed);
  const int = (min: number, max: number) => f.number.int({ min, max });
  return {
    seed,
    size,
    todayStr,
    today,
    start: today - 730 * DAY,
    f,
    int,
    chance: (p) => f.number.float({ min: 0, max: 1 }) < p,
    dayBetween: (from, to) => from + int(0, Math.max(0, Math.floor((to - from) / DAY))) * DAY,
    timeOn: (day) => day + int(8 * 3600, 18 * 3600) * 1000,
    manifest: emptyManifest(seed, size, todayStr),
    companies: companyNames(f),
  };
}

function companyNames(f: Faker): CompanyNames {
  const usedNames = new Set<string>();
  const usedDomains = new Set<string>();
  return {
    unique() {
      for (;;) {
        const name = f.company.name();
        const key = normaliseCompanyName(name);
        if (key && !usedNames.has(key)) {
          usedNames.add(key);
          return name;
        }
      }
    },
    reserve(name) {
      usedNames.add(normaliseCompanyName(name));
    },
    domainFor(name) {
      const base =
        name
          .normalize('NFKD')
          .replace(/[\u0300-\u036f]/g, '')
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '-')
          .replace(/^-|-$/g, '')
          .slice(0, 30) || `client-${f.string.alphanumeric(6).toLowerCase()}`;
      let domain = `${base}.example`;
      for (let n = 2; usedDomains.has(domain); n++) domain = `${base}-${n}.example`;
      usedDomains.add(domain);
      return domain;
    },
  };
}
