import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export type AxeViolation = { id: string; impact: string | null; help: string; nodes: { target: string[]; failureSummary?: string }[] };

/** Every WCAG 2.2 A/AA rule axe has, and its best practices (`aria-dialog-name` among them). */
export const WCAG22_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/**
 * Runs axe-core in the page with the WCAG 2.2 A/AA (2.0, 2.1 and 2.2 tags) and best-practice rules (or `opts.tags`),
 * over the whole document or only `opts.include` (a CSS selector); returns the violations.
 */
export async function axeViolations(page: Page, opts: { tags?: string[]; include?: string } = {}): Promise<AxeViolation[]> {
  const tags = opts.tags ?? WCAG22_TAGS;
  const include = opts.include ?? null;
  // evaluated through the DevTools protocol: an injected <script> tag would be refused by Panorama's CSP
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async ({ tags, include }) => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const r = await axe.run(include ? { include: [include] } : document, { runOnly: { type: 'tag', values: tags } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  }, { tags, include });
  return result;
}

export function describeViolations(vs: AxeViolation[]): string {
  return vs.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`).join('\n');
}
