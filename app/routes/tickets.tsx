import { Anchor, Badge, Card, NativeSelect, Stack, Text, Title } from '@mantine/core';
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useNavigation } from '@remix-run/react';
import { LINKED_CHOICES, ListFilters } from '../components/list-filters.js';
import { ListPager } from '../components/list-pager.js';
import { ResponsiveTable, type Column } from '../components/responsive-table.js';
import { SourceSection } from '../components/source-section.js';
import { formatAgeDays, formatDate, humanize, plural } from '../components/format.js';
import { countLine } from '../components/list-count.js';
import { StreamedList, systemsNamed } from '../components/streamed-list.js';
import { urgentTicketsVariables, urgentTicketsView, viewOf } from '../.server/list-query.js';
import { streamList } from '../.server/list-stream.js';
import { graphql, type ResultOf } from '../graphql.js';
import { requireViewer } from '../.server/session.js';

export const meta: MetaFunction = () => [{ title: 'Urgent tickets · Panorama' }];

/** The list itself: the page defers it, the CSV export reads it whole. */
const URGENT_LIST = graphql(`
  fragment UrgentTicketsList on Query {
    urgentTickets(first: $first, after: $after, filter: $filter, sort: $sort) {
      totalCount
      allCount
      pageInfo { endCursor hasNextPage firstIndex }
      status { system source { system name category } state fetchedAt ageSeconds fromCache stale message code }
      rows {
        ageDays
        ticket { id subject status createdAt updatedAt url requester { name } assignee { name } }
        customer { id name accounting { standing { state } } }
      }
    }
  }
`);

export const URGENT = graphql(
  `
    query UrgentTickets($first: Int, $after: String, $filter: UrgentTicketFilter, $sort: UrgentTicketSort, $stream: Boolean = false) {
      systems { name category }
      ...UrgentTicketsList @defer(if: $stream, label: "list")
    }
  `,
  [URGENT_LIST],
);

/** The CSV export's operation: the same list, audited under its own name. */
export const URGENT_EXPORT = graphql(
  `
    query UrgentTicketsExport($first: Int, $after: String, $filter: UrgentTicketFilter, $sort: UrgentTicketSort) {
      ...UrgentTicketsList
    }
  `,
  [URGENT_LIST],
);

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const url = new URL(request.url);
  const view = viewOf(urgentTicketsView, url);
  const { systems, list } = await streamList(viewer, {
    query: URGENT,
    variables: urgentTicketsVariables(view),
    operationName: 'UrgentTickets',
    field: 'urgentTickets',
    page: { name: 'urgent tickets', group: 'TICKETS' },
    stream: !view.after,
  });
  return { list, systems, view, search: url.search };
}

type Row = ResultOf<typeof URGENT_LIST>['urgentTickets']['rows'][number];

const COLUMNS: Column<Row>[] = [
  {
    key: 'ticket',
    label: 'Ticket',
    render: (r) => (
      <>
        <Anchor href={r.ticket.url} target="_blank" rel="noreferrer">
          #{r.ticket.id} {r.ticket.subject}
        </Anchor>
        {r.ticket.requester ? (
          <Text size="xs" c="dimmed">
            from {r.ticket.requester.name}
          </Text>
        ) : null}
      </>
    ),
  },
  {
    key: 'customer',
    label: 'Customer',
    render: (r) =>
      r.customer ? (
        <>
          <Anchor component={Link} to={`/customers/${r.customer.id}`}>
            {r.customer.name}
          </Anchor>
          {r.customer.accounting?.standing.state === 'OVERDUE' ? (
            <Badge ml={6} size="xs" color="red" variant="light">
              Overdue
            </Badge>
          ) : null}
        </>
      ) : (
        <Text size="sm" c="dimmed">
          Not linked
        </Text>
      ),
  },
  { key: 'assignee', label: 'Assignee', render: (r) => (r.ticket.assignee ? r.ticket.assignee.name : <Badge size="sm" color="orange" variant="light">Unassigned</Badge>) },
  { key: 'status', label: 'Status', nowrap: true, render: (r) => humanize(r.ticket.status) },
  {
    key: 'age',
    label: 'Age',
    nowrap: true,
    render: (r) => (
      <>
        {formatAgeDays(r.ageDays)}
        <Text size="xs" c="dimmed">
          opened {formatDate(r.ticket.createdAt)}
        </Text>
      </>
    ),
  },
];

/** Every urgent open ticket: its age and who has it, filters and sort in the address, pages, and a CSV export. */
export default function UrgentTickets() {
  const { list, systems, view, search } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const busy = navigation.state === 'loading' && navigation.location?.pathname === '/tickets';
  const params = new URLSearchParams(search);
  params.delete('after');
  return (
    <Stack gap="md" maw={1280} mx="auto">
      <Title order={1}>Urgent tickets</Title>
      <ListFilters label="Filter and sort urgent tickets" csvHref={`/tickets.csv${params.size ? `?${params}` : ''}`} busy={busy}>
        <NativeSelect label="Assignee" name="assignee" defaultValue={view.assignee} data={[{ value: 'any', label: 'Anyone or nobody' }, { value: 'unassigned', label: 'Unassigned' }, { value: 'assigned', label: 'Assigned' }]} />
        <NativeSelect label="Customer" name="linked" defaultValue={view.linked} data={LINKED_CHOICES} />
        <NativeSelect label="Sort" name="sort" defaultValue={view.sort} data={[{ value: 'newest', label: 'Newest first' }, { value: 'oldest', label: 'Oldest first' }, { value: 'stalest', label: 'Longest untouched first' }]} />
        <NativeSelect label="Per page" name="per" defaultValue={view.per} data={['10', '25', '50', '100']} />
      </ListFilters>
      <StreamedList list={list} title="From the support desk" source={systemsNamed(systems, ['SUPPORT', 'ACCOUNTING'], 'the support desk')} testId="urgent-waiting">
        {({ list: d }) => (
          <Stack gap="md">
            <Text c="dimmed" data-testid="urgent-count">
              {countLine(d.status, 'urgent tickets', () =>
                d.totalCount !== d.allCount
                  ? `${plural(d.totalCount, 'ticket')} match these filters, of ${plural(d.allCount, 'urgent ticket')} open across customers.`
                  : `${plural(d.allCount, 'urgent ticket')} open across customers.`,
              )}
            </Text>
            <SourceSection title="From the support desk" status={d.status} testId="section-urgent" refresh={false}>
              <Card withBorder padding={0}>
                <ResponsiveTable columns={COLUMNS} rows={d.rows} rowKey={(r) => r.ticket.id} label="Urgent tickets" testId="urgent-table" />
              </Card>
              <ListPager path="/tickets" search={search} page={d.pageInfo} shown={d.rows.length} totalCount={d.totalCount} per={Number(view.per)} empty="No ticket matches these filters." />
            </SourceSection>
          </Stack>
        )}
      </StreamedList>
    </Stack>
  );
}
