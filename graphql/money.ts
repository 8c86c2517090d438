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
