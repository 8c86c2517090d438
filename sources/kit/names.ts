/**
 * How names and domains are compared across systems: the normalised legal name drops case, accents,
 * punctuation and legal suffixes, so "Acme Inc" and "ACME Incorporated" compare equal.
 */
const LEGAL_SUFFIXES = /\b(inc|incorporated|llc|l\.l\.c|ltd|limited|corp|corporation|co|company|gmbh|ag|sa|plc|group|the)\b\.?/g;

export function normaliseCompanyName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(LEGAL_SUFFIXES, ' ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Free mail providers say nothing about which company a person works for. */
const PUBLIC_MAIL = new Set(['gmail.com', 'googlemail.com', 'yahoo.com', 'hotmail.com', 'outlook.com', 'live.com', 'icloud.com', 'aol.com', 'proton.me', 'protonmail.com', 'gmx.com']);

/** The registrable-looking host of a URL or e-mail address, without `www.`; null for public mail providers. */
export function domainOf(urlOrEmail: string | null | undefined): string | null {
  if (!urlOrEmail) return null;
  const s = urlOrEmail.trim().toLowerCase();
  const host = (s.includes('@') ? s.slice(s.lastIndexOf('@') + 1) : s.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').split(/[/?#:]/)[0]!).replace(/^www\./, '');
  if (!host || !host.includes('.') || PUBLIC_MAIL.has(host)) return null;
  return host;
}
