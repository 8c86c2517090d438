import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { viewerAccess } from '../../app/.server/viewer-access.js';
import { ACCESS_GROUPS, POLICY, ROLES, ROLE_LABELS } from '../../graphql/policy.js';
import { repoRoot } from '../support/app-process.js';
import { gql, harnessPerFile, viewerFor } from '../support/graphql.js';

/**
 * What a person may read is decided on the server, once: `viewer { can(group:) }` in GraphQL and the frame's
 * `viewer.can` from the root loader both come from the role policy, and no component keeps a policy of its own.
 */
const t = harnessPerFile({ size: 20, seed: 5 });
const canFields = ACCESS_GROUPS.map((g) => `${g}: can(group: ${g})`).join(' ');

describe('viewer.can', () => {
  for (const role of ROLES) {
    it(`${role}: GraphQL's viewer says what the role policy lets it read, in the role's own words`, async () => {
      const r = await gql(t.h, viewerFor(role), `{ viewer { role roleLabel ${canFields} } }`);
      expect(r.errors).toBeUndefined();
      const v = r.data!.viewer as Record<string, unknown>;
      expect(v.roleLabel).toBe(ROLE_LABELS[role]);
      for (const g of ACCESS_GROUPS) expect(v[g], `${role} ${g}`).toBe(POLICY[g].includes(role));
      // the frame's copy, from the root loader, is the same answer
      expect(viewerAccess(viewerFor(role)).can).toEqual(Object.fromEntries(ACCESS_GROUPS.map((g) => [g, v[g]])));
    });
  }

  it('differs between roles where the policy does (finance reads billing, not tickets; support the reverse)', async () => {
    const ask = async (role: (typeof ROLES)[number]) => (await gql(t.h, viewerFor(role), '{ viewer { billing: can(group: BILLING) tickets: can(group: TICKETS) } }')).data!.viewer;
    expect(await ask('finance')).toEqual({ billing: true, tickets: false });
    expect(await ask('support')).toEqual({ billing: false, tickets: true });
  });

  it('refuses an unknown group with a validation error that names it, not a guess', async () => {
    const r = await gql(t.h, viewerFor('admin'), '{ viewer { can(group: PAYROLL) } }');
    expect(r.status).toBeLessThan(500);
    expect(r.data?.viewer).toBeUndefined();
    expect(r.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(r.errors![0]!.message).toMatch(/PAYROLL/);
  });

  it('no component imports the role policy: what they show follows viewer.can', () => {
    const dir = path.join(repoRoot, 'app/components');
    const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !/\.test\./.test(e.name));
    expect(files.length).toBeGreaterThan(10);
    const importing = files.map((e) => path.join(e.parentPath, e.name)).filter((f) => /from ['"][./]*graphql\/policy(\.js)?['"]/.test(readFileSync(f, 'utf8')));
    expect(importing.map((f) => path.relative(repoRoot, f))).toEqual([]);
  });
});
