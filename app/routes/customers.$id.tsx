import { Anchor, Badge, Button, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation, type ShouldRevalidateFunction } from '@remix-run/react';
import { canRead, type Role } from '../../graphql/policy.js';
import { BillingCard, StandingBadge } from '../components/customer/billing-card.js';
import { ContactsCard } from '../components/customer/contacts-card.js';
import { DealsCard } from '../components/customer/deals-card.js';
import {
  AmbiguityAlert,
  ConflictsTable,
  FlagsCard,
  HealthBadge,
  HealthCard,
  LinksCard,
  TimelineCard,
} from '../components/customer/insight-cards.js';
import { ProjectsCard } from '../components/customer/projects-card.js';
import { CUSTOMER_PAGE_QUERY, type Customer, type CustomerPageData } from '../components/customer/query.js';
import { SupportCard } from '../components/customer/support-card.js';
import { UpdateWhenReread } from '../components/customer/update-when-reread.js';
import { runOperation } from '../.server/graphql.js';
import { requireViewer } from '../.server/session.js';

export { CUSTOMER_PAGE_QUERY } from '../components/customer/query.js';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.customer?.name ?? 'Customer'} · Panorama` }];

const SYSTEMS_QUERY = /* GraphQL */ `
  query Systems {
    systems { system }
  }
`;

/** The page's variables: the role decides which groups of fields the page asks for. */
export function customerPageVariables(role: Role, id: string, refresh: { all?: boolean; systems?: string[] } = {}) {
  return {
    id,
    refresh: Boolean(refresh.all),
    refreshSystems: refresh.systems ?? null,
    deals: canRead(role, 'DEALS'),
    billing: canRead(role, 'BILLING'),
    tickets: canRead(role, 'TICKETS'),
    admin: canRead(role, 'ADMIN'),
  };
}

async function load(request: Request, id: string, refresh: { all?: boolean; systems?: string[] } = {}) {
  const viewer = await requireViewer(request);
  const result = await runOperation<CustomerPageData>(
    viewer,
    CUSTOMER_PAGE_QUERY,
    customerPageVariables(viewer.role, id, refresh),
    'CustomerPage',
  );
  return { viewer, result };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer, result } = await load(request, params.id ?? '');
  const badInput = result.errors.find((e) => e.extensions?.code === 'BAD_USER_INPUT');
  if (badInput) throw data(badInput.message, { status: 400 });
  if (!result.data?.customer) throw data(`No customer has the id ${params.id}.`, { status: 404 });
  return { customer: result.data.customer, role: viewer.role };
}

/**
 * Refresh: read this customer again past the cache — from every system, or from the one a section names — and
 * show exactly what that read returned (a refresh that failed says so, instead of quietly showing the cache).
 */
export async function action({ request, params }: ActionFunctionArgs) {
  const form = await request.formData();
  const system = String(form.get('system') ?? '');
  // one section's system, when it names one the server knows; otherwise every system
  const known = system ? ((await runOperation<{ systems: { system: string }[] }>(await requireViewer(request), SYSTEMS_QUERY, {}, 'Systems')).data?.systems ?? []) : [];
  const systems = known.some((s) => s.system === system) ? [system] : undefined;
  const { viewer, result } = await load(request, params.id ?? '', systems ? { systems } : { all: true });
  if (!result.data?.customer) return redirect(`/customers/${params.id}`);
  return { customer: result.data.customer, role: viewer.role };
}

/** After a refresh the action's answer is the page; loading again would only read the cache it just refilled. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formMethod, defaultShouldRevalidate }) =>
  formMethod?.toUpperCase() === 'POST' ? false : defaultShouldRevalidate;

function Header({ customer, role }: { customer: Customer; role: Role }) {
  const navigation = useNavigation();
  const account = customer.crm?.account;
  return (
    <Group justify="space-between" align="flex-end" gap="sm">
      <div>
        <Anchor component={Link} to="/customers" size="sm">
          ← Customers
        </Anchor>
        <Title order={1}>{customer.name}</Title>
        <Group gap="xs" mt={4}>
          {account?.tier ? <Badge variant="outline">{account.tier} tier</Badge> : null}
          {customer.crm?.unmapped.map((u) => (
            <Text key={u.feature} c="dimmed" size="sm">
              {u.message}
            </Text>
          ))}
          {customer.accounting ? <StandingBadge standing={customer.accounting.standing} /> : null}
          {role !== 'support' ? <HealthBadge health={customer.health} /> : null}
          <Text c="dimmed" size="sm">
            {[account?.industry, account?.owner ? `Owner: ${account.owner.name}` : null].filter(Boolean).join(' · ')}
          </Text>
        </Group>
      </div>
      <Form method="post">
        <Button type="submit" variant="light" loading={navigation.state === 'submitting'}>
          Refresh from all systems
        </Button>
      </Form>
    </Group>
  );
}

/** Support, on a call: who is this, are they OK, what is open. */
function SupportView({ customer }: { customer: Customer }) {
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
      <Stack gap="md">
        <SupportCard customer={customer} />
        <ProjectsCard customer={customer} />
      </Stack>
      <Stack gap="md">
        <ContactsCard customer={customer} />
        <BillingCard customer={customer} detail="standing" />
        <TimelineCard customer={customer} />
      </Stack>
    </SimpleGrid>
  );
}

/** Account manager, before a call: deals, delivery, money, tickets, gaps, health, history. */
function AccountManagerView({ customer, admin }: { customer: Customer; admin: boolean }) {
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
      <Stack gap="md">
        <FlagsCard customer={customer} conflictsShownApart />
        <DealsCard customer={customer} />
        <ProjectsCard customer={customer} />
        <BillingCard customer={customer} detail="full" />
      </Stack>
      <Stack gap="md">
        <HealthCard customer={customer} />
        <SupportCard customer={customer} showVolume />
        <TimelineCard customer={customer} />
        <ContactsCard customer={customer} />
        {admin ? <LinksCard customer={customer} /> : null}
      </Stack>
    </SimpleGrid>
  );
}

/** Finance, chasing an invoice: what is owed and how old, what was paid, what was never billed, who to write to. */
function FinanceView({ customer }: { customer: Customer }) {
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
      <Stack gap="md">
        <BillingCard customer={customer} detail="full" />
      </Stack>
      <Stack gap="md">
        <FlagsCard customer={customer} kinds={['MILESTONE_NOT_INVOICED', 'CONFLICT', 'OVERDUE_WITH_URGENT_TICKETS', 'ON_HOLD_NOTHING_OVERDUE']} conflictsShownApart />
        <ConflictsTable customer={customer} />
        <ProjectsCard customer={customer} showMilestones />
        <SupportCard customer={customer} />
        <ContactsCard customer={customer} />
      </Stack>
    </SimpleGrid>
  );
}

export default function CustomerPage() {
  const loaded = useLoaderData<typeof loader>();
  const refreshed = useActionData<typeof action>();
  const { customer, role } = refreshed && 'customer' in refreshed ? refreshed : loaded;
  return (
    <Stack gap="md" maw={1280} mx="auto">
      <Header customer={customer} role={role} />
      <UpdateWhenReread sections={customer.sections} paused={Boolean(refreshed && 'customer' in refreshed)} />
      <AmbiguityAlert customer={customer} />
      {role === 'support' ? <SupportView customer={customer} /> : null}
      {role === 'finance' ? <FinanceView customer={customer} /> : null}
      {role === 'account_manager' || role === 'admin' ? (
        <>
          <ConflictsTable customer={customer} />
          <AccountManagerView customer={customer} admin={role === 'admin'} />
        </>
      ) : null}
    </Stack>
  );
}
