import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TokenKeyring } from '../../../sources/kit/token-cipher.js';
import { MemoryTokenStore } from '../../../sources/kit/token-store.js';
import { ConnectionDbStore } from './connections.js';
import { openStore, type StoreDb } from './database.js';

const open: StoreDb[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.destroy();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmpFile() {
  const dir = mkdtempSync(path.join(tmpdir(), 'panorama-connections-'));
  dirs.push(dir);
  return path.join(dir, 'panorama.sqlite');
}
async function store(file: string) {
  const db = await openStore({ path: file });
  open.push(db);
  return db;
}
const at = Date.parse('2026-12-02T10:00:00Z');
const morgan = { id: 'demo-admin', name: 'Morgan Blake' };

describe('connections in the own store', () => {
  it('keeps a connection and its rotated refresh token across a reopen, sealed: the file never holds the token', async () => {
    const file = tmpFile();
    let now = at;
    const first = new ConnectionDbStore(await store(file), new TokenKeyring('k1'), () => now);
    await first.start();
    await first.connect('quickbooks', 'RT-FIRST-abcdef', morgan);
    now += 3_600_000;
    await first.save('quickbooks', 'RT-ROTATED-uvwxyz');
    expect(first.load('quickbooks')).toBe('RT-ROTATED-uvwxyz');
    await open.shift()!.destroy();

    const bytes = readFileSync(file).toString('latin1');
    expect(bytes).not.toContain('RT-FIRST-abcdef');
    expect(bytes).not.toContain('RT-ROTATED-uvwxyz');

    const again = new ConnectionDbStore(await store(file), new TokenKeyring('k1'), () => now);
    expect(again.load('quickbooks')).toBeNull();
    await again.start();
    expect(again.load('quickbooks')).toBe('RT-ROTATED-uvwxyz');
    expect(await again.list()).toEqual([{ source: 'quickbooks', byId: 'demo-admin', byName: 'Morgan Blake', connectedAt: at, lastRefreshAt: at + 3_600_000, lastError: null }]);

    await again.failed('quickbooks', 'The vendor refused the refresh token (invalid_grant).');
    expect((await again.list())[0]!.lastError).toMatch(/invalid_grant/);
    expect(await again.disconnect('quickbooks')).toBe(true);
    expect(again.load('quickbooks')).toBeNull();
    expect(await again.list()).toEqual([]);
    expect(await again.disconnect('quickbooks')).toBe(false);
  });

  it('answers from the fallback (token file) for a source with no connection, and writes rotated tokens to both', async () => {
    const fallback = new MemoryTokenStore();
    await fallback.save('salesforce', 'FILE-RT');
    const s = new ConnectionDbStore(await store(tmpFile()), new TokenKeyring('k'), () => at, fallback);
    await s.start();
    expect(s.load('salesforce')).toBe('FILE-RT');
    await s.save('salesforce', 'ROTATED-RT');
    expect(fallback.load('salesforce')).toBe('ROTATED-RT');
    expect(s.load('salesforce')).toBe('ROTATED-RT');
    expect((await s.list()).map((c) => [c.source, c.byName, c.lastRefreshAt])).toEqual([['salesforce', 'Panorama', null]]);
  });

  it('key rotation: at start-up rows sealed under the previous key are re-sealed under the new one', async () => {
    const file = tmpFile();
    const db = await store(file);
    const old = new ConnectionDbStore(db, new TokenKeyring('old'), () => at);
    await old.connect('salesforce', 'SF-RT-1', morgan);
    await old.connect('asana', 'ASANA-PAT-1', morgan);
    const before = await db.selectFrom('connection').select(['source', 'token_blob']).execute();

    const rotated = new ConnectionDbStore(db, new TokenKeyring('new', 'old'), () => at);
    expect(await rotated.start()).toEqual({ resealed: 2, unreadable: [] });
    expect(rotated.load('salesforce')).toBe('SF-RT-1');
    const after = await db.selectFrom('connection').select(['source', 'token_blob']).execute();
    expect(after.map((r) => r.token_blob)).not.toEqual(before.map((r) => r.token_blob));

    // the previous key can now be dropped: the new key alone reads every row, nothing is re-sealed again
    const onlyNew = new ConnectionDbStore(db, new TokenKeyring('new'), () => at);
    expect(await onlyNew.start()).toEqual({ resealed: 0, unreadable: [] });
    expect(onlyNew.load('asana')).toBe('ASANA-PAT-1');

    // a key that opens nothing: the connection is marked failing in words, its token not used
    const wrong = new ConnectionDbStore(db, new TokenKeyring('unrelated'), () => at);
    expect((await wrong.start()).unreadable.sort()).toEqual(['asana', 'salesforce']);
    expect(wrong.load('salesforce')).toBeNull();
    expect((await wrong.list())[0]!.lastError).toMatch(/cannot be decrypted/);
  });
});
