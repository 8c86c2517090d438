import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/** The sandbox stays readable module by module: no function in its code is longer than this many lines. */
const MAX_LINES = 150;
const root = join(import.meta.dirname, '..');

/** sources/sandbox/*.ts and sources/<module>/sandbox/*.ts, tests excluded. */
function sandboxFiles(): string[] {
  const dirs = [join(root, 'sandbox')];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (entry.isDirectory() && entry.name !== 'sandbox') dirs.push(join(root, entry.name, 'sandbox'));
  }
  return dirs.flatMap((dir) => {
    try {
      return readdirSync(dir)
        .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
        .map((f) => join(dir, f));
    } catch {
      return [];
    }
  });
}

/** Every function (declarations, methods, arrows, function expressions) with its length in lines. */
function functionLengths(fileName: string, text: string): { name: string; lines: number }[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found: { name: string; lines: number }[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const first = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const last = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      const name = node.name && ts.isIdentifier(node.name) ? node.name.text : '(anonymous)';
      found.push({ name: `${name}:${first + 1}`, lines: last - first + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

describe('sandbox code', () => {
  it('finds the functions it measures', () => {
    const body = Array.from({ length: 200 }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const lengths = functionLengths('x.ts', `export function big() {\n${body}\n}\nconst small = () => 1;`);
    expect(lengths).toEqual([{ name: 'big:1', lines: 202 }, { name: '(anonymous):203', lines: 1 }]);
  });

  it(`has no function over ${MAX_LINES} lines`, () => {
    const files = sandboxFiles();
    expect(files.length).toBeGreaterThan(20);
    const tooLong = files.flatMap((file) =>
      functionLengths(file, readFileSync(file, 'utf8'))
        .filter((f) => f.lines > MAX_LINES)
        .map((f) => `${relative(root, file)} ${f.name}: ${f.lines} lines`),
    );
    expect(tooLong).toEqual([]);
  });
});
