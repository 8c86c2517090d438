import DataLoader from 'dataloader';
import { todayOf } from '../kit/clock.js';
import type { LoaderContext, LoaderOptions, ProjectsLoaders } from '../kit/contract.js';
import type { Fetched, Project, ProjectSummary, ProjectsCustomer } from '../kit/domain.js';
import { SourceError } from '../kit/errors.js';
import { HttpError } from '../kit/http.js';
import type { SourceKit } from '../kit/source-kit.js';
import { MAX_PAGE_SIZE, type AsanaClient } from './client.server.js';
import { accountFieldRule } from './fields.js';
import {
  isSalesforceId,
  readPage,
  readSingle,
  sameCrmAccountId,
  summarizeProjects,
  toIndexRow,
  toProject,
  type BatchRead,
  type ProjectIndexRow,
} from './mapping.js';
import { pageSchema, projectSchema, singleSchema, taskSchema, type AsanaPage, type AsanaProject, type AsanaTask } from './types.js';
import { mergedSignal } from '../kit/request-meter.js';

/**
 * What the project index asks for: enough to link a project to an account and to match it by name, and the few
 * fields a list row's summary shows (status colour and title, due date, completed), so lists cost no request.
 */
export const INDEX_FIELDS = [
  'name',
  'archived',
  'completed',
  'created_at',
  'due_on',
  'current_status_update.status_type',
  'current_status_update.title',
  'current_status.color',
  'current_status.title',
  'custom_fields.gid',
  'custom_fields.name',
  'custom_fields.text_value',
] as const;
export const PROJECT_FIELDS = [
  'name',
  'owner.name',
  'owner.email',
  'current_status_update.status_type',
  'current_status_update.title',
  'current_status_update.text',
  'current_status.color',
  'current_status.text',
  'current_status.title',
  'due_on',
  'start_on',
  'created_at',
  'archived',
  'completed',
  'permalink_url',
  'custom_fields.gid',
  'custom_fields.name',
  'custom_fields.text_value',
] as const;
export const TASK_FIELDS = ['name', 'resource_subtype', 'completed', 'completed_at', 'due_on'] as const;

export type AsanaLoaders = ProjectsLoaders & {
  /** Every project of the workspace with the account id its field holds (or null), for link heuristics. */
  projectIndex: () => Promise<Fetched<ProjectIndexRow[]>>;
};

/** Details and tasks of each project through POST /batch; a project deleted since the index was built is left out. */
async function loadProjects(
  client: AsanaClient,
  gids: readonly string[],
  signal: AbortSignal,
): Promise<Map<string, { project: AsanaProject; tasks: AsanaTask[] }>> {
  // the call's own point covers its first request; each further batch request takes one of its own (request-meter.ts)
  type Read = BatchRead & { gid: string; kind: 'project' | 'tasks' };
  const detailsRead = (gid: string): Read => ({ gid, kind: 'project', path: `/projects/${gid}`, fields: PROJECT_FIELDS, expects: { schema: singleSchema(projectSchema), what: 'Asana batch: project' } });
  const tasksRead = (gid: string, offset?: string): Read => ({
    gid,
    kind: 'tasks',
    path: `/projects/${gid}/tasks`,
    fields: TASK_FIELDS,
    limit: MAX_PAGE_SIZE,
    expects: { schema: pageSchema(taskSchema), what: 'Asana batch: project tasks' },
    ...(offset ? { offset } : {}),
  });
  const projects = new Map<string, AsanaProject>();
  const tasks = new Map<string, AsanaTask[]>();
  const gone = new Set<string>();
  let pending: Read[] = gids.flatMap((gid) => [detailsRead(gid), tasksRead(gid)]);
  while (pending.length) {
    const reads = pending;
    pending = [];
    const answers = await client.batchAll(reads, signal);
    reads.forEach((read, i) => {
      const answer = answers[i]!;
      if (answer.status === 404) {
        gone.add(read.gid);
        return;
      }
      if (answer.status !== 200) throw new HttpError(answer.status, answer.headers, answer.body, `${client.config.baseUrl}${read.path}`);
      if (read.kind === 'project') {
        // validated by the client against `expects`
        projects.set(read.gid, readSingle(answer.body as { data: AsanaProject }));
        return;
      }
      const page = readPage(answer.body as AsanaPage<AsanaTask>);
      tasks.set(read.gid, [...(tasks.get(read.gid) ?? []), ...page.items]);
      if (page.nextOffset) pending.push(tasksRead(read.gid, page.nextOffset));
    });
  }
  const out = new Map<string, { project: AsanaProject; tasks: AsanaTask[] }>();
  for (const [gid, project] of projects) if (!gone.has(gid)) out.set(gid, { project, tasks: tasks.get(gid) ?? [] });
  return out;
}

/**
 * Asana has no lookup of projects by custom-field value, so Panorama keeps an index of the workspace's
 * projects (paged, 100 a page, cached as `asana:project-index:<workspace>` for longer than the details). A batch
 * of account ids then costs: the index pages when the index is cold, plus ceil(2 × projects / 10) POST /batch
 * requests (each project needs its details and its task list, ten actions per batch); task lists longer than
 * a page add follow-up actions.
 */
export function createLoaders({ client, kit, ...opts }: LoaderContext<AsanaClient>): AsanaLoaders {
  const { workspaceGid } = client.config;
  // Null when the workspace has no account field as text: no exact links, and the section says how it links.
  const rule = accountFieldRule(client);
  const unmapped = rule ? {} : { unmapped: ['ACCOUNT_ID' as const] };
  const today = opts.today ?? (() => todayOf(kit.clock));

  // Read once per request, so a forced refresh re-reads the index once however many customers the page shows.
  let index: Promise<Fetched<ProjectIndexRow[]>> | null = null;
  const projectIndex = () =>
    (index ??= kit.read(
      'project-index',
      workspaceGid,
      async (cacheSignal) => {
        // each page a call of its own: at 10,000 projects a read is 100 pages, each with its timeout and budget point
        const rows = await client.listProjects({ fields: INDEX_FIELDS, runPage: (page) => kit.upstream('project-index', page) }, cacheSignal);
        return rows.map((r) => toIndexRow(r, rule));
      },
      { forceRefresh: opts.forceRefresh },
    ));
  // A failed read must not stick for the rest of the request.
  const readIndex = () => projectIndex().catch((e: unknown) => {
    index = null;
    throw e;
  });

  /**
   * Project reads of this request, batched per turn of the event loop: the linked projects of a page or list and
   * the probable ones started beside them share their POST /batch requests.
   */
  const callers = new Set<AbortSignal>();
  const projectReads = new DataLoader<string, { project: AsanaProject; tasks: AsanaTask[] } | null>(
    async (gids) => {
      // the callers' reads merged: counted on the first caller's call (request-meter.ts)
      const signal = mergedSignal(callers);
      callers.clear();
      const loaded = await loadProjects(client, [...new Set(gids)], signal);
      return gids.map((gid) => loaded.get(gid) ?? null);
    },
    { cache: false, batchScheduleFn: (dispatch) => setImmediate(dispatch) },
  );
  async function readProjects(gids: readonly string[], signal: AbortSignal): Promise<Map<string, { project: AsanaProject; tasks: AsanaTask[] }>> {
    if (gids.length === 0) return new Map();
    callers.add(signal);
    const found = await projectReads.loadMany(gids);
    const out = new Map<string, { project: AsanaProject; tasks: AsanaTask[] }>();
    gids.forEach((gid, i) => {
      const r = found[i];
      if (r instanceof Error) throw r;
      if (r) out.set(gid, r);
    });
    return out;
  }

  const byAccount = kit.loader<ProjectsCustomer>(
    'projects',
    async (accountIds, signal) => {
      const rows = (await readIndex()).value;
      const linked = new Map(accountIds.map((id) => [id, rows.filter((r) => r.crmAccountId !== null && sameCrmAccountId(r.crmAccountId, id))]));
      const gids = [...new Set([...linked.values()].flat().map((r) => r.id))];
      const loaded = await readProjects(gids, signal); // no projects, no batch request
      const day = today();
      return new Map(
        accountIds.map((id): [string, ProjectsCustomer] => [
          id,
          {
            projects: (linked.get(id) ?? []).flatMap((row): Project[] => {
              const found = loaded.get(row.id);
              return found ? [toProject(found.project, found.tasks, { rule, today: day, crmAccountId: row.crmAccountId })] : [];
            }),
            ...unmapped,
          },
        ]),
      );
    },
    { forceRefresh: opts.forceRefresh, notFound: () => ({ projects: [], ...unmapped }) },
  );

  // Ids are checked before anything is asked upstream: a malformed id is a bug in the caller, not "no projects".
  const forAccount = new DataLoader<string, Fetched<ProjectsCustomer>>(
    async (ids) => {
      const valid = ids.filter(isSalesforceId);
      const loaded = await byAccount.loadMany(valid);
      const byId = new Map(valid.map((id, i) => [id, loaded[i]!]));
      return ids.map((id) => byId.get(id) ?? new SourceError('asana', 'BAD_REQUEST', `Not a Salesforce Account Id: ${JSON.stringify(id.slice(0, 40))}`));
    },
    { cache: false },
  );

  // Projects by gid: the probable links found by name in the index, loaded like the linked ones.
  const projects = kit.loader<Project>(
    'project',
    async (gids, signal) => {
      const valid = gids.filter((g) => /^\d{1,30}$/.test(g));
      const loaded = await readProjects(valid, signal);
      const rows = new Map((await readIndex()).value.map((r) => [r.id, r]));
      const day = today();
      return new Map(
        [...loaded].map(([gid, found]): [string, Project] => [
          gid,
          toProject(found.project, found.tasks, { rule, today: day, crmAccountId: rows.get(gid)?.crmAccountId ?? null }),
        ]),
      );
    },
    { forceRefresh: opts.forceRefresh },
  );

  // A list row's summary: the index alone, so no request at all while the index is cached.
  const summaryForAccount = new DataLoader<string, Fetched<ProjectSummary | null>>(
    async (ids) => {
      let index: Fetched<ProjectIndexRow[]>;
      try {
        index = await readIndex();
      } catch (e) {
        const err = kit.toSourceError(e);
        return ids.map(() => err);
      }
      const byAccount = linkedRows(index.value);
      return ids.map((id) => {
        if (!isSalesforceId(id)) return new SourceError('asana', 'BAD_REQUEST', `Not a Salesforce Account Id: ${JSON.stringify(id.slice(0, 40))}`);
        const rows = byAccount.get(id.slice(0, 15)) ?? [];
        return { value: rows.length ? summarizeProjects(rows) : null, freshness: index.freshness };
      });
    },
    { cache: true },
  );

  return { forAccount, projectIndex: readIndex, projects, summaryForAccount };
}

/** Index rows by the first 15 characters of their account id (both forms of a Salesforce id match), built once per index. */
const rowsByIndex = new WeakMap<readonly ProjectIndexRow[], Map<string, ProjectIndexRow[]>>();
function linkedRows(index: readonly ProjectIndexRow[]): Map<string, ProjectIndexRow[]> {
  let m = rowsByIndex.get(index);
  if (!m) {
    m = new Map();
    for (const r of index) {
      if (!r.crmAccountId) continue;
      const key = r.crmAccountId.slice(0, 15);
      m.set(key, [...(m.get(key) ?? []), r]);
    }
    rowsByIndex.set(index, m);
  }
  return m;
}
