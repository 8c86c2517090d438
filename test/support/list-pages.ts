import type { Page } from 'playwright-core';

/**
 * Walks a paged list by its "Next" link (test id `next-page`) from the page on screen to the last, and returns what
 * `read` takes from each page, in order. Before reading a page it waits until the table's first row differs from
 * the previous page's (the address changes as the navigation commits; the rows follow a moment later), so a page
 * shown twice times out instead of passing.
 */
export async function walkPages<T>(page: Page, tableTestId: string, read: () => Promise<T[]>, maxPages = 50): Promise<T[]> {
  const table = page.getByTestId(tableTestId);
  const firstRow = () => table.locator('tbody tr').first().innerHTML();
  const out: T[] = [];
  for (let i = 0; i < maxPages; i++) {
    await table.locator('tbody tr').first().waitFor();
    out.push(...(await read()));
    const next = page.getByTestId('next-page');
    if (!(await next.count())) return out;
    const was = await firstRow();
    const before = page.url();
    await next.click();
    await page.waitForURL((u) => u.href !== before);
    await page.waitForFunction(
      ({ id, prev }) => document.querySelector(`[data-testid="${id}"] tbody tr`)?.innerHTML !== prev,
      { id: tableTestId, prev: was },
      { timeout: 10_000 },
    );
  }
  throw new Error(`${tableTestId} had more than ${maxPages} pages`);
}

/** The lines of the CSV behind the page's "Export CSV" link, fetched with the page's session. */
export async function exportedCsv(page: Page): Promise<string[]> {
  const href = (await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href'))!;
  const csv = await page.evaluate(async (h) => (await fetch(h)).text(), href);
  return csv.trim().split('\r\n');
}
