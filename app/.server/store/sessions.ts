import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../../sources/kit/clock.js';
import type { StoreDb } from './database.js';

export type SessionPerson = { personId: string; email: string; name: string; role: string; method: 'demo' | 'oidc' };
export type ActiveSession = SessionPerson & { createdAt: number; lastSeenAt: number };
export type SessionLimits = { idleMs: number; absoluteMs: number };

const hashOf = (id: string) => createHash('sha256').update(id).digest('hex');

/**
 * Server-side sessions in the own store. The cookie carries only a random id (256 bits); the store keeps its
 * SHA-256, who it is for, and when it was made and last used. A session ends when revoked (logout, an admin)
 * or when it has been idle too long or has lasted too long, whichever comes first; then it stays ended.
 */
export class SessionStore {
  constructor(
    private readonly db: StoreDb,
    private readonly clock: Clock,
    private readonly limits: SessionLimits,
  ) {}

  /** Starts a session and returns the id for the cookie (never stored as such). */
  async create(person: SessionPerson): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    await this.db
      .insertInto('session')
      .values({ id_hash: hashOf(id), person_id: person.personId, email: person.email, name: person.name, role: person.role, method: person.method, created_at: now, last_seen_at: now, revoked_at: null, revoked_reason: null })
      .execute();
    return id;
  }

  /** The person of a live session, and marks it used; null for an unknown, ended or expired id. */
  async touch(id: string): Promise<ActiveSession | null> {
    if (!id || id.length > 100) return null;
    const idHash = hashOf(id);
    const row = await this.db.selectFrom('session').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
    if (!row || row.revoked_at !== null) return null;
    const now = this.clock.now();
    const created = Number(row.created_at);
    const lastSeen = Number(row.last_seen_at);
    const reason = now - created >= this.limits.absoluteMs ? 'absolute-expiry' : now - lastSeen >= this.limits.idleMs ? 'idle-expiry' : null;
    if (reason) {
      await this.db.updateTable('session').set({ revoked_at: now, revoked_reason: reason }).where('id_hash', '=', idHash).where('revoked_at', 'is', null).execute();
      return null;
    }
    // one write a minute at most per session (more often only for idle limits under ten minutes)
    if (now - lastSeen >= Math.min(60_000, this.limits.idleMs / 10)) await this.db.updateTable('session').set({ last_seen_at: now }).where('id_hash', '=', idHash).execute();
    return { personId: row.person_id, email: row.email, name: row.name, role: row.role, method: row.method === 'oidc' ? 'oidc' : 'demo', createdAt: created, lastSeenAt: now };
  }

  /** Ends one session (logout). */
  async revoke(id: string, reason = 'logout'): Promise<void> {
    if (!id || id.length > 100) return;
    await this.db.updateTable('session').set({ revoked_at: this.clock.now(), revoked_reason: reason }).where('id_hash', '=', hashOf(id)).where('revoked_at', 'is', null).execute();
  }

  /** Ends every session of one person (an admin's action); returns how many were live. */
  async revokePerson(personId: string, reason = 'ended-by-admin'): Promise<number> {
    const r = await this.db.updateTable('session').set({ revoked_at: this.clock.now(), revoked_reason: reason }).where('person_id', '=', personId).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  /** The sessions that have not ended, newest first (for the admin's sessions page). */
  async active(limit = 500): Promise<ActiveSession[]> {
    const now = this.clock.now();
    const rows = await this.db
      .selectFrom('session')
      .selectAll()
      .where('revoked_at', 'is', null)
      .where('created_at', '>', now - this.limits.absoluteMs)
      .where('last_seen_at', '>', now - this.limits.idleMs)
      .orderBy('last_seen_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((row) => ({ personId: row.person_id, email: row.email, name: row.name, role: row.role, method: row.method === 'oidc' ? 'oidc' : 'demo', createdAt: Number(row.created_at), lastSeenAt: Number(row.last_seen_at) }));
  }
}
