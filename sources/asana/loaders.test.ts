import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProjectsCustomer } from '../kit/domain.js';
import { SourceBudget } from '../kit/budget.js';
import { SourceError } from '../kit/errors.js';
import type { AsanaTask } from '../sandbox/world.js';
import { AsanaClient } from './client.server.js';
import { TASK_FIELDS, createLoaders } from './loaders.js';
import { compactSchema } from './types.js';
import { SANDBOX_TODAY as TODAY, exactLinks, sourceTestKit } from '../kit/testing.js';
import { asanaSource, projectIndexTtlMs } from './index.js';

const h = sourceTestKit(asanaSource, { createLoaders });
const { state, api: API } = h;
const config = h.config();
const client = h.client();
const world = state.world;
const linked = exactLinks(world.manifest, 'asana');
const accountIds = [...linked.keys()];
const indexPages = Math.ceil(world.asana.projects.length / 100);

beforeAll(() => h.listen());
beforeEach(() => state.resetCounts());
afterEach(() => {
  state.clearFaults();
  state.world = world;
  h.server.resetHandlers();
});
afterAll(() => h.close());

/** Loads one account's projects through a fresh kit; a rejection comes back as the SourceError. */
async function loadOne(id: string, kit = h.kit()): Promise<ProjectsCustomer | SourceError> {
  try {
    return (await h.loaders(client, kit).forAccount.load(id)).value;
  } catch (e) {
    return e as SourceError;
  }
}

const countRequests = () => state.requestCounts().asana;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('forAccount', () => {
  it("maps an account's projects as the sandbox holds them", async () => {
    const id = accountIds.find((a) => linked.get(a)!.length > 1)!;
    const { value, freshness } = await h.loaders(client, h.kit()).forAccount.load(id);
    expect(freshness).toMatchObject({ source: 'asana', fromCache: false, stale: false, error: null });
    expect(value.projects.map((p) => p.id).sort()).toEqual([...linked.get(id)!].sort());
    for (const p of value.projects) {
      const raw = world.asana.projects.find((r) => r.gid === p.id)!;
      const tasks = world.asana.tasks.filter((t) => t.projects.some((x) => x.gid === p.id));
      const work = tasks.filter((t) => t.resource_subtype === 'default_task');
      const owner = world.asana.users.find((u) => u.gid === raw.owner!.gid)!;
      const colors = { green: 'ON_TRACK', yellow: 'AT_RISK', red: 'OFF_TRACK', blue: 'ON_HOLD', complete: 'COMPLETE' } as const;
      expect(p).toEqual({
        id: raw.gid,
        name: raw.name,
        owner: { id: owner.gid, name: owner.name, email: owner.email },
        status: colors[raw.current_status!.color],
        statusText: raw.current_status!.text,
        dueOn: raw.due_on,
        startOn: raw.start_on,
        createdAt: raw.created_at,
        archived: false,
        crmAccountId: id,
        taskCount: work.length,
        completedTaskCount: work.filter((t) => t.completed).length,
        overdueTaskCount: work.filter((t) => !t.completed && t.due_on! < TODAY).length,
        milestones: tasks
          .filter((t) => t.resource_subtype === 'milestone')
          .map((t) => ({ id: t.gid, projectId: raw.gid, name: t.name, dueOn: t.due_on, completed: t.completed, completedAt: t.completed_at })),
      });
    }
  });

  it('shows the planted on-hold project as ON_HOLD', async () => {
    const planted = world.manifest.onHoldNothingOverdue[0]!;
    const result = (await loadOne(planted.accountId)) as ProjectsCustomer;
    expect(result.projects.find((p) => p.id === planted.projectId)).toMatchObject({ status: 'ON_HOLD', statusText: expect.stringMatching(/Paused/) });
  });

  it('gives no projects to an account linked only by name, or not at all', async () => {
    const byName = world.manifest.heuristicLinks.find((l) => l.system === 'asana')!;
    expect(await loadOne(byName.accountId)).toEqual({ projects: [] });
    const noProjects = world.salesforce.accounts.find((a) => !linked.has(a.Id))!;
    state.resetCounts();
    expect(await loadOne(noProjects.Id)).toEqual({ projects: [] });
    expect(countRequests()).toEqual({ 'projects.list': indexPages }); // the index only, no batch
  });

  it('matches the 15-character form of an account id', async () => {
    const id = accountIds[0]!;
    const result = (await loadOne(id.slice(0, 15))) as ProjectsCustomer;
    expect(result.projects.map((p) => p.id).sort()).toEqual([...linked.get(id)!].sort());
  });

  it('refuses a malformed account id without asking Asana', async () => {
    const e = await loadOne("001' OR '1'='1");
    expect(e).toBeInstanceOf(SourceError);
    expect(e).toMatchObject({ code: 'BAD_REQUEST' });
    expect(state.totalRequests('asana')).toBe(0);
  });

  it('costs the index pages plus ceil(actions / 10) batch requests for 20 accounts', async () => {
    const ids = accountIds.slice(0, 20);
    const projects = ids.reduce((n, id) => n + linked.get(id)!.length, 0);
    const loaders = h.loaders(client, h.kit());
    const results = await Promise.all(ids.map((id) => loaders.forAccount.load(id)));
    expect(results.map((r) => r.value.projects.length)).toEqual(ids.map((id) => linked.get(id)!.length));
    expect(countRequests()).toEqual({ 'projects.list': indexPages, batch: Math.ceil((2 * projects) / 10) });
  });

  it('batches ids loaded in one tick and serves the next request from the cache', async () => {
    const cached = h.kit();
    const ids = accountIds.slice(20, 23);
    const loaders = h.loaders(client, cached);
    await Promise.all(ids.map((id) => loaders.forAccount.load(id)));
    const first = state.totalRequests('asana');
    const projects = ids.reduce((n, id) => n + linked.get(id)!.length, 0);
    expect(first).toBe(indexPages + Math.ceil((2 * projects) / 10));
    await pause(5); // "from cache" means fetched before this read started
    const again = await h.loaders(client, cached).forAccount.load(ids[0]!);
    expect(again.freshness.fromCache).toBe(true);
    expect(state.totalRequests('asana')).toBe(first);
    // a forced refresh asks again, and reads the index once however many loads the request makes
    const forced = h.loaders(client, cached, { forceRefresh: true });
    await forced.forAccount.load(ids[0]!);
    await forced.forAccount.load(ids[1]!);
    expect(countRequests()['projects.list']).toBe(2 * indexPages);
  });

  it('follows a task list longer than one page with another batch action', async () => {
    const id = accountIds[5]!;
    const gid = linked.get(id)![0]!;
    const template = world.asana.tasks.find((t) => t.projects.some((p) => p.gid === gid) && t.resource_subtype === 'default_task')!;
    const extra: AsanaTask[] = Array.from({ length: 130 }, (_, i) => ({ ...template, gid: String(1300000000000000 + i), completed: false, completed_at: null, due_on: '2026-01-01' }));
    state.world = { ...world, asana: { ...world.asana, tasks: [...world.asana.tasks, ...extra] } };
    const result = (await loadOne(id)) as ProjectsCustomer;
    const p = result.projects.find((x) => x.id === gid)!;
    const before = world.asana.tasks.filter((t) => t.projects.some((x) => x.gid === gid) && t.resource_subtype === 'default_task');
    expect(p.taskCount).toBe(before.length + 130);
    expect(p.overdueTaskCount).toBeGreaterThanOrEqual(130);
    const projects = linked.get(id)!.length;
    expect(countRequests()).toEqual({ 'projects.list': indexPages, batch: Math.ceil((2 * projects) / 10) + 1 });
  });

  it('leaves out a project deleted since the index was built', async () => {
    const id = accountIds.find((a) => linked.get(a)!.length > 1)!;
    const [gone, ...kept] = linked.get(id)!;
    const kit2 = h.kit();
    await h.loaders(client, kit2).projectIndex();
    state.world = { ...world, asana: { ...world.asana, projects: world.asana.projects.filter((p) => p.gid !== gone) } };
    const result = await h.loaders(client, kit2).forAccount.load(id);
    expect(result.value.projects.map((p) => p.id).sort()).toEqual([...kept].sort());
  });

  it("fails the batch when one action fails, with that action's error", async () => {
    h.server.use(
      http.post(`${API}/batch`, () =>
        HttpResponse.json({ data: [{ status_code: 500, headers: {}, body: { errors: [{ message: 'Server Error', phrase: '3 odd moles dance' }] } }, { status_code: 200, headers: {}, body: { data: [] } }] }),
      ),
    );
    const id = accountIds.find((a) => linked.get(a)!.length === 1)!;
    const e = await loadOne(id);
    expect(e).toMatchObject({ code: 'UNAVAILABLE', status: 500, vendorCode: '3 odd moles dance' });
  });
});

describe('projectIndex', () => {
  it('lists every project once, with the account id its field holds', async () => {
    const { value } = await h.loaders(client, h.kit()).projectIndex();
    expect(value).toHaveLength(world.asana.projects.length);
    expect(new Set(value.map((r) => r.id)).size).toBe(value.length);
    const unlinked = world.manifest.unlinked.filter((u) => u.system === 'asana').map((u) => u.recordId);
    for (const row of value) {
      const raw = world.asana.projects.find((p) => p.gid === row.id)!;
      const colors = { green: 'ON_TRACK', yellow: 'AT_RISK', red: 'OFF_TRACK', blue: 'ON_HOLD', complete: 'COMPLETE' } as const;
      expect(row).toEqual({
        id: raw.gid,
        name: raw.name,
        crmAccountId: raw.custom_fields[0]!.text_value,
        archived: raw.archived,
        createdAt: raw.created_at,
        status: raw.current_status ? colors[raw.current_status.color] : raw.completed ? 'COMPLETE' : 'UNKNOWN',
        statusText: raw.current_status?.title ?? null,
        dueOn: raw.due_on,
      });
      if (unlinked.includes(row.id)) expect(row.crmAccountId).toBeNull();
    }
    expect(countRequests()).toEqual({ 'projects.list': indexPages });
  });

  it('summarizes an account\'s projects from the index alone: no request once the index is cached', async () => {
    const kit = h.kit();
    await h.loaders(client, kit).projectIndex();
    state.resetCounts();
    const loaders = h.loaders(client, kit);
    const ids = accountIds.slice(0, 20);
    const res = await loaders.summaryForAccount.loadMany(ids);
    expect(state.totalRequests('asana')).toBe(0);
    const index = (await loaders.projectIndex()).value;
    ids.forEach((id, i) => {
      const s = res[i] as Exclude<(typeof res)[number], Error>;
      const rows = index.filter((r) => r.crmAccountId === id);
      expect(s.value!.total).toBe(linked.get(id)!.length);
      expect(s.value!.projectIds.sort()).toEqual(rows.map((r) => r.id).sort());
      expect(s.value!.byStatus.reduce((n, b) => n + b.count, 0)).toBe(rows.length);
      const active = rows.filter((r) => !r.archived && r.status !== 'COMPLETE');
      expect(s.value!.active).toBe(active.length);
      expect(s.value!.nextDueOn).toBe(active.map((r) => r.dueOn).filter(Boolean).sort()[0] ?? null);
      expect(s.freshness).toMatchObject({ source: 'asana', fromCache: true });
    });
    const unlinked = world.salesforce.accounts.map((a) => a.Id).find((id) => !linked.has(id))!;
    expect((await loaders.summaryForAccount.load(unlinked)).value).toBeNull();
    expect(await loaders.summaryForAccount.load('nope').catch((e: unknown) => e)).toMatchObject({ code: 'BAD_REQUEST' });
    expect(state.totalRequests('asana')).toBe(0);
  });

  it('reads the field by gid when configured', async () => {
    const client = new AsanaClient({ ...config, accountField: { name: 'something else', gid: world.asana.accountField.gid } });
    const { value } = await createLoaders({ client: client, kit: h.kit(), forceRefresh: false }).projectIndex();
    // the orphans hold an account id too (of an account that is gone)
    const orphans = world.manifest.linkCases.filter((c) => c.rule === 'ORPHAN' && c.system === 'asana').length;
    expect(value.filter((r) => r.crmAccountId).length).toBe([...linked.values()].flat().length + orphans);
  });
});

describe('client', () => {
  it('reads single records and lists with the fields asked for', async () => {
    const gid = linked.get(accountIds[0]!)![0]!;
    const ws = await client.getWorkspace();
    expect(ws).toMatchObject({ gid: world.asana.workspace.gid, name: 'Panorama Demo Co' });
    const fields = await client.listWorkspaceCustomFields(['name', 'resource_subtype']);
    expect(fields).toEqual([{ gid: world.asana.accountField.gid, name: 'Salesforce Account Id', resource_subtype: 'text' }]);
    const tasks = await client.listProjectTasks(gid, TASK_FIELDS);
    expect(tasks.length).toBe(world.asana.tasks.filter((t) => t.projects.some((p) => p.gid === gid)).length);
    const task = await client.getTask(tasks[0]!.gid, TASK_FIELDS);
    expect(task).toEqual(tasks[0]);
  });

  it('pages with a smaller limit and gets each project once', async () => {
    const rows = await client.getAll('/projects', { workspace: world.asana.workspace.gid, opt_fields: 'name' }, compactSchema, undefined, 'projects', 7);
    expect(rows).toHaveLength(world.asana.projects.length);
    expect(new Set(rows.map((r) => r.gid)).size).toBe(rows.length);
    expect(countRequests()['projects.list']).toBe(Math.ceil(world.asana.projects.length / 7));
  });

  it.each(['1 OR 1=1', '../workspaces', '12&opt_fields=notes', '', '١٢٣'])('refuses %j as a gid before any request', async (gid) => {
    await expect(client.getProject(gid, ['name'])).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(client.listProjectTasks(gid, ['name'])).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(state.totalRequests('asana')).toBe(0);
  });

  it('refuses more than ten actions in one batch, and splits larger sets', async () => {
    const reads = world.asana.projects.slice(0, 23).map((p) => ({ path: `/projects/${p.gid}`, fields: ['name'] }));
    await expect(client.batch(reads)).rejects.toThrow(/at most 10/);
    const answers = await client.batchAll(reads);
    expect(answers.map((r) => (r.body as { data: { gid: string } }).data.gid)).toEqual(reads.map((a) => a.path.split('/')[2]));
    expect(answers.every((a) => a.status === 200 && a.headers instanceof Headers)).toBe(true);
    expect(countRequests()).toEqual({ batch: 3 });
  });

  it.each(['/projects/1?opt_fields=notes', '/projects/../batch', 'projects/1', '/projects/1/tasks/x/y'])('refuses %j as a batch path', async (path) => {
    await expect(client.batch([{ path, fields: ['name'] }])).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(state.totalRequests('asana')).toBe(0);
  });
});

describe('faults through client and kit', () => {
  const id = accountIds[1]!;

  it.each([
    [{ status: 500 as const }, 'UNAVAILABLE'],
    [{ status: 503 as const }, 'UNAVAILABLE'],
    [{ malformed: true }, 'INVALID_RESPONSE'],
    [{ drift: true }, 'INVALID_RESPONSE'],
    [{ reset: true }, 'UNAVAILABLE'],
  ])('%j → %s', async (fault, code) => {
    state.setFault('asana', fault);
    const e = await loadOne(id);
    expect(e).toBeInstanceOf(SourceError);
    expect(e).toMatchObject({ source: 'asana', code });
  });

  it('names the drifted field', async () => {
    state.setFault('asana', { drift: true });
    const e = (await loadOne(id)) as SourceError;
    expect(e.message).toMatch(/gid/);
  });

  it('keeps the phrase of a server error', async () => {
    state.setFault('asana', { status: 500 });
    const e = (await loadOne(id)) as SourceError;
    expect(e.status).toBe(500);
    expect(e.vendorCode).toMatch(/^\d+ \w+ \w+ \w+ \w+$/);
  });

  it('rate limit → RATE_LIMITED with the Retry-After seconds', async () => {
    state.setFault('asana', { rateLimit: true, retryAfterSeconds: 42 });
    expect(await loadOne(id)).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 42, retryable: true });
  });

  it('expired token → UNAUTHENTICATED, without retrying (a PAT cannot be refreshed)', async () => {
    state.setFault('asana', { expiredToken: true });
    expect(await loadOne(id)).toMatchObject({ code: 'UNAUTHENTICATED', retryable: false });
    expect(state.totalRequests('asana')).toBe(1);
  });

  it('a fault on the batch endpoint only fails after the index', async () => {
    state.setFault('asana', { status: 503, endpoint: 'batch' });
    expect(await loadOne(id)).toMatchObject({ code: 'UNAVAILABLE', status: 503 });
    expect(countRequests()).toEqual({ 'projects.list': indexPages, batch: 1 });
  });

  it('latency under the timeout is only slower; a hang is a TIMEOUT', async () => {
    state.setFault('asana', { latencyMs: 60 });
    const slow = await loadOne(id, h.kit({ timeoutMs: 2000 }));
    expect((slow as ProjectsCustomer).projects.length).toBe(linked.get(id)!.length);
    state.setFault('asana', { latencyMs: 0, hang: true });
    const started = Date.now();
    expect(await loadOne(id, h.kit({ timeoutMs: 300 }))).toMatchObject({ code: 'TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('serves the last good value, marked stale, when Asana fails', async () => {
    const expire = { ttlMs: 1, swrMs: 0, maxStaleMs: 60_000 };
    const kit = h.kit({ cachePolicies: { projects: expire, 'project-index': expire } });
    const good = await h.loaders(client, kit).forAccount.load(id);
    await pause(5);
    state.setFault('asana', { status: 500 });
    const stale = await h.loaders(client, kit).forAccount.load(id);
    expect(stale.value).toEqual(good.value);
    expect(stale.freshness).toMatchObject({ fromCache: true, stale: true, error: expect.objectContaining({ code: 'UNAVAILABLE' }) });
  });
});

describe('how often the project index is read whole', () => {
  const MIN = 60_000;
  const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: String(i) }));
  it('every 30 min up to 18 pages, then at most 36 pages an idle hour, never more than 5 h apart', () => {
    expect(projectIndexTtlMs(rows(1_000))).toBe(30 * MIN);
    expect(projectIndexTtlMs(rows(1_800))).toBe(30 * MIN);
    expect(projectIndexTtlMs(rows(3_600))).toBe(60 * MIN);
    // 14,500 projects, 145 pages: every 4 h, 36 requests an hour
    expect(projectIndexTtlMs(rows(14_500))).toBeCloseTo((145 / 36) * 60 * MIN, -3);
    expect(projectIndexTtlMs(rows(100_000))).toBe(300 * MIN);
    expect(asanaSource.cachePolicies['project-index']!.ttlFor).toBe(projectIndexTtlMs);
    // a stale index is still served while it is re-read, and on failure for as long as it may be
    expect(asanaSource.cachePolicies['project-index']!.maxStaleMs).toBeGreaterThan(300 * MIN + asanaSource.cachePolicies['project-index']!.swrMs);
  });
});

describe('budget points for project reads', () => {
  it('take one point for every POST /batch sent, however many one read of a list needs', async () => {
    const budget = new SourceBudget('asana', 1_000, h.clock);
    const kit = h.kit({ budget });
    await h.loaders(client, kit).projectIndex();
    const afterIndex = (await budget.state()).remaining;
    state.resetCounts();
    const ids = accountIds.slice(0, 30);
    await h.loaders(client, kit).forAccount.loadMany(ids);
    const batches = countRequests().batch ?? 0;
    expect(batches).toBeGreaterThan(1);
    expect(afterIndex - (await budget.state()).remaining).toBe(batches);
  });
});
