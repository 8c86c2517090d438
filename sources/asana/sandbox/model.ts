import type { World } from '../../sandbox/world.js';
import type { AsanaCompact, AsanaProject, AsanaTask } from './records.js';

/**
 * Asana's resource model as the sandbox serves it: which fields each resource type has, which of them are other
 * resources (so `opt_fields` may reach into them with dotted paths), and the compact and full representations.
 */
export type ResourceType =
  | 'workspace'
  | 'user'
  | 'team'
  | 'custom_field'
  | 'enum_option'
  | 'date_value'
  | 'project'
  | 'project_status'
  | 'status_update'
  | 'task'
  | 'section'
  | 'tag'
  | 'membership';

type Kind = 'value' | { ref: ResourceType };
const V = 'value' as const;
const ref = (type: ResourceType): Kind => ({ ref: type });

export const FIELDS: Record<ResourceType, Record<string, Kind>> = {
  workspace: { name: V, email_domains: V, is_organization: V },
  user: { name: V, email: V, photo: V, workspaces: ref('workspace') },
  team: { name: V, description: V, html_description: V, permalink_url: V, organization: ref('workspace') },
  enum_option: { name: V, color: V, enabled: V },
  date_value: { date: V, date_time: V },
  custom_field: {
    name: V,
    type: V,
    resource_subtype: V,
    description: V,
    enabled: V,
    is_global_to_workspace: V,
    has_notifications_enabled: V,
    is_formula_field: V,
    is_value_read_only: V,
    precision: V,
    format: V,
    currency_code: V,
    custom_label: V,
    custom_label_position: V,
    privacy_setting: V,
    default_access_level: V,
    representation_type: V,
    id_prefix: V,
    input_restrictions: V,
    asana_created_field: V,
    created_by: ref('user'),
    enum_options: ref('enum_option'),
    enum_value: ref('enum_option'),
    multi_enum_values: ref('enum_option'),
    people_value: ref('user'),
    date_value: ref('date_value'),
    text_value: V,
    html_text_value: V,
    number_value: V,
    display_value: V,
  },
  project_status: {
    title: V,
    text: V,
    html_text: V,
    color: V,
    author: ref('user'),
    created_by: ref('user'),
    created_at: V,
    modified_at: V,
  },
  status_update: { title: V, resource_subtype: V, status_type: V, text: V },
  project: {
    name: V,
    archived: V,
    color: V,
    icon: V,
    completed: V,
    completed_at: V,
    completed_by: ref('user'),
    created_at: V,
    modified_at: V,
    current_status: ref('project_status'),
    current_status_update: ref('status_update'),
    custom_fields: ref('custom_field'),
    default_view: V,
    default_access_level: V,
    due_date: V,
    due_on: V,
    start_on: V,
    followers: ref('user'),
    members: ref('user'),
    notes: V,
    html_notes: V,
    owner: ref('user'),
    permalink_url: V,
    privacy_setting: V,
    public: V,
    team: ref('team'),
    workspace: ref('workspace'),
  },
  task: {
    name: V,
    resource_subtype: V,
    approval_status: V,
    assignee: ref('user'),
    assignee_status: V,
    completed: V,
    completed_at: V,
    completed_by: ref('user'),
    created_at: V,
    created_by: ref('user'),
    custom_fields: ref('custom_field'),
    due_at: V,
    due_on: V,
    followers: ref('user'),
    hearted: V,
    liked: V,
    num_hearts: V,
    num_likes: V,
    num_subtasks: V,
    html_notes: V,
    notes: V,
    is_rendered_as_separator: V,
    memberships: ref('membership'),
    modified_at: V,
    parent: ref('task'),
    permalink_url: V,
    projects: ref('project'),
    start_at: V,
    start_on: V,
    tags: ref('tag'),
    workspace: ref('workspace'),
  },
  section: { name: V, created_at: V, project: ref('project') },
  tag: { name: V, color: V },
  membership: { project: ref('project'), section: ref('section') },
};

/** What a resource looks like when it is only mentioned (compact representation), beyond gid and resource_type. */
const COMPACT: Record<ResourceType, string[]> = {
  workspace: ['name'],
  user: ['name'],
  team: ['name'],
  enum_option: ['name', 'color', 'enabled'],
  date_value: ['date', 'date_time'],
  custom_field: ['name', 'resource_subtype', 'type', 'enabled', 'text_value', 'display_value'],
  project_status: ['title'],
  status_update: ['title', 'resource_subtype'],
  project: ['name'],
  task: ['name', 'resource_subtype'],
  section: ['name'],
  tag: ['name'],
  membership: ['project', 'section'],
};

/** Fields of a list endpoint's `next_page` that Asana accepts in opt_fields. */
export const PAGE_FIELDS = ['offset', 'path', 'uri'];

// ---- looking records up --------------------------------------------------------------------------

type Indexes = {
  projects: Map<string, AsanaProject>;
  tasks: Map<string, AsanaTask>;
  tasksByProject: Map<string, AsanaTask[]>;
  users: Map<string, World['asana']['users'][number]>;
};
const indexes = new WeakMap<World, Indexes>();

/** Lookup tables per world (a regenerated world gets its own). */
export function indexOf(world: World): Indexes {
  let idx = indexes.get(world);
  if (!idx) {
    const tasksByProject = new Map<string, AsanaTask[]>();
    for (const t of world.asana.tasks) {
      for (const p of t.projects) tasksByProject.set(p.gid, [...(tasksByProject.get(p.gid) ?? []), t]);
    }
    idx = {
      projects: new Map(world.asana.projects.map((p) => [p.gid, p])),
      tasks: new Map(world.asana.tasks.map((t) => [t.gid, t])),
      tasksByProject,
      users: new Map(world.asana.users.map((u) => [u.gid, u])),
    };
    indexes.set(world, idx);
  }
  return idx;
}

type Rec = Record<string, unknown>;

const html = (text: string) => `<body>${text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</body>`;

function projectRecord(world: World, p: AsanaProject): Rec {
  const owner = p.owner ? [p.owner] : [];
  return {
    ...p,
    icon: 'list',
    completed_by: null,
    default_view: 'list',
    default_access_level: 'editor',
    due_date: p.due_on,
    followers: owner,
    members: owner,
    html_notes: html(p.notes),
    privacy_setting: p.public ? 'public_to_workspace' : 'private',
    current_status: p.current_status
      ? { ...p.current_status, html_text: html(p.current_status.text), author: p.owner, created_by: p.owner, modified_at: p.current_status.created_at }
      : null,
    workspace: p.workspace ?? compactWorkspace(world),
  };
}

function taskRecord(t: AsanaTask): Rec {
  return {
    ...t,
    assignee_status: 'upcoming',
    completed_by: t.completed ? t.assignee : null,
    created_by: t.assignee ? { gid: t.assignee.gid, resource_type: 'user' } : null,
    custom_fields: [],
    due_at: null,
    start_at: null,
    start_on: null,
    followers: t.assignee ? [t.assignee] : [],
    hearted: false,
    liked: false,
    num_hearts: 0,
    num_likes: 0,
    num_subtasks: 0,
    html_notes: html(t.notes),
    is_rendered_as_separator: false,
    parent: null,
    tags: [],
  };
}

function compactWorkspace(world: World): AsanaCompact {
  const w = world.asana.workspace;
  return { gid: w.gid, resource_type: 'workspace', name: w.name };
}

/** The full record behind a reference; a reference's own fields (e.g. a custom field's value) win. */
function expand(world: World, type: ResourceType, value: Rec): Rec {
  const gid = typeof value.gid === 'string' ? value.gid : null;
  let full: Rec | undefined;
  if (gid) {
    const idx = indexOf(world);
    switch (type) {
      case 'project': {
        const p = idx.projects.get(gid);
        full = p && projectRecord(world, p);
        break;
      }
      case 'task': {
        const t = idx.tasks.get(gid);
        full = t && taskRecord(t);
        break;
      }
      case 'user': {
        const u = idx.users.get(gid);
        full = u && { ...u, photo: null, workspaces: [compactWorkspace(world)] };
        break;
      }
      case 'workspace':
        full = gid === world.asana.workspace.gid ? { ...world.asana.workspace } : undefined;
        break;
      case 'team':
        full =
          gid === world.asana.team.gid
            ? { ...world.asana.team, description: '', html_description: '<body></body>', permalink_url: `https://app.asana.com/0/team/${gid}`, organization: compactWorkspace(world) }
            : undefined;
        break;
      case 'custom_field':
        full = gid === world.asana.accountField.gid ? customFieldRecord(world) : undefined;
        break;
      default:
        full = undefined;
    }
  }
  return full ? { ...full, ...value } : value;
}

function customFieldRecord(world: World): Rec {
  return {
    ...world.asana.accountField,
    enabled: true,
    is_global_to_workspace: true,
    has_notifications_enabled: false,
    is_formula_field: false,
    is_value_read_only: false,
    privacy_setting: 'public_with_guests',
    default_access_level: 'editor',
    representation_type: 'text',
    input_restrictions: [],
    asana_created_field: null,
    created_by: null,
  };
}

// ---- opt_fields --------------------------------------------------------------------------------

/** A parsed opt_fields list: each field maps to the sub-fields asked of it (empty = the field itself). */
export type FieldTree = Map<string, FieldTree>;

/** Parses and checks opt_fields against the resource type; an unknown path is Asana's 400. */
export function parseOptFields(raw: string | null, type: ResourceType, list: boolean): { tree: FieldTree | null } | { error: string } {
  if (raw === null) return { tree: null };
  const paths = raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const tree: FieldTree = new Map();
  for (const path of paths) {
    if (list && PAGE_FIELDS.includes(path)) continue;
    let node = tree;
    let current: ResourceType | null = type;
    for (const segment of path.split('.')) {
      if (current === null) return { error: `opt_fields: Not a recognized field: ${path}` };
      let next: ResourceType | null = null;
      if (segment !== 'gid' && segment !== 'resource_type') {
        const kind: Kind | undefined = FIELDS[current][segment];
        if (!kind) return { error: `opt_fields: Not a recognized field: ${path}` };
        next = kind === 'value' ? null : kind.ref;
      }
      let child = node.get(segment);
      if (!child) node.set(segment, (child = new Map()));
      node = child;
      current = next;
    }
  }
  return { tree };
}

const isRecord = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

function each(value: unknown, fn: (item: Rec) => unknown): unknown {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return value.map((v) => (isRecord(v) ? fn(v) : v));
  return isRecord(value) ? fn(value) : value;
}

function head(type: ResourceType, full: Rec): Rec {
  return typeof full.gid === 'string' ? { gid: full.gid, resource_type: full.resource_type ?? type } : {};
}

/** Compact representation: gid, resource_type and the few fields Asana shows of a mentioned resource. */
export function renderCompact(world: World, type: ResourceType, value: Rec): Rec {
  const full = expand(world, type, value);
  const out = head(type, full);
  for (const field of COMPACT[type]) {
    if (!(field in full)) continue;
    const kind = FIELDS[type][field];
    out[field] = kind && kind !== 'value' ? each(full[field], (v) => renderCompact(world, kind.ref, v)) : (full[field] ?? null);
  }
  return out;
}

/** Full representation (a single-record GET without opt_fields): every field, related resources compact. */
export function renderFull(world: World, type: ResourceType, value: Rec): Rec {
  const full = expand(world, type, value);
  const out = head(type, full);
  for (const [field, kind] of Object.entries(FIELDS[type])) {
    // Fields a record does not have are Asana's "conditional" ones (e.g. approval_status, precision): left out.
    if (full[field] === undefined) continue;
    out[field] = kind === 'value' ? full[field] : each(full[field], (v) => renderCompact(world, kind.ref, v));
  }
  return out;
}

/** Exactly the fields asked for, plus gid (always returned, as Asana does). */
export function renderFields(world: World, type: ResourceType, value: Rec, tree: FieldTree): Rec {
  const full = expand(world, type, value);
  const out: Rec = typeof full.gid === 'string' ? { gid: full.gid } : {};
  for (const [field, sub] of tree) {
    if (field === 'gid') continue;
    if (field === 'resource_type') {
      out.resource_type = full.resource_type ?? type;
      continue;
    }
    if (full[field] === undefined) continue;
    const kind = FIELDS[type][field];
    if (!kind || kind === 'value') {
      out[field] = full[field];
      continue;
    }
    out[field] = each(full[field], (v) => {
      if (sub.size) return renderFields(world, kind.ref, v, sub);
      // A resource asked for without sub-fields comes as its reference; gid-less objects come whole.
      return typeof v.gid === 'string' ? { gid: v.gid, resource_type: v.resource_type ?? kind.ref } : renderFull(world, kind.ref, v);
    });
  }
  return out;
}

/** Renders records for an answer: the fields asked for, else compact (lists) or full (single records). */
export function render(world: World, type: ResourceType, value: Rec, tree: FieldTree | null, fallback: 'compact' | 'full'): Rec {
  if (tree) return renderFields(world, type, value, tree);
  return fallback === 'compact' ? renderCompact(world, type, value) : renderFull(world, type, value);
}
