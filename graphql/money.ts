// One formatter for the whole process: building one per call (toLocaleString) dominated warm page renders.
const USD = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** "$1,234.50" for the amounts in flag messages and timeline titles. */
export function money(n: number): string {
  return USD.format(n);
}
