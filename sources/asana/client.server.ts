import { notConnected } from '../kit/connected-token.js';
import type { z } from 'zod';
import { SourceError } from '../kit/errors.js';
import { ResponseShapeError, fetchJson, validate } from '../kit/http.js';
import type { AsanaConfig } from './config.js';
import type { FieldMap } from '../kit/field-mapping.js';
import { asanaFieldMap, type AsanaFieldKey } from './fields.js';
import { readBatchResult, readPage, readSingle, toBatchBody, type BatchAnswer, type BatchRead } from './mapping.js';
import { mergedSignal } from '../kit/request-meter.js';
import {
  workspaceMembershipSchema,
  batchResponseSchema,
  customFieldSchema,
  indexProjectSchema,
  pageSchema,
  projectSchema,
  singleSchema,
  taskSchema,
  workspaceSchema,
} from './types.js';

/** Asana's documented ceiling for POST /batch. */
export const MAX_BATCH_ACTIONS = 10;
/** Asana's largest page. */
export const MAX_PAGE_SIZE = 100;

/**
 * Wraps one page's request of a paged list: the loaders send each page through the kit, so every page has its own
 * timeout and retries and takes its own point of the budget (`signal`: the kit's, for that page).
 */
export type RunPage = <T>(page: (signal?: AbortSignal) => Promise<T>) => Promise<T>;
/** Paging stops here rather than loop forever on a server that keeps answering next_page. */
const MAX_PAGES = 500;
/** Batch requests in flight at once when more than ten actions are needed. */
const BATCH_CONCURRENCY = 3;

const GID = /^\d{1,20}$/;
const FIELD = /^[a-z_]+(?:\.[a-z_]+)*$/;

/** Rejects anything but a numeric gid before it becomes part of a URL path or query. */
export function assertGid(value: string, what: string): string {
  if (!GID.test(value)) throw new SourceError('asana', 'BAD_REQUEST', `Not a valid Asana ${what} gid: ${JSON.stringify(value.slice(0, 40))}`);
  return value;
}

function optFields(fields: readonly string[]): string {
  for (const f of fields) if (!FIELD.test(f)) throw new SourceError('asana', 'BAD_REQUEST', `Not a valid Asana opt_field: ${JSON.stringify(f)}`);
  return fields.join(',');
}

type Params = Record<string, string | number | boolean | undefined>;

/**
 * A thin typed client over Node's fetch: every answer is validated by a zod schema of the Asana payload, errors
 * keep Asana's status and body (HttpError) for mapAsanaError. Read-only: it only sends GET and POST /batch (whose
 * actions are GETs).
 */
export class AsanaClient {
  readonly config: AsanaConfig;
  /** Whether the workspace has the account field, as text (see `checkAsanaFields`); shared by every request. */
  readonly fields: FieldMap<AsanaFieldKey>;

  readonly #token: () => string | null;

  /** `token` is asked at each call: the environment's, else the connection made on /admin/connections. */
  constructor(config: AsanaConfig, token: () => string | null = () => config.accessToken) {
    this.config = config;
    this.#token = token;
    this.fields = asanaFieldMap(config);
  }

  #url(path: string, params: Params = {}): string {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) query.set(k, String(v));
    const qs = query.toString();
    return `${this.config.baseUrl}${path}${qs ? `?${qs}` : ''}`;
  }

  #headers(): Record<string, string> {
    const token = this.#token();
    if (!token) throw notConnected('asana');
    return { authorization: `Bearer ${token}` };
  }

  async get<S extends z.ZodTypeAny>(path: string, params: Params, schema: S, signal: AbortSignal | undefined, what: string): Promise<z.infer<S>> {
    return fetchJson(this.#url(path, params), schema, { headers: this.#headers(), signal, what });
  }

  /**
   * Every item of a paginated list: asks for pages of `limit` and follows `next_page` until it is null. The next
   * request re-uses our own base URL with the offset token, rather than the `uri` Asana sends, so the token never
   * travels to a host the server names.
   */
  async getAll<S extends z.ZodTypeAny>(
    path: string,
    params: Params,
    item: S,
    signal: AbortSignal | undefined,
    what: string,
    limit = MAX_PAGE_SIZE,
    runPage: RunPage = (page) => page(),
  ): Promise<z.infer<S>[]> {
    const schema = pageSchema(item);
    const out: z.infer<S>[] = [];
    const seen = new Set<string>();
    let offset: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const at = offset;
      const body = await runPage((pageSignal) => this.get(path, { ...params, limit, offset: at }, schema, pageSignal && signal ? mergedSignal([pageSignal, signal]) : (pageSignal ?? signal), what));
      const { items, nextOffset: next } = readPage<z.infer<S>>(body);
      out.push(...items);
      if (!next) return out;
      if (seen.has(next)) throw new ResponseShapeError(what, ['next_page.offset repeats an offset already followed']);
      seen.add(next);
      offset = next;
    }
    throw new ResponseShapeError(what, [`more than ${MAX_PAGES} pages`]);
  }

  async getWorkspace(signal?: AbortSignal) {
    const gid = assertGid(this.config.workspaceGid, 'workspace');
    return this.get(`/workspaces/${gid}`, {}, singleSchema(workspaceSchema), signal, 'Asana workspace').then(readSingle);
  }

  /** The token user's memberships (each workspace it belongs to), for the credential scope check. */
  async listOwnWorkspaceMemberships(signal?: AbortSignal) {
    const fields = ['is_active', 'is_admin', 'is_guest', 'is_view_only', 'workspace', 'workspace.name', 'user.name'];
    return this.getAll('/users/me/workspace_memberships', { opt_fields: optFields(fields) }, workspaceMembershipSchema, signal, 'Asana workspace memberships');
  }

  async listWorkspaceCustomFields(fields: readonly string[], signal?: AbortSignal) {
    const gid = assertGid(this.config.workspaceGid, 'workspace');
    return this.getAll(`/workspaces/${gid}/custom_fields`, { opt_fields: optFields(fields) }, customFieldSchema, signal, 'Asana custom fields');
  }

  /** All projects of the workspace (archived ones too unless `archived` says otherwise), as index rows. */
  /** Every project of the workspace; `runPage` wraps each page's request (the loaders pass each through the kit). */
  async listProjects(opts: { fields: readonly string[]; archived?: boolean; runPage?: RunPage }, signal?: AbortSignal) {
    const workspace = assertGid(this.config.workspaceGid, 'workspace');
    return this.getAll('/projects', { workspace, archived: opts.archived, opt_fields: optFields(opts.fields) }, indexProjectSchema, signal, 'Asana projects', MAX_PAGE_SIZE, opts.runPage);
  }

  async getProject(gid: string, fields: readonly string[], signal?: AbortSignal) {
    return this.get(`/projects/${assertGid(gid, 'project')}`, { opt_fields: optFields(fields) }, singleSchema(projectSchema), signal, 'Asana project').then(readSingle);
  }

  async listProjectTasks(gid: string, fields: readonly string[], signal?: AbortSignal) {
    return this.getAll(`/projects/${assertGid(gid, 'project')}/tasks`, { opt_fields: optFields(fields) }, taskSchema, signal, 'Asana project tasks');
  }

  async getTask(gid: string, fields: readonly string[], signal?: AbortSignal) {
    return this.get(`/tasks/${assertGid(gid, 'task')}`, { opt_fields: optFields(fields) }, singleSchema(taskSchema), signal, 'Asana task').then(readSingle);
  }

  /** One POST /batch of at most ten GET reads; answers come back in the order of the reads. */
  async batch(reads: readonly BatchRead[], signal?: AbortSignal): Promise<BatchAnswer[]> {
    if (reads.length === 0) return [];
    if (reads.length > MAX_BATCH_ACTIONS) throw new Error(`Asana batch takes at most ${MAX_BATCH_ACTIONS} actions, got ${reads.length}`);
    for (const r of reads) {
      if (!/^(?:\/[a-z_]+\/\d{1,20})+(?:\/[a-z_]+)?$|^\/[a-z_]+$/.test(r.path)) {
        throw new SourceError('asana', 'BAD_REQUEST', `Not a valid Asana batch path: ${JSON.stringify(r.path.slice(0, 80))}`);
      }
      optFields(r.fields);
    }
    const body = await fetchJson(this.#url('/batch'), batchResponseSchema, {
      method: 'POST',
      headers: this.#headers(),
      body: toBatchBody(reads),
      signal,
      what: 'Asana batch',
    });
    const answers = readSingle(body).map(readBatchResult);
    if (answers.length !== reads.length) throw new ResponseShapeError('Asana batch', [`${answers.length} results for ${reads.length} actions`]);
    // Each answer is validated here, at the client boundary, against the shape its read expects.
    return answers.map((a, i) => {
      const expects = reads[i]!.expects;
      return a.status === 200 && expects ? { ...a, body: validate(expects.schema, a.body, expects.what) } : a;
    });
  }

  /**
   * Any number of reads, in ceil(n / 10) batch requests (a few at a time); results keep the actions' order.
   * Each request takes its budget point as it is sent (request-meter.ts).
   */
  async batchAll(reads: readonly BatchRead[], signal?: AbortSignal): Promise<BatchAnswer[]> {
    const chunks: BatchRead[][] = [];
    for (let i = 0; i < reads.length; i += MAX_BATCH_ACTIONS) chunks.push(reads.slice(i, i + MAX_BATCH_ACTIONS));
    const results: BatchAnswer[][] = new Array(chunks.length);
    let next = 0;
    const worker = async () => {
      while (next < chunks.length) {
        const i = next++;
        results[i] = await this.batch(chunks[i]!, signal);
      }
    };
    await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY, chunks.length) }, worker));
    return results.flat();
  }
}

