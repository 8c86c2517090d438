import type { ZodTypeAny } from 'zod';
import type { Milestone, Person, Project, ProjectStatus, ProjectSummary } from '../kit/domain.js';
import type { AsanaBatchAction, AsanaBatchResult, AsanaCustomFieldValue, AsanaIndexProject, AsanaPage, AsanaProject, AsanaTask } from './types.js';

/** Which project custom field holds the CRM Account Id: by gid when configured, else by (case-insensitive) name. */
export type AccountFieldRule = { name: string; gid: string | null };

/** A row of the project index: just enough to link a project to a customer and to guess links by name. */
export type { ProjectIndexRow } from '../kit/domain.js';
import type { ProjectIndexRow } from '../kit/domain.js';

const SALESFORCE_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

export function isSalesforceId(value: string): boolean {
  return SALESFORCE_ID.test(value);
}

/**
 * Salesforce ids come in a case-sensitive 15-character form and an 18-character form with a checksum suffix;
 * people paste either into the Asana field, so both forms of one id match.
 */
export function sameCrmAccountId(a: string, b: string): boolean {
  if (a.length === b.length) return a === b;
  return a.length >= 15 && b.length >= 15 && a.slice(0, 15) === b.slice(0, 15);
}

export function accountIdFromCustomFields(fields: readonly AsanaCustomFieldValue[] | undefined, rule: AccountFieldRule | null): string | null {
  // No rule: the workspace has no such field (or not as text), so no project is linked by it.
  if (!rule) return null;
  const wanted = rule.name.trim().toLowerCase();
  const field = fields?.find((f) => (rule.gid ? f.gid === rule.gid : f.name?.trim().toLowerCase() === wanted));
  const value = field?.text_value?.trim();
  // Anything that is not a Salesforce id (a note, a URL, an account name) is no exact link.
  return value && isSalesforceId(value) ? value : null;
}

export function toIndexRow(p: AsanaIndexProject, rule: AccountFieldRule | null): ProjectIndexRow {
  return {
    id: p.gid,
    name: p.name,
    crmAccountId: accountIdFromCustomFields(p.custom_fields, rule),
    archived: p.archived,
    createdAt: p.created_at,
    status: statusOf(p).status,
    statusText: statusOf(p).title,
    dueOn: p.due_on,
  };
}

/** Worst first: what a list row shows when a customer has several projects. */
export const STATUS_SEVERITY: readonly ProjectStatus[] = ['OFF_TRACK', 'AT_RISK', 'ON_HOLD', 'UNKNOWN', 'ON_TRACK', 'COMPLETE'];

/** A customer's projects in a few figures, from index rows (see ProjectSummary). */
export function summarizeProjects(rows: readonly ProjectIndexRow[]): ProjectSummary {
  const counts = new Map<ProjectStatus, number>();
  let nextDueOn: string | null = null;
  let worst: ProjectStatus | null = null;
  let active = 0;
  for (const r of rows) {
    counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
    if (r.archived || r.status === 'COMPLETE') continue;
    active++;
    if (worst === null || STATUS_SEVERITY.indexOf(r.status) < STATUS_SEVERITY.indexOf(worst)) worst = r.status;
    if (r.dueOn && (nextDueOn === null || r.dueOn < nextDueOn)) nextDueOn = r.dueOn;
  }
  if (worst === null && rows.some((r) => r.status === 'COMPLETE')) worst = 'COMPLETE';
  return {
    total: rows.length,
    active,
    byStatus: STATUS_SEVERITY.filter((s) => counts.has(s)).map((status) => ({ status, count: counts.get(status)! })),
    worstStatus: worst,
    nextDueOn,
    projectIds: rows.map((r) => r.id),
  };
}

const STATUS_BY_COLOR: Record<string, ProjectStatus> = {
  green: 'ON_TRACK',
  yellow: 'AT_RISK',
  red: 'OFF_TRACK',
  blue: 'ON_HOLD',
  complete: 'COMPLETE',
};

const STATUS_BY_TYPE: Record<string, ProjectStatus> = {
  on_track: 'ON_TRACK',
  at_risk: 'AT_RISK',
  off_track: 'OFF_TRACK',
  on_hold: 'ON_HOLD',
  complete: 'COMPLETE',
};

/**
 * The project's status and its words: from the latest status update's `status_type` (Asana's current field);
 * a project without one falls back to the deprecated `current_status` colour. A dropped project has no status
 * Panorama names (UNKNOWN, with the update's title as its text).
 */
export function statusOf(p: Pick<AsanaProject, 'current_status' | 'current_status_update' | 'completed'>): { status: ProjectStatus; title: string | null; text: string | null } {
  const u = p.current_status_update;
  if (u?.status_type) {
    const status = STATUS_BY_TYPE[u.status_type] ?? (p.completed ? 'COMPLETE' : 'UNKNOWN');
    return { status, title: u.title?.trim() || null, text: u.text?.trim() || null };
  }
  const old = p.current_status;
  return { status: toProjectStatus(old?.color, p.completed), title: old?.title?.trim() || null, text: old?.text?.trim() || null };
}

/** The project's status from its latest status update's colour; a completed project with none is COMPLETE. */
export function toProjectStatus(color: string | null | undefined, completed: boolean): ProjectStatus {
  const mapped = color ? STATUS_BY_COLOR[color] : undefined;
  if (mapped) return mapped;
  return completed ? 'COMPLETE' : 'UNKNOWN';
}

function toPerson(owner: AsanaProject['owner']): Person | null {
  if (!owner) return null;
  return { id: owner.gid, name: owner.name ?? '', email: owner.email ?? null };
}

export function toMilestone(t: AsanaTask, projectId: string): Milestone {
  return { id: t.gid, projectId, name: t.name, dueOn: t.due_on, completed: t.completed, completedAt: t.completed_at };
}

/** `today` is YYYY-MM-DD; a task is overdue when it is open and was due before today. */
export function toProject(
  p: AsanaProject,
  tasks: readonly AsanaTask[],
  opts: { rule: AccountFieldRule | null; today: string; crmAccountId?: string | null },
): Project {
  const work = tasks.filter((t) => t.resource_subtype === 'default_task');
  const status = statusOf(p);
  return {
    id: p.gid,
    name: p.name,
    owner: toPerson(p.owner),
    status: status.status,
    statusText: status.text || status.title,
    dueOn: p.due_on,
    startOn: p.start_on,
    createdAt: p.created_at,
    archived: p.archived,
    crmAccountId: p.custom_fields ? accountIdFromCustomFields(p.custom_fields, opts.rule) : (opts.crmAccountId ?? null),
    taskCount: work.length,
    completedTaskCount: work.filter((t) => t.completed).length,
    overdueTaskCount: work.filter((t) => !t.completed && t.due_on !== null && t.due_on < opts.today).length,
    milestones: tasks.filter((t) => t.resource_subtype === 'milestone').map((t) => toMilestone(t, p.gid)),
  };
}

// ---- Asana's envelopes: pages and batch actions ------------------------------------------------

/** The record inside a single-record answer. */
export function readSingle<T>(body: { data: T }): T {
  return body.data;
}

/** A page of a list answer: its items, and the offset token of the next page (null on the last). */
export function readPage<T>(body: AsanaPage<T>): { items: T[]; nextOffset: string | null } {
  return { items: body.data, nextOffset: body.next_page?.offset ?? null };
}

/** A read Panorama sends through POST /batch: a GET of `path` with paging and fields as options. */
export type BatchRead = {
  path: string;
  fields: readonly string[];
  limit?: number;
  offset?: string;
  /** The shape a 200 answer must have; the client validates it (INVALID_RESPONSE otherwise), naming it `what`. */
  expects?: { schema: ZodTypeAny; what: string };
};

export function toBatchAction(read: BatchRead): AsanaBatchAction {
  return {
    method: 'get',
    relative_path: read.path,
    options: {
      fields: [...read.fields],
      ...(read.limit !== undefined ? { limit: read.limit } : {}),
      ...(read.offset !== undefined ? { offset: read.offset } : {}),
    },
  };
}

/** The body of POST /batch: the actions inside Asana's `data` envelope. */
export function toBatchBody(reads: readonly BatchRead[]): { data: { actions: AsanaBatchAction[] } } {
  return { data: { actions: reads.map(toBatchAction) } };
}

/** One action's answer, as an HTTP answer of its own. */
export type BatchAnswer = { status: number; headers: Headers; body: unknown };

export function readBatchResult(result: AsanaBatchResult): BatchAnswer {
  const headers = new Headers(Object.entries(result.headers ?? {}).map(([k, v]): [string, string] => [k, String(v)]));
  return { status: result.status_code, headers, body: result.body };
}
