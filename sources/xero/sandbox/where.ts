import { parseXeroDate } from '../mapping.js';

/**
 * The sandbox's reading of Xero's `where` filter, for the clauses Panorama sends (joined with AND):
 * `Field=="text"`, `Field==true|false`, `Field.Contains("text")`, and `Field<DateTime(y,m,d)` (or `>`, `<=`,
 * `>=`). Text compares without regard to case. Anything else is refused as Xero refuses a filter it cannot
 * parse (400, QueryParseException).
 */
export class WhereError extends Error {}

type Row = Record<string, unknown>;
type Test = (row: Row) => boolean;

const field = (row: Row, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Row)[k] : undefined), row);

function clause(text: string): Test {
  const t = text.trim();
  let m = /^([A-Za-z.]+)\s*==\s*"([^"]*)"$/.exec(t);
  if (m) {
    const [, path, value] = m;
    return (row) => String(field(row, path!) ?? '').toLowerCase() === value!.toLowerCase();
  }
  m = /^([A-Za-z.]+)\s*==\s*(true|false)$/.exec(t);
  if (m) {
    const [, path, value] = m;
    return (row) => field(row, path!) === (value === 'true');
  }
  m = /^([A-Za-z.]+)\.Contains\("([^"]*)"\)$/.exec(t);
  if (m) {
    const [, path, value] = m;
    return (row) => String(field(row, path!) ?? '').toLowerCase().includes(value!.toLowerCase());
  }
  m = /^([A-Za-z.]+)\s*(<=|>=|<|>)\s*DateTime\((\d{4}),\s*(\d{1,2}),\s*(\d{1,2})\)$/.exec(t);
  if (m) {
    const [, path, op, y, mo, d] = m;
    const at = Date.UTC(Number(y), Number(mo) - 1, Number(d));
    return (row) => {
      const v = parseXeroDate(field(row, path!) as string | undefined)?.getTime();
      if (v === undefined) return false;
      return op === '<' ? v < at : op === '>' ? v > at : op === '<=' ? v <= at : v >= at;
    };
  }
  throw new WhereError(`Unable to parse the where clause: ${t}`);
}

/** The rows the filter keeps; a filter the sandbox cannot read throws WhereError. */
export function applyWhere<T>(rows: readonly T[], where: string | null): T[] {
  if (!where || !where.trim()) return [...rows];
  const tests = where.split(/\s+AND\s+/).map(clause);
  return rows.filter((r) => tests.every((test) => test(r as Row)));
}
