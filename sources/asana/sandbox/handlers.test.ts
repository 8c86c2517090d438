import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sourceTestKit } from '../../kit/testing.js';
import { SANDBOX_CREDENTIALS } from '../../sandbox/constants.js';
import { asanaSource } from '../index.js';

const h = sourceTestKit(asanaSource);
const { state, api: API } = h;
const AUTH = { authorization: `Bearer ${SANDBOX_CREDENTIALS.asana.accessToken}` };
/** GET or POST against the sandbox's Asana API with the sandbox token (or the headers given). */
const get = (path: string, headers: Record<string, string> = AUTH) => fetch(`${API}${path}`, { headers });
const post = (path: string, body: unknown, headers: Record<string, string> = AUTH) =>
  fetch(`${API}${path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

const ws = state.world.asana.workspace.gid;
const firstProject = state.world.asana.projects[0]!;

beforeAll(() => h.listen());
beforeEach(() => state.resetCounts());
afterEach(() => state.clearFaults());
afterAll(() => h.close());

type Json = Record<string, unknown> & { data?: unknown; errors?: { message: string; help?: string; phrase?: string }[] };
const json = async (res: Response) => (await res.json()) as Json;

describe('Asana sandbox: shapes', () => {
  it('answers lists in the compact representation with Asana headers', async () => {
    const res = await get('/workspaces');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=UTF-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await json(res)).toEqual({ data: [{ gid: ws, resource_type: 'workspace', name: 'Panorama Demo Co' }] });
  });

  it('answers a single project in full, related resources compact', async () => {
    const body = await json(await get(`/projects/${firstProject.gid}`));
    const p = body.data as Record<string, unknown>;
    expect(p).toMatchObject({
      gid: firstProject.gid,
      resource_type: 'project',
      name: firstProject.name,
      archived: false,
      due_on: firstProject.due_on,
      owner: { gid: firstProject.owner!.gid, resource_type: 'user', name: firstProject.owner!.name },
      workspace: { gid: ws, resource_type: 'workspace', name: 'Panorama Demo Co' },
      current_status: { gid: firstProject.current_status!.gid, resource_type: 'project_status', title: firstProject.current_status!.title },
    });
    expect(p.custom_fields).toEqual([
      expect.objectContaining({ gid: '1200000000000050', name: 'Salesforce Account Id', resource_subtype: 'text', text_value: firstProject.custom_fields[0]!.text_value }),
    ]);
    expect(p).not.toHaveProperty('owner.email');
  });

  it('lists tasks with resource_subtype in the compact form', async () => {
    const body = await json(await get(`/projects/${firstProject.gid}/tasks`));
    const tasks = body.data as Record<string, unknown>[];
    expect(tasks.length).toBeGreaterThan(2);
    expect(Object.keys(tasks[0]!).sort()).toEqual(['gid', 'name', 'resource_subtype', 'resource_type']);
    expect(tasks.map((t) => t.resource_subtype)).toContain('milestone');
    expect(body).not.toHaveProperty('next_page'); // only present when a limit was sent
  });

  it('answers the workspace, its custom fields and a custom field', async () => {
    expect((await json(await get(`/workspaces/${ws}`))).data).toEqual({
      gid: ws,
      resource_type: 'workspace',
      name: 'Panorama Demo Co',
      email_domains: ['panorama-demo.example'],
      is_organization: true,
    });
    const fields = (await json(await get(`/workspaces/${ws}/custom_fields?limit=10`))) as { data: Record<string, unknown>[]; next_page: unknown };
    expect(fields.data).toEqual([{ gid: '1200000000000050', resource_type: 'custom_field', name: 'Salesforce Account Id', resource_subtype: 'text', type: 'text', enabled: true }]);
    expect(fields.next_page).toBeNull();
    const field = (await json(await get('/custom_fields/1200000000000050'))).data as Record<string, unknown>;
    expect(field).toMatchObject({ name: 'Salesforce Account Id', type: 'text', description: expect.stringContaining('Salesforce Account') });
  });

  it('passes names with quotes, backslashes, accents and other scripts through intact', async () => {
    const names = state.world.asana.projects.map((p) => p.name).filter((n) => /['"\\é東]/.test(n));
    expect(names.length).toBeGreaterThan(3);
    const all: string[] = [];
    let path: string | null = `/projects?workspace=${ws}&limit=100&opt_fields=name`;
    while (path) {
      const page = (await json(await get(path))) as { data: { name: string }[]; next_page: { path: string } | null };
      all.push(...page.data.map((p) => p.name));
      path = page.next_page?.path ?? null;
    }
    for (const n of names) expect(all).toContain(n);
  });

  it('pretty-prints with opt_pretty', async () => {
    const text = await (await get('/workspaces?opt_pretty=true')).text();
    expect(text).toContain('\n  "data"');
  });
});

describe('Asana sandbox: opt_fields', () => {
  it('returns exactly the fields asked for, plus gid', async () => {
    const body = await json(await get(`/projects/${firstProject.gid}?opt_fields=name,archived`));
    expect(body.data).toEqual({ gid: firstProject.gid, name: firstProject.name, archived: false });
  });

  it('follows dotted paths into related resources', async () => {
    const body = await json(
      await get(`/projects/${firstProject.gid}?opt_fields=owner.name,owner.email,current_status.color,custom_fields.text_value,custom_fields.name`),
    );
    const owner = state.world.asana.users.find((u) => u.gid === firstProject.owner!.gid)!;
    expect(body.data).toEqual({
      gid: firstProject.gid,
      owner: { gid: owner.gid, name: owner.name, email: owner.email },
      current_status: { gid: firstProject.current_status!.gid, color: firstProject.current_status!.color },
      custom_fields: [{ gid: '1200000000000050', name: 'Salesforce Account Id', text_value: firstProject.custom_fields[0]!.text_value }],
    });
  });

  it('gives a related resource asked for without sub-fields as its reference', async () => {
    const body = await json(await get(`/projects/${firstProject.gid}?opt_fields=owner,team`));
    expect(body.data).toEqual({
      gid: firstProject.gid,
      owner: { gid: firstProject.owner!.gid, resource_type: 'user' },
      team: { gid: state.world.asana.team.gid, resource_type: 'team' },
    });
  });

  it.each([
    ['/projects?workspace=WS&opt_fields=name,budget', 'opt_fields: Not a recognized field: budget'],
    ['/projects/P?opt_fields=name.first', 'opt_fields: Not a recognized field: name.first'],
    ['/projects/P?opt_fields=owner.salary', 'opt_fields: Not a recognized field: owner.salary'],
    ['/projects/P/tasks?opt_fields=offset,name,colour', 'opt_fields: Not a recognized field: colour'],
  ])('refuses an unknown field: %s', async (path, message) => {
    const res = await get(path.replace('WS', ws).replace('P', firstProject.gid));
    expect(res.status).toBe(400);
    expect((await json(res)).errors).toEqual([{ message, help: expect.stringContaining('developers.asana.com/docs/errors') }]);
  });
});

describe('Asana sandbox: paging', () => {
  it('pages more than 100 projects through next_page, each exactly once', async () => {
    const total = state.world.asana.projects.length;
    expect(total).toBeGreaterThan(100);
    const seen: string[] = [];
    let uri: string | null = `${API}/projects?workspace=${ws}&limit=100&opt_fields=name`;
    let pages = 0;
    while (uri) {
      const body = (await json(await fetch(uri, { headers: AUTH }))) as { data: { gid: string }[]; next_page: { offset: string; path: string; uri: string } | null };
      seen.push(...body.data.map((p) => p.gid));
      if (body.next_page) {
        expect(body.next_page.path).toMatch(/^\/projects\?.*offset=/);
        expect(body.next_page.uri).toBe(`${API}${body.next_page.path}`);
        expect(body.next_page.offset.split('.')).toHaveLength(3); // a JWT, as Asana's are
      }
      uri = body.next_page?.uri ?? null;
      pages++;
    }
    expect(pages).toBe(Math.ceil(total / 100));
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expect(state.requestCounts().asana['projects.list']).toBe(pages);
  });

  it.each(['0', '101', 'ten', '-1'])('refuses limit=%s', async (limit) => {
    const res = await get(`/projects?workspace=${ws}&limit=${limit}`);
    expect(res.status).toBe(400);
    expect((await json(res)).errors?.[0]?.message).toMatch(/^limit: /);
  });

  it('refuses a forged offset and an offset issued for another query', async () => {
    const forged = await get(`/projects?workspace=${ws}&limit=5&offset=eyJhbGciOiJub25lIn0.eyJib3JkZXJfcmFuayI6MH0.x`);
    expect(forged.status).toBe(400);
    expect((await json(forged)).errors?.[0]?.message).toMatch(/^offset: /);
    const page = (await json(await get(`/projects?workspace=${ws}&limit=5`))) as { next_page: { offset: string } };
    const other = await get(`/projects?workspace=${ws}&archived=true&limit=5&offset=${page.next_page.offset}`);
    expect(other.status).toBe(400);
    const same = await get(`/projects?workspace=${ws}&limit=5&offset=${page.next_page.offset}&opt_fields=name`);
    expect(same.status).toBe(200);
  });
});

describe('Asana sandbox: query interpretation', () => {
  it('filters projects by archived and refuses a non-boolean', async () => {
    const archived = await json(await get(`/projects?workspace=${ws}&archived=true&limit=100`));
    expect(archived.data).toEqual([]);
    const bad = await get(`/projects?workspace=${ws}&archived=maybe`);
    expect(bad.status).toBe(400);
    expect((await json(bad)).errors?.[0]?.message).toBe('archived: Not a boolean: maybe');
  });

  it('answers /tasks?project= and completed_since=now (open tasks only)', async () => {
    const all = (await json(await get(`/tasks?project=${firstProject.gid}&opt_fields=completed`))).data as { completed: boolean }[];
    const open = (await json(await get(`/tasks?project=${firstProject.gid}&completed_since=now&opt_fields=completed`))).data as { completed: boolean }[];
    const expected = state.world.asana.tasks.filter((t) => t.projects.some((p) => p.gid === firstProject.gid));
    expect(all).toHaveLength(expected.length);
    expect(open).toHaveLength(expected.filter((t) => !t.completed).length);
    expect(open.every((t) => !t.completed)).toBe(true);
  });

  it.each([
    ['/tasks', 400, 'Must specify exactly one of project, tag, section, user task list, or assignee + workspace'],
    [`/tasks?project=1&section=2`, 400, 'Must specify exactly one of project, tag, section, user task list, or assignee + workspace'],
    ['/tasks?project=abc', 400, 'project: Not a recognized ID: abc'],
    ['/tasks?project=42', 404, 'project: Unknown object: 42'],
    ['/projects/42', 404, 'project: Unknown object: 42'],
    ["/projects/1'%20OR%201=1", 400, "project: Not a recognized ID: 1' OR 1=1"],
    ['/projects?workspace=77', 404, 'workspace: Unknown object: 77'],
    ['/tasks/42', 404, 'task: Unknown object: 42'],
    ['/portfolios', 404, 'No matching route for request'],
  ])('answers %s as Asana does (%i)', async (path, status, message) => {
    const res = await get(path);
    expect(res.status).toBe(status);
    expect((await json(res)).errors).toEqual([{ message, help: expect.any(String) }]);
  });

  it('refuses a malformed completed_since', async () => {
    const res = await get(`/tasks?project=${firstProject.gid}&completed_since=yesterday`);
    expect(res.status).toBe(400);
    expect((await json(res)).errors?.[0]?.message).toBe('completed_since: Not a valid date-time: yesterday');
  });
});

describe('Asana sandbox: auth', () => {
  it.each([
    ['no header', {}],
    ['a wrong token', { authorization: 'Bearer not-the-token' }],
    ['basic auth', { authorization: `Basic ${Buffer.from('sandbox-asana-pat:').toString('base64')}` }],
  ])('refuses %s with 401 Not Authorized', async (_what, headers) => {
    const res = await get('/workspaces', headers);
    expect(res.status).toBe(401);
    expect(await json(res)).toEqual({ errors: [{ message: 'Not Authorized', help: expect.stringContaining('docs/errors') }] });
  });

  it('accepts an OAuth token the sandbox issued, until it expires', async () => {
    const token = state.issueToken('asana', 3600);
    expect((await get('/workspaces', { authorization: `Bearer ${token}` })).status).toBe(200);
    state.expireTokens('asana');
    expect((await get('/workspaces', { authorization: `Bearer ${token}` })).status).toBe(401);
  });
});

describe('Asana sandbox: POST /batch', () => {
  const action = (gid: string) => ({ method: 'get', relative_path: `/projects/${gid}`, options: { fields: ['name'] } });
  const gids = state.world.asana.projects.slice(0, 11).map((p) => p.gid);

  it('answers 10 actions in one request, in order', async () => {
    const res = await post('/batch', { data: { actions: gids.slice(0, 10).map(action) } });
    expect(res.status).toBe(200);
    const body = (await json(res)) as { data: { status_code: number; headers: object; body: { data: { gid: string } } }[] };
    expect(body.data.map((r) => r.body.data.gid)).toEqual(gids.slice(0, 10));
    expect(body.data.every((r) => r.status_code === 200 && typeof r.headers === 'object')).toBe(true);
    expect(state.requestCounts().asana).toEqual({ batch: 1 });
  });

  it('refuses 11 actions, and none, with 400', async () => {
    const many = await post('/batch', { data: { actions: gids.map(action) } });
    expect(many.status).toBe(400);
    expect((await json(many)).errors?.[0]?.message).toMatch(/maximum number of actions allowed in a single batch request is 10/);
    const none = await post('/batch', { data: { actions: [] } });
    expect(none.status).toBe(400);
    const bad = await post('/batch', '{"data": {"actions": [');
    expect(bad.status).toBe(400);
    expect((await json(bad)).errors?.[0]?.message).toMatch(/invalid JSON/);
  });

  it('answers each action as its endpoint would, errors inside a 200 envelope', async () => {
    const res = await post('/batch', {
      data: {
        actions: [
          { method: 'GET', relative_path: `/projects/${firstProject.gid}/tasks`, options: { limit: 2, fields: ['name', 'due_on'] } },
          { method: 'get', relative_path: '/projects/42' },
          { method: 'get', relative_path: `/projects/${firstProject.gid}?opt_fields=name` },
          { method: 'get', relative_path: '/batch' },
          { method: 'put', relative_path: `/projects/${firstProject.gid}`, data: { name: 'renamed' } },
          { method: 'get', relative_path: '/tasks', data: { project: firstProject.gid, limit: 5 } },
          { method: 'get', relative_path: '/tasks', data: { project: firstProject.gid } },
          { method: 'get', relative_path: '/nope' },
          { method: 'get', relative_path: `/projects/${firstProject.gid}`, options: { fields: ['nope'] } },
        ],
      },
    });
    expect(res.status).toBe(200);
    const results = ((await json(res)) as { data: { status_code: number; body: Json }[] }).data;
    expect(results.map((r) => r.status_code)).toEqual([200, 404, 400, 400, 403, 400, 200, 404, 400]);
    const tasks = results[0]!.body as { data: Record<string, unknown>[]; next_page: { path: string } };
    expect(tasks.data).toHaveLength(2);
    expect(Object.keys(tasks.data[0]!).sort()).toEqual(['due_on', 'gid', 'name']);
    expect(tasks.next_page.path).toMatch(new RegExp(`^/projects/${firstProject.gid}/tasks\\?`));
    expect(results[1]!.body.errors?.[0]?.message).toBe('project: Unknown object: 42');
    expect(results[2]!.body.errors?.[0]?.message).toMatch(/^relative_path: Query parameters are not accepted here/);
    expect(results[7]!.body.errors?.[0]?.message).toBe('No matching route for request');
    expect(firstProject.name).not.toBe('renamed');
  });

  it('follows a next_page offset inside a batch action', async () => {
    const first = (await json(
      await post('/batch', { data: { actions: [{ method: 'get', relative_path: `/projects/${firstProject.gid}/tasks`, options: { limit: 3 } }] } }),
    )) as { data: { body: { data: { gid: string }[]; next_page: { offset: string } } }[] };
    const offset = first.data[0]!.body.next_page.offset;
    const second = (await json(
      await post('/batch', { data: { actions: [{ method: 'get', relative_path: `/projects/${firstProject.gid}/tasks`, options: { limit: 3, offset } }] } }),
    )) as { data: { body: { data: { gid: string }[] } }[] };
    const expected = state.world.asana.tasks.filter((t) => t.projects.some((p) => p.gid === firstProject.gid)).map((t) => t.gid);
    expect([...first.data[0]!.body.data, ...second.data[0]!.body.data].map((t) => t.gid)).toEqual(expected.slice(0, 6));
  });
});

describe('Asana sandbox: faults, in Asana form', () => {
  it.each([500, 503] as const)('answers %i with a Server Error and a phrase', async (status) => {
    state.setFault('asana', { status });
    const res = await get('/workspaces');
    expect(res.status).toBe(status);
    const body = await json(res);
    expect(body.errors).toEqual([{ message: 'Server Error', phrase: expect.stringMatching(/^\d+ \w+ \w+ \w+ \w+$/) }]);
  });

  it('answers a spent rate limit with 429 and Retry-After', async () => {
    state.setFault('asana', { rateLimit: true, retryAfterSeconds: 17 });
    const res = await get('/workspaces');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('17');
    expect((await json(res)).errors?.[0]?.message).toMatch(/too many requests/);
  });

  it('refuses the token when it has expired', async () => {
    state.setFault('asana', { expiredToken: true });
    const res = await get('/workspaces');
    expect(res.status).toBe(401);
    expect((await json(res)).errors?.[0]?.message).toBe('Not Authorized');
  });

  it('sends a body that is not JSON when malformed', async () => {
    state.setFault('asana', { malformed: true });
    const res = await get('/workspaces');
    expect(res.status).toBe(200);
    await expect(res.clone().json()).rejects.toThrow();
  });

  it('drifts by answering the legacy `id` instead of `gid`', async () => {
    state.setFault('asana', { drift: true });
    const body = await json(await get('/workspaces'));
    expect(body.data).toEqual([{ id: ws, resource_type: 'workspace', name: 'Panorama Demo Co' }]);
  });

  it('drops the connection on reset', async () => {
    state.setFault('asana', { reset: true });
    await expect(get('/workspaces')).rejects.toThrow();
  });

  it('adds latency, and limits a fault to one endpoint', async () => {
    state.setFault('asana', { latencyMs: 150, endpoint: 'batch' });
    let started = Date.now();
    expect((await get('/workspaces')).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(150);
    started = Date.now();
    expect((await post('/batch', { data: { actions: [{ method: 'get', relative_path: '/workspaces' }] } })).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('hangs until the client gives up', async () => {
    state.setFault('asana', { hang: true });
    await expect(fetch(`${API}/workspaces`, { headers: AUTH, signal: AbortSignal.timeout(150) })).rejects.toThrow(/abort|timeout/i);
  });

  it('counts every request per endpoint, faulted or not', async () => {
    state.setFault('asana', { status: 500, endpoint: 'projects.get' });
    await get(`/projects/${firstProject.gid}`);
    await get(`/projects/${firstProject.gid}/tasks`);
    await get('/workspaces', {});
    expect(state.requestCounts().asana).toEqual({ 'projects.get': 1, 'projects.tasks': 1, 'workspaces.list': 1 });
    expect(state.totalRequests('asana')).toBe(3);
  });
});
