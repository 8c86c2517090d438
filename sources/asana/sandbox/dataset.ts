import { ASANA_WORKSPACE_GID } from '../../sandbox/constants.js';
import { DAY, isoZ, ymd, type SandboxCore } from '../../sandbox/core.js';
import { PROJECT_KINDS, type CompletedMilestone, type CrmAccount, type Customer, type WonDeal } from '../../sandbox/customers.js';
import type { AsanaCompact, AsanaData, AsanaProject, AsanaStatus, AsanaTask } from './records.js';

/** Asana's part of the sandbox dataset: a delivery project for every won deal, with milestones and tasks. */

const MILESTONE_NAMES = ['Kick-off', 'Requirements signed off', 'Design approved', 'Build complete', 'User acceptance', 'Go-live', 'Handover'];
const TASK_NAMES = ['Send welcome pack', 'Collect credentials', 'Draft plan', 'Review with client', 'Configure workspace', 'Import data', 'Write runbook', 'Book training', 'QA pass', 'Update status report'];

export type AsanaPart = { core: SandboxCore; data: AsanaData; wsCompact: AsanaCompact; n: number };

export function createAsanaPart(core: SandboxCore): AsanaPart {
  const workspace = {
    gid: ASANA_WORKSPACE_GID,
    resource_type: 'workspace' as const,
    name: 'Panorama Demo Co',
    is_organization: true,
    email_domains: ['panorama-demo.example'],
  };
  const wsCompact: AsanaCompact = { gid: workspace.gid, resource_type: 'workspace', name: workspace.name };
  const team: AsanaCompact = { gid: '1200000000000002', resource_type: 'team', name: 'Client Delivery' };
  const users = ['Taylor Brooks', 'Jamie Rivera', 'Casey Novak', 'Robin Achterberg'].map((name, i) => ({
    gid: String(1200000000000100 + i),
    resource_type: 'user' as const,
    name,
    email: `${name.toLowerCase().replace(/ /g, '.')}@panorama-demo.example`,
  }));
  const accountField = {
    gid: '1200000000000050',
    resource_type: 'custom_field' as const,
    resource_subtype: 'text' as const,
    type: 'text' as const,
    name: 'Salesforce Account Id',
    description: 'The 18-character Id of the Salesforce Account this project delivers for.',
  };
  return { core, data: { workspace, team, users, accountField, projects: [], tasks: [] }, wsCompact, n: 0 };
}

const nextGid = (s: AsanaPart) => String(1201000000000000 + ++s.n);

/** A project for every won deal (but the one planted without); returns the milestones completed so far. */
export function addAsanaProjects(s: AsanaPart, c: Customer, crm: CrmAccount): CompletedMilestone[] {
  const { manifest } = s.core;
  const t = c.traits;
  const projects: AsanaProject[] = [];
  const completedMilestones: CompletedMilestone[] = [];
  for (const won of crm.wonDeals) {
    if (won.withoutProject) continue;
    const project = addProject(s, c, crm, won, completedMilestones);
    projects.push(project);
    if (t.asanaByName) manifest.heuristicLinks.push({ accountId: crm.accountId, system: 'asana', recordId: project.gid, rule: 'NAME' });
    else manifest.exactLinks.push({ accountId: crm.accountId, system: 'asana', recordId: project.gid });
  }
  if (t.onHoldNothingOverdue) {
    const p = projects[0];
    if (p) {
      p.completed = false;
      p.completed_at = null;
      p.current_status = statusUpdate(s, 'blue', Date.parse(p.created_at));
      p.current_status.text = 'Paused until the client settles the outstanding invoice.';
      p.current_status_update = latestUpdate(p.current_status);
      manifest.onHoldNothingOverdue.push({ accountId: crm.accountId, projectId: p.gid });
    }
  }
  s.data.projects.push(...projects);
  return completedMilestones;
}

function addProject(s: AsanaPart, c: Customer, crm: CrmAccount, won: WonDeal, completedMilestones: CompletedMilestone[]): AsanaProject {
  const { f, int, chance, timeOn, today } = s.core;
  const { users, team, accountField } = s.data;
  const closeMs = Date.parse(won.closeDate);
  const pCreated = Math.min(today - DAY, closeMs + int(1, 10) * DAY);
  const kind = f.helpers.arrayElement(PROJECT_KINDS);
  const gid = nextGid(s);
  const due = pCreated + int(60, 200) * DAY;
  const byName = c.traits.asanaByName;
  const owner = users[c.index % users.length]!;
  const project: AsanaProject = {
    gid,
    resource_type: 'project',
    name: `${c.name} — ${kind}`,
    archived: false,
    completed: false,
    completed_at: null,
    color: f.helpers.arrayElement(['dark-green', 'dark-blue', 'light-orange', 'dark-purple']),
    created_at: isoZ(timeOn(pCreated)),
    modified_at: isoZ(timeOn(Math.min(today - DAY, pCreated + 5 * DAY))),
    current_status: null,
    current_status_update: null,
    due_on: ymd(due),
    start_on: ymd(pCreated),
    notes: `Delivery for ${won.name}.`,
    owner: { gid: owner.gid, resource_type: 'user', name: owner.name },
    permalink_url: `https://app.asana.com/0/${gid}/${gid}`,
    public: true,
    workspace: s.wsCompact,
    team,
    custom_fields: [
      { ...accountField, text_value: byName ? null : crm.accountId, display_value: byName ? null : crm.accountId },
    ],
  };
  const projCompact: AsanaCompact = { gid, resource_type: 'project', name: project.name };
  // milestones spread over the project's life; those due before today are done (unless the customer cannot be billed)
  const mayComplete = c.traits.qbo !== 'none' && c.traits.qbo !== 'ambiguous';
  const allDone = addMilestones(s, projCompact, pCreated, due, mayComplete, completedMilestones);
  const projectTasks = addTasks(s, projCompact, pCreated, due, allDone);
  const color: AsanaStatus['color'] = allDone ? 'complete' : c.traits.hasOverdue && chance(0.3) ? 'blue' : f.helpers.weightedArrayElement([
    { weight: 6, value: 'green' as const },
    { weight: 2, value: 'yellow' as const },
    { weight: 1, value: 'red' as const },
  ]);
  project.current_status = statusUpdate(s, color, pCreated);
  project.current_status_update = latestUpdate(project.current_status);
  if (allDone) {
    const completedMs = timeOn(Math.min(today - DAY, due));
    project.completed = true;
    project.completed_at = isoZ(completedMs);
    // no task of a complete project is completed after the project itself
    for (const pt of projectTasks) {
      if (pt.completed_at && Date.parse(pt.completed_at) > completedMs) pt.completed_at = isoZ(completedMs);
    }
  }
  return project;
}

/** Whether every milestone of the project is done. */
function addMilestones(s: AsanaPart, project: AsanaCompact, pCreated: number, due: number, mayComplete: boolean, completed: CompletedMilestone[]): boolean {
  const { int, timeOn, today } = s.core;
  const nMilestones = int(2, 4);
  let allDone = true;
  for (let m = 0; m < nMilestones; m++) {
    const mDue = pCreated + Math.round(((m + 1) / (nMilestones + 1)) * (due - pCreated));
    const done = mayComplete && mDue < today - 2 * DAY;
    if (!done) allDone = false;
    const mGid = nextGid(s);
    const completedAt = done ? timeOn(mDue) : null;
    s.data.tasks.push(task(s, mGid, MILESTONE_NAMES[m % MILESTONE_NAMES.length]!, 'milestone', project, mDue, completedAt, pCreated));
    if (completedAt) completed.push({ id: mGid, at: completedAt });
  }
  return allDone;
}

function addTasks(s: AsanaPart, project: AsanaCompact, pCreated: number, due: number, allDone: boolean): AsanaTask[] {
  const { f, int, chance, dayBetween, timeOn, today } = s.core;
  const nTasks = int(3, 8);
  const projectTasks: AsanaTask[] = [];
  for (let k = 0; k < nTasks; k++) {
    const tDue = dayBetween(pCreated, due);
    const drawnDone = tDue < today - 7 * DAY ? chance(0.9) : chance(0.2);
    // A project whose milestones are all done is complete, and so is every task in it. The draws stay the
    // same (the rest of the world does not move); a task completed only because its project is gets noon of
    // its due day (at the latest yesterday), clamped by the caller to the project's completion.
    const completedAt = drawnDone ? timeOn(Math.min(tDue, today - DAY)) : allDone ? Math.min(tDue, today - DAY) + 12 * 3_600_000 : null;
    const record = task(s, nextGid(s), f.helpers.arrayElement(TASK_NAMES), 'default_task', project, tDue, completedAt, pCreated);
    projectTasks.push(record);
    s.data.tasks.push(record);
  }
  return projectTasks;
}

/** A project of the business's own, linked to no customer. */
export function addInternalProject(s: AsanaPart, k: number): void {
  const gid = unlinkedProject(s, `Internal — ${s.core.f.helpers.arrayElement(['Q3 planning', 'Hiring', 'Office move', 'Tooling', 'Brand refresh'])} ${k + 1}`, null);
  s.core.manifest.unlinked.push({ system: 'asana', recordId: gid });
}

/** Projects whose account field holds the 15-character form of the Account Id: the same id, still exact. */
export function shortenAccountFields(s: AsanaPart, gids: readonly string[]): void {
  for (const gid of gids) {
    const field = s.data.projects.find((p) => p.gid === gid)!.custom_fields.find((f) => f.gid === s.data.accountField.gid)!;
    const storedId = field.text_value!.slice(0, 15);
    s.core.manifest.linkCases.push({ rule: 'SHORT_ID', system: 'asana', accountId: field.text_value!, recordId: gid, storedId, expected: 'EXACT' });
    field.text_value = storedId;
    field.display_value = storedId;
  }
}

/** A project whose account field names an account the CRM does not have: an orphan, never a customer. */
export function addOrphanProject(s: AsanaPart, pointsAt: string, deleted: boolean): void {
  const name = `${s.core.companies.unique()} — Wind-down`;
  const gid = unlinkedProject(s, name, pointsAt);
  s.core.manifest.linkCases.push({ rule: 'ORPHAN', system: 'asana', accountId: null, recordId: gid, storedId: pointsAt, name, deleted, expected: 'ORPHAN' });
}

function unlinkedProject(s: AsanaPart, name: string, accountId: string | null): string {
  const { start } = s.core;
  const gid = nextGid(s);
  s.data.projects.push({
    gid,
    resource_type: 'project',
    name,
    archived: false,
    completed: false,
    completed_at: null,
    color: null,
    created_at: isoZ(start),
    modified_at: isoZ(start),
    current_status: null,
    current_status_update: null,
    due_on: null,
    start_on: null,
    notes: '',
    owner: null,
    permalink_url: `https://app.asana.com/0/${gid}/${gid}`,
    public: true,
    workspace: s.wsCompact,
    team: s.data.team,
    custom_fields: [{ ...s.data.accountField, text_value: accountId, display_value: accountId }],
  });
  return gid;
}

function task(s: AsanaPart, gid: string, taskName: string, subtype: AsanaTask['resource_subtype'], project: AsanaCompact, due: number, completedAt: number | null, created: number): AsanaTask {
  const { f, timeOn, today } = s.core;
  const assignee = f.helpers.arrayElement(s.data.users);
  return {
    gid,
    resource_type: 'task',
    resource_subtype: subtype,
    name: taskName,
    completed: completedAt !== null,
    completed_at: completedAt === null ? null : isoZ(completedAt),
    created_at: isoZ(timeOn(created)),
    modified_at: isoZ(timeOn(Math.min(today - DAY, completedAt ?? created))),
    due_on: ymd(due),
    assignee: { gid: assignee.gid, resource_type: 'user', name: assignee.name },
    projects: [project],
    memberships: [{ project, section: { gid: `${project.gid}9`, resource_type: 'section', name: 'Delivery' } }],
    permalink_url: `https://app.asana.com/0/${project.gid}/${gid}`,
    workspace: s.wsCompact,
    notes: '',
  };
}

const STATUS_TYPE = { green: 'on_track', yellow: 'at_risk', red: 'off_track', blue: 'on_hold', complete: 'complete' } as const;

/** The project's latest status update (`current_status_update`), the same post as its deprecated `current_status`. */
function latestUpdate(st: AsanaStatus): NonNullable<AsanaProject['current_status_update']> {
  return { gid: st.gid, resource_type: 'status_update', title: st.title, resource_subtype: 'project_status_update', status_type: STATUS_TYPE[st.color], text: st.text };
}

function statusUpdate(s: AsanaPart, color: AsanaStatus['color'], createdMs: number): AsanaStatus {
  const titles: Record<AsanaStatus['color'], string> = {
    green: 'On track',
    yellow: 'At risk',
    red: 'Off track',
    blue: 'On hold',
    complete: 'Complete',
  };
  return {
    gid: nextGid(s),
    resource_type: 'project_status',
    title: titles[color],
    color,
    text: `${titles[color]} as of the last weekly review.`,
    created_at: isoZ(s.core.timeOn(Math.min(s.core.today - DAY, createdMs + 14 * DAY))),
  };
}
