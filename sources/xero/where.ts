import { SourceError } from '../kit/errors.js';

/**
 * Building blocks for Xero `where` filters. Every value that reaches a `where` clause passes through here.
 * Xero's filter is a C#-like expression whose string literals are double-quoted (`Name=="ABC"`); its docs
 * give no escape for a `"` inside a literal, so a value holding `"`, `\` or a control character is refused
 * (BAD_REQUEST) instead of being guessed at. Ids never go through `where`: they are sent as GUIDs in the
 * documented `IDs` / `ContactIDs` parameters after `isXeroId` has checked them.
 */
const UNSAFE = /["\\\u0000-\u001f\u007f]/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const SOURCE = 'xero' as const;

export function isXeroId(id: string): boolean {
  return GUID.test(id);
}

export function invalidIdError(): SourceError {
  return new SourceError(SOURCE, 'BAD_REQUEST', 'Not a Xero id: Xero ids are GUIDs', {
    userMessage: 'The Xero contact id linked to this customer is not valid. Ask an admin to check the link.',
  });
}

/** `"text"` for a where clause; throws BAD_REQUEST for a value the filter language cannot carry safely. */
export function quote(value: string): string {
  if (UNSAFE.test(value)) {
    throw new SourceError(SOURCE, 'BAD_REQUEST', 'A Xero filter value may not contain a double quote, a backslash or a control character', {
      userMessage: 'The search text contains a character the accounting system cannot filter on (" or \\). Remove it and try again.',
    });
  }
  return `"${value}"`;
}

/** A comma-separated GUID list for the `IDs` / `ContactIDs` query parameters; BAD_REQUEST before a bad id is sent. */
export function idParam(ids: readonly string[]): string {
  if (ids.length === 0 || !ids.every(isXeroId)) throw invalidIdError();
  return ids.map((id) => id.toLowerCase()).join(',');
}

/** `Type=="ACCREC"` plus optional clauses joined with AND: sales invoices only. */
export function salesInvoicesWhere(...more: string[]): string {
  return ['Type=="ACCREC"', ...more].join(' AND ');
}

/** Customers only (`IsCustomer==true`), optionally whose name contains `text`. */
export function customersWhere(nameContains?: string): string {
  const clauses = ['IsCustomer==true'];
  if (nameContains !== undefined && nameContains.trim()) clauses.push(`Name.Contains(${quote(nameContains.trim())})`);
  return clauses.join(' AND ');
}
