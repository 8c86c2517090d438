import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type StoreDb } from './database.js';
import { LinkDecisionDbStore } from './link-decisions.js';

const open: StoreDb[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.destroy();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
async function store(file: string) {
  const db = await openStore({ path: file });
  open.push(db);
  return db;
}
const decision = { kind: 'CONFIRM' as const, source: 'quickbooks' as const, accountId: '001Pn000000000yIAA', recordId: '58', reason: 'same contact', byId: 'demo-admin', byName: 'Morgan Blake', at: Date.parse('2026-12-02T10:00:00Z') };

describe('link decisions in the own store', () => {
  it('keeps decisions across a reopen of the file, and an undo with who, when and why', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'panorama-decisions-'));
    dirs.push(dir);
    const file = path.join(dir, 'panorama.sqlite');
    const first = new LinkDecisionDbStore(await store(file));
    const d = await first.record(decision);
    const other = await first.record({ ...decision, kind: 'REJECT', recordId: '59', reason: null });
    expect((await first.active()).map((x) => x.id)).toEqual([d.id, other.id]);
    // the same array until something changes: what is built from it can be shared
    expect(await first.active()).toBe(await first.active());

    await open.shift()!.destroy();
    const db = await store(file);
    const again = new LinkDecisionDbStore(db);
    expect(await again.active()).toEqual([d, other]);
    expect(await again.undo(d.id, { byId: 'demo-admin', byName: 'Morgan Blake', at: decision.at + 60_000, reason: 'wrong one' })).toEqual(d);
    expect((await again.active()).map((x) => x.id)).toEqual([other.id]);
    expect(await again.undo(d.id, { byId: 'x', byName: 'x', at: 0, reason: null })).toBeNull();
    expect(await db.selectFrom('link_decision').selectAll().where('id', '=', d.id).executeTakeFirst()).toMatchObject({ undone_by_name: 'Morgan Blake', undo_reason: 'wrong one', reason: 'same contact' });
  });
});
