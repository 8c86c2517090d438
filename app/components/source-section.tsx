import { ActionIcon, Alert } from '@mantine/core';
import { Hint } from './hint.js';
import { Anchor, Badge, Group, SectionCard, Stack, Text, Title } from './plain.js';
import { Form, useNavigation } from '@remix-run/react';
import type { ReactNode } from 'react';
import { formatAge, formatDate, type SourceName } from './format.js';

export type SectionStatus = {
  system: string;
  /** The system it came from, as people read it. */
  source: SourceName;
  state: 'LIVE' | 'CACHED' | 'STALE' | 'FAILED' | 'NOT_LINKED' | 'AMBIGUOUS' | 'BROKEN_LINK' | 'FORBIDDEN';
  fetchedAt: string | null;
  ageSeconds: number | null;
  fromCache: boolean;
  stale: boolean;
  message: string | null;
  code: string | null;
  linkRule?: string | null;
  linkConfidence?: number | null;
  /** The admin's decision behind the link: "confirmed by Morgan on 2 Dec". */
  linkDecision?: { kind: string; text: string; reason: string | null } | null;
};

// Badge colours chosen for AA contrast in the light variant.
const STATE_BADGE: Record<SectionStatus['state'], { label: string; color: string }> = {
  LIVE: { label: 'Live', color: 'green' },
  CACHED: { label: 'Cached', color: 'blue' },
  STALE: { label: 'Stale', color: 'orange' },
  FAILED: { label: 'Unavailable', color: 'red' },
  NOT_LINKED: { label: 'Not linked', color: 'gray' },
  AMBIGUOUS: { label: 'Needs a decision', color: 'orange' },
  BROKEN_LINK: { label: 'Link broken', color: 'orange' },
  FORBIDDEN: { label: 'Hidden for your role', color: 'gray' },
};

/** Every section says which system its data came from, how old it is, and what went wrong. */
export function SourceSection(props: {
  title: string;
  status: SectionStatus | undefined;
  recordUrl?: string | null;
  children?: ReactNode;
  testId: string;
  /** False where the page has no way to read the source again (a list across customers): no refresh button. */
  refresh?: boolean;
}) {
  const { status } = props;
  const navigation = useNavigation();
  // this section's own refresh, or the page's "refresh from all systems", is on its way
  const refreshing =
    navigation.state !== 'idle' && navigation.formMethod?.toUpperCase() === 'POST' && !!status && (navigation.formData?.get('system') ?? status.system) === status.system;
  const system = status ? status.source.name : '';
  const badge = status ? STATE_BADGE[status.state] : null;
  const headingId = `${props.testId}-heading`;
  const failed = status?.state === 'FAILED';
  // "Updated 40 s ago" and "Updating…" are plain facts; a section only turns orange (or red) once something failed.
  const neutral = (status?.state === 'LIVE' || status?.state === 'CACHED' || status?.state === 'STALE') && !status.code;
  const probable = status?.linkRule && status.linkRule !== 'EXACT_ID' && status.linkRule !== 'DECISION';
  const decision = status?.linkDecision;
  return (
    <SectionCard aria-labelledby={headingId} data-testid={props.testId} data-state={status?.state}>
      <Group justify="space-between" align="flex-start" mb="sm" wrap="nowrap">
        <div>
          <Title order={2} size="h4" id={headingId}>
            {props.title}
          </Title>
          <Text size="xs" c="dimmed">
            From {system}
            {status?.fetchedAt ? (
              <Hint label={`Fetched ${formatDate(status.fetchedAt)} ${new Date(status.fetchedAt).toISOString().slice(11, 19)} UTC`}>
                <span> · {formatAge(status.ageSeconds)}</span>
              </Hint>
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
        <Group gap={4} wrap="nowrap">
          {badge ? (
            <Badge color={badge.color} variant="light" data-testid={`${props.testId}-state`}>
              {badge.label}
            </Badge>
          ) : null}
          {status && props.refresh !== false ? (
            <Form method="post" replace>
              <input type="hidden" name="system" value={status.system} />
              <Hint label={`Read ${system} again now`}>
                <ActionIcon type="submit" variant="subtle" size="sm" aria-label={`Refresh ${props.title} from ${system}`} loading={refreshing} data-refreshing={refreshing || undefined}>
                  <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round">
                    <path d="M20 11a8 8 0 1 0-2.3 5.7M20 4v7h-7" />
                  </svg>
                </ActionIcon>
              </Hint>
            </Form>
          ) : null}
        </Group>
      </Group>
      <Stack gap="sm">
        {probable ? (
          <Text size="xs" c="var(--mantine-color-orange-light-color)">
            Probable match by {status!.linkRule === 'NAME' ? 'name' : 'web domain'} ({Math.round((status!.linkConfidence ?? 0) * 100)}%), not confirmed by an id.
          </Text>
        ) : null}
        {decision ? (
          <Text size="xs" c="dimmed" data-testid={`${props.testId}-decision`}>
            Link {decision.text}
            {decision.reason ? ` — “${decision.reason}”` : ''}
          </Text>
        ) : null}
        {status?.message && neutral ? (
          <Text size="xs" c="dimmed" role="status" data-testid={`${props.testId}-freshness`}>
            {status.message}
          </Text>
        ) : null}
        {status?.message && status.state !== 'NOT_LINKED' && !neutral ? (
          <Alert color={failed ? 'red' : 'orange'} variant="light" role={failed ? 'alert' : 'status'} p="xs" data-testid={`${props.testId}-message`}>
            <Text size="sm">{status.message}</Text>
          </Alert>
        ) : null}
        {status?.state === 'NOT_LINKED' ? (
          <Text size="sm" c="dimmed">
            {status.message}
          </Text>
        ) : null}
        {/* a system that did not answer has nothing to show: an empty table or "none" under the alert would read as data */}
        {failed ? null : props.children}
      </Stack>
    </SectionCard>
  );
}
