import { readFileSync } from 'node:fs';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { INDEX_FIELDS, PROJECT_FIELDS, TASK_FIELDS } from './loaders.js';
import { exactLinks, sourceTestKit } from '../kit/testing.js';
import { SANDBOX_CREDENTIALS } from '../sandbox/constants.js';
import { asanaSource } from './index.js';

/**
 * Sampled sandbox answers validated against Asana's own OpenAPI spec (the component schemas and the response
 * schemas of the paths), so the sandbox cannot wander away from the real API's types without a test failing.
 * The spec is the extract in ./sandbox/reference (its header names the source, commit and date).
 */
const specPath = new URL('./sandbox/reference/asana-oas.extract.yaml', import.meta.url);

type Node = Record<string, unknown>;

/**
 * OpenAPI 3.0 `nullable` → JSON Schema `anyOf [..., null]` (Asana's spec also marks a property nullable inside
 * one member of its allOf), and local refs → refs into the spec document.
 */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const out: Node = {};
  for (const [k, v] of Object.entries(node as Node)) {
    if (k === '$ref' && typeof v === 'string') out[k] = v.replace(/^#\//, 'asana#/');
    else if (k !== 'nullable' && k !== 'example' && !k.startsWith('x-')) out[k] = toJsonSchema(v);
  }
  const allOf = (node as Node).allOf;
  const nullable = (node as Node).nullable === true || (Array.isArray(allOf) && allOf.some((m) => (m as Node | null)?.nullable === true));
  return nullable ? { anyOf: [out, { type: 'null' }] } : out;
}

describe('Asana sandbox conforms to asana_oas.yaml', () => {
  const h = sourceTestKit(asanaSource, { size: 20 });
  const API = h.api;
  const AUTH = { authorization: `Bearer ${SANDBOX_CREDENTIALS.asana.accessToken}` };
  /** GET or POST against the sandbox's Asana API with the sandbox token (or the headers given). */
  const get = (path: string, headers: Record<string, string> = AUTH) => fetch(`${API}${path}`, { headers });
  const post = (path: string, body: unknown, headers: Record<string, string> = AUTH) =>
    fetch(`${API}${path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  let spec: { components: { schemas: Node }; paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>> };

  beforeAll(() => {
    spec = parse(readFileSync(specPath, 'utf8')) as typeof spec;
    // The spec's one self-contradiction we meet: email_domains items are "format: uri" while its own example
    // (and the real API) gives bare domains such as "asana.com".
    const workspace = spec.components.schemas.WorkspaceResponse as { allOf: { properties?: { email_domains?: { items: Node } } }[] };
    for (const part of workspace.allOf) delete part.properties?.email_domains?.items.format;
    ajv.addSchema({ $id: 'asana', components: { schemas: toJsonSchema(spec.components.schemas) } });
    h.listen();
  });
  afterAll(() => h.close());

  const component = (name: string) => ajv.compile({ $ref: `asana#/components/schemas/${name}` });
  const response = (route: string, method: 'get' | 'post', status = '200') => {
    const schema = spec.paths[route]![method]!.responses[status]!.content!['application/json']!.schema;
    return ajv.compile(toJsonSchema(schema) as Node);
  };
  const check = (validate: ValidateFunction, body: unknown) => {
    const ok = validate(body);
    expect(ok ? [] : validate.errors?.map((e) => `${e.instancePath} ${e.message}`)).toEqual([]);
  };
  const data = async (p: string) => ((await (await get(p)).json()) as { data: unknown }).data;

  const project = () => h.state.world.asana.projects[0]!;
  const ws = () => h.state.world.asana.workspace.gid;

  it('a project, in full and with the fields Panorama asks for', async () => {
    check(component('ProjectResponse'), await data(`/projects/${project().gid}`));
    check(component('ProjectResponse'), await data(`/projects/${project().gid}?opt_fields=${PROJECT_FIELDS.join(',')}`));
    check(component('ProjectResponse'), await data(`/projects/${project().gid}?opt_fields=owner,team,workspace,members.name,current_status_update`));
  });

  it('the project index pages and a task list page', async () => {
    check(response('/projects', 'get'), await (await get(`/projects?workspace=${ws()}&limit=5&opt_fields=${INDEX_FIELDS.join(',')}`)).json());
    check(response('/projects/{project_gid}/tasks', 'get'), await (await get(`/projects/${project().gid}/tasks?limit=3`)).json());
    check(response('/tasks', 'get'), await (await get(`/tasks?project=${project().gid}&limit=100&opt_fields=${TASK_FIELDS.join(',')}`)).json());
  });

  it('a task, a workspace, a custom field', async () => {
    const task = h.state.world.asana.tasks[0]!;
    check(component('TaskResponse'), await data(`/tasks/${task.gid}`));
    check(component('TaskResponse'), await data(`/tasks/${task.gid}?opt_fields=memberships.section.name,assignee.name,projects.name,parent,tags`));
    check(component('WorkspaceResponse'), await data(`/workspaces/${ws()}`));
    check(response('/workspaces', 'get'), await (await get('/workspaces?limit=10')).json());
    check(component('CustomFieldResponse'), await data(`/custom_fields/${h.state.world.asana.accountField.gid}`));
    check(response('/workspaces/{workspace_gid}/custom_fields', 'get'), await (await get(`/workspaces/${ws()}/custom_fields`)).json());
  });

  it('a batch answer', async () => {
    const gid = [...exactLinks(h.state.world.manifest, 'asana').values()][0]![0]!;
    const res = await post('/batch', {
      data: {
        actions: [
          { method: 'get', relative_path: `/projects/${gid}`, options: { fields: [...PROJECT_FIELDS] } },
          { method: 'get', relative_path: `/projects/${gid}/tasks`, options: { limit: 100, fields: [...TASK_FIELDS] } },
          { method: 'get', relative_path: '/projects/42' },
        ],
      },
    });
    const body = (await res.json()) as { data: { body: unknown }[] };
    check(response('/batch', 'post'), body);
    check(component('ProjectResponse'), (body.data[0]!.body as { data: unknown }).data);
    check(component('ErrorResponse'), body.data[2]!.body);
  });

  it('error bodies: 400, 401, 404, 429, 500', async () => {
    const errorResponse = component('ErrorResponse');
    check(errorResponse, await (await get('/projects?opt_fields=nope')).json());
    check(errorResponse, await (await get('/workspaces', {})).json());
    check(errorResponse, await (await get('/tasks/42')).json());
    h.state.setFault('asana', { rateLimit: true });
    check(errorResponse, await (await get('/workspaces')).json());
    h.state.setFault('asana', { rateLimit: false, status: 500 });
    check(errorResponse, await (await get('/workspaces')).json());
    h.state.clearFaults();
  });

  it('is able to fail: a project with a wrongly typed field is refused', () => {
    const validate = component('ProjectResponse');
    expect(validate({ gid: '1', archived: 'no' })).toBe(false);
    expect(validate({ gid: '1', due_on: null, color: 'not-a-colour' })).toBe(false);
  });
});
