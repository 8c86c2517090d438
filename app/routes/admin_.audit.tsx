import { Alert, Anchor, Button, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { ACCESS_GROUPS, canRead } from '../../graphql/policy.js';
import { AUDIT_PAGE_SIZE, auditFilterOf } from '../.server/audit-query.js';
import { panorama } from '../.server/runtime.js';
import { forbidden } from '../.server/refusal.js';
import { requireViewer } from '../.server/session.js';

export const meta: MetaFunction = () => [{ title: 'Read audit · Admin · Panorama' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  if (!canRead(viewer.role, 'ADMIN')) throw forbidden(viewer.role, { name: 'read audit pages', group: 'ADMIN' });
  const url = new URL(request.url);
  const { filter, page, raw } = auditFilterOf(url);
  const { audit } = panorama();
  await audit.flushed();
  const [found, chain] = await Promise.all([audit.search(filter, { offset: (page - 1) * AUDIT_PAGE_SIZE, limit: AUDIT_PAGE_SIZE }), audit.verify()]);
  return { ...found, chain, page, pageSize: AUDIT_PAGE_SIZE, raw, query: url.search, groups: ACCESS_GROUPS };
}

/** Who read which customers, when: filters, pages, the CSV export, and whether the chain is intact. */
export default function AdminAudit() {
  const d = useLoaderData<typeof loader>();
  const pages = Math.max(1, Math.ceil(d.total / d.pageSize));
  const pageLink = (n: number) => {
    const q = new URLSearchParams(d.query);
    q.set('page', String(n));
    return `?${q}`;
  };
  const exportQuery = new URLSearchParams(d.query);
  exportQuery.delete('page');
  return (
    <Stack gap="md" maw={1280} mx="auto">
      <Title order={1}>Read audit</Title>
      {d.chain.ok ? (
        <Alert color="green" variant="light" title="Chain intact" data-testid="chain">
          All {d.chain.records} records verified: none was changed, removed or inserted after it was written.
        </Alert>
      ) : (
        <Alert color="red" variant="light" title="Chain broken" data-testid="chain" role="alert">
          {d.chain.problem}. {d.chain.records} records before it verified.
        </Alert>
      )}
      <Form method="get">
        <Group align="flex-end" wrap="wrap">
          <TextInput label="Person" name="person" defaultValue={d.raw.person} placeholder="person id" />
          <TextInput label="Customer" name="customer" defaultValue={d.raw.customer} placeholder="customer id" />
          <Select label="Field group" name="group" defaultValue={d.raw.group || null} data={d.groups.map((g) => ({ value: g, label: g }))} clearable />
          <TextInput label="From" name="from" type="date" defaultValue={d.raw.from} />
          <TextInput label="To" name="to" type="date" defaultValue={d.raw.to} />
          <Button type="submit">Filter</Button>
          <Anchor href={`/admin/audit.csv?${exportQuery}`}>Export CSV</Anchor>
        </Group>
      </Form>
      <Text size="sm" c="dimmed">
        {d.total} records · page {d.page} of {pages}
      </Text>
      <Table.ScrollContainer minWidth={900}>
        <Table striped fz="sm" data-testid="audit-rows">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>#</Table.Th>
              <Table.Th>When (UTC)</Table.Th>
              <Table.Th>Person</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Operation</Table.Th>
              <Table.Th>Customers</Table.Th>
              <Table.Th>Field groups</Table.Th>
              <Table.Th>Request</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {d.rows.map((r) => (
              <Table.Tr key={r.seq}>
                <Table.Td>{r.seq}</Table.Td>
                <Table.Td>{new Date(r.at).toISOString().replace('T', ' ').slice(0, 19)}</Table.Td>
                <Table.Td>{r.userId ?? '—'}</Table.Td>
                <Table.Td>{r.role ?? '—'}</Table.Td>
                <Table.Td>
                  {r.operation}
                  {r.reused ? ' (reused)' : ''}
                  {r.errors ? ` · ${r.errors} errors` : ''}
                </Table.Td>
                <Table.Td>
                  {r.customerIds.slice(0, 5).map((id, i) => (
                    <span key={id}>
                      {i ? ', ' : ''}
                      <Anchor component={Link} to={`?customer=${encodeURIComponent(id)}`}>
                        {id}
                      </Anchor>
                    </span>
                  ))}
                  {r.customerCount > 5 ? ` and ${r.customerCount - 5} more` : ''}
                </Table.Td>
                <Table.Td>{r.fieldGroups.join(', ')}</Table.Td>
                <Table.Td>
                  <Text span size="xs" ff="monospace">
                    {r.requestId.slice(0, 8)}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Group>
        {d.page > 1 ? <Anchor component={Link} to={pageLink(d.page - 1)}>Newer</Anchor> : null}
        {d.page < pages ? <Anchor component={Link} to={pageLink(d.page + 1)}>Older</Anchor> : null}
      </Group>
    </Stack>
  );
}
