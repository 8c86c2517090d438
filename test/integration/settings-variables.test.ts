import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTINGS_VARIABLES } from '../../app/.server/settings.js';
import { envKeys } from '../../sources/kit/settings.js';
import { SOURCE_MODULES } from '../../sources/runtime.js';
import { envPrefixOf } from '../../sources/settings.js';
import { repoRoot } from '../support/app-process.js';

const read = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');
const { variables, patterns } = SETTINGS_VARIABLES;

/** The variable names in the first column of the README's configuration table. */
function readmeTable(): string[] {
  const readme = read('README.md');
  const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1));
  const rows = section.split('\n').filter((l) => l.startsWith('| `'));
  return rows.flatMap((row) => [...row.split('|')[1]!.matchAll(/`([A-Z][A-Z0-9_<>]*)`/g)].map((m) => m[1]!));
}

/** Every `NAME=` of .env.example, commented out or not. */
function envExample(): string[] {
  return [...read('.env.example').matchAll(/^#? ?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!);
}

describe('every variable the settings schema reads is documented, and nothing else is', () => {
  it('finds the variables through the schema (a sanity floor: every source, the app, the sandbox)', () => {
    for (const name of ['PORT', 'SESSION_SECRET', 'PANORAMA_WON_DEAL_GRACE_DAYS', 'SANDBOX_FAULTS', 'ZENDESK_OAUTH_TOKEN', 'QUICKBOOKS_TIMEOUT_MS', 'ASANA_ACCOUNT_FIELD_GID', 'SALESFORCE_HTTP_RETRIES']) {
      expect(variables).toContain(name);
    }
  });

  it("README.md's configuration table lists exactly the schema's variables", () => {
    const documented = readmeTable();
    expect(documented.length).toBeGreaterThan(0);
    expect([...new Set(documented)].sort()).toEqual([...variables, ...patterns.map((p) => p.name)].sort());
  });

  it('.env.example lists every variable, and none the schema does not read', () => {
    const listed = envExample();
    expect(variables.filter((v) => !listed.includes(v)), 'missing from .env.example').toEqual([]);
    expect(listed.filter((v) => !variables.includes(v) && !patterns.some((p) => p.test.test(v))), 'unknown in .env.example').toEqual([]);
  });

  it("each source's variables carry its prefix, which is what marks it configured", () => {
    for (const m of SOURCE_MODULES) expect(envKeys(m.configSchema).every((k) => k.startsWith(envPrefixOf(m.id))), m.id).toBe(true);
  });
});
