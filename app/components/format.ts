/** Formatting shared by every view. Dates arrive as ISO strings from the GraphQL layer. */

// Each formatter is built once per process (and per page in the browser): building an Intl formatter costs far
// more than using one, and a customer page formats hundreds of dates and amounts.
const formatters = new Map<string, Intl.NumberFormat>();
function numberFormat(key: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = new Intl.NumberFormat('en-US', options)));
  return f;
}
const DAY = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const MONTH = new Intl.DateTimeFormat('en-GB', { month: 'short', timeZone: 'UTC' });

/** A month (`2026-03`) as its short name: "Mar". */
export function formatMonth(month: string): string {
  return MONTH.format(new Date(`${month}-01T00:00:00Z`));
}

export function formatMoney(amount: number | null | undefined, currency = 'USD'): string {
  if (amount === null || amount === undefined) return '—';
  return numberFormat(`money:${currency}`, { style: 'currency', currency, maximumFractionDigits: 2 }).format(amount);
}

/** An amount in its currency; one whose system names no currency is written as a plain number ("1,200.00"), never in an assumed one. */
function formatIn(amount: number, currency: string | null): string {
  if (currency) return formatMoney(amount, currency);
  return numberFormat('plain', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(amount);
}

/**
 * A deal's amount in the deal's currency, where none (or zero) is "no amount" rather than "$0.00". A deal whose
 * system names no currency shows the plain number.
 */
export function formatAmount(amount: number | null | undefined, currency: string | null): string {
  if (amount === null || amount === undefined || amount === 0) return 'no amount';
  return formatIn(amount, currency);
}

export type MoneyTotal = { amount: number; currency: string | null };

/**
 * Amounts summed per currency, never across currencies: the largest first, then by code; amounts whose system
 * names no currency are totalled apart (currency null). Missing amounts count as nothing.
 */
export function totalsPerCurrency(items: readonly { amount: number | null; currency?: string | null }[]): MoneyTotal[] {
  const sums = new Map<string | null, number>();
  for (const m of items) if (m.amount !== null) sums.set(m.currency ?? null, (sums.get(m.currency ?? null) ?? 0) + m.amount);
  return [...sums]
    .map(([currency, amount]) => ({ currency, amount: Math.round(amount * 100) / 100 }))
    .sort((a, b) => b.amount - a.amount || String(a.currency).localeCompare(String(b.currency)));
}

/** Items in words: "A", "A and B", "A, B and C"; none is "". */
export function andList(items: readonly string[]): string {
  return items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items.at(-1)}` : (items[0] ?? '');
}

/** Totals per currency in words: "$1,200.00 and €300.00"; none is "$0.00". */
export function formatTotals(totals: readonly MoneyTotal[]): string {
  if (totals.length === 0) return formatMoney(0);
  return andList(totals.map((t) => formatIn(t.amount, t.currency)));
}

/** Deal totals per currency: "no amount" when there is none, else each currency's total ("$1,200.00 and €300.00"). */
export function formatDealTotals(totals: readonly MoneyTotal[]): string {
  const some = totals.filter((t) => t.amount !== 0);
  return some.length ? formatTotals(some) : 'no amount';
}

/** "1 rating", "2 ratings", "0 tickets". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * How long something has been open, in whole days elapsed: "under a day", "1 day", "12 days". Not "today": a
 * ticket opened yesterday evening is under a day old, but it was not opened today.
 */
export function formatAgeDays(days: number): string {
  return days < 1 ? 'under a day' : plural(days, 'day');
}

/** Dates written lately: a page writes the same few hundred dates on every render, and Intl's format is the dear part. */
const writtenDates = new Map<string, string>();

/** A date in words, "4 Jun 2026", never ISO; a value that is no date is shown as is. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  let written = writtenDates.get(iso);
  if (written === undefined) {
    const d = new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
    written = Number.isNaN(d.getTime()) ? iso : DAY.format(d);
    if (writtenDates.size >= 5_000) writtenDates.clear();
    writtenDates.set(iso, written);
  }
  return written;
}

export function formatAge(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '';
  if (seconds < 5) return 'just now';
  if (seconds < 90) return `${seconds} s ago`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} days ago`;
}

export function humanize(value: string | null | undefined): string {
  if (!value) return '—';
  const s = value.toLowerCase().replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A system as the server names it (`Source`): its enum value, the name people read, and its category. */
export type SourceName = { system: string; name: string; category: string };

/** The name people read for each system, from the systems an answer carries (`source { system name }`). */
export function systemNames(sources: readonly (SourceName | null | undefined)[]): (system: string | null | undefined) => string {
  const names = new Map(sources.filter((s): s is SourceName => Boolean(s)).map((s) => [s.system, s.name]));
  return (system) => (system ? (names.get(system) ?? system) : '');
}

/**
 * "$90K", "$57.3K": for chart axes, where full amounts with cents do not fit. Trailing zeros are stripped explicitly:
 * Node's ICU writes "$57.0K" where the browser's writes "$57K", and the page must render the same on both sides.
 */
export function formatMoneyCompact(amount: number, currency = 'USD'): string {
  const options = { style: 'currency', currency, notation: 'compact', maximumFractionDigits: 1, trailingZeroDisplay: 'stripIfInteger' };
  return numberFormat(`compact:${currency}`, options as Intl.NumberFormatOptions).format(amount);
}
