import { describe, expect, it } from 'vitest';
import {
  accountIdFromCustomFields,
  isSalesforceId,
  readBatchResult,
  readPage,
  sameCrmAccountId,
  summarizeProjects,
  toBatchBody,
  toIndexRow,
  toProject,
  toProjectStatus,
  type AccountFieldRule,
  type ProjectIndexRow,
} from './mapping.js';
import type { AsanaProject, AsanaTask } from './types.js';

const rule: AccountFieldRule = { name: 'Salesforce Account Id', gid: null };
const ACCOUNT = '001Pn0000000001IAA';

const project = (over: Partial<AsanaProject> = {}): AsanaProject => ({
  gid: '1201',
  name: "O'Brien & Sons — Onboarding",
  owner: { gid: '1200', name: 'Taylor Brooks', email: 'taylor@example.test' },
  current_status: { color: 'yellow', text: 'Waiting on the client.', title: 'At risk' },
  due_on: '2027-01-31',
  start_on: '2026-10-01',
  created_at: '2026-10-01T09:00:00.000Z',
  archived: false,
  completed: false,
  permalink_url: 'https://app.asana.com/0/1201/1201',
  custom_fields: [{ gid: '50', name: 'Salesforce Account Id', text_value: ACCOUNT }],
  ...over,
});

const task = (gid: string, over: Partial<AsanaTask> = {}): AsanaTask => ({
  gid,
  name: `Task ${gid}`,
  resource_subtype: 'default_task',
  completed: false,
  completed_at: null,
  due_on: null,
  ...over,
});

describe('toProjectStatus', () => {
  it.each([
    ['green', false, 'ON_TRACK'],
    ['yellow', false, 'AT_RISK'],
    ['red', false, 'OFF_TRACK'],
    ['blue', false, 'ON_HOLD'],
    ['complete', true, 'COMPLETE'],
    [null, false, 'UNKNOWN'],
    ['none', false, 'UNKNOWN'],
    ['purple', false, 'UNKNOWN'],
    [null, true, 'COMPLETE'],
  ] as const)('maps %s (completed %s) to %s', (color, completed, status) => {
    expect(toProjectStatus(color, completed)).toBe(status);
  });
});

describe('toProject', () => {
  it('maps a project, its milestones and its task counts', () => {
    const tasks = [
      task('1', { resource_subtype: 'milestone', name: 'Kick-off', due_on: '2026-10-10', completed: true, completed_at: '2026-10-10T12:00:00.000Z' }),
      task('2', { resource_subtype: 'milestone', name: 'Go-live', due_on: '2027-01-20' }),
      task('3', { completed: true, completed_at: '2026-11-01T00:00:00.000Z', due_on: '2026-11-01' }),
      task('4', { due_on: '2026-11-26' }), // overdue: open, due yesterday
      task('5', { due_on: '2026-11-27' }), // due today: not overdue yet
      task('6', { due_on: null }),
      task('7', { completed: true, completed_at: null, due_on: '2026-01-01' }), // done late: not overdue
      task('8', { resource_subtype: 'approval', due_on: '2026-01-01' }), // neither a milestone nor a default task
    ];
    expect(toProject(project(), tasks, { rule, today: '2026-11-27' })).toEqual({
      id: '1201',
      name: "O'Brien & Sons — Onboarding",
      owner: { id: '1200', name: 'Taylor Brooks', email: 'taylor@example.test' },
      status: 'AT_RISK',
      statusText: 'Waiting on the client.',
      dueOn: '2027-01-31',
      startOn: '2026-10-01',
      createdAt: '2026-10-01T09:00:00.000Z',
      archived: false,
      crmAccountId: ACCOUNT,
      taskCount: 5,
      completedTaskCount: 2,
      overdueTaskCount: 1,
      milestones: [
        { id: '1', projectId: '1201', name: 'Kick-off', dueOn: '2026-10-10', completed: true, completedAt: '2026-10-10T12:00:00.000Z' },
        { id: '2', projectId: '1201', name: 'Go-live', dueOn: '2027-01-20', completed: false, completedAt: null },
      ],
    });
  });

  it('copes with no owner, no status and no custom fields asked for', () => {
    const p = toProject(project({ owner: null, current_status: null, custom_fields: undefined }), [], { rule, today: '2026-11-27', crmAccountId: ACCOUNT });
    expect(p).toMatchObject({ owner: null, status: 'UNKNOWN', statusText: null, crmAccountId: ACCOUNT, taskCount: 0, milestones: [] });
  });

  it('falls back to the status title when the text is empty, and to no e-mail', () => {
    const p = toProject(project({ current_status: { color: 'blue', text: '  ', title: 'On hold' }, owner: { gid: '9', name: 'Robin' } }), [], { rule, today: '2026-11-27' });
    expect(p.statusText).toBe('On hold');
    expect(p.owner).toEqual({ id: '9', name: 'Robin', email: null });
  });
});

describe('account id rule', () => {
  it('reads the field by name, case-insensitively, and trims it', () => {
    expect(accountIdFromCustomFields([{ gid: '1', name: 'salesforce account id', text_value: `  ${ACCOUNT} ` }], rule)).toBe(ACCOUNT);
  });

  it('reads the field by gid when one is configured, whatever its name', () => {
    const byGid = { name: 'ignored', gid: '77' };
    expect(accountIdFromCustomFields([{ gid: '1', name: 'Salesforce Account Id', text_value: 'x' }, { gid: '77', name: 'SFDC', text_value: ACCOUNT }], byGid)).toBe(ACCOUNT);
    expect(accountIdFromCustomFields([{ gid: '1', name: 'Salesforce Account Id', text_value: ACCOUNT }], byGid)).toBeNull();
  });

  it.each([[null], [''], ['Acme Corp'], ["001' OR '1'='1"], ['001Pn0000000001IA'], ['https://x.my.salesforce.com/001Pn0000000001IAA']])(
    'is no exact link when the field holds %j',
    (value) => {
      expect(accountIdFromCustomFields([{ gid: '1', name: 'Salesforce Account Id', text_value: value }], rule)).toBeNull();
    },
  );

  it('matches the 15- and 18-character forms of one id, case-sensitively', () => {
    expect(sameCrmAccountId(ACCOUNT, ACCOUNT.slice(0, 15))).toBe(true);
    expect(sameCrmAccountId(ACCOUNT.slice(0, 15), ACCOUNT)).toBe(true);
    expect(sameCrmAccountId(ACCOUNT, ACCOUNT.toLowerCase())).toBe(false);
    expect(sameCrmAccountId(ACCOUNT, '001Pn0000000002IAA')).toBe(false);
    expect(isSalesforceId(ACCOUNT)).toBe(true);
    expect(isSalesforceId('001Pn000000000')).toBe(false);
  });

  it('builds index rows', () => {
    expect(
      toIndexRow({ gid: '5', name: 'Internal — Hiring', archived: true, created_at: 't', custom_fields: [], completed: false, current_status: { color: 'yellow', title: ' Slipping ' }, due_on: '2026-12-01' }, rule),
    ).toEqual({
      id: '5',
      name: 'Internal — Hiring',
      crmAccountId: null,
      archived: true,
      createdAt: 't',
      status: 'AT_RISK',
      statusText: 'Slipping',
      dueOn: '2026-12-01',
    });
  });
});

describe('summarizeProjects', () => {
  const row = (id: string, status: ProjectIndexRow['status'], dueOn: string | null, archived = false): ProjectIndexRow => ({
    id,
    name: `P${id}`,
    crmAccountId: ACCOUNT,
    archived,
    createdAt: 't',
    status,
    statusText: null,
    dueOn,
  });

  it('counts by status worst first, and takes the worst status and next due date of active projects', () => {
    const s = summarizeProjects([
      row('1', 'ON_TRACK', '2026-12-20'),
      row('2', 'AT_RISK', '2027-01-10'),
      row('3', 'COMPLETE', '2026-01-01'),
      row('4', 'OFF_TRACK', null, true),
      row('5', 'ON_TRACK', '2026-12-05'),
    ]);
    expect(s).toEqual({
      total: 5,
      active: 3,
      byStatus: [
        { status: 'OFF_TRACK', count: 1 },
        { status: 'AT_RISK', count: 1 },
        { status: 'ON_TRACK', count: 2 },
        { status: 'COMPLETE', count: 1 },
      ],
      worstStatus: 'AT_RISK',
      nextDueOn: '2026-12-05',
      projectIds: ['1', '2', '3', '4', '5'],
    });
  });

  it('is COMPLETE when nothing is active but something was completed, and null with no projects', () => {
    expect(summarizeProjects([row('1', 'COMPLETE', null)])).toMatchObject({ active: 0, worstStatus: 'COMPLETE', nextDueOn: null });
    expect(summarizeProjects([])).toMatchObject({ total: 0, worstStatus: null, byStatus: [] });
  });
});

describe('envelopes', () => {
  it('builds batch actions with paging and fields as options', () => {
    expect(toBatchBody([{ path: '/projects/1/tasks', fields: ['name', 'due_on'], limit: 100, offset: 'tok' }, { path: '/projects/1', fields: ['name'] }])).toEqual({
      data: {
        actions: [
          { method: 'get', relative_path: '/projects/1/tasks', options: { fields: ['name', 'due_on'], limit: 100, offset: 'tok' } },
          { method: 'get', relative_path: '/projects/1', options: { fields: ['name'] } },
        ],
      },
    });
  });

  it('reads a batch result as an HTTP answer, and a page with its next offset', () => {
    const answer = readBatchResult({ status_code: 429, headers: { 'Retry-After': 5 }, body: { errors: [] } });
    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toBe('5');
    expect(readPage({ data: [1, 2], next_page: { offset: 'x', path: '/p', uri: 'u' } })).toEqual({ items: [1, 2], nextOffset: 'x' });
    expect(readPage({ data: [], next_page: null })).toEqual({ items: [], nextOffset: null });
    expect(readPage({ data: [3] })).toEqual({ items: [3], nextOffset: null });
  });
});
