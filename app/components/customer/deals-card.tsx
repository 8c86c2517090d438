import { Anchor, Stack, Table, Text } from '@mantine/core';
import { formatAmount, formatDate } from '../format.js';
import { SourceSection } from '../source-section.js';
import type { Customer } from './query.js';

/** Deals from the CRM: open first, then the most recent. */
export function DealsCard({ customer }: { customer: Customer }) {
  const deals = customer.crm?.opportunities ?? null;
  const status = customer.sections.find((s) => s.source.category === 'CRM');
  return (
    <SourceSection title="Deals" status={status} recordUrl={customer.crm?.account.url} testId="section-deals">
      {deals ? (
        deals.length ? (
          <Table.ScrollContainer minWidth={420}>
            <Table verticalSpacing={4} fz="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Deal</Table.Th>
                  <Table.Th>Stage</Table.Th>
                  <Table.Th ta="right">Amount</Table.Th>
                  <Table.Th>Close</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {deals.map((d) => (
                  <Table.Tr key={d.id}>
                    <Table.Td>
                      <Anchor href={d.url} target="_blank" rel="noreferrer">
                        {d.name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" c={d.outcome === 'LOST' ? 'dimmed' : undefined} fw={d.outcome === 'OPEN' ? 600 : 400}>
                        {d.stage}
                      </Text>
                    </Table.Td>
                    <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                      {formatAmount(d.amount)}
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(d.closeDate)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
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
