
import { Anchor, Stack, Text } from '../plain.js';
import { ResponsiveTable, type Column } from '../responsive-table.js';
import { formatAmount, formatDate } from '../format.js';
import { SourceSection } from '../source-section.js';
import type { Customer } from './query.js';

type Deal = NonNullable<NonNullable<Customer['crm']>['opportunities']>[number];

const DEAL_COLUMNS: Column<Deal>[] = [
  {
    key: 'deal',
    label: 'Deal',
    render: (d) => (
      <Anchor href={d.url} target="_blank" rel="noreferrer">
        {d.name}
      </Anchor>
    ),
  },
  {
    key: 'stage',
    label: 'Stage',
    render: (d) => (
      <Text size="sm" c={d.outcome === 'LOST' ? 'dimmed' : undefined} fw={d.outcome === 'OPEN' ? 600 : 400}>
        {d.stage}
      </Text>
    ),
  },
  { key: 'amount', label: 'Amount', align: 'right', nowrap: true, render: (d) => formatAmount(d.amount, d.currency) },
  { key: 'close', label: 'Close', nowrap: true, render: (d) => formatDate(d.closeDate) },
];

/** Deals from the CRM: open first, then the most recent. */
export function DealsCard({ customer }: { customer: Customer }) {
  const deals = customer.crm?.opportunities ?? null;
  const status = customer.sections.find((s) => s.source.category === 'CRM');
  return (
    <SourceSection title="Deals" status={status} recordUrl={customer.crm?.account.url} testId="section-deals">
      {deals ? (
        deals.length ? (
          <ResponsiveTable label="Deals" rows={deals} rowKey={(d) => d.id} columns={DEAL_COLUMNS} testId="deals" />
        ) : (
          <Text size="sm" c="dimmed">
            No deals.
          </Text>
        )
      ) : (
        <Stack />
      )}
    </SourceSection>
  );
}
