import { Alert, List, Progress, Anchor as MantineAnchor } from '@mantine/core';
import { Anchor, Badge, Group, SectionCard, Stack, Text, Title } from '../plain.js';
import { ResponsiveTable } from '../responsive-table.js';
import { Link } from '@remix-run/react';
import { andList, formatDate, humanize, plural, systemNames } from '../format.js';
import type { Customer, RecordRef } from './query.js';

const SEVERITY_COLOR = { HIGH: 'red', MEDIUM: 'orange', LOW: 'gray' } as const;
const FLAG_TITLES: Record<string, string> = {
  CONFLICT: 'Systems disagree',
  WON_DEAL_WITHOUT_PROJECT: 'Won deal with no project',
  MILESTONE_NOT_INVOICED: 'Finished milestone not invoiced',
  ON_HOLD_NOTHING_OVERDUE: 'Project on hold, but nothing is overdue',
  OVERDUE_WITH_URGENT_TICKETS: 'Overdue and urgent tickets open',
  RULE_NOT_CHECKED: "Couldn't check",
};

function Records({ records, names }: { records: RecordRef[]; names: (system: string) => string }) {
  if (!records.length) return null;
  return (
    <Text size="xs">
      {records.map((r, i) => (
        <span key={`${r.system}:${r.recordId}`}>
          {i ? ' · ' : ''}
          <Anchor href={r.url} target="_blank" rel="noreferrer">
            {r.label}
          </Anchor>{' '}
          <Text span c="dimmed" size="xs">
            ({names(r.system)})
          </Text>
        </span>
      ))}
    </Text>
  );
}

/**
 * Conflicts and hand-off gaps, each with why and the records involved. Where the page also shows the conflicts
 * table (`conflictsShownApart`), a conflict is told there only, and this card points to it.
 */
export function FlagsCard({ customer, kinds, conflictsShownApart = false }: { customer: Customer; kinds?: string[]; conflictsShownApart?: boolean }) {
  const wanted = customer.flags.filter((f) => !kinds || kinds.includes(f.kind));
  const conflicts = conflictsShownApart ? wanted.filter((f) => f.kind === 'CONFLICT').length : 0;
  const flags = conflictsShownApart ? wanted.filter((f) => f.kind !== 'CONFLICT') : wanted;
  // a system that did not answer was not checked: "no gaps" is only true of the systems that did
  const unanswered = [...new Set(customer.sections.filter((x) => x.state === 'FAILED').map((x) => x.source.name))];
  return (
    <SectionCard aria-labelledby="flags-heading" data-testid="section-flags">
      <Title order={2} size="h4" id="flags-heading" mb={4}>
        Needs attention
      </Title>
      <Text size="xs" c="dimmed" mb="sm">
        Computed by Panorama from the data above, just now
      </Text>
      {conflicts ? (
        <Text size="sm" mb="xs" data-testid="conflicts-pointer">
          {plural(conflicts, 'conflict')} between systems:{' '}
          <Anchor href="#conflicts-heading">see where the systems disagree</Anchor>.
        </Text>
      ) : null}
      {flags.length ? (
        <Stack gap="xs">
          {flags.map((f, i) => (
            <Alert key={i} color={SEVERITY_COLOR[f.severity]} variant="light" p="xs" title={FLAG_TITLES[f.kind] ?? humanize(f.kind)} data-flag={f.kind}>
              <Text size="sm">{f.message}</Text>
              <Records records={f.records} names={systemNames(customer.sections.map((s) => s.source))} />
            </Alert>
          ))}
        </Stack>
      ) : (
        <Text size="sm" c="dimmed" data-testid="flags-none">
          {conflicts ? 'No hand-off gaps' : 'No conflicts or hand-off gaps'}
          {unanswered.length ? ' in what answered.' : '.'}
        </Text>
      )}
      {unanswered.length ? (
        <Text size="xs" c="var(--mantine-color-orange-light-color)" mt="xs" data-testid="flags-unchecked">
          Not checked: {andList(unanswered)} did not answer, so what needs {unanswered.length > 1 ? 'them' : 'it'} could not be checked.
        </Text>
      ) : null}
    </SectionCard>
  );
}

const fieldLabel = (field: string) => humanize(field.replace(/([A-Z])/g, '_$1'));

/**
 * The mastered fields that differ between systems: material differences in a table, with both values, the system
 * of record and the rule that judged them; cosmetic ones (the same value written differently) quietly below it.
 */
export function ConflictsTable({ customer, fields }: { customer: Customer; fields?: string[] }) {
  const shown = customer.fields.filter((f) => !fields || fields.includes(f.field));
  const rows = shown.filter((f) => f.conflicts.length);
  const quiet = shown.flatMap((f) => f.formattedDifferently.map((o) => ({ field: f.field, value: f.value, system: f.system, other: o })));
  if (!rows.length && !quiet.length) return null;
  const names = systemNames(customer.sections.map((s) => s.source));
  return (
    <SectionCard aria-labelledby="conflicts-heading" data-testid="section-conflicts">
      <Title order={2} size="h4" id="conflicts-heading" mb="sm">
        {rows.length ? 'Where the systems disagree' : 'Written differently in other systems'}
      </Title>
      {rows.length ? (
        <ResponsiveTable
          label="Where the systems disagree"
          rowTestId="conflict-row"
          rows={rows.flatMap((f) => f.conflicts.map((c) => ({ f, c })))}
          rowKey={({ f, c }) => `${f.field}:${c.system}`}
          columns={[
            {
              key: 'field',
              label: 'Field',
              render: ({ f, c }) => (
                <>
                  {fieldLabel(f.field)}
                  <Text size="xs" c="dimmed">
                    Why: {c.why}
                  </Text>
                </>
              ),
            },
            {
              key: 'record',
              label: 'System of record',
              render: ({ f }) => (
                <>
                  {f.value ?? '—'}
                  <Text size="xs" c="dimmed">
                    {names(f.system)}
                  </Text>
                </>
              ),
            },
            {
              key: 'other',
              label: 'Other system',
              render: ({ c }) => (
                <>
                  <Anchor href={c.url} target="_blank" rel="noreferrer" size="sm">
                    {c.value}
                  </Anchor>
                  <Text size="xs" c="dimmed">
                    {names(c.system)}
                  </Text>
                </>
              ),
            },
          ]}
        />
      ) : null}
      {quiet.length ? (
        <Stack gap={2} mt={rows.length ? 'sm' : 0} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }} data-testid="formatted-differently">
          {quiet.map((q) => (
            <Text key={`${q.field}:${q.other.system}`} component="li" size="xs" c="dimmed">
              {fieldLabel(q.field)}: {names(q.other.system)} has “{q.other.value}”, {q.other.why}; {names(q.system)} is the system of record. No conflict.
            </Text>
          ))}
        </Stack>
      ) : null}
    </SectionCard>
  );
}

export const GRADE_COLOR = { GOOD: 'green', FAIR: 'yellow', POOR: 'red' } as const;

export function HealthBadge({ health }: { health: Customer['health'] }) {
  if (health.score === null || !health.grade)
    return (
      <Badge color="gray" variant="light" size="lg" data-testid="health-badge" title={health.incompleteMessage ?? undefined}>
        Health incomplete
      </Badge>
    );
  return (
    <Badge color={GRADE_COLOR[health.grade]} variant="light" size="lg" data-testid="health-badge">
      Health {health.score} · {humanize(health.grade)}
    </Badge>
  );
}

/** The health score with its reasons: each input, its weight, what it took off, and the records behind it. */
export function HealthCard({ customer }: { customer: Customer }) {
  const h = customer.health;
  const hits = h.inputs.filter((i) => i.impact > 0);
  return (
    <SectionCard aria-labelledby="health-heading" data-testid="section-health">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4" id="health-heading">
          Health
        </Title>
        <HealthBadge health={h} />
      </Group>
      {h.score !== null && h.grade ? (
        <Progress value={h.score} color={GRADE_COLOR[h.grade]} aria-label={`Health score ${h.score} out of 100`} mb="sm" />
      ) : (
        <Text size="sm" fw={600} c="var(--mantine-color-orange-light-color)" mb="xs" data-testid="health-incomplete">
          {h.incompleteMessage}. No score until every input answers; what the rest found is below.
        </Text>
      )}
      {hits.length ? (
        <List size="sm" spacing={6}>
          {hits.map((i) => (
            <List.Item key={i.key}>
              <strong>−{i.impact}</strong> {i.label} (up to −{i.weight}): {i.detail}
              <Records records={i.records.slice(0, 5)} names={systemNames(customer.sections.map((s) => s.source))} />
            </List.Item>
          ))}
        </List>
      ) : (
        <Text size="sm" c="dimmed">
          {h.score === null
            ? 'Nothing in the systems that answered takes points off.'
            : 'Nothing takes points off: no overdue invoices, urgent tickets, troubled projects or gaps.'}
        </Text>
      )}
    </SectionCard>
  );
}

/** What happened lately, across the systems this role may see. */
export function TimelineCard({ customer }: { customer: Customer }) {
  const t = customer.timeline;
  return (
    <SectionCard aria-labelledby="timeline-heading" data-testid="section-timeline">
      <Title order={2} size="h4" id="timeline-heading" mb="sm">
        Recent activity
      </Title>
      {t.events.length ? (
        <Stack gap={4} component="ol" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {t.events.map((e) => (
            <Group key={e.id} component="li" gap="xs" wrap="nowrap" align="flex-start">
              <Text size="xs" c="dimmed" w={88} style={{ flexShrink: 0 }}>
                {formatDate(e.at)}
              </Text>
              <Text size="sm">
                <Anchor href={e.url ?? undefined} target="_blank" rel="noreferrer">
                  {e.title}
                </Anchor>{' '}
                <Text span size="xs" c="dimmed">
                  {systemNames(customer.sections.map((s) => s.source))(e.system)}
                </Text>
              </Text>
            </Group>
          ))}
        </Stack>
      ) : (
        <Text size="sm" c="dimmed">
          Nothing yet.
        </Text>
      )}
      {t.totalCount > t.events.length ? (
        <Text size="xs" c="dimmed" mt="xs">
          Showing {t.events.length} of {t.totalCount} events.{' '}
          <MantineAnchor component={Link} to={`/customers/${customer.id}/timeline`} size="xs" data-testid="timeline-view-all">
            View all {t.totalCount}
          </MantineAnchor>
        </Text>
      ) : null}
    </SectionCard>
  );
}

/** How this customer was found in each system (admin), and the choices nobody has made yet. */
export function LinksCard({ customer }: { customer: Customer }) {
  return (
    <SectionCard aria-labelledby="links-heading" data-testid="section-links">
      <Title order={2} size="h4" id="links-heading" mb="sm">
        Identity links
      </Title>
      <ResponsiveTable
        label="Identity links"
        rows={customer.links ?? []}
        rowKey={(l) => `${l.system}:${l.recordId}`}
        columns={[
          { key: 'system', label: 'System', render: (l) => systemNames(customer.sections.map((s) => s.source))(l.system) },
          {
            key: 'record',
            label: 'Record',
            render: (l) => (
              <Anchor href={l.url} target="_blank" rel="noreferrer">
                {l.recordId}
              </Anchor>
            ),
          },
          {
            key: 'rule',
            label: 'Rule',
            render: (l) => (l.rule === 'EXACT_ID' ? 'Exact id' : l.rule === 'DECISION' ? 'Decided by an admin' : `Probable (${humanize(l.rule)}, ${Math.round(l.confidence * 100)}%)`),
          },
        ]}
      />
    </SectionCard>
  );
}

/** Records that could be this customer in a system where more than one fits: shown, never guessed. */
export function AmbiguityAlert({ customer }: { customer: Customer }) {
  if (!customer.ambiguousLinks.length) return null;
  return (
    <Alert color="orange" variant="light" title="Not sure which record is this customer" data-testid="ambiguous-links">
      {customer.ambiguousLinks.map((a) => (
        <Text size="sm" key={a.system}>
          In {systemNames(customer.sections.map((s) => s.source))(a.system)}:{' '}
          {a.candidates.map((c, i) => (
            <span key={c.recordId}>
              {i ? ', ' : ''}
              <Anchor href={c.url} target="_blank" rel="noreferrer">
                {c.name}
              </Anchor>
            </span>
          ))}
          . An admin confirms the right one in the review queue.
        </Text>
      ))}
    </Alert>
  );
}
