/**
 * The schema's introspection types (sources/graphql-env.d.ts), which tsc checks every page's operation against,
 * are the schema as the server builds it: a schema change without `npm run schema:types` fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCHEMA_TYPES_FILE, schemaTypes } from '../tools/schema-types.js';

describe('the committed schema types', () => {
  it('are up to date with the schema (run `npm run schema:types` after changing it)', () => {
    expect(readFileSync(SCHEMA_TYPES_FILE, 'utf8') === schemaTypes(), 'sources/graphql-env.d.ts is out of date: run `npm run schema:types`').toBe(true);
  });
});
