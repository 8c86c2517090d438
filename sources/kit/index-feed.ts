/**
 * How an index (every CRM account, accounting customer, project, support organization) is kept current by its
 * vendor's change API instead of by re-reading it whole: after one full read, each round of index upkeep asks
 * the feed what changed since its cursor and applies that to the cached index, the same cache entry the loaders
 * read. A full read happens again only on the long interval (PANORAMA_INDEX_FULL_READ_HOURS) or when the feed
 * says it must (a cursor too old, a sync token expired, more changes than one answer holds).
 */

/** What changed since a cursor, in Panorama's own types (the module's mapping made them). */
export type IndexChanges<Row> =
  | {
      kind: 'changes';
      /** Rows created or changed: each replaces the row of the same id, or is added. */
      upserts: Row[];
      /** Ids of rows the vendor deleted (or that left the index's scope). */
      removals: string[];
      /** Where the next round reads from. */
      next: string;
    }
  | {
      /** The feed cannot say what changed: the index must be read whole (the reason is logged). */
      kind: 'full-read';
      reason: string;
      /** A cursor the vendor handed back with the refusal (an expired sync token's replacement), if any. */
      next?: string;
    };

/** A source's change feed for its index; every request it sends goes through the source's kit. */
export type IndexFeed<Row = unknown> = {
  /** The vendor's change mechanism, as the admin page and the register name it (e.g. "Change Data Capture"). */
  mechanism: string;
  /** The id of the index's cache entry (`<source>:<index entity>:<id>`): the one the loaders read. */
  indexId: () => string;
  /**
   * The cursor that reads the changes made after this moment (ms since the epoch): a date-time or a time stamp,
   * or a token the vendor hands out (which may cost a request).
   */
  cursorAt: (atMs: number, signal: AbortSignal) => Promise<string>;
  /** What changed since the cursor; `now` is when this round started (the moment the next cursor may name). */
  changes: (cursor: string, ctx: { now: number; signal: AbortSignal }) => Promise<IndexChanges<Row>>;
  /** The index with these changes applied (rows replaced by id, removed ones dropped, derived fields recomputed). */
  apply: (index: readonly Row[], changes: { upserts: readonly Row[]; removals: readonly string[] }) => Row[];
};

/** How far before a full read's time its cursor starts, so changes made while it ran are read again (applying twice is harmless). */
export const FEED_OVERLAP_MS = 5 * 60_000;

/** Rows replaced or added by id, removed ones dropped; the order of the rows kept, new ones at the end. */
export function mergeById<Row>(index: readonly Row[], upserts: readonly Row[], removals: readonly string[], idOf: (row: Row) => string): Row[] {
  const gone = new Set(removals);
  const changed = new Map<string, Row>();
  for (const u of upserts) changed.set(idOf(u), u);
  const out: Row[] = [];
  for (const row of index) {
    const id = idOf(row);
    if (gone.has(id)) continue;
    const next = changed.get(id);
    if (next !== undefined) {
      out.push(next);
      changed.delete(id);
    } else out.push(row);
  }
  for (const [id, row] of changed) if (!gone.has(id)) out.push(row);
  return out;
}
