import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVER_ARGS, SERVER_NODE_ARGS, repoRoot } from '../support/app-process.js';

describe('the server as npm start runs it', () => {
  const scripts = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

  it("caps V8's old space the way the tests and benches start it (one list of flags)", () => {
    expect(scripts.start).toBe(`npm run build && node ${SERVER_ARGS.join(' ')}`);
    expect(SERVER_NODE_ARGS).toContain('--max-old-space-size=512');
  });

  it('the README gives the same command for a deployment', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    expect(readme).toContain(`node ${SERVER_ARGS.join(' ')}`);
    // no bare command left that would run without the cap
    expect(readme).not.toMatch(/(^|[^-\w])node build\/start\.js/m);
  });
});
