/**
 * The browser set-up most browser tests share: one Chromium for the file, the sandbox healed before each test, a
 * fresh 1280 × 900 page per test, and (unless turned off) every test failing on a CSP violation or a page error —
 * a page that does not hydrate under the CSP is a broken page even when its HTML reads right.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { launchBrowser, watchCspViolations } from './browser.js';
import { healSources } from './heal.js';

export type PagePerTest = { readonly browser: Browser; readonly page: Page };

/** A URL known when the file is collected, or only once its own app has started (in its `beforeAll`). */
type Later = string | (() => string);
const now = (u: Later) => (typeof u === 'string' ? u : u());

export function pagePerTest(baseURLOf: Later, sandboxOriginOf: Later, options: { watch?: boolean } = {}): PagePerTest {
  const watch = options.watch ?? true;
  let browser: Browser | undefined;
  let page: Page | undefined;
  let cspViolations: string[] = [];
  let pageErrors: string[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await healSources(now(sandboxOriginOf), now(baseURLOf));
    await browser?.close();
  });
  beforeEach(async () => {
    const baseURL = now(baseURLOf);
    await healSources(now(sandboxOriginOf), baseURL);
    const p = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    page = p;
    pageErrors = [];
    cspViolations = watch ? await watchCspViolations(p, baseURL) : [];
    if (watch) p.on('pageerror', (e) => pageErrors.push(`${p.url()}: ${e.message}`));
  });
  afterEach(() => {
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
  return {
    get browser() {
      if (!browser) throw new Error('the browser starts in beforeAll');
      return browser;
    },
    get page() {
      if (!page) throw new Error('the page opens in beforeEach');
      return page;
    },
  };
}
