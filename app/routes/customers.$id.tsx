import { Anchor, Badge, Button, Group, List, Progress, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData, useNavigation } from '@remix-run/react';
import { canRead } from '../../graphql/policy.js';
import { formatDate, formatMoney, humanize } from '../components/format.js';
import { SourceSection, type SectionStatus } from '../components/source-section.js';
import { runOperation } from '../.server/graphql.js';
import { requireViewer } from '../.server/session.js';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.customer?.name ?? 'Customer'} · Panorama` }];

const STATUS = 'status { system state fetchedAt ageSeconds fromCache stale message code }';

const CUSTOMER_PAGE = /* GraphQL */ `
  query CustomerPage($id: ID!, $refresh: Boolean!, $deals: Boolean!, $billing: Boolean!, $tickets: Boolean!) {
    customer(id: $id, refresh: $refresh) {
      id
      name
      sections { system state fetchedAt ageSeconds fromCache stale message code }
      crm {
        ${STATUS}
        account {
          id name website phone industry tier url
          billingAddress { formatted }
          owner { name email }
        }
        contacts { id name title email phone primary url }
        opportunities @include(if: $deals) { id name stage amount closeDate outcome url }
      }
      accounting {
        ${STATUS}
        url
        displayName
        standing { state overdueInvoiceCount oldestDaysOverdue }
        currency @include(if: $billing)
        balance @include(if: $billing)
        overdueBalance @include(if: $billing)
        invoices(first: 5) @include(if: $billing) { id number date dueDate total balance currency status daysOverdue url }
      }
      projects {
        ${STATUS}
        projects {
          id name status statusText dueOn progress overdueTaskCount url
          owner { name }
          nextMilestone { name dueOn }
        }
      }
      support {
        ${STATUS}
        organization { id name url }
        counts { unsolved urgentOpen total }
        tickets(openOnly: true, first: 10) @include(if: $tickets) {
          id subject status priority updatedAt url
          requester { name }
        }
      }
    }
  }
`;

type Status = SectionStatus;
type CustomerPageData = {
  customer: {
    id: string;
    name: string;
    sections: Status[];
    crm: {
      status: Status;
      account: {
        id: string;
        name: string;
        website: string | null;
        phone: string | null;
        industry: string | null;
        tier: string | null;
        url: string;
        billingAddress: { formatted: string } | null;
        owner: { name: string; email: string | null } | null;
      };
      contacts: { id: string; name: string; title: string | null; email: string | null; phone: string | null; primary: boolean; url: string }[];
      opportunities?: { id: string; name: string; stage: string; amount: number | null; closeDate: string | null; outcome: string; url: string }[] | null;
    } | null;
    accounting: {
      status: Status;
      url: string;
      displayName: string;
      standing: { state: 'GOOD' | 'OVERDUE' | 'NO_INVOICES'; overdueInvoiceCount: number; oldestDaysOverdue: number | null };
      currency?: string;
      balance?: number | null;
      overdueBalance?: number | null;
      invoices?: { id: string; number: string | null; date: string; dueDate: string | null; total: number; balance: number; currency: string; status: string; daysOverdue: number; url: string }[] | null;
    } | null;
    projects: {
      status: Status;
      projects: {
        id: string;
        name: string;
        status: string;
        statusText: string | null;
        dueOn: string | null;
        progress: number;
        overdueTaskCount: number;
        url: string;
        owner: { name: string } | null;
        nextMilestone: { name: string; dueOn: string | null } | null;
      }[];
    } | null;
    support: {
      status: Status;
      organization: { id: string; name: string; url: string };
      counts: { unsolved: number; urgentOpen: number; total: number };
      tickets?: { id: string; subject: string; status: string; priority: string | null; updatedAt: string; url: string; requester: { name: string } | null }[] | null;
    } | null;
  } | null;
};

async function load(request: Request, id: string, refresh: boolean) {
  const viewer = await requireViewer(request);
  const result = await runOperation<CustomerPageData>(
    viewer,
    CUSTOMER_PAGE,
    {
      id,
      refresh,
      deals: canRead(viewer.role, 'DEALS'),
      billing: canRead(viewer.role, 'BILLING'),
      tickets: canRead(viewer.role, 'TICKETS'),
    },
    'CustomerPage',
  );
  return { viewer, result };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { result } = await load(request, params.id ?? '', false);
  const badInput = result.errors.find((e) => e.extensions?.code === 'BAD_USER_INPUT');
  if (badInput) throw data(badInput.message, { status: 400 });
  if (!result.data?.customer) throw data(`No customer has the id ${params.id}.`, { status: 404 });
  return result.data;
}

/** Refresh: read this customer again from every system, skipping the cache, then show the page. */
export async function action({ request, params }: ActionFunctionArgs) {
  await load(request, params.id ?? '', true);
  return redirect(`/customers/${params.id}`);
}

const statusFor = (sections: Status[], system: string) => sections.find((s) => s.system === system);

const PROJECT_COLORS: Record<string, string> = {
  ON_TRACK: 'green',
  AT_RISK: 'yellow',
  OFF_TRACK: 'red',
  ON_HOLD: 'blue',
  COMPLETE: 'gray',
  UNKNOWN: 'gray',
};

export default function CustomerPage() {
  const { customer } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  if (!customer) return null;
  const { crm, accounting, projects, support, sections } = customer;
  const account = crm?.account;
  const openDeals = crm?.opportunities?.filter((o) => o.outcome === 'OPEN') ?? null;
  return (
    <Stack gap="md" maw={1280} mx="auto">
      <Group justify="space-between" align="flex-end">
        <div>
          <Anchor component={Link} to="/customers" size="sm">
            ← Customers
          </Anchor>
          <Title order={1}>{customer.name}</Title>
          <Text c="dimmed" size="sm">
            {[account?.industry, account?.tier ? `${account.tier} tier` : null, account?.owner ? `Owner: ${account.owner.name}` : null]
              .filter(Boolean)
              .join(' · ')}
          </Text>
        </div>
        <Form method="post">
          <Button type="submit" variant="light" loading={navigation.state === 'submitting'}>
            Refresh from all systems
          </Button>
        </Form>
      </Group>

      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <SourceSection title="Account" status={statusFor(sections, 'SALESFORCE')} recordUrl={account?.url} testId="section-crm">
          {account ? (
            <Stack gap="xs">
              <Text size="sm">
                {account.website ? (
                  <Anchor href={account.website} target="_blank" rel="noreferrer">
                    {account.website.replace(/^https?:\/\//, '')}
                  </Anchor>
                ) : null}
                {account.phone ? ` · ${account.phone}` : ''}
              </Text>
              {account.billingAddress ? <Text size="sm">{account.billingAddress.formatted}</Text> : null}
              <Title order={3} size="h6" mt="xs">
                Contacts
              </Title>
              <List spacing={4} size="sm" listStyleType="none" ml={0}>
                {crm.contacts.map((c) => (
                  <List.Item key={c.id}>
                    <Anchor href={c.url} target="_blank" rel="noreferrer">
                      {c.name}
                    </Anchor>
                    {c.primary ? (
                      <Badge size="xs" ml={6} variant="outline">
                        Primary
                      </Badge>
                    ) : null}
                    <Text span size="xs" c="dimmed">
                      {c.title ? ` · ${c.title}` : ''}
                    </Text>
                    <Text size="xs">
                      {c.phone ? <Anchor href={`tel:${c.phone.replace(/[^\d+]/g, '')}`}>{c.phone}</Anchor> : null}
                      {c.phone && c.email ? ' · ' : ''}
                      {c.email ? <Anchor href={`mailto:${c.email}`}>{c.email}</Anchor> : null}
                    </Text>
                  </List.Item>
                ))}
              </List>
              {openDeals ? (
                <>
                  <Title order={3} size="h6" mt="xs">
                    Open deals
                  </Title>
                  {openDeals.length ? (
                    <List spacing={4} size="sm">
                      {openDeals.map((o) => (
                        <List.Item key={o.id}>
                          <Anchor href={o.url} target="_blank" rel="noreferrer">
                            {o.name}
                          </Anchor>{' '}
                          — {o.stage}, {formatMoney(o.amount)}, closes {formatDate(o.closeDate)}
                        </List.Item>
                      ))}
                    </List>
                  ) : (
                    <Text size="sm" c="dimmed">
                      No open deals.
                    </Text>
                  )}
                </>
              ) : null}
            </Stack>
          ) : null}
        </SourceSection>

        <SourceSection title="Billing" status={statusFor(sections, 'QUICKBOOKS')} recordUrl={accounting?.url} testId="section-accounting">
          {accounting ? (
            <Stack gap="xs">
              <Group gap="xs">
                <Badge color={accounting.standing.state === 'OVERDUE' ? 'red' : accounting.standing.state === 'GOOD' ? 'green' : 'gray'} variant="light">
                  {accounting.standing.state === 'OVERDUE'
                    ? `Overdue (${accounting.standing.overdueInvoiceCount} invoice${accounting.standing.overdueInvoiceCount === 1 ? '' : 's'}, oldest ${accounting.standing.oldestDaysOverdue} days)`
                    : accounting.standing.state === 'GOOD'
                      ? 'In good standing'
                      : 'No invoices yet'}
                </Badge>
              </Group>
              {accounting.balance !== undefined ? (
                <Group gap="xl">
                  <div>
                    <Text size="xs" c="dimmed">
                      Open balance
                    </Text>
                    <Text fw={600}>{formatMoney(accounting.balance, accounting.currency)}</Text>
                  </div>
                  <div>
                    <Text size="xs" c="dimmed">
                      Overdue
                    </Text>
                    <Text fw={600} c={accounting.overdueBalance ? 'red.8' : undefined}>
                      {formatMoney(accounting.overdueBalance, accounting.currency)}
                    </Text>
                  </div>
                </Group>
              ) : null}
              {accounting.invoices ? (
                <Table.ScrollContainer minWidth={420}>
                  <Table verticalSpacing={4} fz="sm">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>Invoice</Table.Th>
                        <Table.Th>Date</Table.Th>
                        <Table.Th>Total</Table.Th>
                        <Table.Th>Status</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {accounting.invoices.map((inv) => (
                        <Table.Tr key={inv.id}>
                          <Table.Td>
                            <Anchor href={inv.url} target="_blank" rel="noreferrer">
                              #{inv.number ?? inv.id}
                            </Anchor>
                          </Table.Td>
                          <Table.Td>{formatDate(inv.date)}</Table.Td>
                          <Table.Td>{formatMoney(inv.total, inv.currency)}</Table.Td>
                          <Table.Td>
                            {humanize(inv.status)}
                            {inv.status === 'OVERDUE' ? ` · ${inv.daysOverdue} d` : ''}
                          </Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              ) : (
                <Text size="xs" c="dimmed">
                  Amounts and invoices are shown to account managers and finance.
                </Text>
              )}
            </Stack>
          ) : null}
        </SourceSection>

        <SourceSection title="Projects" status={statusFor(sections, 'ASANA')} testId="section-projects">
          {projects ? (
            <Stack gap="sm">
              {projects.projects.map((p) => (
                <div key={p.id}>
                  <Group justify="space-between" wrap="nowrap">
                    <Anchor href={p.url} target="_blank" rel="noreferrer" fw={600} size="sm">
                      {p.name}
                    </Anchor>
                    <Badge color={PROJECT_COLORS[p.status] ?? 'gray'} variant="light">
                      {humanize(p.status)}
                    </Badge>
                  </Group>
                  <Progress value={p.progress * 100} size="sm" mt={4} aria-label={`${p.name}: ${Math.round(p.progress * 100)}% of tasks done`} />
                  <Text size="xs" c="dimmed" mt={2}>
                    {Math.round(p.progress * 100)}% done · due {formatDate(p.dueOn)}
                    {p.nextMilestone ? ` · next: ${p.nextMilestone.name} (${formatDate(p.nextMilestone.dueOn)})` : ''}
                    {p.overdueTaskCount ? ` · ${p.overdueTaskCount} overdue task${p.overdueTaskCount === 1 ? '' : 's'}` : ''}
                  </Text>
                </div>
              ))}
            </Stack>
          ) : null}
        </SourceSection>

        <SourceSection title="Support" status={statusFor(sections, 'ZENDESK')} recordUrl={support?.organization.url} testId="section-support">
          {support ? (
            <Stack gap="xs">
              <Group gap="xs">
                <Badge variant="light" color={support.counts.unsolved ? 'blue' : 'gray'}>
                  {support.counts.unsolved} open
                </Badge>
                {support.counts.urgentOpen ? (
                  <Badge variant="filled" color="red.8">
                    {support.counts.urgentOpen} urgent
                  </Badge>
                ) : null}
                <Text size="xs" c="dimmed">
                  {support.counts.total} tickets in all
                </Text>
              </Group>
              {support.tickets ? (
                support.tickets.length ? (
                  <List spacing={4} size="sm" listStyleType="none">
                    {support.tickets.map((t) => (
                      <List.Item key={t.id}>
                        <Anchor href={t.url} target="_blank" rel="noreferrer">
                          #{t.id} {t.subject}
                        </Anchor>
                        <Text size="xs" c="dimmed">
                          {humanize(t.status)}
                          {t.priority ? ` · ${humanize(t.priority)}` : ''}
                          {t.requester ? ` · ${t.requester.name}` : ''} · updated {formatDate(t.updatedAt)}
                        </Text>
                      </List.Item>
                    ))}
                  </List>
                ) : (
                  <Text size="sm" c="dimmed">
                    No open tickets.
                  </Text>
                )
              ) : null}
            </Stack>
          ) : null}
        </SourceSection>
      </SimpleGrid>
    </Stack>
  );
}
