import { Alert, Anchor, Badge, Button, Card, Group, NativeSelect, Stack, Text, TextInput, Title } from '@mantine/core';
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData, useNavigation } from '@remix-run/react';
import { ListPager } from '../components/list-pager.js';
import { ResponsiveTable, type Column } from '../components/responsive-table.js';
import { plural } from '../components/format.js';
import { customerSearchVariables, customerSearchView, viewOf } from '../.server/list-query.js';
import { runOperation } from '../.server/graphql.js';
import { graphql, renamed, type ResultOf } from '../graphql.js';
import { requireViewer } from '../.server/session.js';

export const meta: MetaFunction = () => [{ title: 'Customers · Panorama' }];

export const SEARCH = graphql(`
  query CustomerSearch($search: String, $first: Int, $after: String, $filter: CustomerSearchFilter, $sort: CustomerSearchSort) {
    customers(search: $search, first: $first, after: $after, filter: $filter, sort: $sort) {
      totalCount
      countIsExact
      pageInfo { endCursor hasNextPage firstIndex }
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
    systems { system name category }
  }
`);

/** The CSV export's operation: the same search, audited under its own name. */
export const SEARCH_EXPORT = renamed(SEARCH, 'CustomerSearchExport');

export type SearchData = ResultOf<typeof SEARCH>;

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const url = new URL(request.url);
  const view = viewOf(customerSearchView, url);
  const result = await runOperation(viewer, SEARCH, customerSearchVariables(view), 'CustomerSearch');
  const badInput = result.errors.find((e) => e.extensions?.code === 'BAD_USER_INPUT');
  if (badInput) throw new Response(badInput.message, { status: 400 });
  return { view, search: url.search, customers: result.data?.customers ?? null, systems: result.data?.systems ?? [], errors: result.errors.map((e) => e.message) };
}

type Node = SearchData['customers']['nodes'][number];

export default function Customers() {
  const { view, search, customers, systems, errors } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const searching = navigation.state === 'loading' && navigation.location?.pathname === '/customers';
  const q = view.q.trim();
  const params = new URLSearchParams(search);
  params.delete('after');
  const reasons = (id: string) => (customers?.matches ?? []).filter((m) => m.customerId === id).map((m) => `${m.systemName}: ${m.reason}`);
  const columns: Column<Node>[] = [
    {
      key: 'customer',
      label: 'Customer',
      render: (c) => (
        <>
          <Anchor component={Link} to={`/customers/${c.id}`} fw={600}>
            {c.name}
          </Anchor>
          {q && reasons(c.id).length ? (
            <Text size="xs" data-testid="match-reasons">
              {reasons(c.id).join(' · ')}
            </Text>
          ) : null}
          {c.crm?.account.website ? (
            <Text size="xs" c="dimmed">
              {c.crm.account.website.replace(/^https?:\/\//, '')}
            </Text>
          ) : null}
        </>
      ),
    },
    { key: 'industry', label: 'Industry', render: (c) => c.crm?.account.industry ?? '—' },
    { key: 'tier', label: 'Tier', nowrap: true, render: (c) => (c.crm?.account.tier ? <Badge variant="light">{c.crm.account.tier}</Badge> : '—') },
    { key: 'owner', label: 'Owner', render: (c) => c.crm?.account.owner?.name ?? '—' },
  ];
  const crm = systems.find((s) => s.category === 'CRM')?.name ?? 'the CRM';
  const count = customers ? `${customers.countIsExact ? '' : 'at least '}${plural(customers.totalCount, 'customer')}` : '';
  return (
    <Stack gap="md" maw={1100} mx="auto">
      <Title order={1}>Customers</Title>
      <Form method="get" role="search" aria-label="Find customers">
        <Group align="flex-end" gap="sm" wrap="wrap">
          <TextInput
            name="q"
            label="Find a customer"
            description="Name, website, contact, e-mail, phone, invoice # or ticket #"
            placeholder="e.g. O'Brien"
            defaultValue={view.q}
            style={{ flex: '1 1 16rem' }}
            autoFocus
          />
          <NativeSelect label="Matched in" name="system" defaultValue={view.system ?? ''} data={[{ value: '', label: 'Any system' }, ...systems.map((s) => ({ value: s.system, label: s.name }))]} />
          <NativeSelect label="Sort" name="sort" defaultValue={view.sort} data={[{ value: 'best_match', label: 'Best match' }, { value: 'name', label: 'Name A–Z' }]} />
          <NativeSelect label="Per page" name="per" defaultValue={view.per} data={['25', '50', '100']} />
          <Button type="submit" loading={searching}>
            Search
          </Button>
          <Button component="a" href={`/customers.csv${params.size ? `?${params}` : ''}`} variant="default" download>
            Export CSV
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
        <>
          <Text c="dimmed" data-testid="search-count">
            {q ? `${count} found for “${q}”${view.system ? ` in ${systems.find((s) => s.system === view.system)?.name ?? view.system}` : ''}.` : `${count} in ${crm}, by name.`}
          </Text>
          {customers.nodes.length ? (
            <Card withBorder padding={0}>
              <ResponsiveTable columns={columns} rows={customers.nodes} rowKey={(c) => c.id} label="Customers found" testId="search-table" rowTestId="search-row" />
            </Card>
          ) : null}
          <ListPager
            path="/customers"
            search={search}
            page={customers.pageInfo}
            shown={customers.nodes.length}
            totalCount={customers.totalCount}
            per={Number(view.per)}
            empty={!q ? `No customer in ${crm} yet.` : customers.incomplete ? `Nothing found for “${q}” in the systems that answered.` : `No customer, contact, invoice or ticket matches “${q}”.`}
          />
        </>
      ) : null}
    </Stack>
  );
}
