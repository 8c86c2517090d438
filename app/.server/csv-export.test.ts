import { describe, expect, it } from 'vitest';
import { csvResponse } from './csv-export.js';

type Page = { pageInfo: { endCursor: string | null; hasNextPage: boolean }; status: { state: string; source: { name: string } }; rows: string[] };
const zendesk = (state: string) => ({ state, source: { name: 'Zendesk' } });
const page = (rows: string[], state: string, next: string | null = null): Page => ({
  pageInfo: { endCursor: next, hasNextPage: next !== null },
  status: zendesk(state),
  rows,
});
const exportOf = (first: Page, later: Record<string, Page>) =>
  csvResponse({ filename: 'x.csv', header: ['id'], first, rows: (p) => p.rows.map((r) => [r]), next: async (c) => later[c] ?? null, totalCount: 3 });

describe('a list exported as CSV', () => {
  it('is every page, one line a row', async () => {
    const answer = exportOf(page(['1', '2'], 'LIVE', 'c2'), { c2: page(['3'], 'CACHED') });
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe('id\r\n"1"\r\n"2"\r\n"3"\r\n');
  });

  it('whose system did not answer is a 503 naming it, never a file of column names that reads as "none"', async () => {
    const answer = exportOf(page([], 'FAILED'), {});
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('60');
    expect(await answer.text()).toBe('Zendesk is not answering, so this list cannot be exported right now. Try again in a minute.');
  });

  it('whose system stops answering on a later page ends as a failed download, never as a shorter file', async () => {
    const answer = exportOf(page(['1', '2'], 'LIVE', 'c2'), { c2: page([], 'FAILED') });
    expect(answer.status).toBe(200);
    await expect(answer.text()).rejects.toThrow();
  });

  it('read from a copy kept from before (stale) is exported: its rows are real', async () => {
    const answer = exportOf(page(['1'], 'STALE'), {});
    expect(await answer.text()).toBe('id\r\n"1"\r\n');
  });
});
