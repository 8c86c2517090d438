import { Anchor, Badge, Card, Stack, Table, Text, Title } from '@mantine/core';
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { SourceSection, type SectionStatus } from '../components/source-section.js';
import { formatDate, humanize } from '../components/format.js';
import { runOperation } from '../.server/graphql.js';
import { pageRefusal } from '../.server/refusal.js';
import { requireViewer } from '../.server/session.js';

export const meta: MetaFunction = () => [{ title: 'Urgent tickets · Panorama' }];

const URGENT = /* GraphQL */ `
  query UrgentTickets {
    urgentTickets(first: 200) {
      totalCount
      status { system source { system name category } state fetchedAt ageSeconds fromCache stale message code }
      rows {
        ticket { id subject status createdAt updatedAt url requester { name } assignee { name } }
        customer { id name accounting { standing { state } } }
      }
    }
  }
`;

type Data = {
  urgentTickets: {
    totalCount: number;
    status: SectionStatus;
    rows: {
      ticket: { id: string; subject: string; status: string; createdAt: string; updatedAt: string; url: string; requester: { name: string } | null; assignee: { name: string } | null };
      customer: { id: string; name: string; accounting: { standing: { state: string } } | null } | null;
    }[];
  };
};

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const r = await runOperation<Data>(viewer, URGENT, {}, 'UrgentTickets');
  if (!r.data) throw pageRefusal(viewer.role, r.errors, { name: 'urgent tickets', group: 'TICKETS' });
  return r.data.urgentTickets;
}

/** Every urgent open ticket, newest first, with whether its customer is also behind on payments. */
export default function UrgentTickets() {
  const d = useLoaderData<typeof loader>();
  return (
    <Stack gap="md" maw={1280} mx="auto">
      <div>
        <Title order={1}>Urgent tickets</Title>
        <Text c="dimmed">{d.totalCount} urgent tickets open across customers.</Text>
      </div>
      <SourceSection title="From the support desk" status={d.status} testId="section-urgent">
        <Card withBorder padding={0}>
          <Table.ScrollContainer minWidth={640}>
            <Table striped highlightOnHover verticalSpacing="xs" fz="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Ticket</Table.Th>
                  <Table.Th>Customer</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Opened</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {d.rows.map((r) => (
                  <Table.Tr key={r.ticket.id}>
                    <Table.Td>
                      <Anchor href={r.ticket.url} target="_blank" rel="noreferrer">
                        #{r.ticket.id} {r.ticket.subject}
                      </Anchor>
                      <Text size="xs" c="dimmed">
                        {r.ticket.requester ? `from ${r.ticket.requester.name}` : ''} {r.ticket.assignee ? `· with ${r.ticket.assignee.name}` : '· unassigned'}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      {r.customer ? (
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
                      )}
                    </Table.Td>
                    <Table.Td>{humanize(r.ticket.status)}</Table.Td>
                    <Table.Td>{formatDate(r.ticket.createdAt)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      </SourceSection>
    </Stack>
  );
}
