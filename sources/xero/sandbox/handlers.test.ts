import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS } from '../../sandbox/state.js';
import { TEST_ORIGIN, basicAuth, testSandbox } from '../../kit/testing.js';
import { parseXeroDate } from '../mapping.js';
import { xeroContactsPageSchema, xeroInvoicesPageSchema, xeroPaymentsPageSchema, xeroTokenResponseSchema } from '../types.js';
import { XERO_SANDBOX_TENANT_ID, xeroOrganisation } from './dataset.js';
import { xeroSandboxLimits } from './handlers.js';

const sb = testSandbox({ size: 250, seed: 3 });
beforeAll(() => sb.listen());
afterAll(() => sb.close());
const api = `${TEST_ORIGIN}/xero/api.xro/2.0`;

async function token(refreshToken: string) {
  const c = SANDBOX_CREDENTIALS.xero;
  return fetch(`${TEST_ORIGIN}/xero/identity/connect/token`, {
    method: 'POST',
    headers: { authorization: basicAuth(c.clientId, c.clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
  });
}
let bearer = '';
const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${api}${path}`, { headers: { authorization: bearer, 'xero-tenant-id': XERO_SANDBOX_TENANT_ID, accept: 'application/json', ...headers } });

describe("the sandbox's Xero", () => {
  it('rotates the refresh token: the new one works, the used one is refused (invalid_grant)', async () => {
    const first = xeroTokenResponseSchema.parse(await (await token(SANDBOX_CREDENTIALS.xero.refreshToken)).json());
    expect(first.expires_in).toBe(1800);
    expect((await token(SANDBOX_CREDENTIALS.xero.refreshToken)).status).toBe(400);
    const second = xeroTokenResponseSchema.parse(await (await token(first.refresh_token)).json());
    bearer = `Bearer ${second.access_token}`;
    const connections = (await (await fetch(`${TEST_ORIGIN}/xero/connections`, { headers: { authorization: bearer } })).json()) as { tenantId: string; tenantType: string }[];
    expect(connections).toEqual([expect.objectContaining({ tenantId: XERO_SANDBOX_TENANT_ID, tenantType: 'ORGANISATION' })]);
  });

  it('pages contacts 100 at a time, filters by where, and answers in the shapes the client checks', async () => {
    const all = xeroOrganisation(sb.state.world.quickbooks, sb.state.world.manifest.today).contacts;
    expect(all.length).toBeGreaterThan(200);
    const p1 = xeroContactsPageSchema.parse(await (await get('/Contacts?page=1&where=IsCustomer%3D%3Dtrue')).json());
    const p3 = xeroContactsPageSchema.parse(await (await get('/Contacts?page=3&where=IsCustomer%3D%3Dtrue')).json());
    expect(p1.Contacts).toHaveLength(100);
    expect(p3.Contacts).toHaveLength(all.length - 200);
    const name = all[0]!.Name;
    const found = xeroContactsPageSchema.parse(await (await get(`/Contacts?where=${encodeURIComponent(`Name.Contains("${name.toLowerCase()}")`)}`)).json());
    expect(found.Contacts.map((c) => c.ContactID)).toContain(all[0]!.ContactID);
    expect((await get('/Contacts?where=Nonsense(1)')).status).toBe(400);
  });

  it('serves sales invoices by ContactIDs and overdue by DueDate, with /Date()/ dates, AUTHORISED or PAID, and their payments', async () => {
    const org = xeroOrganisation(sb.state.world.quickbooks, sb.state.world.manifest.today);
    const withPayment = org.invoices.find((i) => (i.Payments ?? []).length > 0)!;
    const page = xeroInvoicesPageSchema.parse(await (await get(`/Invoices?page=1&ContactIDs=${withPayment.Contact.ContactID}&where=${encodeURIComponent('Type=="ACCREC"')}`)).json());
    expect(page.Invoices.every((i) => i.Contact.ContactID === withPayment.Contact.ContactID)).toBe(true);
    const inv = page.Invoices.find((i) => i.InvoiceID === withPayment.InvoiceID)!;
    expect(inv.DueDate).toMatch(/^\/Date\(\d+\+0000\)\/$/);
    expect(inv.DueDateString).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00$/);
    expect(['AUTHORISED', 'PAID']).toContain(inv.Status);
    expect(inv.Payments?.length).toBeGreaterThan(0);
    const [y, m, d] = sb.state.world.manifest.today.split('-');
    const overdue = xeroInvoicesPageSchema.parse(await (await get(`/Invoices?where=${encodeURIComponent(`Type=="ACCREC" AND Status=="AUTHORISED" AND DueDate<DateTime(${y},${m},${d})`)}`)).json());
    expect(overdue.Invoices.length).toBeGreaterThan(0);
    for (const i of overdue.Invoices) expect(parseXeroDate(i.DueDate)!.toISOString().slice(0, 10) < sb.state.world.manifest.today).toBe(true);
    const payments = xeroPaymentsPageSchema.parse(await (await get('/Payments?page=1')).json());
    expect(payments.Payments.length).toBeGreaterThan(0);
  });

  it('refuses another tenant, and keeps only records changed since If-Modified-Since', async () => {
    expect((await get('/Contacts', { 'xero-tenant-id': '00000000-0000-4000-8000-000000000000' })).status).toBe(403);
    const later = xeroContactsPageSchema.parse(await (await get('/Contacts', { 'if-modified-since': '2999-01-01T00:00:00' })).json());
    expect(later.Contacts).toEqual([]);
  });

  it('answers 429 with Retry-After and X-Rate-Limit-Problem past 60 calls a minute, and says what is left', async () => {
    const limits = xeroSandboxLimits(sb.state);
    limits.calls = [];
    const ok = await get('/Contacts?page=1');
    expect(ok.headers.get('x-minlimit-remaining')).toBe('59');
    expect(Number(ok.headers.get('x-daylimit-remaining'))).toBeLessThan(5000);
    limits.calls = Array.from({ length: 60 }, () => Date.now());
    const refused = await get('/Contacts?page=1');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('x-rate-limit-problem')).toBe('minute');
    limits.calls = [];
  });
});
