import { SourceError } from '../kit/errors.js';

/**
 * Building blocks for QBO query text. Every value that reaches a query passes through here: strings are
 * single-quoted with `\` and `'` escaped; ids must be QBO ids (positive integers) before they are quoted.
 */

const CONTROL = /[\u0000-\u001f\u007f]/g;

export function quote(value: string): string {
  return `'${value.replace(CONTROL, ' ').replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * `'%text%'` for a LIKE "contains". QBO's only wildcard is `%` and it has no way to escape one, so a `%` in the
 * text stays a wildcard (the match can only grow); `needsRecheck` tells the caller to keep only the rows that
 * really contain the text. `_` is not a wildcard in QBO and needs nothing.
 */
export function likeContains(text: string): { pattern: string; needsRecheck: boolean } {
  return { pattern: quote(`%${text}%`), needsRecheck: text.includes('%') };
}

/** QBO entity ids are positive integers, sent as strings. */
export function isQboId(id: string): boolean {
  return /^[1-9][0-9]{0,18}$/.test(id);
}

export function invalidIdError(): SourceError {
  return new SourceError('quickbooks', 'BAD_REQUEST', 'Not a QuickBooks id: QuickBooks ids are positive whole numbers', {
    userMessage: 'The QuickBooks customer id linked to this customer is not valid. Ask an admin to check the link.',
  });
}

/** `('1', '2')` for an IN list; throws BAD_REQUEST before a malformed id reaches the query. */
export function idList(ids: readonly string[]): string {
  if (ids.length === 0 || !ids.every(isQboId)) throw invalidIdError();
  return `(${ids.map(quote).join(', ')})`;
}

/** A QBO date literal; only YYYY-MM-DD passes. */
export function dateLiteral(day: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(day))) {
    throw new SourceError('quickbooks', 'BAD_REQUEST', 'Not a calendar day (expected YYYY-MM-DD)');
  }
  return quote(day);
}

/**
 * Every query text the QuickBooks module sends, written here once: the loaders and the client only name them.
 * Ids, strings and dates reach them through the building blocks above.
 */
export const qboQueries = {
  /** The customers of an id list, with their invoices and payments: one batch of three queries. */
  customersWithActivity: (list: string) =>
    [
      { bId: 'customers', entity: 'Customer', query: `SELECT * FROM Customer WHERE Id IN ${list} AND Active IN (true, false) ORDERBY Id` },
      { bId: 'invoices', entity: 'Invoice', query: `SELECT * FROM Invoice WHERE CustomerRef IN ${list} ORDERBY Id` },
      { bId: 'payments', entity: 'Payment', query: `SELECT * FROM Payment WHERE CustomerRef IN ${list} ORDERBY Id` },
    ] as const,
  /** One page of a query or clause that orders its rows. */
  page: (query: string, start: number, size: number) => `${query} STARTPOSITION ${start} MAXRESULTS ${size}`,
  /** Customers (active or not) whose display name matches a LIKE pattern, by name. */
  customersNamed: (pattern: string, max: number) => `WHERE DisplayName LIKE ${pattern} AND Active IN (true, false) ORDERBY DisplayName STARTPOSITION 1 MAXRESULTS ${max}`,
  /** Every customer, active or not. */
  allCustomers: 'WHERE Active IN (true, false) ORDERBY Id',
  /** Invoices with an open balance due before a date literal. */
  overdueInvoices: (dateLiteral: string) => `WHERE Balance > '0' AND DueDate < ${dateLiteral} ORDERBY Id`,
  /** Invoices with this document number (quoted by the caller). */
  invoicesNumbered: (quotedNumber: string) => `WHERE DocNumber = ${quotedNumber} MAXRESULTS 10`,
};
