import { Anchor as MantineAnchor, Badge as MantineBadge, Button, SimpleGrid, Stack as MantineStack } from '@mantine/core';
import { Anchor, Badge, Group, Stack, Text, Title } from '../components/plain.js';
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation, type ShouldRevalidateFunction } from '@remix-run/react';
import type { ReactNode } from 'react';
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
import { CUSTOMER_PAGE_PARTS, CUSTOMER_PAGE_QUERY, type Customer, type CustomerPageData, type CustomerPageParts } from '../components/customer/query.js';
import { andList } from '../components/format.js';
import { graphql, type System } from '../graphql.js';
import { NoScriptStreaming, SectionNotRead, Streamed, WaitingBadge, WaitingClock, WaitingSection } from '../components/waiting-section.js';
import { SupportCard } from '../components/customer/support-card.js';
import { ReportUpdating, UpdateWhenReread } from '../components/customer/update-when-reread.js';
import { runOperation, streamOperation, type OperationResult } from '../.server/graphql.js';
import { requireViewer } from '../.server/session.js';

export { CUSTOMER_PAGE_QUERY } from '../components/customer/query.js';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${(data as { customer?: { name?: string } } | undefined)?.customer?.name ?? 'Customer'} · Panorama` }];

const SYSTEMS_QUERY = graphql(`
  query Systems {
    systems { system }
  }
`);

/** The page's variables: the role decides which groups of fields the page asks for. */
export function customerPageVariables(role: Role, id: string, refresh: { all?: boolean; systems?: System[] } = {}) {
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

/** The customer with every part landed (the refresh's whole answer). */
type Data = Customer;
type Systems = CustomerPageData['systems'];
/** What the page's first payload holds: the customer's id and name (from the CRM's warm index), before any system has answered. */
type Shell = Pick<Data, 'id' | 'name'>;
type Parts = CustomerPageParts;

const pick = <K extends keyof Data>(keys: readonly K[]) => (c: Pick<Data, K>): Pick<Data, K> => Object.fromEntries(keys.map((k) => [k, c[k]])) as Pick<Data, K>;
const PICK: { [P in keyof Parts]: (c: Parts[P]) => Parts[P] } = {
  crm: pick(['crm', 'crmSection']),
  accounting: pick(['accounting', 'accountingSection']),
  projects: pick(['projects', 'projectsSection']),
  support: pick(['support', 'supportSection']),
  insights: pick(['sections', 'links', 'ambiguousLinks', 'fields', 'flags', 'health', 'timeline']),
};
/** The field each part must hold once it has landed: without it, the part never arrived. */
const LANDED: { [P in keyof Parts]: keyof Parts[P] } = { crm: 'crmSection', accounting: 'accountingSection', projects: 'projectsSection', support: 'supportSection', insights: 'sections' };

/** Whether a part has landed in the answer (a deferred part's fields are there or not yet). */
function landed<P extends keyof Parts>(c: object, part: P): c is Parts[P] {
  return (c as Record<string, unknown>)[LANDED[part]] !== undefined;
}

function partOf<P extends keyof Parts>(part: P, result: OperationResult<CustomerPageData>): Parts[P] {
  const c = result.data?.customer;
  if (!c || !landed(c, part)) throw new Error(`the ${part} part of the customer page did not arrive`);
  return PICK[part](c);
}

/** `?invoices=all` lists every invoice in the billing section; nothing else is a value of it. */
function invoicesShown(request: Request): number {
  const v = new URL(request.url).searchParams.get('invoices');
  if (v === null) return 12;
  if (v === 'all') return 500;
  throw data(`The address's "invoices" can only be "all" (every invoice of the customer); it was "${v.slice(0, 40)}".`, { status: 400 });
}

function refused(result: OperationResult<CustomerPageData>, id: string | undefined): void {
  const badInput = result.errors.find((e) => e.extensions?.code === 'BAD_USER_INPUT');
  if (badInput) throw data(badInput.message, { status: 400 });
  if (!result.data?.customer) throw data(`No customer has the id ${id}.`, { status: 404 });
}

/**
 * The page streams: only the shell is awaited — the customer's id and name, which the CRM's warm account index
 * already knows (an id it does not know waits for the CRM, which says whether the customer exists). Every system's
 * section, the CRM's included, and the insights drawn from all of them, is handed to the page as a promise that
 * lands when that system has answered — one GraphQL execution with `@defer`, so still one request per system and
 * one audit record for the view.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const invoices = invoicesShown(request);
  const op = streamOperation(viewer, CUSTOMER_PAGE_QUERY, { ...customerPageVariables(viewer.role, params.id ?? ''), stream: true, invoices }, 'CustomerPage');
  const first = await op.first;
  refused(first, params.id);
  const c = first.data!.customer!;
  const shell: Shell = { id: c.id, name: c.name };
  return {
    role: viewer.role,
    systems: first.data!.systems,
    allInvoices: invoices > 12,
    customer: shell,
    crm: op.part('crm').then((r) => partOf('crm', r)),
    accounting: op.part('accounting').then((r) => partOf('accounting', r)),
    projects: op.part('projects').then((r) => partOf('projects', r)),
    support: op.part('support').then((r) => partOf('support', r)),
    insights: op.part('insights').then((r) => partOf('insights', r)),
  };
}

/**
 * Refresh: read this customer again past the cache — from every system, or from the one a section names — and
 * show exactly what that read returned (a refresh that failed says so, instead of quietly showing the cache).
 * Its answer is whole (not streamed): the page renders it at once.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  const viewer = await requireViewer(request);
  const form = await request.formData();
  const system = String(form.get('system') ?? '');
  // one section's system, when it names one the server knows; otherwise every system
  const known = system ? ((await runOperation(viewer, SYSTEMS_QUERY, {}, 'Systems')).data?.systems ?? []) : [];
  const named = known.find((s) => s.system === system)?.system;
  const systems = named ? [named] : undefined;
  const invoices = invoicesShown(request);
  const result = await runOperation(viewer, CUSTOMER_PAGE_QUERY, { ...customerPageVariables(viewer.role, params.id ?? '', systems ? { systems } : { all: true }), invoices }, 'CustomerPage');
  const c = result.data?.customer;
  // read whole (not streamed), so every part is there
  if (!c || !(landed(c, 'crm') && landed(c, 'accounting') && landed(c, 'projects') && landed(c, 'support') && landed(c, 'insights'))) return redirect(`/customers/${params.id}`);
  return {
    role: viewer.role,
    systems: result.data?.systems ?? [],
    allInvoices: invoices > 12,
    customer: { id: c.id, name: c.name } as Shell,
    crm: PICK.crm(c),
    accounting: PICK.accounting(c),
    projects: PICK.projects(c),
    support: PICK.support(c),
    insights: PICK.insights(c),
  };
}

/** After a refresh the action's answer is the page; loading again would only read the cache it just refilled. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formMethod, defaultShouldRevalidate }) =>
  formMethod?.toUpperCase() === 'POST' ? false : defaultShouldRevalidate;

type PageData = {
  role: Role;
  systems: Systems;
  allInvoices: boolean;
  customer: Shell;
  crm: Parts['crm'] | Promise<Parts['crm']>;
  accounting: Parts['accounting'] | Promise<Parts['accounting']>;
  projects: Parts['projects'] | Promise<Parts['projects']>;
  support: Parts['support'] | Promise<Parts['support']>;
  insights: Parts['insights'] | Promise<Parts['insights']>;
};

/** The shell and one landed part as the cards read a customer: the part's own section status is its `sections`. */
function customerWith(page: PageData, part: Partial<Data> = {}): Customer {
  const own = [part.crmSection, part.accountingSection, part.projectsSection, part.supportSection].filter((x) => x !== undefined);
  return { crm: null, accounting: null, projects: null, support: null, sections: own, ambiguousLinks: [], fields: [], flags: [], ...page.customer, ...part } as unknown as Customer;
}

/** The name of the system serving a category, from the server's answer (never written into the page's code). */
function systemName(page: PageData, category: 'CRM' | 'ACCOUNTING' | 'PROJECTS' | 'SUPPORT'): string {
  return page.systems.find((s) => s.category === category)?.name ?? category.toLowerCase();
}

/** The systems the insights wait for: every one but the CRM, whose header is already on the page. */
function insightsWaitFor(page: PageData): string {
  const names = page.systems.filter((s) => s.category !== 'CRM').map((s) => s.name);
  return andList(names) || 'every system';
}

const PART_OF = { ACCOUNTING: 'accounting', PROJECTS: 'projects', SUPPORT: 'support' } as const;
const TITLE = { ACCOUNTING: 'Billing', PROJECTS: 'Projects', SUPPORT: 'Support' } as const;

/** One system's section, streamed in: a skeleton naming the system until it has answered. */
function SystemSection({ page, category, children }: { page: PageData; category: 'ACCOUNTING' | 'PROJECTS' | 'SUPPORT'; children: (customer: Customer) => ReactNode }) {
  const part = PART_OF[category];
  const testId = `section-${part}`;
  return (
    <Streamed
      resolve={page[part] as Parts[typeof part] | Promise<Parts[typeof part]>}
      part={part}
      fallback={<WaitingSection title={TITLE[category]} source={systemName(page, category)} part={part} testId={testId} />}
      failed={<SectionNotRead title={TITLE[category]} testId={testId} />}
    >
      {(value) => children(customerWith(page, value as Partial<Data>))}
    </Streamed>
  );
}

/** A card drawn from every system (flags, health, timeline): waits for them all. */
function InsightSection({ page, title, testId, skeleton = true, children }: { page: PageData; title: string; testId: string; skeleton?: boolean; children: (customer: Customer) => ReactNode }) {
  return (
    <Streamed
      resolve={page.insights}
      part="insights"
      fallback={skeleton ? <WaitingSection title={title} source={insightsWaitFor(page)} part="insights" testId={testId} lines={2} /> : null}
      failed={skeleton ? <SectionNotRead title={title} testId={testId} /> : null}
    >
      {(value) => children(customerWith(page, value as Partial<Data>))}
    </Streamed>
  );
}

/** A card from the CRM (contacts, deals), streamed in like every other system's: a skeleton naming the CRM until it has answered. */
function CrmSection({ page, title, testId, children }: { page: PageData; title: string; testId: string; children: (customer: Customer) => ReactNode }) {
  return (
    <Streamed resolve={page.crm} part="crm" fallback={<WaitingSection title={title} source={systemName(page, 'CRM')} part="crm" testId={testId} />} failed={<SectionNotRead title={title} testId={testId} />}>
      {(value) => children(customerWith(page, value as Partial<Data>))}
    </Streamed>
  );
}

function Header({ page }: { page: PageData }) {
  const navigation = useNavigation();
  const { customer, role } = page;
  return (
    <Group justify="space-between" align="flex-end" gap="sm">
      <div>
        <MantineAnchor component={Link} to="/customers" size="sm">
          ← Customers
        </MantineAnchor>
        <Title order={1}>{customer.name}</Title>
        <Group gap="xs" mt={4}>
          <Streamed inline resolve={page.crm} part="crm" fallback={<WaitingBadge source={systemName(page, 'CRM')} part="crm" />} failed={null}>
            {({ crm }) => (
              <>
                {crm?.account.tier ? <MantineBadge variant="outline">{crm.account.tier} tier</MantineBadge> : null}
                {crm?.unmapped.map((u) => (
                  <Text key={u.feature} c="dimmed" size="sm">
                    {u.message}
                  </Text>
                ))}
                <Text c="dimmed" size="sm">
                  {[crm?.account.industry, crm?.account.owner ? `Owner: ${crm.account.owner.name}` : null].filter(Boolean).join(' · ')}
                </Text>
              </>
            )}
          </Streamed>
          <Streamed inline resolve={page.accounting} part="accounting" fallback={<WaitingBadge source={systemName(page, 'ACCOUNTING')} part="accounting" />} failed={null}>
            {(a) => (a.accounting ? <StandingBadge standing={a.accounting.standing} /> : null)}
          </Streamed>
          {role !== 'support' ? (
            <Streamed inline resolve={page.insights} part="insights" fallback={null} failed={null}>
              {(i) => <HealthBadge health={i.health} />}
            </Streamed>
          ) : null}
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
function SupportView({ page }: { page: PageData }) {
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
      <Stack gap="md">
        <SystemSection page={page} category="SUPPORT">{(c) => <SupportCard customer={c} />}</SystemSection>
        <SystemSection page={page} category="PROJECTS">{(c) => <ProjectsCard customer={c} />}</SystemSection>
      </Stack>
      <Stack gap="md">
        <CrmSection page={page} title="Contacts" testId="section-crm">{(c) => <ContactsCard customer={c} />}</CrmSection>
        <SystemSection page={page} category="ACCOUNTING">{(c) => <BillingCard customer={c} detail="standing" />}</SystemSection>
        <InsightSection page={page} title="Recent activity" testId="section-timeline">{(c) => <TimelineCard customer={c} />}</InsightSection>
      </Stack>
    </SimpleGrid>
  );
}

/** Account manager, before a call: deals, delivery, money, tickets, gaps, health, history. */
function AccountManagerView({ page, admin }: { page: PageData; admin: boolean }) {
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
      <Stack gap="md">
        <InsightSection page={page} title="Needs attention" testId="section-flags">{(c) => <FlagsCard customer={c} conflictsShownApart />}</InsightSection>
        <CrmSection page={page} title="Deals" testId="section-deals">{(c) => <DealsCard customer={c} />}</CrmSection>
        <SystemSection page={page} category="PROJECTS">{(c) => <ProjectsCard customer={c} />}</SystemSection>
        <SystemSection page={page} category="ACCOUNTING">{(c) => <BillingCard customer={c} detail="full" allInvoices={page.allInvoices} />}</SystemSection>
      </Stack>
      <Stack gap="md">
        <InsightSection page={page} title="Health" testId="section-health">{(c) => <HealthCard customer={c} />}</InsightSection>
        <SystemSection page={page} category="SUPPORT">{(c) => <SupportCard customer={c} showVolume />}</SystemSection>
        <InsightSection page={page} title="Recent activity" testId="section-timeline">{(c) => <TimelineCard customer={c} />}</InsightSection>
        <CrmSection page={page} title="Contacts" testId="section-crm">{(c) => <ContactsCard customer={c} />}</CrmSection>
        {admin ? <InsightSection page={page} title="Identity links" testId="section-links">{(c) => <LinksCard customer={c} />}</InsightSection> : null}
      </Stack>
    </SimpleGrid>
  );
}

/** Finance, chasing an invoice: what is owed and how old, what was paid, what was never billed, who to write to. */
function FinanceView({ page }: { page: PageData }) {
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
      <Stack gap="md">
        <SystemSection page={page} category="ACCOUNTING">{(c) => <BillingCard customer={c} detail="full" allInvoices={page.allInvoices} />}</SystemSection>
      </Stack>
      <Stack gap="md">
        <InsightSection page={page} title="Needs attention" testId="section-flags">
          {(c) => <FlagsCard customer={c} kinds={['MILESTONE_NOT_INVOICED', 'CONFLICT', 'OVERDUE_WITH_URGENT_TICKETS', 'ON_HOLD_NOTHING_OVERDUE']} conflictsShownApart />}
        </InsightSection>
        <InsightSection page={page} title="Conflicts" testId="section-conflicts" skeleton={false}>{(c) => <ConflictsTable customer={c} />}</InsightSection>
        <SystemSection page={page} category="PROJECTS">{(c) => <ProjectsCard customer={c} showMilestones />}</SystemSection>
        <SystemSection page={page} category="SUPPORT">{(c) => <SupportCard customer={c} />}</SystemSection>
        <CrmSection page={page} title="Contacts" testId="section-crm">{(c) => <ContactsCard customer={c} />}</CrmSection>
      </Stack>
    </SimpleGrid>
  );
}

export default function CustomerPage() {
  const loaded = useLoaderData<typeof loader>() as unknown as PageData;
  const refreshed = useActionData<typeof action>() as unknown as PageData | undefined;
  const page = refreshed && 'customer' in refreshed ? refreshed : loaded;
  const { role } = page;
  return (
    <MantineStack gap="md" maw={1280} mx="auto">
      <NoScriptStreaming parts={CUSTOMER_PAGE_PARTS} />
      <WaitingClock />
      <Header page={page} />
      <UpdateWhenReread paused={Boolean(refreshed && 'customer' in refreshed)}>
        {(report) => (
          <InsightSection page={page} title="Updates" testId="reread" skeleton={false}>
            {(c) => <ReportUpdating sections={c.sections} report={report} />}
          </InsightSection>
        )}
      </UpdateWhenReread>
      <InsightSection page={page} title="Ambiguous links" testId="ambiguity" skeleton={false}>{(c) => <AmbiguityAlert customer={c} />}</InsightSection>
      {role === 'support' ? <SupportView page={page} /> : null}
      {role === 'finance' ? <FinanceView page={page} /> : null}
      {role === 'account_manager' || role === 'admin' ? (
        <>
          <InsightSection page={page} title="Conflicts" testId="section-conflicts" skeleton={false}>{(c) => <ConflictsTable customer={c} />}</InsightSection>
          <AccountManagerView page={page} admin={role === 'admin'} />
        </>
      ) : null}
    </MantineStack>
  );
}
