import { Anchor, Badge, Card, Group, Stack, Table, Text, TextInput, Title, Button, Alert } from '@mantine/core';
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData, useNavigation } from '@remix-run/react';
import { runOperation } from '../.server/graphql.js';
import { requireViewer } from '../.server/session.js';

export const meta: MetaFunction = () => [{ title: 'Customers · Panorama' }];

const SEARCH = /* GraphQL */ `
  query CustomerSearch($search: String, $first: Int) {
    customers(search: $search, first: $first) {
      totalCount
      incomplete
      matches { customerId systemName reason }
      nodes {
        id
        name
        crm {
          account { id website industry tier owner { name } }
        }
      }
    }
  }
`;

type SearchData = {
  customers: {
    totalCount: number;
    incomplete: string | null;
    matches: { customerId: string; systemName: string; reason: string }[];
    nodes: {
      id: string;
      name: string;
      crm: { account: { id: string; website: string | null; industry: string | null; tier: string | null; owner: { name: string } | null } } | null;
    }[];
  };
};

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const q = (new URL(request.url).searchParams.get('q') ?? '').slice(0, 200);
  const result = await runOperation<SearchData>(viewer, SEARCH, { search: q, first: 25 }, 'CustomerSearch');
  return { q, customers: result.data?.customers ?? null, errors: result.errors.map((e) => e.message) };
}

export default function Customers() {
  const { q, customers, errors } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const searching = navigation.state === 'loading' && navigation.location?.pathname === '/customers';
  return (
    <Stack gap="md" maw={1100} mx="auto">
      <Title order={1}>Customers</Title>
      <Form method="get" role="search">
        <Group align="flex-end" wrap="nowrap">
          <TextInput
            name="q"
            label="Find a customer"
            description="Name, website, contact, e-mail, phone, invoice # or ticket #"
            placeholder="e.g. O'Brien"
            defaultValue={q}
            style={{ flex: 1 }}
            autoFocus
          />
          <Button type="submit" loading={searching}>
            Search
          </Button>
        </Group>
      </Form>
      {customers?.incomplete ? (
        <Alert color="yellow" title="Search is incomplete" role="alert" data-testid="search-incomplete">
          {customers.incomplete}
        </Alert>
      ) : null}
      {errors.length && !customers?.incomplete ? (
        <Alert color="red" title="Search is not complete" role="alert">
          {errors.join(' ')}
        </Alert>
      ) : null}
      {customers ? (
        customers.nodes.length ? (
          <Card withBorder padding={0}>
            <Table.ScrollContainer minWidth={560}>
              <Table striped highlightOnHover verticalSpacing="sm">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Customer</Table.Th>
                    <Table.Th>Industry</Table.Th>
                    <Table.Th>Tier</Table.Th>
                    <Table.Th>Owner</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {customers.nodes.map((c) => (
                    <Table.Tr key={c.id}>
                      <Table.Td>
                        <Anchor component={Link} to={`/customers/${c.id}`} fw={600}>
                          {c.name}
                        </Anchor>
                        {q.trim() && customers.matches.some((m) => m.customerId === c.id) ? (
                          <Text size="xs" data-testid="match-reasons">
                            {customers.matches
                              .filter((m) => m.customerId === c.id)
                              .map((m) => `${m.systemName}: ${m.reason}`)
                              .join(' · ')}
                          </Text>
                        ) : null}
                        {c.crm?.account.website ? (
                          <Text size="xs" c="dimmed">
                            {c.crm.account.website.replace(/^https?:\/\//, '')}
                          </Text>
                        ) : null}
                      </Table.Td>
                      <Table.Td>{c.crm?.account.industry ?? '—'}</Table.Td>
                      <Table.Td>{c.crm?.account.tier ? <Badge variant="light">{c.crm.account.tier}</Badge> : '—'}</Table.Td>
                      <Table.Td>{c.crm?.account.owner?.name ?? '—'}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Card>
        ) : (
          <Text>
            {customers.incomplete
              ? `Nothing found for “${q}” in the systems that answered.`
              : `No customer, contact, invoice or ticket matches “${q}”.`}
          </Text>
        )
      ) : null}
    </Stack>
  );
}
