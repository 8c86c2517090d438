import { describe, expect, inject, it } from 'vitest';

const baseURL = inject('baseURL');

async function demoCookie(userId: string): Promise<string> {
  const r = await fetch(`${baseURL}/login`, { method: 'POST', redirect: 'manual', headers: { origin: baseURL, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ userId }) });
  return r.headers.get('set-cookie')?.split(';')[0] ?? '';
}
const get = (path: string, cookie: string) => fetch(`${baseURL}${path}`, { redirect: 'manual', headers: { cookie } });

describe('the admin audit page', () => {
  it('finds a page read by person, customer and field group, verifies the chain, and audits its own CSV export', async () => {
    const support = await demoCookie('demo-support');
    const admin = await demoCookie('demo-admin');
    const list = await fetch(`${baseURL}/graphql`, { method: 'POST', headers: { cookie: support, 'content-type': 'application/json' }, body: JSON.stringify({ query: 'query AuditProbe { customers(first: 40) { nodes { id } } }' }) });
    const ids = ((await list.json()) as { data: { customers: { nodes: { id: string }[] } } }).data.customers.nodes.map((n) => n.id);
    const id = ids[ids.length - 1]!;
    expect((await get(`/customers/${id}`, support)).status).toBe(200);

    const forCustomer = await get(`/admin/audit?customer=${encodeURIComponent(id)}&person=demo-support`, admin);
    expect(forCustomer.status).toBe(200);
    const html = await forCustomer.text();
    expect(html).toContain('Chain intact');
    expect(html).toMatch(/AuditProbe/);
    expect(html).toMatch(/CustomerPage|Customer/);
    expect(html).not.toContain('demo-admin</td>');

    const identity = await (await get(`/admin/audit?person=demo-support&customer=${encodeURIComponent(id)}&group=IDENTITY`, admin)).text();
    expect(identity).toContain(`>${id}</a>`);
    // support may not read deals: none of its reads of this customer returned that group
    const deals = await (await get(`/admin/audit?person=demo-support&customer=${encodeURIComponent(id)}&group=DEALS`, admin)).text();
    expect(deals).not.toContain(`>${id}</a>`);
    expect(deals).toMatch(/>0(<!-- -->)? records/);
    expect((await get('/admin/audit?from=yesterday', admin)).status).toBe(400);
    expect((await get('/admin/audit', support)).status).toBe(403);

    const csv = await get(`/admin/audit.csv?customer=${encodeURIComponent(id)}`, admin);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const body = await csv.text();
    expect(body.split('\r\n')[0]).toBe('seq,at,person,role,operation,customer_ids,customer_count,field_groups,errors,reused,request_id');
    expect(body).toContain('"demo-support"');
    expect(body).toContain(id);
    const exports = await (await get('/admin/audit?person=demo-admin', admin)).text();
    expect(exports).toContain('AuditExport');
  });
});
