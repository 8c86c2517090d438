import { soqlLikeContains, soqlLikeEndsWith, soqlString } from './escape.js';
import type { SalesforceFieldNames } from './mapping.js';

// Every SOQL text the Salesforce module sends is written here; values pass through escape.ts.

const OWNER = 'OwnerId, Owner.Name, Owner.Email';

/** A moment as a SOQL date-time literal (unquoted, UTC, whole seconds): `2026-12-03T10:15:00Z`. */
export function soqlDateTime(ms: number): string {
  if (!Number.isFinite(ms)) throw new RangeError('not a moment');
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The SOQL of each read, from the custom fields this org has: a field whose mapping is off, missing or of the
 * wrong type is left out of every query (Salesforce refuses a whole query over one unknown field).
 */
export function salesforceQueries(f: SalesforceFieldNames) {
  const custom = (...names: (string | null)[]) => names.filter((n): n is string => Boolean(n)).map((n) => `, ${n}`).join('');
  const account = [
    `Id, Name, Website, Phone, Industry${custom(f.tier)}`,
    'BillingStreet, BillingCity, BillingState, BillingPostalCode, BillingCountry',
    'ShippingStreet, ShippingCity, ShippingState, ShippingPostalCode, ShippingCountry',
    OWNER,
    `CreatedDate, LastModifiedDate${custom(f.accountingId)}`,
  ].join(', ');
  const contacts = `(SELECT Id, AccountId, Name, Title, Email, Phone, CreatedDate${custom(f.primaryContact)} FROM Contacts ORDER BY ${
    f.primaryContact ? `${f.primaryContact} DESC, Name` : 'CreatedDate, Id'
  })`;
  const contactFields = `Id, AccountId, Name, Title, Email, Phone, CreatedDate${custom(f.primaryContact)}`;
  // CurrencyIsoCode only where the org has it (multi-currency): a single-currency org refuses the whole query over it
  const opportunities = `(SELECT Id, AccountId, Name, StageName, Amount${custom(f.dealCurrency ?? null)}, CloseDate, IsClosed, IsWon, ${OWNER} FROM Opportunities ORDER BY CloseDate DESC NULLS LAST)`;
  return {
    account,
    contacts,
    opportunities,
    index: `SELECT Id, Name, Website${custom(f.accountingId)} FROM Account ORDER BY Id`,
    /**
     * The index's rows changed after a moment, deleted ones included (sent to QueryAll): SystemModstamp moves on
     * every change, a deletion's too. `since` is a SOQL date-time literal (`soqlDateTime`), never text.
     */
    indexChanges: (since: string, limit: number) =>
      `SELECT Id, Name, Website${custom(f.accountingId)}, IsDeleted, SystemModstamp FROM Account WHERE SystemModstamp > ${since} ORDER BY SystemModstamp LIMIT ${limit}`,
    /** The org's one currency (a single-currency org's; Organization has one record). */
    orgCurrency: 'SELECT DefaultCurrencyIsoCode FROM Organization',
    /** Accounts with their contacts and opportunities (ids already checked and canonical). */
    customers: (ids: readonly string[]) => `SELECT ${account}, ${contacts}, ${opportunities} FROM Account WHERE Id IN (${ids.map(soqlString).join(', ')})`,
    /** Accounts whose name or website contains the text (all of them, by name, for an empty text). */
    search: (text: string, limit: number) => {
      const like = soqlLikeContains(text);
      const where = text ? ` WHERE Name LIKE ${like} OR Website LIKE ${like}` : '';
      return `SELECT ${account} FROM Account${where} ORDER BY Name LIMIT ${limit}`;
    },
    /**
     * Contacts of an account whose name or e-mail contains the text (LIKE ignores case), or, for a phone search,
     * whose phone ends in these digits: SOQL cannot compare phones across formatting, so Panorama compares the
     * candidates by their E.164 form afterwards.
     */
    searchContacts: (q: { text: string } | { phoneTail: string }, limit: number) => {
      const where =
        'phoneTail' in q
          ? `Phone LIKE ${soqlLikeEndsWith(q.phoneTail)}`
          : `Name LIKE ${soqlLikeContains(q.text)} OR Email LIKE ${soqlLikeContains(q.text)}`;
      return `SELECT ${contactFields} FROM Contact WHERE AccountId != null AND (${where}) ORDER BY Name LIMIT ${limit}`;
    },
    /** The accounts a user owns, by the user's e-mail. */
    byOwnerEmail: (email: string) => `SELECT ${account} FROM Account WHERE Owner.Email = ${soqlString(email)} ORDER BY Name`,
  };
}
