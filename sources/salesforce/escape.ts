/**
 * Escaping for values Panorama puts into SOQL. SOQL string literals are single-quoted with backslash escapes
 * (\' \" \\ \n \r \t \b \f); inside LIKE, `%` and `_` are wildcards unless escaped as \% and \_.
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_quotedstringescapes.htm
 */
const CONTROL = /[\u0000-\u0007\u000b\u000e-\u001f\u007f]/g;

function escapeBody(value: string): string {
  return value
    .replace(CONTROL, '') // not representable in a SOQL literal; never part of a real name
    .replace(/\\/g, '\\\\')
    .replace(/'/g, "\\'")
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    .replace(/\u0008/g, '\\b')
    .replace(/\f/g, '\\f');
}

/** A SOQL string literal that matches `value` exactly (with `=`, `IN`, ...). */
export function soqlString(value: string): string {
  return `'${escapeBody(value)}'`;
}

/** A LIKE pattern literal matching any value that contains `text` literally (wildcards in it are escaped). */
export function soqlLikeContains(text: string): string {
  // Backslashes are doubled first, so the \% and \_ added next stay escapes of their own.
  const body = escapeBody(text).replace(/%/g, '\\%').replace(/_/g, '\\_');
  return `'%${body}%'`;
}

/** A LIKE pattern literal matching any value that ends with `text` literally (wildcards in it are escaped). */
export function soqlLikeEndsWith(text: string): string {
  const body = escapeBody(text).replace(/%/g, '\\%').replace(/_/g, '\\_');
  return `'%${body}'`;
}
