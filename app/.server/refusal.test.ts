import { describe, expect, it } from 'vitest';
import { pageRefusal, whoMayRead } from './refusal.js';

describe('page refusals speak plainly', () => {
  it('names the roles that may read a group, from the policy', () => {
    expect(whoMayRead('ADMIN')).toBe('admins');
    expect(whoMayRead('BILLING')).toBe('account managers, finance and admins');
  });

  it('a forbidden page says who may see it and never names a schema field', async () => {
    const r = pageRefusal('finance', [{ message: 'Finance users may not read Query.sources (admin).', extensions: { code: 'FORBIDDEN' } }], { name: 'admin pages', group: 'ADMIN' });
    expect(r.status).toBe(403);
    const text = await r.text();
    expect(text).toBe('Admin pages are for admins. You are signed in as finance; ask an admin if you need access.');
    expect(text).not.toMatch(/Query\.|sources/);
  });

  it('our own input message is a 400; anything else is a 503 to try again, without the raw error', async () => {
    const bad = pageRefusal('admin', [{ message: 'Name the system to check.', extensions: { code: 'BAD_USER_INPUT' } }], { name: 'admin pages', group: 'ADMIN' });
    expect([bad.status, await bad.text()]).toEqual([400, 'Name the system to check.']);
    const down = pageRefusal('admin', [{ message: 'Cannot read properties of undefined (reading "x")' }], { name: 'overdue invoices', group: 'BILLING' });
    expect(down.status).toBe(503);
    expect(await down.text()).toMatch(/^Panorama could not load overdue invoices just now/);
  });
});
