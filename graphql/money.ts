import type { Money } from './facts.js';

// One formatter per currency for the whole process: building one per call (toLocaleString) dominated warm page renders.
const formatters = new Map<string, Intl.NumberFormat>();

/**
 * "$1,234.50" for the amounts in flag messages and timeline titles. An amount whose system names no currency
 * (CRM deals) is shown in US dollars, as Panorama always has.
 */
export function money(m: Money): string {
  const currency = m.currency ?? 'USD';
  let f = formatters.get(currency);
  if (!f) {
    f = new Intl.NumberFormat('en-US', { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 2 });
    formatters.set(currency, f);
  }
  return f.format(m.amount);
}

/**
 * Totals per currency, never one sum across currencies: the largest first, then by code. Amounts whose system
 * names no currency are totalled under null.
 */
export function totalsByCurrency(items: Iterable<Money>): Money[] {
  const sums = new Map<string | null, number>();
  for (const m of items) sums.set(m.currency, (sums.get(m.currency) ?? 0) + m.amount);
  return [...sums.entries()]
    .map(([currency, amount]) => ({ currency, amount: Math.round(amount * 100) / 100 }))
    .sort((a, b) => b.amount - a.amount || String(a.currency).localeCompare(String(b.currency)));
}

/** The one total when every amount is in one currency; null when they are in several (a sum would mean nothing). */
export function singleCurrencyTotal(totals: readonly Money[]): number | null {
  if (totals.length === 0) return 0;
  return totals.length === 1 ? totals[0]!.amount : null;
}
