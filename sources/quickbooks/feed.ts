import type { AccountingCustomerRecord } from '../kit/domain.js';
import { isSourceError } from '../kit/errors.js';
import { FEED_OVERLAP_MS, type IndexFeed } from '../kit/index-feed.js';
import type { SourceKit } from '../kit/source-kit.js';
import type { QuickbooksClient } from './client.server.js';
import { homeCurrencyOf } from './loaders.js';
import { applyCustomerChanges, mapCustomerChanges } from './mapping.js';

const DAY_MS = 86_400_000;
/** Change Data Capture looks back at most 30 days; a cursor within an hour of that is read whole instead. */
export const CDC_LOOKBACK_MS = 30 * DAY_MS;
const CDC_SAFE_LOOKBACK_MS = CDC_LOOKBACK_MS - 3_600_000;
/** One CDC answer holds at most 1000 objects: an answer that full may have left changes out. */
export const CDC_MAX_OBJECTS = 1000;

/**
 * The customer index kept by QuickBooks' Change Data Capture: `GET /cdc?entities=Customer&changedSince=<cursor>`
 * each round (one request), changed customers replacing theirs, deleted ones (`status: "Deleted"`) dropped. The
 * cursor is a UTC date-time: the round's start, less a margin for the clocks' difference. A cursor older than
 * CDC's 30 days, a refusal of it (ValidationFault) or a full answer (1000 objects) asks for a full read.
 */
export function customerIndexFeed(client: QuickbooksClient, kit: SourceKit): IndexFeed<AccountingCustomerRecord> {
  return {
    mechanism: 'Change Data Capture (cdc?entities=Customer&changedSince=)',
    indexId: () => 'all',
    cursorAt: async (atMs) => new Date(atMs).toISOString(),
    changes: async (cursor, { now }) => {
      const since = Date.parse(cursor);
      if (!Number.isFinite(since) || now - since > CDC_SAFE_LOOKBACK_MS) {
        return { kind: 'full-read', reason: 'the cursor is older than the 30 days Change Data Capture looks back' };
      }
      let got;
      try {
        got = await kit.upstream('customerIndex.changes', (s) => client.changedCustomers(cursor, s));
      } catch (e) {
        if (isSourceError(e) && e.code === 'BAD_REQUEST') return { kind: 'full-read', reason: `QuickBooks refused changes since ${cursor} (fault ${e.vendorCode ?? 'unknown'})` };
        throw e;
      }
      if (got.changed.length + got.deleted.length >= CDC_MAX_OBJECTS) {
        return { kind: 'full-read', reason: `${CDC_MAX_OBJECTS} or more customers changed: one answer may not hold them all` };
      }
      return { kind: 'changes', ...mapCustomerChanges(got, await homeCurrencyOf(client, kit)), next: new Date(now - FEED_OVERLAP_MS).toISOString() };
    },
    apply: applyCustomerChanges,
  };
}
