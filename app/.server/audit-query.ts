import { ACCESS_GROUPS } from '../../graphql/policy.js';
import type { AuditFilter } from './store/audit-store.js';

export const AUDIT_PAGE_SIZE = 50;

/** The audit page's filters from its query string; a bad value answers 400 naming the parameter. */
export function auditFilterOf(url: URL): { filter: AuditFilter; page: number; raw: Record<string, string> } {
  const p = url.searchParams;
  const raw = Object.fromEntries(['person', 'customer', 'group', 'from', 'to', 'page'].map((k) => [k, (p.get(k) ?? '').trim().slice(0, 255)]));
  const bad = (what: string) => new Response(what, { status: 400, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  const day = (name: 'from' | 'to') => {
    const v = raw[name]!;
    if (!v) return undefined;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || !Number.isFinite(Date.parse(`${v}T00:00:00Z`))) throw bad(`${name} must be a date as YYYY-MM-DD (got "${v.slice(0, 40)}").`);
    // `to` includes its whole day
    return Date.parse(`${v}T00:00:00Z`) + (name === 'to' ? 86_400_000 : 0);
  };
  if (raw.group && !(ACCESS_GROUPS as readonly string[]).includes(raw.group)) throw bad(`group must be one of ${ACCESS_GROUPS.join(', ')}.`);
  const page = raw.page ? Number(raw.page) : 1;
  if (!Number.isInteger(page) || page < 1 || page > 100_000) throw bad('page must be a whole number from 1.');
  return { filter: { person: raw.person || undefined, customer: raw.customer || undefined, group: raw.group || undefined, from: day('from'), to: day('to') }, page, raw };
}

/** One CSV cell: quoted, and never read as a formula by a spreadsheet. */
export function csvCell(v: string | number | boolean | null): string {
  let s = v === null ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}
