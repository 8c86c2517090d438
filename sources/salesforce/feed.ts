import type { CrmAccountIndexEntry } from '../kit/domain.js';
import { isSourceError } from '../kit/errors.js';
import { FEED_OVERLAP_MS, mergeById, type IndexFeed } from '../kit/index-feed.js';
import type { SourceKit } from '../kit/source-kit.js';
import type { SalesforceClient } from './client.server.js';
import { mapAccountIndexEntry, type SalesforceFieldNames } from './mapping.js';
import { salesforceQueries, soqlDateTime } from './soql.js';
import { sfAccountIndexChangeSchema } from './types.js';
import { mergedSignal } from '../kit/request-meter.js';

/** Deleted records stay in the recycle bin, where QueryAll finds them, for 15 days; a cursor near that is read whole. */
export const RECYCLE_BIN_MS = 15 * 86_400_000;
const SAFE_LOOKBACK_MS = RECYCLE_BIN_MS - 86_400_000;
/** Rows one round reads (one batch of QueryAll); a round that finds this many reads the index whole instead. */
export const MAX_CHANGES = 2000;

/**
 * The account index kept by SystemModstamp: each round one QueryAll of the accounts whose SystemModstamp is past
 * the cursor, deleted ones included (`IsDeleted`), in one request while fewer than 2,000 changed. Changed accounts
 * replace theirs, deleted ones are dropped. The cursor is the round's start less a margin for the clocks'
 * difference; one older than the recycle bin keeps deletions (15 days), or a round with 2,000 changes, asks for
 * a full read, and so does a query the org refuses (a field of the mapping gone since describe).
 */
export function accountIndexFeed(client: SalesforceClient, kit: SourceKit): IndexFeed<CrmAccountIndexEntry> {
  return {
    mechanism: 'SystemModstamp query through QueryAll (deleted accounts included)',
    indexId: () => 'all',
    cursorAt: async (atMs) => new Date(atMs).toISOString(),
    changes: async (cursor, { now, signal }) => {
      const since = Date.parse(cursor);
      if (!Number.isFinite(since) || now - since > SAFE_LOOKBACK_MS) {
        return { kind: 'full-read', reason: 'the cursor is older than the 15 days deleted accounts stay in the recycle bin' };
      }
      // the field mapping as it stands now, as the index's own query reads it
      const fields: SalesforceFieldNames = { accountingId: client.fields.field('accountingId'), tier: null, primaryContact: null, dealCurrency: null };
      const soql = salesforceQueries(fields).indexChanges(soqlDateTime(since), MAX_CHANGES);
      let page;
      try {
        page = await kit.upstream('accountIndex.changes', (s) => client.queryIncludingDeleted(soql, sfAccountIndexChangeSchema, { signal: mergedSignal([s, signal]) }));
      } catch (e) {
        if (isSourceError(e) && e.code === 'BAD_REQUEST') return { kind: 'full-read', reason: `Salesforce refused the changes query (${e.vendorCode ?? 'bad request'})` };
        throw e;
      }
      if (!page.done || page.records.length >= MAX_CHANGES) return { kind: 'full-read', reason: `${MAX_CHANGES} or more accounts changed: one batch may not hold them all` };
      const upserts = page.records.filter((r) => !r.IsDeleted).map((r) => mapAccountIndexEntry(r, fields));
      const removals = page.records.filter((r) => r.IsDeleted).map((r) => r.Id);
      return { kind: 'changes', upserts, removals, next: new Date(now - FEED_OVERLAP_MS).toISOString() };
    },
    apply: (index, changes) => mergeById(index, changes.upserts, changes.removals, (r) => r.id),
  };
}
