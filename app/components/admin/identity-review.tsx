import { graphql, type ResultOf } from '../../graphql.js';
import { Alert, Anchor, Badge, Button, Card, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { Form, Link } from '@remix-run/react';
import { humanize, systemNames, type SourceName } from '../format.js';

export const IDENTITY_REVIEW_FIELDS = graphql(`
  fragment IdentityReviewFields on Query {
  identityReview { kind system accountId accountName records { recordId name rules confidence url } pointsAt message }
  linkDecisions { id kind system accountId accountName recordId recordName reason text needsReview reviewReason }
  }
`);

export type ReviewItem = ResultOf<typeof IDENTITY_REVIEW_FIELDS>['identityReview'][number];
export type ReviewKind = ReviewItem['kind'];
export type LinkDecisionRow = ResultOf<typeof IDENTITY_REVIEW_FIELDS>['linkDecisions'][number];

const TITLES: Record<ReviewKind, string> = {
  AMBIGUOUS: 'Ambiguous: pick the right record',
  PROBABLE: 'Probable links to confirm',
  BROKEN: 'Broken links: an id that names no record',
  ORPHAN: 'Orphans: records pointing at an account that does not exist',
  UNLINKED: 'Unlinked records',
};
const ORDER: ReviewKind[] = ['AMBIGUOUS', 'PROBABLE', 'BROKEN', 'ORPHAN', 'UNLINKED'];
const SHOWN = 100;

/** The hidden fields of one decision, and the optional reason every decision asks for. */
function Decide(props: { kind: string; system: string; accountId?: string | null; recordId?: string | null; label: string; name: string; color?: string; askAccount?: boolean; askRecord?: boolean; withReason?: boolean }) {
  return (
    <Form method="post" action="/admin?tab=review" replace style={{ display: 'inline-flex', gap: 4, alignItems: 'center', flexWrap: 'wrap' }}>
      <input type="hidden" name="intent" value="decide" />
      <input type="hidden" name="kind" value={props.kind} />
      <input type="hidden" name="system" value={props.system} />
      {props.accountId ? <input type="hidden" name="accountId" value={props.accountId} /> : null}
      {props.recordId ? <input type="hidden" name="recordId" value={props.recordId} /> : null}
      {props.askAccount ? <TextInput name="accountId" size="xs" required placeholder="Customer id" aria-label={`Customer id to link ${props.name} to`} w={190} /> : null}
      {props.askRecord ? <TextInput name="recordId" size="xs" required placeholder="Record id" aria-label={`Record id to link to ${props.name}`} w={120} /> : null}
      {props.withReason === false ? null : <TextInput name="reason" size="xs" placeholder="Reason (optional)" aria-label={`Reason for: ${props.label}`} maxLength={500} w={170} />}
      <Button type="submit" size="compact-xs" variant="light" color={props.color} aria-label={props.label}>
        {props.label.split(':')[0]}
      </Button>
    </Form>
  );
}

/** The admin's identity review queue: each case with the decision it asks for, and the decisions in force. */
export function IdentityReview(props: { items: ReviewItem[]; decisions: LinkDecisionRow[]; systems: SourceName[]; error: string | null; done: string | null }) {
  const name = systemNames(props.systems);
  const byKind = Object.fromEntries(ORDER.map((k) => [k, props.items.filter((i) => i.kind === k)])) as Record<ReviewKind, ReviewItem[]>;
  const flagged = props.decisions.filter((d) => d.needsReview);
  return (
    <Stack gap="md" data-testid="identity-review">
      {props.error ? (
        <Alert color="red" variant="light" role="alert" data-testid="decision-error">
          {props.error}
        </Alert>
      ) : null}
      {props.done ? (
        <Text role="status" size="sm" data-testid="decision-done">
          {props.done}
        </Text>
      ) : null}
      <Card withBorder component="section" aria-labelledby="review-decisions">
        <Title order={2} size="h4" id="review-decisions" mb="xs">
          Link decisions ({props.decisions.length}){flagged.length ? `, ${flagged.length} to look at again` : ''}
        </Title>
        {props.decisions.length === 0 ? (
          <Text size="sm" c="dimmed">
            No decisions yet. Each one is kept in Panorama only; nothing is written to any system.
          </Text>
        ) : (
          <Table fz="sm" verticalSpacing={4} striped data-testid="link-decisions">
            <Table.Tbody>
              {props.decisions.map((d) => (
                <Table.Tr key={d.id}>
                  <Table.Td>
                    {name(d.system)} {d.recordName ?? d.recordId} ↔{' '}
                    <Anchor component={Link} to={`/customers/${d.accountId}`}>
                      {d.accountName ?? d.accountId}
                    </Anchor>
                    : {d.text}
                    {d.reason ? ` — “${d.reason}”` : ''}
                    {d.needsReview ? (
                      <Text size="sm" fw={600} c="var(--mantine-color-orange-light-color)">
                        Needs review: {d.reviewReason}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    <Form method="post" action="/admin?tab=review" replace>
                      <input type="hidden" name="intent" value="undo" />
                      <input type="hidden" name="id" value={d.id} />
                      <Button type="submit" size="compact-xs" variant="light" color="gray" aria-label={`Undo: ${d.text} (${name(d.system)} ${d.recordName ?? d.recordId})`}>
                        Undo
                      </Button>
                    </Form>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Card>
      {ORDER.map((kind) => (
        <Card key={kind} withBorder component="section" aria-labelledby={`review-${kind}`}>
          <Title order={2} size="h4" id={`review-${kind}`} mb="xs">
            {TITLES[kind]} ({byKind[kind].length})
          </Title>
          <Table.ScrollContainer minWidth={720}>
            <Table fz="sm" verticalSpacing={4} striped data-testid={`review-${kind.toLowerCase()}`}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>System</Table.Th>
                  <Table.Th>Customer</Table.Th>
                  <Table.Th>Record(s)</Table.Th>
                  <Table.Th>Decision</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {byKind[kind].slice(0, SHOWN).map((item, n) => (
                  <Table.Tr key={`${item.system}:${item.accountId}:${item.records[0]?.recordId ?? item.pointsAt}:${n}`} data-account={item.accountId ?? undefined} data-record={item.records[0]?.recordId}>
                    <Table.Td>{name(item.system)}</Table.Td>
                    <Table.Td>
                      {item.accountId ? (
                        <Anchor component={Link} to={`/customers/${item.accountId}`}>
                          {item.accountName}
                        </Anchor>
                      ) : (
                        '—'
                      )}
                    </Table.Td>
                    <Table.Td>
                      {item.message ? <Text size="sm">{item.message}</Text> : null}
                      {item.records.map((r, i) => (
                        <span key={r.recordId}>
                          {i ? '; ' : ''}
                          <Anchor href={r.url} target="_blank" rel="noreferrer">
                            {r.name}
                          </Anchor>
                          {r.rules.length ? ` (${r.rules.map((x) => humanize(x)).join(' + ')}, ${Math.round(r.confidence * 100)}%)` : ''}
                        </span>
                      ))}
                    </Table.Td>
                    <Table.Td>
                      <Actions item={item} systemName={name(item.system)} crm={props.systems.find((x) => x.system === item.system)?.category === 'CRM'} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {byKind[kind].length > SHOWN ? (
            <Text size="xs" c="dimmed">
              Showing {SHOWN} of {byKind[kind].length}.
            </Text>
          ) : null}
        </Card>
      ))}
    </Stack>
  );
}

function Actions({ item, systemName, crm }: { item: ReviewItem; systemName: string; crm: boolean }) {
  const r = item.records[0];
  switch (item.kind) {
    case 'PROBABLE':
      return r ? (
        <Group gap={4}>
          <Decide kind="CONFIRM" system={item.system} accountId={item.accountId} recordId={r.recordId} label={`Confirm: ${r.name} is ${item.accountName}`} name={r.name} />
          <Decide kind="REJECT" system={item.system} accountId={item.accountId} recordId={r.recordId} label={`Reject: ${r.name} is not ${item.accountName}`} name={r.name} color="red" withReason={false} />
        </Group>
      ) : null;
    case 'AMBIGUOUS':
      return (
        <Stack gap={4}>
          {item.records.map((c) => (
            <Decide key={c.recordId} kind="PICK" system={item.system} accountId={item.accountId} recordId={c.recordId} label={`Pick: ${c.name} (${c.recordId}) for ${item.accountName}`} name={c.name} />
          ))}
        </Stack>
      );
    case 'BROKEN':
      return <Decide kind="LINK" system={item.system} accountId={item.accountId} askRecord label={`Link: the right ${systemName} record to ${item.accountName}`} name={item.accountName ?? ''} />;
    case 'ORPHAN':
    case 'UNLINKED':
      // a CRM account without records elsewhere is linked from the other side
      return r && !crm ? (
        <Decide kind="LINK" system={item.system} recordId={r.recordId} askAccount label={`Link: ${r.name} to a customer`} name={r.name} />
      ) : (
        <Badge variant="light" color="gray">
          Link its records from their side
        </Badge>
      );
  }
}
