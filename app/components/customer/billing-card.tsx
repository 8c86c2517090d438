import { Anchor as MantineAnchor } from '@mantine/core';
import { Anchor, Badge, Group, Stack, Text, Title } from '../plain.js';
import { Link } from '@remix-run/react';
import { ResponsiveTable, type Column } from '../responsive-table.js';
import { ChartFigure } from '../chart-figure.js';
import { formatDate, formatMoney, formatMoneyCompact, humanize, plural } from '../format.js';
import { SourceSection } from '../source-section.js';
import type { Customer } from './query.js';

const INVOICE_COLORS: Record<string, string> = { OVERDUE: 'red', PAID: 'green', PARTIALLY_PAID: 'yellow', SENT: 'blue', DRAFT: 'gray' };

export function StandingBadge({ standing }: { standing: NonNullable<Customer['accounting']>['standing'] }) {
  if (standing.state === 'OVERDUE') {
    return (
      <Badge color="red" variant="light">
        Overdue · {standing.overdueInvoiceCount} invoice{standing.overdueInvoiceCount === 1 ? '' : 's'}, oldest {standing.oldestDaysOverdue} days
      </Badge>
    );
  }
  return (
    <Badge color={standing.state === 'GOOD' ? 'green' : 'gray'} variant="light">
      {standing.state === 'GOOD' ? 'In good standing' : 'No invoices yet'}
    </Badge>
  );
}

type InvoiceRow = NonNullable<NonNullable<Customer['accounting']>['invoices']>[number];

/** "3 overdue and the 9 newest of 40": what the list holds, overdue first. */
function invoicesShownText(invoices: readonly InvoiceRow[], count: number): string {
  const overdue = invoices.filter((i) => i.status === 'OVERDUE').length;
  const rest = invoices.length - overdue;
  if (invoices.length >= count) return `All ${plural(count, 'invoice')}${overdue ? `, the ${overdue} overdue first` : ''}`;
  return `${overdue ? `${overdue} overdue, then ` : ''}the ${rest} newest of ${count}`;
}

const INVOICE_COLUMNS: Column<InvoiceRow>[] = [
  {
    key: 'invoice',
    label: 'Invoice',
    render: (inv) => (
      <div>
        <Anchor href={inv.url} target="_blank" rel="noreferrer" style={{ whiteSpace: 'nowrap' }}>
          #{inv.number ?? inv.id}
        </Anchor>
        <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
          {formatDate(inv.date)}
        </Text>
        {inv.job ? (
          <Text size="xs" c="dimmed" data-testid="invoice-job">
            Job: {inv.job}
          </Text>
        ) : null}
      </div>
    ),
  },
  {
    key: 'due',
    label: 'Due',
    nowrap: true,
    render: (inv) => (
      <div>
        {formatDate(inv.dueDate)}
        {inv.status === 'OVERDUE' ? (
          <Text size="xs" c="var(--mantine-color-red-light-color)">
            {plural(inv.daysOverdue, 'day')} late
          </Text>
        ) : null}
      </div>
    ),
  },
  { key: 'total', label: 'Total', align: 'right', nowrap: true, render: (inv) => formatMoney(inv.total, inv.currency) },
  { key: 'balance', label: 'Balance', align: 'right', nowrap: true, render: (inv) => formatMoney(inv.balance, inv.currency) },
  {
    key: 'status',
    label: 'Status',
    nowrap: true,
    render: (inv) => (
      <Badge size="sm" variant="light" color={INVOICE_COLORS[inv.status] ?? 'gray'}>
        {humanize(inv.status)}
      </Badge>
    ),
  },
];

/** Billing: standing for everyone; balance, invoices, payments and aging for the roles that handle money. */
export function BillingCard({ customer, detail, allInvoices = false }: { customer: Customer; detail: 'standing' | 'full'; allInvoices?: boolean }) {
  const a = customer.accounting;
  const status = customer.sections.find((s) => s.source.category === 'ACCOUNTING');
  const aging = a?.aging
    ? [
        { bucket: 'Current', amount: a.aging.current },
        { bucket: '1–30 days', amount: a.aging.days1to30 },
        { bucket: '31–60 days', amount: a.aging.days31to60 },
        { bucket: '61–90 days', amount: a.aging.days61to90 },
        { bucket: 'Over 90 days', amount: a.aging.over90 },
      ]
    : null;
  return (
    <SourceSection title="Billing" status={status} recordUrl={a?.url} testId="section-accounting">
      {a ? (
        <Stack gap="sm">
          <Group gap="xs">
            <StandingBadge standing={a.standing} />
          </Group>
          {detail === 'full' && a.balance !== undefined ? (
            <Group gap="xl">
              <div>
                <Text size="xs" c="dimmed">
                  Open balance
                </Text>
                <Text fw={600}>{formatMoney(a.balance, a.currency)}</Text>
              </div>
              <div>
                <Text size="xs" c="dimmed">
                  Overdue
                </Text>
                <Text fw={600} c={a.overdueBalance ? 'var(--mantine-color-red-light-color)' : undefined}>
                  {formatMoney(a.overdueBalance, a.currency)}
                </Text>
              </div>
            </Group>
          ) : null}
          {detail === 'full' && aging && !aging.some((b) => b.amount > 0) ? (
            <Text size="sm" c="dimmed" data-testid="aging-none">
              No open balance to age.
            </Text>
          ) : null}
          {detail === 'full' && aging && aging.some((b) => b.amount > 0) ? (
            <ChartFigure
              id="aging-caption"
              title="Aging of the open balance"
              caption="Open balance by days past due"
              data={aging}
              dataKey="bucket"
              series={[{ name: 'amount', label: 'open', color: 'indigo.6' }]}
              format={(n: number) => formatMoneyCompact(n, a.currency)}
            />
          ) : null}
          {detail === 'full' && a.jobs?.length ? (
            <>
              <Title order={3} size="h6">
                Jobs
              </Title>
              <Stack gap={2} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }} data-testid="billing-jobs">
                {a.jobs.map((j) => (
                  <Text component="li" size="sm" key={j.id}>
                    <Anchor href={j.url} target="_blank" rel="noreferrer">
                      {j.name}
                    </Anchor>{' '}
                    · open balance {formatMoney(j.balance, j.currency)}
                  </Text>
                ))}
              </Stack>
            </>
          ) : null}
          {detail === 'full' && a.invoices ? (
            <>
              <Group justify="space-between" align="baseline" gap="xs">
                <Title order={3} size="h6">
                  Invoices
                </Title>
                <Text size="xs" c="dimmed" data-testid="invoices-shown">
                  {invoicesShownText(a.invoices, a.invoiceCount ?? a.invoices.length)}
                </Text>
              </Group>
              <ResponsiveTable label="Invoices, overdue first, then newest" rows={a.invoices} rowKey={(inv) => inv.id} columns={INVOICE_COLUMNS} testId="invoices" />
              {(a.invoiceCount ?? 0) > a.invoices.length ? (
                <MantineAnchor component={Link} to={`/customers/${customer.id}?invoices=all`} size="sm" data-testid="invoices-view-all">
                  View all {a.invoiceCount} invoices
                </MantineAnchor>
              ) : allInvoices ? (
                <MantineAnchor component={Link} to={`/customers/${customer.id}`} size="sm">
                  Show the overdue and newest only
                </MantineAnchor>
              ) : null}
            </>
          ) : null}
          {detail === 'full' && a.payments?.length ? (
            <>
              <Title order={3} size="h6">
                Payments
              </Title>
              <Stack gap={2} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
                {a.payments.map((p) => (
                  <Text component="li" size="sm" key={p.id}>
                    <Anchor href={p.url} target="_blank" rel="noreferrer">
                      {formatMoney(p.amount, p.currency)}
                    </Anchor>{' '}
                    on {formatDate(p.date)}
                    {p.job ? ` · job ${p.job}` : ''}
                    {p.invoiceIds.length ? ` · for ${p.invoiceIds.length} invoice${p.invoiceIds.length === 1 ? '' : 's'}` : ''}
                  </Text>
                ))}
              </Stack>
            </>
          ) : null}
          {detail === 'standing' ? (
            <Text size="xs" c="dimmed">
              Amounts and invoices are shown to account managers and finance.
            </Text>
          ) : null}
        </Stack>
      ) : null}
    </SourceSection>
  );
}
