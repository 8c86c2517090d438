import { Anchor, Card, NativeSelect, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { ChartFigure } from '../components/chart-figure.js';
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useNavigation } from '@remix-run/react';
import { ResponsiveTable } from '../components/responsive-table.js';
import { LINKED_CHOICES, ListFilters } from '../components/list-filters.js';
import { ListPager } from '../components/list-pager.js';
import { SourceSection } from '../components/source-section.js';
import { formatDate, formatMoney, formatMoneyCompact, formatTotals, plural } from '../components/format.js';
import { countLine, listUnanswered } from '../components/list-count.js';
import { StreamedList, systemsNamed } from '../components/streamed-list.js';
import { overdueInvoicesVariables, overdueInvoicesView, viewOf, type OverdueInvoicesView } from '../.server/list-query.js';
import { streamList } from '../.server/list-stream.js';
import { graphql, type ResultOf } from '../graphql.js';
import { requireViewer } from '../.server/session.js';

export const meta: MetaFunction = () => [{ title: 'Overdue invoices · Panorama' }];

/** The list itself: the page defers it, the CSV export reads it whole. */
const OVERDUE_LIST = graphql(`
  fragment OverdueInvoicesList on Query {
    overdueInvoices(first: $first, after: $after, filter: $filter, sort: $sort) {
      totalCount
      allCount
      pageInfo { endCursor hasNextPage firstIndex }
      totals { amount currency }
      byCustomer { customerName customer { id } invoiceCount oldestDaysOverdue totals { amount currency } aging { currency days1to30 days31to60 days61to90 over90 } }
      status { system source { system name category } state fetchedAt ageSeconds fromCache stale message code }
      rows {
        customerName
        customer { id }
        link { rule confidence }
        invoice { id number date dueDate total balance currency daysOverdue url }
      }
    }
  }
`);

export const OVERDUE = graphql(
  `
    query OverdueInvoices($first: Int, $after: String, $filter: OverdueInvoiceFilter, $sort: OverdueInvoiceSort, $stream: Boolean = false) {
      systems { name category }
      ...OverdueInvoicesList @defer(if: $stream, label: "list")
    }
  `,
  [OVERDUE_LIST],
);

/** The CSV export's operation: the same list, audited under its own name. */
export const OVERDUE_EXPORT = graphql(
  `
    query OverdueInvoicesExport($first: Int, $after: String, $filter: OverdueInvoiceFilter, $sort: OverdueInvoiceSort) {
      ...OverdueInvoicesList
    }
  `,
  [OVERDUE_LIST],
);

export type OverdueData = ResultOf<typeof OVERDUE_LIST>;
type Aging = OverdueData['overdueInvoices']['byCustomer'][number]['aging'][number];

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const url = new URL(request.url);
  const view = viewOf(overdueInvoicesView, url);
  const { systems, list } = await streamList(viewer, {
    query: OVERDUE,
    variables: overdueInvoicesVariables(view),
    operationName: 'OverdueInvoices',
    field: 'overdueInvoices',
    page: { name: 'overdue invoices', group: 'BILLING' },
    stream: !view.after,
  });
  return { list, systems, view, search: url.search };
}

const BUCKETS = [
  { label: '1–30 days', key: 'days1to30' },
  { label: '31–60 days', key: 'days31to60' },
  { label: '61–90 days', key: 'days61to90' },
  { label: 'Over 90 days', key: 'over90' },
] as const;

const Customer = ({ name, customer }: { name: string; customer: { id: string } | null }) =>
  customer ? (
    <Anchor component={Link} to={`/customers/${customer.id}`}>
      {name}
    </Anchor>
  ) : (
    <>
      <Text size="sm" span>
        {name}
      </Text>{' '}
      <Text size="xs" c="dimmed" span>
        (not linked to a CRM account)
      </Text>
    </>
  );

/**
 * Finance's worklist: every overdue invoice across customers (most days past due first), filters and sort in the
 * address, pages, a CSV export, and each customer's totals and aging per currency.
 */
export default function Finance() {
  const { list, systems, view, search } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const busy = navigation.state === 'loading' && navigation.location?.pathname === '/finance';
  return (
    <Stack gap="md" maw={1280} mx="auto">
      <Title order={1}>Overdue invoices</Title>
      <StreamedList list={list} title="Invoices past due" source={systemsNamed(systems, ['ACCOUNTING'], 'the accounting system')} testId="overdue-waiting">
        {({ list: d }) => <OverdueList d={d} view={view} search={search} busy={busy} />}
      </StreamedList>
    </Stack>
  );
}

/** The list once it has arrived: its count and totals, the filters (the currencies it holds), the table, aging and customers. */
function OverdueList({ d, view, search, busy }: { d: OverdueData['overdueInvoices']; view: OverdueInvoicesView; search: string; busy: boolean }) {
  if (listUnanswered(d.status)) {
    // nothing was read: no count, no empty table or aging of zeros, only what went wrong
    return (
      <Stack gap="md">
        <Text c="dimmed" data-testid="overdue-count">
          {countLine(d.status, 'overdue invoices', () => '')}
        </Text>
        <SourceSection title="Invoices past due" status={d.status} testId="section-aging" refresh={false} />
      </Stack>
    );
  }
  const params = new URLSearchParams(search);
  params.delete('after');
  const filtered = d.totalCount !== d.allCount;
  // one series per currency, over the whole filtered list (every page): amounts in different currencies are never stacked
  const currencies = d.totals.map((t) => t.currency ?? 'USD');
  const aging = BUCKETS.map((b) => {
    const row: Record<string, string | number> = { bucket: b.label };
    for (const c of currencies) row[c] = Math.round(d.byCustomer.flatMap((x) => x.aging).filter((a) => (a.currency ?? 'USD') === c).reduce((s, a) => s + a[b.key], 0) * 100) / 100;
    return row;
  });
  const COLORS = ['red.6', 'orange.6', 'grape.6', 'blue.6'];
  const currencyChoices = [...new Set([...currencies, ...(view.currency ? [view.currency.toUpperCase()] : [])])];
  return (
    <Stack gap="md">
      <Text c="dimmed" data-testid="overdue-count">
        {filtered ? `${plural(d.totalCount, 'invoice')} match these filters, of ${d.allCount} past due; ` : `${plural(d.totalCount, 'invoice')} past due, `}
        {formatTotals(d.totals)} outstanding.
      </Text>
      <ListFilters label="Filter and sort overdue invoices" csvHref={`/finance.csv${params.size ? `?${params}` : ''}`} busy={busy}>
        <NativeSelect label="Past due" name="days" defaultValue={view.days ?? ''} data={[{ value: '', label: 'Any time' }, { value: '31', label: 'Over 30 days' }, { value: '61', label: 'Over 60 days' }, { value: '91', label: 'Over 90 days' }]} />
        <NativeSelect label="Currency" name="currency" defaultValue={view.currency?.toUpperCase() ?? ''} data={[{ value: '', label: 'Every currency' }, ...currencyChoices.map((c) => ({ value: c, label: c }))]} />
        <NativeSelect label="Customer" name="linked" defaultValue={view.linked} data={LINKED_CHOICES} />
        <NativeSelect label="Sort" name="sort" defaultValue={view.sort} data={[{ value: 'most_overdue', label: 'Longest past due first' }, { value: 'least_overdue', label: 'Most recent first' }, { value: 'largest', label: 'Largest balance first' }, { value: 'customer', label: 'Customer A–Z' }]} />
        <NativeSelect label="Per page" name="per" defaultValue={view.per} data={['25', '50', '100', '200']} />
      </ListFilters>
      <SimpleGrid cols={{ base: 1, md: 3 }}>
        <SourceSection title="Aging" status={d.status} testId="section-aging" refresh={false}>
          <ChartFigure
            id="overdue-aging"
            title="Overdue amount by days past due"
            caption="Overdue amount by days past due"
            height={180}
            data={aging}
            dataKey="bucket"
            series={(currencies.length ? currencies : ['USD']).map((c, k) => ({ name: c, label: currencies.length > 1 ? `overdue (${c})` : 'overdue', color: COLORS[k % COLORS.length]! }))}
            format={currencies.length === 1 ? (n: number) => formatMoneyCompact(n, currencies[0]) : (n: number) => new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 }).format(n)}
          />
        </SourceSection>
        <Card withBorder style={{ gridColumn: 'span 2' }} padding="xs">
          <ResponsiveTable
            testId="overdue-table"
            label="Overdue invoices"
            rows={d.rows}
            rowKey={(r) => r.invoice.id}
            columns={[
              { key: 'customer', label: 'Customer', render: (r) => <Customer name={r.customerName} customer={r.customer} /> },
              {
                key: 'invoice',
                label: 'Invoice',
                nowrap: true,
                render: (r) => (
                  <Anchor href={r.invoice.url} target="_blank" rel="noreferrer">
                    #{r.invoice.number ?? r.invoice.id}
                  </Anchor>
                ),
              },
              { key: 'due', label: 'Due', nowrap: true, render: (r) => formatDate(r.invoice.dueDate) },
              { key: 'late', label: 'Days late', align: 'right', render: (r) => r.invoice.daysOverdue },
              { key: 'open', label: 'Open', align: 'right', nowrap: true, render: (r) => formatMoney(r.invoice.balance, r.invoice.currency) },
            ]}
          />
          <ListPager path="/finance" search={search} page={d.pageInfo} shown={d.rows.length} totalCount={d.totalCount} per={Number(view.per)} empty="No overdue invoice matches these filters." />
        </Card>
      </SimpleGrid>
      <Card withBorder padding="md" component="section" aria-labelledby="by-customer-heading">
        <Title order={2} size="h4" id="by-customer-heading" mb="sm">
          By customer
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          {plural(d.byCustomer.length, 'customer')} with overdue invoices{filtered ? ' matching these filters' : ''}, longest past due first; each currency on its own line.
        </Text>
        <ResponsiveTable
          testId="overdue-by-customer"
          label="Overdue by customer"
          rows={d.byCustomer.flatMap((c) => c.aging.map((a, i) => ({ c, a, first: i === 0 })))}
          rowKey={({ c, a }) => `${c.customer?.id ?? c.customerName}:${a.currency ?? ''}`}
          columns={[
            { key: 'customer', label: 'Customer', render: ({ c, first }) => (first ? <Customer name={c.customerName} customer={c.customer} /> : null) },
            { key: 'count', label: 'Invoices', align: 'right', render: ({ c, first }) => (first ? c.invoiceCount : null) },
            { key: 'oldest', label: 'Oldest', align: 'right', nowrap: true, render: ({ c, first }) => (first ? plural(c.oldestDaysOverdue, 'day') : null) },
            ...BUCKETS.map((b) => ({ key: b.key, label: b.label, align: 'right' as const, nowrap: true, render: ({ a }: { a: Aging }) => (a[b.key] ? formatMoney(a[b.key], a.currency ?? undefined) : '—') })),
            { key: 'total', label: 'Total', align: 'right', nowrap: true, render: ({ a }) => formatMoney(a.days1to30 + a.days31to60 + a.days61to90 + a.over90, a.currency ?? undefined) },
          ]}
        />
      </Card>
    </Stack>
  );
}
