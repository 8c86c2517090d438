import type { AccountingCustomerRecord } from '../kit/domain.js';
import { isSourceError } from '../kit/errors.js';
import { FEED_OVERLAP_MS, mergeById, type IndexFeed } from '../kit/index-feed.js';
import type { SourceKit } from '../kit/source-kit.js';
import type { XeroSource } from './loaders.js';
import { mapContact } from './mapping.js';
import { customersWhere } from './where.js';

/**
 * The contact index kept by Xero's `If-Modified-Since` (developer.xero.com, "Requests and responses": list
 * endpoints answer only the records whose UpdatedDateUTC is after it): each round asks
 * `GET Contacts?where=IsCustomer==true` with the header set to the cursor — one request per 100 changed contacts,
 * none beyond the first when nothing changed — and each changed contact replaces its row. Xero does not delete
 * contacts, it archives them: an archived one comes back as a change and stays in the index as inactive, as a full
 * read holds it. The cursor is a UTC date-time: the round's start, less a margin for the clocks' difference. A
 * refusal of the cursor (400) asks for a full read.
 */
export function contactIndexFeed(client: XeroSource, kit: SourceKit): IndexFeed<AccountingCustomerRecord> {
  return {
    mechanism: 'If-Modified-Since on Contacts',
    indexId: () => 'all',
    cursorAt: async (atMs) => new Date(atMs).toISOString(),
    changes: async (cursor, { now }) => {
      const since = Date.parse(cursor);
      if (!Number.isFinite(since)) return { kind: 'full-read', reason: `the cursor ${cursor.slice(0, 40)} is not a date-time` };
      let changed;
      try {
        changed = await client.api.contacts({
          where: customersWhere(),
          modifiedSince: new Date(since),
          runPage: (page) => kit.upstream('customerIndex.changes', page),
        });
      } catch (e) {
        if (isSourceError(e) && e.code === 'BAD_REQUEST') return { kind: 'full-read', reason: `Xero refused changes since ${cursor}` };
        throw e;
      }
      return {
        kind: 'changes',
        upserts: changed.map((c) => mapContact(c, client.baseCurrency)),
        removals: [],
        next: new Date(now - FEED_OVERLAP_MS).toISOString(),
      };
    },
    apply: (index, changes) => mergeById(index, changes.upserts, changes.removals, (r) => r.id),
  };
}
