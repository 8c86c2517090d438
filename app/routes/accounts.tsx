import { Anchor, Badge, Card, Stack, Table, Text, Title } from '@mantine/core';
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { GRADE_COLOR } from '../components/customer/insight-cards.js';
import { PROJECT_COLORS } from '../components/customer/projects-card.js';
import { formatAmount, formatMoney, humanize } from '../components/format.js';
import { runOperation } from '../.server/graphql.js';
import { requireViewer } from '../.server/session.js';

export const meta: MetaFunction = () => [{ title: 'My accounts · Panorama' }];

const MY_ACCOUNTS = /* GraphQL */ `
  query MyAccounts {
    myAccounts {
      id
      name
      health { score grade incompleteMessage }
      flags { kind }
      crm { account { tier } opportunities { outcome amount } }
      accounting { standing { state } overdueBalance currency }
      projects { projects { status } }
      support { counts { unsolved urgentOpen } }
    }
    systems { name category }
  }
`;

type Row = {
  id: string;
  name: string;
  health: { score: number | null; grade: 'GOOD' | 'FAIR' | 'POOR' | null; incompleteMessage: string | null };
  flags: { kind: string }[];
  crm: { account: { tier: string | null }; opportunities: { outcome: string; amount: number | null }[] | null } | null;
  accounting: { standing: { state: string }; overdueBalance: number | null; currency: string } | null;
  projects: { projects: { status: string }[] } | null;
  support: { counts: { unsolved: number; urgentOpen: number } } | null;
};

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const r = await runOperation<{ myAccounts: Row[]; systems: { name: string; category: string }[] }>(viewer, MY_ACCOUNTS, {}, 'MyAccounts');
  const rows = [...(r.data?.myAccounts ?? [])].sort((a, b) => (a.health.score ?? 101) - (b.health.score ?? 101) || a.name.localeCompare(b.name));
  const crm = r.data?.systems.find((s) => s.category === 'CRM')?.name ?? 'the CRM';
  return { rows, crm, errors: [...new Set(r.errors.map((e) => e.message))] };
}

const WORST = ['OFF_TRACK', 'AT_RISK', 'ON_HOLD', 'ON_TRACK', 'COMPLETE', 'UNKNOWN'];

/** The account manager's book: one row per account, the ones needing attention first. */
export default function MyAccounts() {
  const { rows, crm, errors } = useLoaderData<typeof loader>();
  return (
    <Stack gap="md" maw={1280} mx="auto">
      <div>
        <Title order={1}>My accounts</Title>
        <Text c="dimmed">{rows.length} accounts you own in {crm}, least healthy first.</Text>
      </div>
      {errors.length ? (
        <Text c="var(--mantine-color-orange-light-color)" size="sm" role="status">
          Some figures are missing: {errors.join(' ')}
        </Text>
      ) : null}
      <Card withBorder padding={0}>
        <Table.ScrollContainer minWidth={760}>
          <Table striped highlightOnHover verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Account</Table.Th>
                <Table.Th>Health</Table.Th>
                <Table.Th>Open deals</Table.Th>
                <Table.Th ta="right">Overdue</Table.Th>
                <Table.Th>Open tickets</Table.Th>
                <Table.Th>Projects</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => {
                const open = r.crm?.opportunities?.filter((o) => o.outcome === 'OPEN') ?? [];
                const worst = r.projects?.projects.map((p) => p.status).sort((a, b) => WORST.indexOf(a) - WORST.indexOf(b))[0];
                return (
                  <Table.Tr key={r.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/customers/${r.id}`} fw={600}>
                        {r.name}
                      </Anchor>
                      {r.flags.length ? (
                        <Text size="xs" c="var(--mantine-color-red-light-color)">
                          {r.flags.length} thing{r.flags.length === 1 ? '' : 's'} need{r.flags.length === 1 ? 's' : ''} attention
                        </Text>
                      ) : null}
                    </Table.Td>
                    <Table.Td>
                      {r.health.grade && r.health.score !== null ? (
                        <Badge color={GRADE_COLOR[r.health.grade]} variant="light">
                          {r.health.score}
                        </Badge>
                      ) : (
                        <Badge color="gray" variant="light" title={r.health.incompleteMessage ?? undefined}>
                          Incomplete
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td>
                      {open.length ? `${open.length} · ${formatAmount(open.reduce((s, o) => s + (o.amount ?? 0), 0))}` : '—'}
                    </Table.Td>
                    <Table.Td ta="right">{r.accounting ? formatMoney(r.accounting.overdueBalance, r.accounting.currency) : '—'}</Table.Td>
                    <Table.Td>
                      {r.support ? (
                        <>
                          {r.support.counts.unsolved}
                          {r.support.counts.urgentOpen ? (
                            <Badge ml={6} size="xs" color="red.9" variant="filled">
                              {r.support.counts.urgentOpen} urgent
                            </Badge>
                          ) : null}
                        </>
                      ) : (
                        '—'
                      )}
                    </Table.Td>
                    <Table.Td>
                      {worst ? (
                        <Badge color={PROJECT_COLORS[worst] ?? 'gray'} variant="light">
                          {humanize(worst)}
                        </Badge>
                      ) : (
                        '—'
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Card>
    </Stack>
  );
}
