import { Anchor, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { ChartFigure } from '../components/chart-figure.js';
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { SourceSection, type SectionStatus } from '../components/source-section.js';
import { formatDate, formatMoney, formatMoneyCompact } from '../components/format.js';
import { runOperation } from '../.server/graphql.js';
import { pageRefusal } from '../.server/refusal.js';
import { requireViewer } from '../.server/session.js';

export const meta: MetaFunction = () => [{ title: 'Overdue invoices · Panorama' }];

const OVERDUE = /* GraphQL */ `
  query OverdueInvoices {
    overdueInvoices(first: 500) {
      totalCount
      totalOverdue
      status { system source { system name category } state fetchedAt ageSeconds fromCache stale message code }
      rows {
        customerName
        customer { id }
        link { rule confidence }
        invoice { id number date dueDate total balance currency daysOverdue url }
      }
    }
  }
`;

type Data = {
  overdueInvoices: {
    totalCount: number;
    totalOverdue: number;
    status: SectionStatus;
    rows: {
      customerName: string;
      customer: { id: string } | null;
      link: { rule: string; confidence: number } | null;
      invoice: { id: string; number: string | null; date: string; dueDate: string | null; total: number; balance: number; currency: string; daysOverdue: number; url: string };
    }[];
  };
};

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const r = await runOperation<Data>(viewer, OVERDUE, {}, 'OverdueInvoices');
  if (!r.data) throw pageRefusal(viewer.role, r.errors, { name: 'overdue invoices', group: 'BILLING' });
  return r.data.overdueInvoices;
}

const BUCKETS = [
  { label: '1–30 days', max: 30 },
  { label: '31–60 days', max: 60 },
  { label: '61–90 days', max: 90 },
  { label: 'Over 90 days', max: Infinity },
];

/** Finance's worklist: every overdue invoice across customers, oldest first, with the aging of what is owed. */
export default function Finance() {
  const d = useLoaderData<typeof loader>();
  const aging = BUCKETS.map((b, i) => ({
    bucket: b.label,
    amount: Math.round(d.rows.filter((r) => r.invoice.daysOverdue <= b.max && r.invoice.daysOverdue > (BUCKETS[i - 1]?.max ?? 0)).reduce((s, r) => s + r.invoice.balance, 0) * 100) / 100,
  }));
  return (
    <Stack gap="md" maw={1280} mx="auto">
      <div>
        <Title order={1}>Overdue invoices</Title>
        <Text c="dimmed">
          {d.totalCount} invoices past due, {formatMoney(d.totalOverdue)} outstanding.
        </Text>
      </div>
      <SimpleGrid cols={{ base: 1, md: 3 }}>
        <SourceSection title="Aging" status={d.status} testId="section-aging" refresh={false}>
          <ChartFigure
            id="overdue-aging"
            title="Overdue amount by days past due"
            caption="Overdue amount by days past due"
            height={180}
            data={aging}
            dataKey="bucket"
            series={[{ name: 'amount', label: 'overdue', color: 'red.6' }]}
            format={formatMoneyCompact}
          />
        </SourceSection>
        <Card withBorder style={{ gridColumn: 'span 2' }} padding={0}>
          <Table.ScrollContainer minWidth={640}>
            <Table striped highlightOnHover verticalSpacing="xs" fz="sm" data-testid="overdue-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Customer</Table.Th>
                  <Table.Th>Invoice</Table.Th>
                  <Table.Th>Due</Table.Th>
                  <Table.Th ta="right">Days late</Table.Th>
                  <Table.Th ta="right">Open</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {d.rows.map((r) => (
                  <Table.Tr key={r.invoice.id}>
                    <Table.Td>
                      {r.customer ? (
                        <Anchor component={Link} to={`/customers/${r.customer.id}`}>
                          {r.customerName}
                        </Anchor>
                      ) : (
                        <Group gap={4}>
                          <Text size="sm">{r.customerName}</Text>
                          <Text size="xs" c="dimmed">
                            (not linked to a CRM account)
                          </Text>
                        </Group>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Anchor href={r.invoice.url} target="_blank" rel="noreferrer">
                        #{r.invoice.number ?? r.invoice.id}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{formatDate(r.invoice.dueDate)}</Table.Td>
                    <Table.Td ta="right">{r.invoice.daysOverdue}</Table.Td>
                    <Table.Td ta="right">{formatMoney(r.invoice.balance, r.invoice.currency)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      </SimpleGrid>
    </Stack>
  );
}
