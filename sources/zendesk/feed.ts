import { parseRetryAfter, SourceError } from '../kit/errors.js';
import type { SupportOrganization } from '../kit/domain.js';
import { HttpError } from '../kit/http.js';
import { mergeById, type IndexFeed } from '../kit/index-feed.js';
import type { SourceKit } from '../kit/source-kit.js';
import type { ZendeskClient } from './client.server.js';
import { linkFieldOf } from './fields.js';
import { organizationIndexKey } from './loaders.js';
import { mapOrganizationChanges } from './mapping.js';
import type { ZdIncrementalOrganizations } from './types.js';

/** Zendesk serves no export of the most recent minute: a start time must be at least this far back. */
const EXPORT_LAG_SECONDS = 60;
/** Pages of one round (1000 organizations each): more changes than that are read whole instead. */
const MAX_PAGES = 5;
/** The export's own limit, apart from the account's: 10 requests a minute. */
export const INCREMENTAL_EXPORT_PER_MINUTE = 10;

/**
 * The organization index kept by Zendesk's incremental organization export: `GET /incremental/organizations?
 * start_time=<cursor>` each round (one request while fewer than 1000 organizations changed, `next_page` while
 * `end_of_stream` is false), changed organizations replacing theirs, those with `deleted_at` dropped; the next
 * cursor is the export's `end_time`. The export has a rate limit of its own (10 a minute): its 429 does not close
 * Zendesk to every other read; the feed waits out its Retry-After itself and the round fails, leaving the index.
 */
export function organizationIndexFeed(client: ZendeskClient, kit: SourceKit): IndexFeed<SupportOrganization> {
  let limitedUntil = 0;
  const page = (from: { startTime: number } | { next: string }) =>
    kit.upstream('organizationIndex.changes', async (signal): Promise<{ page: ZdIncrementalOrganizations } | { limitedForSeconds: number }> => {
      try {
        return { page: await client.incrementalOrganizations(from, signal) };
      } catch (e) {
        // answered as a success to the kit, so the account-wide rate-limit gate stays open
        if (e instanceof HttpError && e.status === 429) return { limitedForSeconds: parseRetryAfter(e.headers.get('retry-after'), kit.clock) ?? 60 };
        throw e;
      }
    });
  return {
    mechanism: 'incremental organization export (incremental/organizations?start_time=)',
    indexId: () => organizationIndexKey(linkFieldOf(client)),
    cursorAt: async (atMs) => String(Math.floor(atMs / 1000)),
    changes: async (cursor, { now }) => {
      const start = Number(cursor);
      if (!Number.isInteger(start) || start <= 0) return { kind: 'full-read', reason: `the cursor "${cursor.slice(0, 20)}" is no Unix time` };
      if (now < limitedUntil) throw rateLimited(limitedUntil, kit);
      // nothing Zendesk would serve yet: the same cursor next round
      if (start > Math.floor(now / 1000) - EXPORT_LAG_SECONDS) return { kind: 'changes', upserts: [], removals: [], next: cursor };
      const link = linkFieldOf(client);
      // each organization as the export last shows it (oldest first, so a later state wins): null when deleted
      const latest = new Map<string, SupportOrganization | null>();
      const result = () => {
        const rows = [...latest];
        return { upserts: rows.flatMap(([, o]) => (o ? [o] : [])), removals: rows.flatMap(([id, o]) => (o ? [] : [id])) };
      };
      let from: { startTime: number } | { next: string } = { startTime: start };
      for (let i = 0; i < MAX_PAGES; i++) {
        const answer = await page(from);
        if (!('page' in answer)) {
          limitedUntil = kit.clock.now() + answer.limitedForSeconds * 1000;
          throw rateLimited(limitedUntil, kit);
        }
        const got = answer.page;
        for (const c of mapOrganizationChanges(got, link)) {
          latest.delete(c.id);
          latest.set(c.id, c.organization);
        }
        if (got.end_of_stream || !got.next_page) return { kind: 'changes', ...result(), next: String(got.end_time ?? start) };
        from = { next: got.next_page };
      }
      return { kind: 'full-read', reason: `more organizations changed than ${MAX_PAGES} export pages hold` };
    },
    apply: (index, changes) => mergeById(index, changes.upserts, changes.removals, (o) => o.id),
  };
}

function rateLimited(until: number, kit: SourceKit): SourceError {
  return new SourceError('zendesk', 'RATE_LIMITED', 'Zendesk incremental export rate limit reached (10 a minute)', {
    status: 429,
    retryAfterSeconds: Math.max(1, Math.ceil((until - kit.clock.now()) / 1000)),
    retryAt: new Date(until).toISOString(),
  });
}
