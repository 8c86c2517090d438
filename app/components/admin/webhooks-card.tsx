import { graphql, type ResultOf } from '../../graphql.js';
import { Badge, Card, Code, Table, Text, Title } from '@mantine/core';
import { formatAge } from '../format.js';

/** One source's webhook as the admin page receives it (graphql `webhooks`). */
export const WEBHOOKS_FIELDS = graphql(`
  fragment WebhooksFields on Query {
  webhooks { system name mechanism enabled path lastDelivery { at ageSeconds outcome verified reason entities { entity count } dropped } }
  }
`);

export type SourceWebhookRow = ResultOf<typeof WEBHOOKS_FIELDS>['webhooks'][number];


const OUTCOME: Record<NonNullable<SourceWebhookRow['lastDelivery']>['outcome'], { label: string; color: string }> = {
  INVALIDATED: { label: 'Verified', color: 'green' },
  HANDSHAKE: { label: 'Handshake', color: 'green' },
  REFUSED: { label: 'Refused', color: 'red' },
  MALFORMED: { label: 'Malformed', color: 'orange' },
};

function last(d: NonNullable<SourceWebhookRow['lastDelivery']>): string {
  const when = formatAge(d.ageSeconds);
  if (d.outcome === 'REFUSED' || d.outcome === 'MALFORMED') return `${when}: ${d.reason ?? 'refused'}`;
  if (d.outcome === 'HANDSHAKE') return `${when}: subscription confirmed`;
  const what = d.entities.map((e) => `${e.count} ${e.entity}${e.count === 1 ? '' : 's'}`).join(', ') || 'nothing Panorama reads';
  return `${when}: ${what} changed; ${d.dropped} cached ${d.dropped === 1 ? 'entry' : 'entries'} dropped`;
}

/** Each source's change notifications: on or off, and what the last delivery did. */
export function WebhooksCard({ webhooks }: { webhooks: SourceWebhookRow[] }) {
  return (
    <Card withBorder mt="md" component="section" aria-labelledby="webhooks-heading" data-testid="webhooks">
      <Title order={2} size="h4" id="webhooks-heading" mb="xs">
        Change notifications (webhooks)
      </Title>
      <Text size="sm" c="dimmed" mb="xs">
        A verified notification drops the changed records' cached copies on every instance; the next view reads them fresh.
      </Text>
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Source</Table.Th>
            <Table.Th scope="col">Endpoint</Table.Th>
            <Table.Th scope="col">State</Table.Th>
            <Table.Th scope="col">Last delivery</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {webhooks.map((w) => (
            <Table.Tr key={w.system} data-testid={`webhook-${w.system}`}>
              <Table.Th scope="row">{w.name}</Table.Th>
              <Table.Td>
                <Code>{w.path}</Code> <Text span size="xs" c="dimmed">{w.mechanism}</Text>
              </Table.Td>
              <Table.Td>
                {w.enabled ? (
                  <Badge color="green" variant="light">On</Badge>
                ) : (
                  <Badge color="gray" variant="light">Off (no secret set)</Badge>
                )}
              </Table.Td>
              <Table.Td>
                {w.lastDelivery ? (
                  <Text size="sm">
                    <Badge color={OUTCOME[w.lastDelivery.outcome].color} variant="light" mr={6}>
                      {OUTCOME[w.lastDelivery.outcome].label}
                    </Badge>
                    {last(w.lastDelivery)}
                  </Text>
                ) : (
                  <Text size="sm" c="dimmed">None received yet.</Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}
