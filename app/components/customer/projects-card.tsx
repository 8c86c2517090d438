import { Progress } from '@mantine/core';
import { Anchor, Badge, Group, Stack, Text } from '../plain.js';
import { formatDate, humanize } from '../format.js';
import { SourceSection } from '../source-section.js';
import type { Customer } from './query.js';

export const PROJECT_COLORS: Record<string, string> = {
  ON_TRACK: 'green',
  AT_RISK: 'yellow',
  OFF_TRACK: 'red',
  ON_HOLD: 'blue',
  COMPLETE: 'gray',
  UNKNOWN: 'gray',
};

/** Delivery: each project's status, progress and next milestone; finished milestones when asked. */
export function ProjectsCard({ customer, showMilestones = false }: { customer: Customer; showMilestones?: boolean }) {
  const p = customer.projects;
  const status = customer.sections.find((s) => s.source.category === 'PROJECTS');
  return (
    <SourceSection title="Projects" status={status} testId="section-projects">
      {p ? (
        <Stack gap="sm">
          {p.unmapped.map((u) => (
            <Text key={u.feature} size="xs" c="dimmed" data-testid="projects-unmapped">
              {u.message}
            </Text>
          ))}
          {p.projects.map((project) => (
            <div key={project.id}>
              <Group justify="space-between" wrap="nowrap" gap="xs">
                <Anchor href={project.url} target="_blank" rel="noreferrer" fw={600} size="sm">
                  {project.name}
                </Anchor>
                <Badge color={PROJECT_COLORS[project.status] ?? 'gray'} variant="light" style={{ flexShrink: 0 }}>
                  {humanize(project.status)}
                </Badge>
              </Group>
              <Progress value={project.progress * 100} size="sm" mt={4} aria-label={`${project.name}: ${Math.round(project.progress * 100)}% of tasks done`} />
              <Text size="xs" c="dimmed" mt={2}>
                {Math.round(project.progress * 100)}% done · due {formatDate(project.dueOn)}
                {project.owner ? ` · ${project.owner.name}` : ''}
                {project.overdueTaskCount ? ` · ${project.overdueTaskCount} overdue task${project.overdueTaskCount === 1 ? '' : 's'}` : ''}
              </Text>
              {project.nextMilestone ? (
                <Text size="xs">
                  Next milestone: <strong>{project.nextMilestone.name}</strong> ({formatDate(project.nextMilestone.dueOn)})
                </Text>
              ) : null}
              {project.statusText && project.status === 'ON_HOLD' ? (
                <Text size="xs" c="dimmed">
                  “{project.statusText}”
                </Text>
              ) : null}
              {showMilestones && project.milestones.some((m) => m.completed) ? (
                <Text size="xs" c="dimmed">
                  Completed:{' '}
                  {project.milestones
                    .filter((m) => m.completed)
                    .map((m) => `${m.name} (${formatDate(m.completedAt)})`)
                    .join(', ')}
                </Text>
              ) : null}
            </div>
          ))}
        </Stack>
      ) : null}
    </SourceSection>
  );
}
