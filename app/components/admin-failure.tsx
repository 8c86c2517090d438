import { graphql, type ResultOf } from '../graphql.js';
import { Card, Progress, SimpleGrid, Table, Text, Title } from '@mantine/core';

/** The admin query's fields these sections read (added to the admin page's operation). */
export const ADMIN_FAILURE_FIELDS = graphql(`
  fragment AdminFailureFields on Query {
  limits: sources { system name configured budget { perMinute used remaining resetsAt } dailyAllowance { used limit sharePercent stopAt backgroundStopAt reportedAt blockedUntil } }
  incidents { kind system name startedAt endedAt durationSeconds reason text }
  }
`);

export type SourceLimits = ResultOf<typeof ADMIN_FAILURE_FIELDS>['limits'][number];
export type IncidentRow = ResultOf<typeof ADMIN_FAILURE_FIELDS>['incidents'][number];

/** Times on the admin page are Panorama's (UTC), as alerts and sections say them. */
const hhmm = (iso: string) => `${iso.slice(11, 16)} UTC`;
const dayAndTime = (iso: string) => `${iso.slice(0, 10)} ${hhmm(iso)}`;
const n = (v: number) => v.toLocaleString('en-US');

function duration(seconds: number): string {
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

const KIND_LABEL: Record<IncidentRow['kind'], string> = {
  SOURCE_DOWN: 'Down',
  SOURCE_RECOVERED: 'Recovered',
  RECONNECT_NEEDED: 'Reconnect needed',
  BUDGET_HIGH: 'Budget past 90 %',
  RATE_LIMITED: 'Rate limited',
};

/** What each source may still be sent: Panorama's per-minute budget, and the vendor's daily allowance where it reports one. */
export function RequestLimits({ sources }: { sources: SourceLimits[] }) {
  const shown = sources.filter((s) => s.configured);
  return (
    <Card withBorder mt="md" component="section" aria-labelledby="limits-heading" data-testid="request-limits">
      <Title order={2} size="h4" id="limits-heading" mb="xs">
        Request limits
      </Title>
      {shown.length === 0 ? (
        <Text size="sm" c="dimmed">
          No source is connected.
        </Text>
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
          {shown.map((s) => (
            <div key={s.system} data-testid={`limits-${s.system}`}>
              <Text size="sm" fw={600}>
                {s.name}
              </Text>
              {s.budget ? (
                <>
                  <Text size="sm">
                    This minute: {n(s.budget.used)} of {n(s.budget.perMinute)} requests ({n(s.budget.remaining)} left; the minute turns at {hhmm(s.budget.resetsAt)})
                  </Text>
                  <Progress
                    value={Math.min(100, (s.budget.used / s.budget.perMinute) * 100)}
                    color={s.budget.remaining === 0 ? 'red' : s.budget.used / s.budget.perMinute > 0.9 ? 'orange' : 'blue'}
                    size="sm"
                    my={4}
                    aria-label={`${s.name} budget used this minute`}
                  />
                  <Text size="xs" c="dimmed">
                    When it is spent, reads are served from the cache, labelled, until the minute turns; index upkeep stops while a quarter is left.
                  </Text>
                </>
              ) : (
                <Text size="sm" c="dimmed">
                  No per-minute budget.
                </Text>
              )}
              {s.dailyAllowance ? (
                <>
                  <Text size="sm" mt={4}>
                    Daily API allowance: {n(s.dailyAllowance.used)} of {n(s.dailyAllowance.limit)} used (reported {hhmm(s.dailyAllowance.reportedAt)}); Panorama stops at{' '}
                    {s.dailyAllowance.sharePercent} % ({n(s.dailyAllowance.stopAt)}), index upkeep at {n(s.dailyAllowance.backgroundStopAt)}
                  </Text>
                  <Progress
                    value={Math.min(100, (s.dailyAllowance.used / s.dailyAllowance.limit) * 100)}
                    color={s.dailyAllowance.blockedUntil ? 'red' : s.dailyAllowance.used >= s.dailyAllowance.backgroundStopAt ? 'orange' : 'blue'}
                    size="sm"
                    my={4}
                    aria-label={`${s.name} daily API allowance used`}
                  />
                  {s.dailyAllowance.blockedUntil ? (
                    <Text size="sm" fw={600} c="var(--mantine-color-red-light-color)">
                      Nothing is sent until {hhmm(s.dailyAllowance.blockedUntil)}; reads are served from the cache.
                    </Text>
                  ) : null}
                </>
              ) : null}
            </div>
          ))}
        </SimpleGrid>
      )}
    </Card>
  );
}

/** Recent incidents: when each began, why, and when it ended (or that it lasts). */
export function IncidentList({ incidents }: { incidents: IncidentRow[] }) {
  return (
    <Card withBorder mt="md" component="section" aria-labelledby="incidents-heading" data-testid="incidents">
      <Title order={2} size="h4" id="incidents-heading" mb="xs">
        Recent incidents ({incidents.length})
      </Title>
      {incidents.length === 0 ? (
        <Text size="sm" c="dimmed">
          No incidents since Panorama started.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table fz="sm" verticalSpacing={4} striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Source</Table.Th>
                <Table.Th>What</Table.Th>
                <Table.Th>Started</Table.Th>
                <Table.Th>Ended</Table.Th>
                <Table.Th>Why</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {incidents.map((i) => (
                <Table.Tr key={`${i.system}:${i.kind}:${i.startedAt}`}>
                  <Table.Td>{i.name}</Table.Td>
                  <Table.Td>
                    <Text
                      size="sm"
                      fw={600}
                      c={i.endedAt ? undefined : i.kind === 'BUDGET_HIGH' || i.kind === 'RATE_LIMITED' ? 'var(--mantine-color-orange-light-color)' : 'var(--mantine-color-red-light-color)'}
                    >
                      {KIND_LABEL[i.kind]}
                      {i.endedAt ? '' : ' (ongoing)'}
                    </Text>
                  </Table.Td>
                  <Table.Td>{dayAndTime(i.startedAt)}</Table.Td>
                  <Table.Td>{i.endedAt ? `${hhmm(i.endedAt)}, after ${duration(i.durationSeconds)}` : `not yet (${duration(i.durationSeconds)} so far)`}</Table.Td>
                  <Table.Td>{i.text}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Text size="xs" c="dimmed" mt="xs">
        Kept in memory since Panorama started (the last 100); each was also sent as an alert.
      </Text>
    </Card>
  );
}

export type SharedStateView = { mode: 'memory' | 'redis' | 'fallback'; since: string | null; address: string | null; tokensPendingWriteBack: number };

/** Where the state several instances share lives: Redis, this process alone, or this process while Redis is down. */
export function SharedStateCard({ shared }: { shared: SharedStateView }) {
  const text =
    shared.mode === 'memory'
      ? 'In this process: no REDIS_URL is set, so this instance keeps its cache, limits, breakers and tokens to itself.'
      : shared.mode === 'redis'
        ? `Redis at ${shared.address}: cache invalidations, rate-limit windows, budgets, breaker openings, index upkeep and tokens are shared by every instance${shared.since ? ` (since ${dayAndTime(shared.since)})` : ''}.`
        : `Fallback: Redis at ${shared.address} has not answered${shared.since ? ` since ${dayAndTime(shared.since)}` : ''}. This instance serves from its own memory (cache, limits, breakers, tokens) and shares again when Redis is back.${shared.tokensPendingWriteBack ? ` ${shared.tokensPendingWriteBack} new token${shared.tokensPendingWriteBack === 1 ? '' : 's'} will be written back then.` : ''}`;
  return (
    <Card withBorder mt="md" component="section" aria-labelledby="shared-state-heading" data-shared-mode={shared.mode}>
      <Title order={2} size="h4" id="shared-state-heading" mb="xs">
        Shared state
      </Title>
      <Text size="sm" fw={shared.mode === 'fallback' ? 700 : undefined}>
        {text}
      </Text>
    </Card>
  );
}
