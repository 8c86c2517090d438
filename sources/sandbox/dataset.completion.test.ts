import { describe, expect, it } from 'vitest';
import { generateWorld } from './dataset.js';

/**
 * A project the sandbox marks complete (all milestones done, status "Complete") is complete all the way down: every
 * ordinary task in it is completed too, no later than the project and never after today. Otherwise the page shows
 * "33% done · 2 overdue tasks" on a COMPLETE project.
 */
describe('complete projects in the sandbox dataset', () => {
  const cases = [
    { seed: 11, size: 300, today: '2026-11-27' },
    { seed: 3, size: 60, today: '2026-11-27' },
    { seed: 20261127, size: 200, today: '2025-03-01' },
  ];

  it.each(cases)('have every task completed, by the project\'s completion and today (seed $seed, size $size)', (opts) => {
    const world = generateWorld(opts);
    const todayMs = Date.parse(`${opts.today}T00:00:00Z`);
    const complete = world.asana.projects.filter((p) => p.completed);
    // enough complete projects with ordinary tasks that the check means something
    expect(complete.length).toBeGreaterThan(opts.size / 20);
    let checked = 0;
    const problems: string[] = [];
    for (const p of complete) {
      const projectDone = Date.parse(p.completed_at!);
      expect(p.current_status?.color).toBe('complete');
      expect(projectDone).toBeLessThan(todayMs);
      for (const t of world.asana.tasks.filter((x) => x.projects.some((q) => q.gid === p.gid))) {
        checked++;
        if (!t.completed || !t.completed_at) problems.push(`${p.gid}/${t.gid} ${t.resource_subtype} not completed`);
        else if (Date.parse(t.completed_at) > projectDone) problems.push(`${p.gid}/${t.gid} completed ${t.completed_at} after its project (${p.completed_at})`);
        else if (Date.parse(t.completed_at) >= todayMs) problems.push(`${p.gid}/${t.gid} completed ${t.completed_at}, not before today`);
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(complete.length * 3);
  });

  it('still leaves open work in projects that are not complete', () => {
    const world = generateWorld(cases[0]!);
    const open = new Set(world.asana.projects.filter((p) => !p.completed).map((p) => p.gid));
    const openTasks = world.asana.tasks.filter((t) => t.resource_subtype === 'default_task' && !t.completed && open.has(t.projects[0]!.gid));
    expect(openTasks.length).toBeGreaterThan(0);
  });
});
