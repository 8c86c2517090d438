import { Alert, Anchor, Badge, Card, Group, Stack, Text, Title, Tooltip } from '@mantine/core';
import type { ReactNode } from 'react';
import { SYSTEM_NAMES, formatAge, formatDate } from './format.js';

export type SectionStatus = {
  system: string;
  state: 'LIVE' | 'CACHED' | 'STALE' | 'FAILED' | 'NOT_LINKED' | 'FORBIDDEN';
  fetchedAt: string | null;
  ageSeconds: number | null;
  fromCache: boolean;
  stale: boolean;
  message: string | null;
  code: string | null;
};

// Badge colours chosen for AA contrast in the light variant.
const STATE_BADGE: Record<SectionStatus['state'], { label: string; color: string }> = {
  LIVE: { label: 'Live', color: 'green' },
  CACHED: { label: 'Cached', color: 'blue' },
  STALE: { label: 'Stale', color: 'orange' },
  FAILED: { label: 'Unavailable', color: 'red' },
  NOT_LINKED: { label: 'Not linked', color: 'gray' },
  FORBIDDEN: { label: 'Hidden for your role', color: 'gray' },
};

/** Every section says which system its data came from, how old it is, and what went wrong. */
export function SourceSection(props: {
  title: string;
  status: SectionStatus | undefined;
  recordUrl?: string | null;
  children?: ReactNode;
  testId: string;
}) {
  const { status } = props;
  const system = status ? (SYSTEM_NAMES[status.system] ?? status.system) : '';
  const badge = status ? STATE_BADGE[status.state] : null;
  const headingId = `${props.testId}-heading`;
  const failed = status?.state === 'FAILED' || status?.state === 'NOT_LINKED';
  return (
    <Card withBorder radius="md" padding="md" component="section" aria-labelledby={headingId} data-testid={props.testId} data-state={status?.state}>
      <Group justify="space-between" align="flex-start" mb="sm" wrap="nowrap">
        <div>
          <Title order={2} size="h4" id={headingId}>
            {props.title}
          </Title>
          <Text size="xs" c="dimmed">
            From {system}
            {status?.fetchedAt ? (
              <Tooltip label={`Fetched ${formatDate(status.fetchedAt)} ${new Date(status.fetchedAt).toISOString().slice(11, 19)} UTC`}>
                <span> · {formatAge(status.ageSeconds)}</span>
              </Tooltip>
            ) : null}
            {props.recordUrl ? (
              <>
                {' · '}
                <Anchor href={props.recordUrl} target="_blank" rel="noreferrer" size="xs">
                  Open in {system}
                </Anchor>
              </>
            ) : null}
          </Text>
        </div>
        {badge ? (
          <Badge color={badge.color} variant="light" data-testid={`${props.testId}-state`}>
            {badge.label}
          </Badge>
        ) : null}
      </Group>
      <Stack gap="sm">
        {status?.message && status.state !== 'NOT_LINKED' ? (
          <Alert color={failed ? 'red' : 'orange'} variant="light" role={failed ? 'alert' : 'status'} p="xs">
            <Text size="sm">{status.message}</Text>
          </Alert>
        ) : null}
        {status?.state === 'NOT_LINKED' ? (
          <Text size="sm" c="dimmed">
            {status.message}
          </Text>
        ) : null}
        {props.children}
      </Stack>
    </Card>
  );
}
