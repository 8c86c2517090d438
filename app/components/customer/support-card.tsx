import { Badge as MantineBadge } from '@mantine/core';
import { Anchor, Badge, Group, Stack, Text } from '../plain.js';
import { ChartFigure } from '../chart-figure.js';
import { formatDate, formatMonth, humanize, plural } from '../format.js';
import { SourceSection } from '../source-section.js';
import type { Customer } from './query.js';

const PRIORITY_COLORS: Record<string, string> = { URGENT: 'red', HIGH: 'orange', NORMAL: 'blue', LOW: 'gray' };

/** Support: counts for everyone; the tickets themselves, unsolved and most urgent first, for support and sales. */
export function SupportCard({ customer, showVolume = false }: { customer: Customer; showVolume?: boolean }) {
  const s = customer.support;
  const status = customer.sections.find((x) => x.source.category === 'SUPPORT');
  const months = s?.volume.map((v) => ({ opened: v.opened, solved: v.solved, label: formatMonth(v.month) })) ?? [];
  return (
    <SourceSection title="Support" status={status} recordUrl={s?.organization.url} testId="section-support">
      {s ? (
        <Stack gap="sm">
          <Group gap="xs">
            <Badge variant="light" color={s.counts.unsolved ? 'blue' : 'gray'}>
              {s.counts.unsolved} open
            </Badge>
            {s.counts.urgentOpen ? (
              <MantineBadge variant="filled" color="red.9">
                {s.counts.urgentOpen} urgent
              </MantineBadge>
            ) : null}
            <Text size="xs" c="dimmed">
              {plural(s.counts.total, 'ticket')} in all
              {s.satisfaction.score !== null ? ` · ${Math.round(s.satisfaction.score * 100)}% satisfied (${plural(s.satisfaction.good + s.satisfaction.bad, 'rating')})` : ''}
            </Text>
          </Group>
          {s.tickets ? (
            s.tickets.length ? (
              <Stack gap={6} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
                {s.tickets.map((t) => (
                  <li key={t.id}>
                    <Group gap={6} wrap="nowrap" align="flex-start">
                      {t.priority ? (
                        <Badge size="xs" variant="light" color={PRIORITY_COLORS[t.priority] ?? 'gray'} style={{ flexShrink: 0, marginTop: 3 }}>
                          {humanize(t.priority)}
                        </Badge>
                      ) : null}
                      <Anchor href={t.url} target="_blank" rel="noreferrer" size="sm">
                        #{t.id} {t.subject}
                      </Anchor>
                    </Group>
                    <Text size="xs" c="dimmed">
                      {humanize(t.status)}
                      {t.requester ? ` · from ${t.requester.name}` : ''}
                      {t.assignee ? ` · with ${t.assignee.name}` : ' · unassigned'} · updated {formatDate(t.updatedAt)}
                    </Text>
                  </li>
                ))}
              </Stack>
            ) : (
              <Text size="sm" c="dimmed">
                No tickets.
              </Text>
            )
          ) : (
            <Text size="xs" c="dimmed">
              Ticket details are shown to support and account managers.
            </Text>
          )}
          {showVolume ? (
            <ChartFigure
              id="volume-caption"
              title="Tickets per month"
              caption="Tickets opened and solved per month"
              height={150}
              integers
              data={months}
              dataKey="label"
              series={[
                { name: 'opened', label: 'opened', color: 'blue.6' },
                { name: 'solved', label: 'solved', color: 'teal.6' },
              ]}
            />
          ) : null}
        </Stack>
      ) : null}
    </SourceSection>
  );
}
