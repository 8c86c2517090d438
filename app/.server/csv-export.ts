import { listUnanswered } from '../components/list-count.js';
import { csvCell } from './audit-query.js';

type Paged = { pageInfo: { endCursor: string | null; hasNextPage: boolean }; status?: { state: string; source: { name: string } } };

/**
 * A whole list as CSV, read page by page through the list's own GraphQL operation (so the role policy and the read
 * audit apply to every row) and streamed as it is read. The first page is read by the caller before the answer
 * starts, so a refusal is a proper status, not a broken download. A list whose system did not answer is a 503 that
 * names the system, never a file of column names alone that reads as "none"; a later page whose system stopped
 * answering ends the download as failed, never as a shorter file.
 */
export function csvResponse<P extends Paged>(opts: {
  filename: string;
  header: readonly string[];
  first: P;
  /** The rows of one page, each as its cells. */
  rows: (page: P) => readonly (readonly (string | number | boolean | null)[])[];
  /** Reads the page after `cursor`; null when it could not be read. */
  next: (cursor: string) => Promise<P | null>;
  totalCount: number;
}): Response {
  if (opts.first.status && listUnanswered(opts.first.status)) {
    return new Response(`${opts.first.status.source.name} is not answering, so this list cannot be exported right now. Try again in a minute.`, {
      status: 503,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '60', 'cache-control': 'no-store' },
    });
  }
  const encoder = new TextEncoder();
  const line = (cells: readonly (string | number | boolean | null)[]) => `${cells.map(csvCell).join(',')}\r\n`;
  let page: P | null = opts.first;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      // the column names are Panorama's own: plain, as spreadsheet tools expect
      controller.enqueue(encoder.encode(`${opts.header.join(',')}\r\n`));
    },
    async pull(controller) {
      if (!page) return controller.close();
      controller.enqueue(encoder.encode(opts.rows(page).map(line).join('')));
      const { hasNextPage, endCursor } = page.pageInfo;
      page = null;
      if (hasNextPage && endCursor) {
        const next = await opts.next(endCursor);
        if (!next || (next.status && listUnanswered(next.status))) return controller.error(new Error('the export stopped: a later page could not be read'));
        page = next;
      }
    },
  });
  return new Response(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${opts.filename}"`,
      'cache-control': 'no-store',
      'x-panorama-rows': String(opts.totalCount),
    },
  });
}
