import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/app-process.js';

/**
 * No function in the shipped code (app/, graphql/, sources/; tests aside) is longer than 150 lines: a function
 * that long does several things, and each of them deserves its own name.
 */
const LIMIT = 150;
const FOLDERS = ['app', 'graphql', 'sources'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourceFiles(p);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** `file:line name (n lines)` for each function-like node with a body longer than `limit` lines. */
export function longFunctions(file: string, text: string, limit = LIMIT): string[] {
  const src = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const from = src.getLineAndCharacterOfPosition(node.getStart(src)).line;
      const to = src.getLineAndCharacterOfPosition(node.end).line;
      if (to - from + 1 > limit) out.push(`${file}:${from + 1} ${(node as ts.FunctionLikeDeclaration).name?.getText(src) ?? '(anonymous)'} (${to - from + 1} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(src);
  return out;
}

describe('function size', () => {
  it('measures a function by its lines, nested ones too', () => {
    const body = Array.from({ length: 160 }, (_, i) => `  const a${i} = ${i};`).join('\n');
    expect(longFunctions('x.ts', `export function big() {\n${body}\n}\nconst small = () => 1;`)).toEqual(['x.ts:1 big (162 lines)']);
    expect(longFunctions('y.ts', `export const outer = () => {\n  const inner = function () {\n${body}\n  };\n};`)).toHaveLength(2);
    expect(longFunctions('z.ts', `function ok() {\n  return 1;\n}`)).toEqual([]);
  });

  it(`has no function over ${LIMIT} lines in ${FOLDERS.join(', ')}`, () => {
    const files = FOLDERS.flatMap((f) => sourceFiles(path.join(repoRoot, f)));
    expect(files.length).toBeGreaterThan(100);
    expect(files.flatMap((f) => longFunctions(path.relative(repoRoot, f), readFileSync(f, 'utf8')))).toEqual([]);
  });
});
