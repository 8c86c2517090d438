import { Anchor, Button, Card, Group, NativeSelect, Stack, Table, Text, Title } from '@mantine/core';
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData, useNavigation } from '@remix-run/react';
import { formatDate, humanize, plural } from '../components/format.js';
import { TIMELINE_TYPES } from '../.server/list-query.js';
import { readTimeline } from '../.server/timeline-read.js';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.customer.name ?? 'Customer'}: activity · Panorama` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { view, data } = await readTimeline(request, params.id ?? '', 'CustomerTimeline');
  return { customer: data.customer, systems: data.systems, view, types: TIMELINE_TYPES, search: new URL(request.url).search };
}

/** Everything that happened with one customer, across the systems this role may see: filters in the address, pages, CSV. */
export default function CustomerTimeline() {
  const { customer, systems, view, types, search } = useLoaderData<typeof loader>();
  const t = customer.timeline;
  const navigation = useNavigation();
  const here = `/customers/${customer.id}/timeline`;
  const busy = navigation.state === 'loading' && navigation.location?.pathname === here;
  const params = new URLSearchParams(search);
  params.delete('after');
  const next = new URLSearchParams(params);
  if (t.pageInfo.endCursor) next.set('after', t.pageInfo.endCursor);
  const nameOf = (system: string) => systems.find((s) => s.system === system)?.name ?? humanize(system);
  const filtered = t.totalCount !== t.allCount;
  return (
    <Stack gap="md" maw={1280} mx="auto">
      <div>
        <Anchor component={Link} to={`/customers/${customer.id}`} size="sm">
          ← {customer.name}
        </Anchor>
        <Title order={1}>Activity: {customer.name}</Title>
        <Text c="dimmed" data-testid="timeline-count">
          {filtered ? `${plural(t.totalCount, 'event')} match these filters, of ${plural(t.allCount, 'event')} in all.` : `${plural(t.allCount, 'event')} across the systems you may see.`}
        </Text>
      </div>
      <Form method="get" aria-label="Filter the activity">
        <Group align="flex-end" gap="sm" wrap="wrap">
          <NativeSelect label="System" name="system" defaultValue={view.system ?? ''} data={[{ value: '', label: 'Every system' }, ...systems.map((s) => ({ value: s.system, label: s.name }))]} />
          <NativeSelect label="What happened" name="type" defaultValue={view.type ?? ''} data={[{ value: '', label: 'Anything' }, ...types.map((x) => ({ value: x, label: humanize(x) }))]} />
          <NativeSelect label="Per page" name="per" defaultValue={view.per} data={['25', '50', '100']} />
          <Button type="submit" variant="light" loading={busy}>
            Apply
          </Button>
          <Button component="a" href={`${here}.csv${params.size ? `?${params}` : ''}`} variant="default" download>
            Export CSV
          </Button>
        </Group>
      </Form>
      {/* below 576 px: one card per event instead of a table */}
      <Stack gap="xs" hiddenFrom="xs" component="ol" style={{ listStyle: 'none', padding: 0, margin: 0 }} data-testid="timeline-cards">
        {t.events.map((e) => (
          <Card key={e.id} withBorder padding="sm" component="li">
            <Text size="xs" c="dimmed">
              {formatDate(e.at)} · {nameOf(e.system)}
            </Text>
            <Text size="sm">
              {e.url ? (
                <Anchor href={e.url} target="_blank" rel="noreferrer">
                  {e.title}
                </Anchor>
              ) : (
                e.title
              )}
            </Text>
          </Card>
        ))}
      </Stack>
      <Card withBorder padding={0} visibleFrom="xs">
        <Table.ScrollContainer minWidth={560}>
          <Table striped verticalSpacing="xs" fz="sm" data-testid="timeline-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th>What happened</Table.Th>
                <Table.Th>System</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {t.events.map((e) => (
                <Table.Tr key={e.id}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(e.at)}</Table.Td>
                  <Table.Td>
                    {e.url ? (
                      <Anchor href={e.url} target="_blank" rel="noreferrer">
                        {e.title}
                      </Anchor>
                    ) : (
                      e.title
                    )}
                  </Table.Td>
                  <Table.Td>{nameOf(e.system)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Card>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {t.events.length ? `Showing ${t.pageInfo.firstIndex}–${t.pageInfo.firstIndex + t.events.length - 1} of ${t.totalCount}` : 'Nothing matches these filters.'}
        </Text>
        <Group gap="sm">
          {view.after ? (
            <Anchor component={Link} to={`${here}${params.size ? `?${params}` : ''}`}>
              First page
            </Anchor>
          ) : null}
          {t.pageInfo.hasNextPage ? (
            <Anchor component={Link} to={`${here}?${next}`} data-testid="next-page">
              Next {Math.min(Number(view.per), t.totalCount - t.pageInfo.firstIndex - t.events.length + 1)}
            </Anchor>
          ) : null}
        </Group>
      </Group>
    </Stack>
  );
}
