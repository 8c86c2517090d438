/**
 * Every page of every role works from the keyboard: Tab reaches every control on the page, in the order the page
 * reads (no positive tabindex, DOM order), each focused control shows a visible focus indicator, and nothing that
 * looks clickable (pointer cursor) is out of the keyboard's reach.
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { signInAs } from '../support/browser.js';
import { pagePerTest } from '../support/page-per-test.js';

const baseURL = inject('baseURL');
const sandboxOrigin = inject('sandboxOrigin');
const t = pagePerTest(baseURL, sandboxOrigin);

const ROLES: { person: string; role: string; pages: (id: string) => string[] }[] = [
  { person: 'Riley', role: 'support', pages: (id) => ['/customers?q=a', `/customers/${id}`, '/tickets'] },
  { person: 'Alex', role: 'account-manager', pages: (id) => ['/accounts', `/customers/${id}`, `/customers/${id}/timeline`] },
  { person: 'Dana', role: 'finance', pages: () => ['/finance'] },
  { person: 'Morgan', role: 'admin', pages: () => ['/admin', '/admin/sessions', '/admin/audit'] },
];

type Survey = {
  /** number of controls a keyboard user should reach (one per radio group) */
  tabbables: number;
  positiveTabindex: string[];
  pointerOnly: string[];
};

/** Marks every control Tab should reach with data-kb=<DOM index> and lists what breaks keyboard use. */
async function survey(page: Page): Promise<Survey> {
  return page.evaluate(async () => {
    // the resting look of each control is read with nothing focused (a page may focus its search on arrival)
    const focused = document.activeElement as HTMLElement | null;
    focused?.blur();
    if (focused) await Promise.all(focused.getAnimations().map((a) => a.finished.catch(() => undefined)));
    const selector =
      'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]';
    const describe = (el: Element) => {
      const text = (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40);
      return `<${el.tagName.toLowerCase()}> "${text}"`;
    };
    const hidden = (el: Element) => !!el.closest('[inert], [aria-hidden="true"]') || !(el as HTMLElement).checkVisibility({ checkVisibilityCSS: true });
    const all = [...document.querySelectorAll(selector)];
    const signature = (el: Element) => {
      const c = getComputedStyle(el);
      return [c.outlineStyle, c.outlineWidth, c.outlineColor, c.boxShadow, c.borderColor, c.backgroundColor, c.textDecorationLine, c.color].join('|');
    };
    const radioGroups = new Set<string>();
    let n = 0;
    all.forEach((el, i) => {
      el.removeAttribute('data-kb');
      if (hidden(el) || el.getAttribute('tabindex') === '-1') return;
      el.setAttribute('data-kb-rest', signature(el));
      if (el instanceof HTMLInputElement && el.type === 'radio') {
        const group = el.name || `__${i}`;
        el.setAttribute('data-kb', String(i));
        if (radioGroups.has(group)) return;
        radioGroups.add(group);
      } else {
        el.setAttribute('data-kb', String(i));
      }
      n += 1;
    });
    const positiveTabindex = all.filter((el) => Number(el.getAttribute('tabindex')) > 0).map(describe);
    const focusable = (el: Element | null) => !!el?.closest(`${selector}, label`);
    const pointerOnly = [...document.body.querySelectorAll('*')]
      .filter((el) => !hidden(el) && getComputedStyle(el).cursor === 'pointer' && !focusable(el))
      // a child of a pointer element inherits its cursor; report the outermost one only
      .filter((el) => !(el.parentElement && getComputedStyle(el.parentElement).cursor === 'pointer' && !focusable(el.parentElement)))
      .map(describe);
    return { tabbables: n, positiveTabindex, pointerOnly };
  });
}

type Stop = { kb: string | null; what: string; indicator: boolean };

/** Presses Tab until focus wraps around, and records each stop and whether its focus is visible. */
async function tabThrough(page: Page, limit: number): Promise<Stop[]> {
  await page.mouse.move(0, 0);
  // start from the top of the page, wherever the page put focus on arrival
  await page.evaluate(() => {
    const start = document.createElement('span');
    start.tabIndex = -1;
    start.id = 'kb-start';
    document.body.prepend(start);
    start.focus();
  });
  const stops: Stop[] = [];
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(async () => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      // a focus style that fades in is read once its transition has run
      await Promise.all(el.getAnimations().map((a) => a.finished.catch(() => undefined)));
      const c = getComputedStyle(el);
      const now = [c.outlineStyle, c.outlineWidth, c.outlineColor, c.boxShadow, c.borderColor, c.backgroundColor, c.textDecorationLine, c.color].join('|');
      const outline = c.outlineStyle !== 'none' && parseFloat(c.outlineWidth) > 0;
      // visible focus: an outline or ring, or any change of the control's look from its resting state
      return {
        kb: el.getAttribute('data-kb'),
        what: `<${el.tagName.toLowerCase()}> "${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40)}"`,
        indicator: outline || now !== el.getAttribute('data-kb-rest'),
      };
    });
    if (!stop) {
      if (stops.length) break;
      continue;
    }
    // a date field takes several Tabs (day, month, year) on one element
    if (stops.length && stops[stops.length - 1]!.kb === stop.kb) continue;
    if (stops.some((s) => s.kb !== null && s.kb === stop.kb)) break;
    stops.push(stop);
  }
  await page.evaluate(() => document.getElementById('kb-start')?.remove());
  return stops;
}

async function settle(page: Page) {
  await page.waitForLoadState('networkidle');
  await page.locator('[aria-busy="true"]').first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
}

describe('every page works from the keyboard', () => {
  let accountId = '';
  for (const r of ROLES) {
    it(`${r.role}: Tab reaches every control in reading order, each with a visible focus`, async () => {
      if (!accountId) {
        const manifest = (await (await fetch(`${sandboxOrigin}/__sandbox/manifest`)).json()) as { overdueWithUrgentTickets: { accountId: string }[] };
        accountId = manifest.overdueWithUrgentTickets[0]!.accountId;
      }
      const { page } = t;
      await signInAs(page, baseURL, r.person);
      const problems: string[] = [];
      for (const path of r.pages(accountId)) {
        await page.goto(`${baseURL}${path}`);
        await settle(page);
        const s = await survey(page);
        const stops = await tabThrough(page, 2 * s.tabbables + 20);
        const reached = new Set(stops.map((x) => x.kb));
        const missed = await page.evaluate(
          (seen) =>
            [...document.querySelectorAll('[data-kb]')]
              .filter((el) => !seen.includes(el.getAttribute('data-kb')!))
              // the other radios of a group are reached with the arrow keys, not Tab
              .filter((el) => {
                if (!(el instanceof HTMLInputElement && el.type === 'radio' && el.name)) return true;
                const group = [...document.querySelectorAll(`input[type="radio"][name="${CSS.escape(el.name)}"]`)];
                return !group.some((g) => seen.includes(g.getAttribute('data-kb') ?? ''));
              })
              .map((el) => `<${el.tagName.toLowerCase()}> "${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40)}"`),
          [...reached].filter((x): x is string => x !== null),
        );
        const order = stops.map((x) => Number(x.kb)).filter((x) => Number.isFinite(x));
        const outOfOrder = order.filter((x, i) => i > 0 && x < order[i - 1]!);
        const invisible = stops.filter((x) => !x.indicator).map((x) => x.what);
        if (stops.length < Math.min(3, s.tabbables)) problems.push(`${path}: Tab reached only ${stops.length} of ${s.tabbables} controls`);
        if (missed.length) problems.push(`${path}: Tab never reaches ${missed.join(', ')}`);
        if (outOfOrder.length) problems.push(`${path}: focus jumps back in the page ${outOfOrder.length} time(s): ${stops.map((x) => x.what).join(' → ')}`);
        if (invisible.length) problems.push(`${path}: no visible focus on ${invisible.join(', ')}`);
        if (s.positiveTabindex.length) problems.push(`${path}: positive tabindex on ${s.positiveTabindex.join(', ')}`);
        if (s.pointerOnly.length) problems.push(`${path}: looks clickable but has no keyboard way in: ${s.pointerOnly.join(', ')}`);
        expect(stops.length, `${path} has controls`).toBeGreaterThan(0);
      }
      expect(problems, problems.join('\n')).toEqual([]);
    });
  }
});
