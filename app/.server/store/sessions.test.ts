import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../../sources/kit/clock.js';
import { openStore, type StoreDb } from './database.js';
import { SessionStore } from './sessions.js';

const MIN = 60_000;
const limits = { idleMs: 30 * MIN, absoluteMs: 8 * 60 * MIN };
const person = { personId: 'p-1', email: 'dana@example.com', name: 'Dana', role: 'finance', method: 'oidc' as const };
const open: StoreDb[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.destroy();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
async function store(file = ':memory:') {
  const db = await openStore({ path: file });
  open.push(db);
  return db;
}

describe('server-side sessions', () => {
  it('a new session is live; the store keeps a hash, never the id', async () => {
    const db = await store();
    const sessions = new SessionStore(db, manualClock('2026-01-05T09:00:00Z'), limits);
    const id = await sessions.create(person);
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await sessions.touch(id)).toMatchObject({ personId: 'p-1', role: 'finance' });
    const rows = await db.selectFrom('session').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(id);
    expect(await sessions.touch('forged-id')).toBeNull();
  });

  it('ends after the idle limit, and use keeps it alive until the absolute limit', async () => {
    const clock = manualClock('2026-01-05T09:00:00Z');
    const sessions = new SessionStore(await store(), clock, limits);
    const busy = await sessions.create(person);
    const idle = await sessions.create(person);
    for (let t = 0; t < 7 * 60; t += 20) {
      clock.advance(20 * MIN);
      expect(await sessions.touch(busy), `busy at ${t + 20} min`).not.toBeNull();
    }
    expect(await sessions.touch(idle)).toBeNull();
    clock.advance(61 * MIN); // 8 h 1 min after sign-in, used 20 min ago
    expect(await sessions.touch(busy)).toBeNull();
    clock.set('2026-01-05T09:00:00Z'); // once ended, it stays ended even if the clock goes back
    expect(await sessions.touch(busy)).toBeNull();
  });

  it('logout revokes one session; an admin ends every session of a person', async () => {
    const sessions = new SessionStore(await store(), manualClock('2026-01-05T09:00:00Z'), limits);
    const a = await sessions.create(person);
    const b = await sessions.create(person);
    const other = await sessions.create({ ...person, personId: 'p-2' });
    await sessions.revoke(a);
    expect(await sessions.touch(a)).toBeNull();
    expect(await sessions.touch(b)).not.toBeNull();
    expect((await sessions.active()).map((s) => s.personId).sort()).toEqual(['p-1', 'p-2']);
    expect(await sessions.revokePerson('p-1')).toBe(1);
    expect(await sessions.touch(b)).toBeNull();
    expect(await sessions.touch(other)).not.toBeNull();
  });

  it('sessions survive a restart (the store reopened from its file)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'panorama-sessions-'));
    dirs.push(dir);
    const file = path.join(dir, 'store.sqlite');
    const clock = manualClock('2026-01-05T09:00:00Z');
    const first = await openStore({ path: file });
    const id = await new SessionStore(first, clock, limits).create(person);
    await first.destroy();
    const again = new SessionStore(await store(file), clock, limits);
    expect(await again.touch(id)).toMatchObject({ personId: 'p-1' });
  });
});
