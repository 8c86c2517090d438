import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SOURCE_MODULES } from '../../sources/modules.js';
import { repoRoot } from '../support/app-process.js';

/**
 * Above `sources/`, Panorama names no vendor: `graphql/` resolves categories and link rules, and what a person
 * reads ("From …", "Open in …") is the module's display name carried in the data. The vendors are those of the
 * composition file (`sources/modules.ts`), plus the accounting package planned next.
 */
const VENDOR_WORDS = [...new Set([...SOURCE_MODULES.flatMap((m) => [m.id, m.displayName, m.shortName ?? m.displayName]), 'xero'])];
const LAYERS = ['graphql', 'app'];

const isTest = (file: string) => /\.test\.[cm]?[jt]sx?$/.test(file);

/** Every non-test source file under a folder (hidden folders such as `app/.server` included). */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourceFiles(p);
    return /\.(?:[cm]?[jt]sx?|css|html)$/.test(e.name) && !isTest(e.name) ? [p] : [];
  });
}

/** `file:line: text` for each line naming one of the words (any case, also inside identifiers). */
export function vendorMentions(file: string, text: string, words: readonly string[]): string[] {
  const pattern = new RegExp(words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'i');
  return text.split('\n').flatMap((line, i) => (pattern.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : []));
}

describe('graphql/ and app/ name no vendor', () => {
  it('knows the vendors from the composition file', () => {
    expect(VENDOR_WORDS.length).toBeGreaterThanOrEqual(SOURCE_MODULES.length + 1);
    for (const m of SOURCE_MODULES) expect(VENDOR_WORDS).toContain(m.id);
  });

  it('finds a vendor named in code, a comment or a string, in any case', () => {
    const word = SOURCE_MODULES[0].id;
    const text = ['const a = 1;', `// read from ${word.toUpperCase()}`, `const id = '${word}Id';`, 'enum X { XERO }'].join('\n');
    expect(vendorMentions('f.ts', text, VENDOR_WORDS)).toEqual([`f.ts:2: // read from ${word.toUpperCase()}`, `f.ts:3: const id = '${word}Id';`, 'f.ts:4: enum X { XERO }']);
    expect(vendorMentions('f.ts', 'const category = "crm";', VENDOR_WORDS)).toEqual([]);
  });

  it('has no vendor name in any non-test file of graphql/ or app/', () => {
    const files = LAYERS.flatMap((l) => sourceFiles(path.join(repoRoot, l)));
    expect(files.length).toBeGreaterThan(40);
    const found = files.flatMap((f) => vendorMentions(path.relative(repoRoot, f), readFileSync(f, 'utf8'), VENDOR_WORDS));
    expect(found).toEqual([]);
  });
});
