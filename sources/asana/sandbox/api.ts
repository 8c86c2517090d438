import type { World } from '../../sandbox/world.js';
import type { AsanaTask } from './records.js';
import { indexOf, parseOptFields, render, type ResourceType } from './model.js';
import { paginate } from './paging.js';

/**
 * The Asana endpoints the sandbox serves, as plain functions of (world, request) → answer, so the HTTP routes and
 * the actions of POST /batch share one implementation.
 */
export type ApiRequest = {
  world: World;
  /** Path relative to the API root, e.g. `/projects/123/tasks`. */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Absolute API root for `next_page.uri`, e.g. `http://sandbox/asana/api/1.0`. */
  apiBase: string;
};
export type ApiResult = { status: number; body: unknown; headers?: Record<string, string> };

export const ERROR_HELP =
  'For more information on API status codes and how to handle them, read the docs on errors: https://developers.asana.com/docs/errors';

export function asanaError(status: number, message: string, extra: Record<string, string> = {}): ApiResult {
  return { status, body: { errors: [{ message, help: ERROR_HELP, ...extra }] } };
}

const GID = /^\d{1,20}$/;
const ok = (body: unknown): ApiResult => ({ status: 200, body });

type Route = { path: string; endpoint: string; handle: (req: ApiRequest) => ApiResult };

function badGid(name: string, value: string): ApiResult | null {
  return GID.test(value) ? null : asanaError(400, `${name}: Not a recognized ID: ${value.slice(0, 60)}`);
}

const unknownObject = (name: string, gid: string) => asanaError(404, `${name}: Unknown object: ${gid}`);

function bool(name: string, raw: string | null): boolean | null | ApiResult {
  if (raw === null) return null;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  return asanaError(400, `${name}: Not a boolean: ${raw.slice(0, 40)}`);
}

function dateTime(name: string, raw: string | null): number | null | ApiResult {
  if (raw === null) return null;
  if (raw === 'now') return Date.now();
  const ms = /^\d{4}-\d{2}-\d{2}(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(raw) ? Date.parse(raw) : NaN;
  return Number.isNaN(ms) ? asanaError(400, `${name}: Not a valid date-time: ${raw.slice(0, 40)}`) : ms;
}

const isResult = (v: unknown): v is ApiResult => typeof v === 'object' && v !== null && 'status' in v && 'body' in v;

/** A list answer: opt_fields checked, then the page, rendered compact unless fields were asked for. */
function list(req: ApiRequest, type: ResourceType, items: readonly Record<string, unknown>[]): ApiResult {
  const fields = parseOptFields(req.query.get('opt_fields'), type, true);
  if ('error' in fields) return asanaError(400, fields.error);
  const page = paginate(items, req.path, req.query, req.apiBase);
  if ('error' in page) return asanaError(400, page.error);
  const data = page.items.map((item) => render(req.world, type, item, fields.tree, 'compact'));
  return ok(page.nextPage === undefined ? { data } : { data, next_page: page.nextPage });
}

function single(req: ApiRequest, type: ResourceType, item: Record<string, unknown>): ApiResult {
  const fields = parseOptFields(req.query.get('opt_fields'), type, false);
  if ('error' in fields) return asanaError(400, fields.error);
  return ok({ data: render(req.world, type, item, fields.tree, 'full') });
}

/** completed_since: only tasks still open or completed since then ("now" = open tasks only). */
function filterTasks(req: ApiRequest, tasks: readonly AsanaTask[]): AsanaTask[] | ApiResult {
  const since = dateTime('completed_since', req.query.get('completed_since'));
  if (isResult(since)) return since;
  const modified = dateTime('modified_since', req.query.get('modified_since'));
  if (isResult(modified)) return modified;
  return tasks.filter(
    (t) =>
      (since === null || !t.completed || (t.completed_at !== null && Date.parse(t.completed_at) >= since)) &&
      (modified === null || Date.parse(t.modified_at) >= modified),
  );
}

/** The user the sandbox's personal access token belongs to. */
export const SANDBOX_TOKEN_USER = { gid: '1200000000000009', name: 'Panorama integration', email: 'integration@panorama-demo.example' };

export const ROUTES: Route[] = [
  {
    // the user the token belongs to (Panorama checks a pasted personal access token with it)
    path: '/users/me',
    endpoint: 'users.me',
    handle: (req) => ({
      status: 200,
      body: { data: { ...SANDBOX_TOKEN_USER, resource_type: 'user', workspaces: [{ gid: req.world.asana.workspace.gid, resource_type: 'workspace', name: req.world.asana.workspace.name }] } },
    }),
  },
  {
    path: '/workspaces',
    endpoint: 'workspaces.list',
    handle: (req) => list(req, 'workspace', [req.world.asana.workspace]),
  },
  {
    path: '/workspaces/:workspace_gid',
    endpoint: 'workspaces.get',
    handle: (req) => {
      const gid = req.params.workspace_gid!;
      const ws = req.world.asana.workspace;
      return badGid('workspace', gid) ?? (gid === ws.gid ? single(req, 'workspace', ws) : unknownObject('workspace', gid));
    },
  },
  {
    path: '/workspaces/:workspace_gid/custom_fields',
    endpoint: 'custom_fields.list',
    handle: (req) => {
      const gid = req.params.workspace_gid!;
      const err = badGid('workspace', gid) ?? (gid === req.world.asana.workspace.gid ? null : unknownObject('workspace', gid));
      return err ?? list(req, 'custom_field', req.world.asana.accountFieldExists === false ? [] : [req.world.asana.accountField]);
    },
  },
  {
    path: '/custom_fields/:custom_field_gid',
    endpoint: 'custom_fields.get',
    handle: (req) => {
      const gid = req.params.custom_field_gid!;
      const field = req.world.asana.accountField;
      return badGid('custom_field', gid) ?? (gid === field.gid && req.world.asana.accountFieldExists !== false ? single(req, 'custom_field', field) : unknownObject('custom_field', gid));
    },
  },
  {
    path: '/projects',
    endpoint: 'projects.list',
    handle: (req) => {
      const { world, query } = req;
      const workspace = query.get('workspace');
      const team = query.get('team');
      const archived = bool('archived', query.get('archived'));
      if (isResult(archived)) return archived;
      if (workspace !== null) {
        const err = badGid('workspace', workspace) ?? (workspace === world.asana.workspace.gid ? null : unknownObject('workspace', workspace));
        if (err) return err;
      }
      if (team !== null) {
        const err = badGid('team', team) ?? (team === world.asana.team.gid ? null : unknownObject('team', team));
        if (err) return err;
      }
      const projects = world.asana.projects.filter((p) => archived === null || p.archived === archived);
      return list(req, 'project', projects);
    },
  },
  {
    path: '/projects/:project_gid',
    endpoint: 'projects.get',
    handle: (req) => {
      const gid = req.params.project_gid!;
      const project = indexOf(req.world).projects.get(gid);
      return badGid('project', gid) ?? (project ? single(req, 'project', project) : unknownObject('project', gid));
    },
  },
  {
    path: '/projects/:project_gid/tasks',
    endpoint: 'projects.tasks',
    handle: (req) => {
      const gid = req.params.project_gid!;
      const idx = indexOf(req.world);
      const err = badGid('project', gid) ?? (idx.projects.has(gid) ? null : unknownObject('project', gid));
      if (err) return err;
      const tasks = filterTasks(req, idx.tasksByProject.get(gid) ?? []);
      return isResult(tasks) ? tasks : list(req, 'task', tasks);
    },
  },
  {
    path: '/tasks',
    endpoint: 'tasks.list',
    handle: (req) => {
      const { world, query } = req;
      const idx = indexOf(world);
      const project = query.get('project');
      const section = query.get('section');
      const tag = query.get('tag');
      const assignee = query.get('assignee');
      const workspace = query.get('workspace');
      const chosen = [project, section, tag, assignee !== null || workspace !== null ? 'assignee' : null].filter((v) => v !== null);
      if (chosen.length !== 1 || (assignee === null) !== (workspace === null)) {
        return asanaError(400, 'Must specify exactly one of project, tag, section, user task list, or assignee + workspace');
      }
      let tasks: AsanaTask[];
      if (project !== null) {
        const err = badGid('project', project) ?? (idx.projects.has(project) ? null : unknownObject('project', project));
        if (err) return err;
        tasks = idx.tasksByProject.get(project) ?? [];
      } else if (section !== null) {
        const err = badGid('section', section);
        if (err) return err;
        tasks = world.asana.tasks.filter((t) => t.memberships.some((m) => m.section.gid === section));
        if (!tasks.length) return unknownObject('section', section);
      } else if (tag !== null) {
        // The sandbox's workspace has no tags.
        return badGid('tag', tag) ?? unknownObject('tag', tag);
      } else {
        const err = badGid('workspace', workspace!) ?? (workspace === world.asana.workspace.gid ? null : unknownObject('workspace', workspace!));
        if (err) return err;
        if (assignee !== 'me' && !idx.users.has(assignee!)) return badGid('assignee', assignee!) ?? unknownObject('assignee', assignee!);
        // "me" is the token's user; the sandbox's token belongs to a service user with no tasks of its own.
        tasks = assignee === 'me' ? [] : world.asana.tasks.filter((t) => t.assignee?.gid === assignee);
      }
      const filtered = filterTasks(req, tasks);
      return isResult(filtered) ? filtered : list(req, 'task', filtered);
    },
  },
  {
    path: '/tasks/:task_gid',
    endpoint: 'tasks.get',
    handle: (req) => {
      const gid = req.params.task_gid!;
      const task = indexOf(req.world).tasks.get(gid);
      return badGid('task', gid) ?? (task ? single(req, 'task', task) : unknownObject('task', gid));
    },
  },
];

const compiled = ROUTES.map((route) => {
  const names: string[] = [];
  const source = route.path.replace(/:([a-z_]+)/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { route, regex: new RegExp(`^${source}/?$`), names };
});

/** The route a relative path names, with its path parameters. */
export function matchRoute(path: string): { route: Route; params: Record<string, string> } | null {
  for (const { route, regex, names } of compiled) {
    const m = regex.exec(path);
    if (!m) continue;
    try {
      return { route, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)])) };
    } catch {
      return null; // a broken %-escape names no route
    }
  }
  return null;
}

export const NO_ROUTE = () => asanaError(404, 'No matching route for request');

// ---- POST /batch ----------------------------------------------------------------------------------

export const MAX_BATCH_ACTIONS = 10;

type BatchResult = { status_code: number; headers: Record<string, string>; body: unknown };

const asResult = (r: ApiResult): BatchResult => ({ status_code: r.status, headers: r.headers ?? {}, body: r.body });

function runAction(world: World, action: unknown, apiBase: string): BatchResult {
  if (typeof action !== 'object' || action === null || Array.isArray(action)) return asResult(asanaError(400, 'action: Not an object'));
  const a = action as Record<string, unknown>;
  if (typeof a.method !== 'string') return asResult(asanaError(400, 'method: Missing input'));
  if (typeof a.relative_path !== 'string' || !a.relative_path) return asResult(asanaError(400, 'relative_path: Missing input'));
  const method = a.method.toLowerCase();
  if (!['get', 'post', 'put', 'delete', 'patch', 'head'].includes(method)) return asResult(asanaError(400, `method: Not a valid method: ${a.method.slice(0, 20)}`));
  const path = a.relative_path;
  if (path.includes('?')) return asResult(asanaError(400, 'relative_path: Query parameters are not accepted here; put them in data instead'));
  if (/^\/batch\/?$/.test(path)) return asResult(asanaError(400, 'relative_path: Nested calls to the batch API are not allowed'));
  // The sandbox is a read-only copy of the workspace: it answers reads, and refuses writes as Asana refuses
  // what a token may not do.
  if (method !== 'get') return asResult(asanaError(403, 'Forbidden: this sandbox token may only read'));
  const query = new URLSearchParams();
  if (a.data !== undefined) {
    if (typeof a.data !== 'object' || a.data === null || Array.isArray(a.data)) return asResult(asanaError(400, 'data: Not an object'));
    for (const [k, v] of Object.entries(a.data as Record<string, unknown>)) {
      if (['limit', 'offset', 'opt_fields', 'fields', 'opt_pretty'].includes(k)) {
        return asResult(asanaError(400, `data: Options and pagination are not accepted here; put ${k} in options instead`));
      }
      query.set(k, Array.isArray(v) ? v.join(',') : String(v));
    }
  }
  if (a.options !== undefined) {
    if (typeof a.options !== 'object' || a.options === null || Array.isArray(a.options)) return asResult(asanaError(400, 'options: Not an object'));
    const o = a.options as Record<string, unknown>;
    if (o.limit !== undefined) query.set('limit', String(o.limit));
    if (o.offset !== undefined) query.set('offset', String(o.offset));
    if (o.fields !== undefined) {
      if (!Array.isArray(o.fields) || !o.fields.every((f) => typeof f === 'string')) return asResult(asanaError(400, 'options.fields: Not an array of strings'));
      query.set('opt_fields', o.fields.join(','));
    }
  }
  const match = matchRoute(path);
  if (!match) return asResult(NO_ROUTE());
  return asResult(match.route.handle({ world, path: path.replace(/\/$/, ''), params: match.params, query, apiBase }));
}

/** POST /batch: up to ten actions, each answered as its endpoint would be; the envelope is 200 unless the request itself is bad. */
export function runBatch(world: World, body: unknown, apiBase: string): ApiResult {
  if (typeof body !== 'object' || body === null || !('data' in body)) return asanaError(400, 'data: Missing input');
  const data = (body as { data: unknown }).data;
  if (typeof data !== 'object' || data === null || !('actions' in data)) return asanaError(400, 'actions: Missing input');
  const actions = (data as { actions: unknown }).actions;
  if (!Array.isArray(actions)) return asanaError(400, 'actions: Not an array');
  if (actions.length === 0) return asanaError(400, 'actions: A batch request needs at least one action');
  if (actions.length > MAX_BATCH_ACTIONS) {
    return asanaError(400, `actions: Too many actions (${actions.length}). The maximum number of actions allowed in a single batch request is ${MAX_BATCH_ACTIONS}.`);
  }
  return ok({ data: actions.map((a) => runAction(world, a, apiBase)) });
}
