import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from './database.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempFile = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'panorama-store-'));
  dirs.push(d);
  return path.join(d, 'nested', 'panorama.sqlite');
};

describe('the own store', () => {
  it('creates its file and folder, runs the migrations, and keeps rows across a reopen', async () => {
    const file = tempFile();
    const first = await openStore({ path: file });
    await first
      .insertInto('session')
      .values({ id_hash: 'h1', person_id: 'p1', email: 'a@b.example', name: 'A', role: 'admin', method: 'demo', created_at: 1, last_seen_at: 1, revoked_at: null, revoked_reason: null })
      .execute();
    await first.destroy();
    const second = await openStore({ path: file });
    const rows = await second.selectFrom('session').selectAll().execute();
    expect(rows.map((r) => r.person_id)).toEqual(['p1']);
    const migrations = await second.selectFrom('kysely_migration' as never).select('name' as never).execute();
    expect(migrations.length).toBeGreaterThan(0);
    await second.destroy();
  });

  it('names the file and the variable when it cannot open it', async () => {
    const blocker = path.join(path.dirname(path.dirname(tempFile())), 'a-file');
    writeFileSync(blocker, '');
    await expect(openStore({ path: path.join(blocker, 'x.sqlite') })).rejects.toThrow(/a-file.*PANORAMA_STORE_PATH/);
  });
});
