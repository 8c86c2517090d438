import { Anchor, Badge, Card, NativeSelect, Stack, Text, TextInput, Title } from '@mantine/core';
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useNavigation } from '@remix-run/react';
import { canRead } from '../../graphql/policy.js';
import { GRADE_COLOR } from '../components/customer/insight-cards.js';
import { PROJECT_COLORS } from '../components/customer/projects-card.js';
import { ListFilters } from '../components/list-filters.js';
import { countLine } from '../components/list-count.js';
import { ListPager } from '../components/list-pager.js';
import { ResponsiveTable } from '../components/responsive-table.js';
import { SourceSection } from '../components/source-section.js';
import { formatDealTotals, formatMoney, humanize, plural, totalsPerCurrency } from '../components/format.js';
import { myAccountsOperation, myAccountsView, viewOf, type MyAccountsView } from '../.server/list-query.js';
import { streamList } from '../.server/list-stream.js';
import { graphql, type ResultOf } from '../graphql.js';
import { forbidden } from '../.server/refusal.js';
import { StreamedList, systemsNamed } from '../components/streamed-list.js';
import { requireViewer } from '../.server/session.js';

export const meta: MetaFunction = () => [{ title: 'My accounts · Panorama' }];

/** The list itself: the page defers it, the CSV export reads it whole. */
const MY_ACCOUNT_LIST = graphql(`
  fragment MyAccountList on Query {
    myAccountList(first: $first, after: $after, filter: $filter, sort: $sort) {
      totalCount
      allCount
      tiers
      pageInfo { endCursor hasNextPage firstIndex }
      status { system source { system name category } state fetchedAt ageSeconds fromCache stale message code }
      rows {
        id
        name
        health { score grade incompleteMessage }
        flags { kind }
        crm { account { tier url } opportunities @include(if: $deals) { outcome amount currency } }
        accounting { standing { state } overdueBalance @include(if: $billing) currency @include(if: $billing) }
        projects { projects { status } }
        support { counts { unsolved urgentOpen } }
      }
    }
  }
`);

/** `$deals` and `$billing` come from the role policy (see `myAccountsOperation`); the server enforces the same. */
export const MY_ACCOUNTS = graphql(
  `
    query MyAccounts($first: Int, $after: String, $filter: MyAccountFilter, $sort: MyAccountSort, $deals: Boolean!, $billing: Boolean!, $stream: Boolean = false) {
      systems { name category }
      ...MyAccountList @defer(if: $stream, label: "list")
    }
  `,
  [MY_ACCOUNT_LIST],
);

/** The CSV export's operation: the same list, audited under its own name. */
export const MY_ACCOUNTS_EXPORT = graphql(
  `
    query MyAccountsExport($first: Int, $after: String, $filter: MyAccountFilter, $sort: MyAccountSort, $deals: Boolean!, $billing: Boolean!) {
      ...MyAccountList
    }
  `,
  [MY_ACCOUNT_LIST],
);

export type MyAccountsData = ResultOf<typeof MY_ACCOUNT_LIST>;
export type AccountRow = MyAccountsData['myAccountList']['rows'][number];

// worst first; the status every account manager reads first on a project
const WORST = ['OFF_TRACK', 'AT_RISK', 'ON_HOLD', 'ON_TRACK', 'COMPLETE', 'UNKNOWN'];

/** What a row says, shared by the page and the CSV export: open deals, the worst project, things needing attention. */
export function accountFigures(r: AccountRow) {
  const open = r.crm?.opportunities?.filter((o) => o.outcome === 'OPEN') ?? null;
  return {
    // one total per currency: amounts in different currencies are never added
    openDeals: open ? { count: open.length, totals: totalsPerCurrency(open) } : null,
    worstProject: r.projects?.projects.map((p) => p.status).sort((a, b) => WORST.indexOf(a) - WORST.indexOf(b))[0] ?? null,
    // a rule that could not check asks nobody to act (the list's attention filter counts the same way)
    attention: r.flags.filter((f) => f.kind !== 'RULE_NOT_CHECKED').length,
  };
}

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const url = new URL(request.url);
  const view = viewOf(myAccountsView, url);
  const billing = canRead(viewer.role, 'BILLING');
  // sorting by overdue balance reads billing: a role that may not is told so with a 403, before anything is read
  if (view.sort === 'most_overdue' && !billing) throw forbidden(viewer.role, { name: 'accounts sorted by overdue balance', group: 'BILLING' });
  const { systems, list } = await streamList(viewer, {
    query: MY_ACCOUNTS,
    variables: myAccountsOperation(viewer.role, view),
    operationName: 'MyAccounts',
    field: 'myAccountList',
    page: { name: 'my accounts', group: 'IDENTITY' },
    stream: !view.after,
  });
  return { list, systems, view, search: url.search, billing, deals: canRead(viewer.role, 'DEALS') };
}

const YES_NO = (yes: string, no: string, any: string) => [
  { value: '', label: any },
  { value: 'yes', label: yes },
  { value: 'no', label: no },
];

/** The account manager's book: one row per account, least healthy first, filters and sort in the address, pages, CSV. */
export default function MyAccounts() {
  const { list, systems, view, search, billing, deals } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const busy = navigation.state === 'loading' && navigation.location?.pathname === '/accounts';
  // each row shows every system's figures, so the list waits for all of them
  const waitsFor = ['CRM', 'ACCOUNTING', 'PROJECTS', 'SUPPORT'];
  return (
    <Stack gap="md" maw={1280} mx="auto">
      <Title order={1}>My accounts</Title>
      <StreamedList list={list} title="Your book of accounts" source={systemsNamed(systems, waitsFor, 'every system')} testId="accounts-waiting">
        {({ list: d, errors }) => <AccountList d={d} errors={errors} view={view} search={search} busy={busy} billing={billing} deals={deals} />}
      </StreamedList>
    </Stack>
  );
}

function AccountList({ d, errors, view, search, busy, billing, deals }: { d: MyAccountsData['myAccountList']; errors: string[]; view: MyAccountsView; search: string; busy: boolean; billing: boolean; deals: boolean }) {
  const params = new URLSearchParams(search);
  params.delete('after');
  const crm = d.status.source.name;
  const filtered = d.totalCount !== d.allCount || [...params.keys()].some((k) => !['sort', 'per'].includes(k));
  const tiers = [...new Set([...d.tiers, ...(view.tier ? [view.tier] : [])])];
  return (
    <Stack gap="md">
      <Text c="dimmed" data-testid="accounts-count">
        {countLine(d.status, 'your accounts', () =>
          filtered ? `${plural(d.totalCount, 'account')} match these filters, of ${d.allCount} you own in ${crm}.` : `${plural(d.allCount, 'account')} you own in ${crm}.`,
        )}
      </Text>
      {errors.length ? (
        <Text c="var(--mantine-color-orange-light-color)" size="sm" role="status">
          Some figures are missing: {errors.join(' ')}
        </Text>
      ) : null}
      <ListFilters label="Filter and sort my accounts" csvHref={`/accounts.csv${params.size ? `?${params}` : ''}`} busy={busy}>
        <TextInput label="Name contains" name="name" defaultValue={view.name ?? ''} maxLength={100} w={180} />
        <NativeSelect label="Tier" name="tier" defaultValue={view.tier ?? ''} data={[{ value: '', label: 'Every tier' }, ...tiers.map((t) => ({ value: t, label: t }))]} />
        <NativeSelect
          label="Health"
          name="health"
          defaultValue={view.health ?? ''}
          data={[{ value: '', label: 'Any health' }, { value: 'poor', label: 'Poor' }, { value: 'fair', label: 'Fair' }, { value: 'good', label: 'Good' }, { value: 'incomplete', label: 'Incomplete' }]}
        />
        <NativeSelect label="Attention" name="attention" defaultValue={view.attention} data={YES_NO('Needs attention', 'Nothing to act on', 'Either')} />
        <NativeSelect label="Billing" name="overdue" defaultValue={view.overdue} data={YES_NO('Overdue', 'Not overdue', 'Overdue or not')} />
        <NativeSelect
          label="Sort"
          name="sort"
          defaultValue={view.sort}
          data={[{ value: 'least_healthy', label: 'Least healthy first' }, { value: 'name', label: 'Name A–Z' }, ...(billing ? [{ value: 'most_overdue', label: 'Most overdue first' }] : [])]}
        />
        <NativeSelect label="Per page" name="per" defaultValue={view.per} data={['10', '25', '50', '100']} />
      </ListFilters>
      <SourceSection title="Your book of accounts" status={d.status} testId="section-accounts" refresh={false}>
        <Card withBorder padding="xs">
          <ResponsiveTable
            testId="accounts-table"
            label="My accounts"
            rows={d.rows}
            rowKey={(r) => r.id}
            columns={[
              {
                key: 'account',
                label: 'Account',
                render: (r) => {
                  const { attention } = accountFigures(r);
                  return (
                    <div>
                      <Anchor component={Link} to={`/customers/${r.id}`} fw={600}>
                        {r.name}
                      </Anchor>
                      {attention ? (
                        <Text size="xs" c="var(--mantine-color-red-light-color)">
                          {attention} thing{attention === 1 ? '' : 's'} need{attention === 1 ? 's' : ''} attention
                        </Text>
                      ) : null}
                    </div>
                  );
                },
              },
              { key: 'tier', label: 'Tier', nowrap: true, render: (r) => r.crm?.account.tier ?? '—' },
              {
                key: 'health',
                label: 'Health',
                nowrap: true,
                render: (r) =>
                  r.health.grade && r.health.score !== null ? (
                    <Badge color={GRADE_COLOR[r.health.grade]} variant="light" title={humanize(r.health.grade)}>
                      {r.health.score}
                    </Badge>
                  ) : (
                    <Badge color="gray" variant="light" title={r.health.incompleteMessage ?? undefined}>
                      Incomplete
                    </Badge>
                  ),
              },
              ...(deals
                ? [
                    {
                      key: 'deals',
                      label: 'Open deals',
                      nowrap: true,
                      render: (r: AccountRow) => {
                        const o = accountFigures(r).openDeals;
                        return o?.count ? `${o.count} · ${formatDealTotals(o.totals)}` : '—';
                      },
                    },
                  ]
                : []),
              {
                key: 'overdue',
                label: 'Overdue',
                align: 'right',
                nowrap: true,
                render: (r) =>
                  !r.accounting ? '—' : billing && r.accounting.currency ? formatMoney(r.accounting.overdueBalance, r.accounting.currency) : r.accounting.standing.state === 'OVERDUE' ? 'Overdue' : 'No',
              },
              {
                key: 'tickets',
                label: 'Open tickets',
                nowrap: true,
                render: (r) =>
                  r.support ? (
                    // one piece, so a phone's card keeps the count beside its badge
                    <span>
                      {r.support.counts.unsolved}
                      {r.support.counts.urgentOpen ? (
                        <Badge ml={6} size="xs" color="red.9" variant="filled">
                          {r.support.counts.urgentOpen} urgent
                        </Badge>
                      ) : null}
                    </span>
                  ) : (
                    '—'
                  ),
              },
              {
                key: 'projects',
                label: 'Projects',
                nowrap: true,
                render: (r) => {
                  const worst = accountFigures(r).worstProject;
                  return worst ? (
                    <Badge color={PROJECT_COLORS[worst] ?? 'gray'} variant="light">
                      {humanize(worst)}
                    </Badge>
                  ) : (
                    '—'
                  );
                },
              },
            ]}
          />
          <ListPager path="/accounts" search={search} page={d.pageInfo} shown={d.rows.length} totalCount={d.totalCount} per={Number(view.per)} empty="No account matches these filters." />
        </Card>
      </SourceSection>
    </Stack>
  );
}
