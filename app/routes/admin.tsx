import { Anchor, Badge, Button, Card, Code, Group, List, SimpleGrid, Stack, Table, Tabs, Text, Title } from '@mantine/core';
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useSearchParams } from '@remix-run/react';
import { IDENTITY_REVIEW_FIELDS, IdentityReview } from '../components/admin/identity-review.js';
import type { RegisterEntry } from '../../sources/kit/contract.js';
import { formatAge, humanize, systemNames, type SourceName } from '../components/format.js';
import { FIELD_MAPPINGS_FIELDS, FieldMappingCard } from '../components/admin/field-mapping-card.js';
import { runOperation } from '../.server/graphql.js';
import { graphql, type System, type VariablesOf } from '../graphql.js';
import { WEBHOOKS_FIELDS, WebhooksCard } from '../components/admin/webhooks-card.js';
import { ACCESS_STATE, AccessCard, AccessGrants, CREDENTIAL_ACCESS_FIELDS, accessSummary } from '../components/admin/access-card.js';
import { ADMIN_FAILURE_FIELDS, IncidentList, RequestLimits, SharedStateCard } from '../components/admin-failure.js';
import { panorama } from '../.server/runtime.js';
import { pageRefusal } from '../.server/refusal.js';
import { requireViewer } from '../.server/session.js';

export const meta: MetaFunction = () => [{ title: 'Admin · Panorama' }];

const ADMIN = graphql(
  `
    query Admin {
      sources { system name category configured reachability calls errorRate latencyP50Ms cacheHitRate cacheHits cacheMisses lastSuccessAt lastSuccessAgeSeconds lastError { at ageSeconds code summary message } diagnosis }
      integrations {
        system name category owner trigger reads transforms credentials scopes failure endpoints timeoutMs
        cache { entity ttlSeconds growsWithSize staleWhileRevalidateSeconds staleIfErrorSeconds }
        access { ...CredentialAccessFields }
      }
      credentialAccess { ...CredentialAccessFields }
      ...IdentityReviewFields
      sourceOfTruth { group system }
      systems { system name category }
      ...FieldMappingsFields
      ...WebhooksFields
      ...AdminFailureFields
    }
  `,
  [IDENTITY_REVIEW_FIELDS, FIELD_MAPPINGS_FIELDS, WEBHOOKS_FIELDS, ADMIN_FAILURE_FIELDS, CREDENTIAL_ACCESS_FIELDS],
);

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const r = await runOperation(viewer, ADMIN, {}, 'Admin');
  if (!r.data) throw pageRefusal(viewer.role, r.errors, { name: 'admin pages', group: 'ADMIN' });
  const st = panorama().runtime.sharedState();
  const shared = { mode: st.mode, since: st.mode === 'memory' ? null : new Date(st.since).toISOString(), address: st.address, tokensPendingWriteBack: st.tokensPendingWriteBack };
  return { ...r.data, shared, errors: [...new Set(r.errors.map((e) => e.message))] };
}

const CHECK_NOW = graphql(`
  query CheckSource($refreshSystems: [System!]) {
    sources(refreshSystems: $refreshSystems) { system }
  }
`);

const DECIDE = graphql(`
  mutation DecideLink($input: LinkDecisionInput!) { decideLink(input: $input) { text recordId } }
`);
type DecisionKind = VariablesOf<typeof DECIDE>['input']['kind'];
const UNDO = graphql(`
  mutation UndoLinkDecision($id: ID!) { undoLinkDecision(id: $id) { text recordId } }
`);

/**
 * "Check now" on a source card: asks that source once, then shows the page again with what it answered. A
 * decision of the review queue (confirm, pick, reject, link by hand, undo) goes to the same GraphQL mutations any
 * tool would use, so the policy and the checks are the server's; a refused one says why on the page.
 */
export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireViewer(request);
  const form = await request.formData();
  const field = (k: string) => String(form.get(k) ?? '').trim();
  const intent = field('intent');
  if (intent === 'decide' || intent === 'undo') {
    const r =
      intent === 'decide'
        ? await runOperation(
            viewer,
            DECIDE,
            // the form's values as they came: the server refuses a kind or system the schema does not know
            { input: { kind: field('kind') as DecisionKind, system: field('system') as System, accountId: field('accountId'), recordId: field('recordId'), reason: field('reason') || null } },
            'DecideLink',
          )
        : await runOperation(viewer, UNDO, { id: field('id') }, 'UndoLinkDecision');
    const done = r.data ? ('decideLink' in r.data ? r.data.decideLink : r.data.undoLinkDecision) : null;
    if (!done) {
      const status = r.errors.some((e) => e.extensions?.code === 'FORBIDDEN') ? 403 : 400;
      return data({ decisionError: r.errors.map((e) => e.message).join(' ') || 'The decision was not recorded.', decided: null }, { status });
    }
    return { decisionError: null, decided: intent === 'undo' ? `Undone: ${done.text} (record ${done.recordId}).` : `Recorded: ${done.text} (record ${done.recordId}).` };
  }
  const system = field('system');
  if (!/^[A-Z]+$/.test(system)) return new Response('Name the system to check, as its card on this page does.', { status: 400 });
  const r = await runOperation(viewer, CHECK_NOW, { refreshSystems: [system as System] }, 'CheckSource');
  if (!r.data) return pageRefusal(viewer.role, r.errors, { name: 'source checks', group: 'ADMIN' });
  return { checked: system };
}

const CATEGORY_LABEL: Record<string, string> = { crm: 'CRM', accounting: 'Accounting', projects: 'Projects', support: 'Support' };
const REACH_COLOR: Record<string, string> = { UP: 'green', DEGRADED: 'yellow', DOWN: 'red', UNKNOWN: 'gray', NOT_CONFIGURED: 'gray' };
// Ages come from the server, measured on Panorama's clock: the browser's own clock plays no part.
const secondsAgo = (seconds: number | null) => (seconds === null ? 'never' : formatAge(seconds));

type SourceRow = ReturnType<typeof useLoaderData<typeof loader>>['sources'][number];

/** One source's health: reachability, latency, errors, cache hits, and its check-now button. */
function SourceStatusCard({ s }: { s: SourceRow }) {
  return (
    <Card withBorder component="section" aria-labelledby={`src-${s.system}`}>
      {/* the badge stays beside the name; a long name wraps itself, not the badge */}
      <Group justify="space-between" align="flex-start" wrap="nowrap" mb="xs">
        <Title order={2} size="h4" id={`src-${s.system}`} style={{ minWidth: 0 }}>
          {s.name}
        </Title>
        <Badge color={REACH_COLOR[s.reachability]} variant="light" style={{ flexShrink: 0 }}>
          {humanize(s.reachability)}
        </Badge>
      </Group>
      {s.diagnosis ? (
        <Text size="sm" fw={600} c="var(--mantine-color-red-light-color)" data-testid={`diagnosis-${s.system}`}>
          {s.diagnosis}
        </Text>
      ) : null}
      <Text size="sm">
        {CATEGORY_LABEL[s.category] ?? s.category} · {s.calls} recent calls
      </Text>
      <Text size="sm">Latency (p50): {s.latencyP50Ms === null ? '—' : `${s.latencyP50Ms} ms`}</Text>
      <Text size="sm">Error rate: {Math.round(s.errorRate * 100)}%</Text>
      <Text size="sm">
        Cache hit rate: {s.cacheHitRate === null ? '—' : `${Math.round(s.cacheHitRate * 100)}%`} ({s.cacheHits} hits, {s.cacheMisses} misses)
      </Text>
      <Text size="sm">Last success: {secondsAgo(s.lastSuccessAgeSeconds)}</Text>
      {s.configured ? (
        <Form method="post" replace>
          <input type="hidden" name="system" value={s.system} />
          <Button type="submit" size="compact-xs" variant="light" mt={4} aria-label={`Check now: ${s.name}`}>
            Check now
          </Button>
        </Form>
      ) : null}
      {s.lastError ? (
        <>
          <Text size="sm" c="var(--mantine-color-red-light-color)" data-testid={`last-error-${s.system}`}>
            Last error {secondsAgo(s.lastError.ageSeconds)}: {s.lastError.summary}
          </Text>
          <details>
            <summary style={{ fontSize: 'var(--mantine-font-size-xs)', cursor: 'pointer' }}>Details as reported</summary>
            <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
              {s.lastError.code}: {s.lastError.message}
            </Text>
          </details>
        </>
      ) : (
        <Text size="sm" c="dimmed">
          No errors recently.
        </Text>
      )}
    </Card>
  );
}

type IntegrationRow = ReturnType<typeof useLoaderData<typeof loader>>['integrations'][number];

/** One integration's register entry: what it reads and how, its credentials and their checked scope, its cache. */
function RegisterCard({ i }: { i: IntegrationRow }) {
  return (
    <Card withBorder component="section" aria-labelledby={`reg-${i.system}`}>
      <Title order={2} size="h4" id={`reg-${i.system}`}>
        {i.name} <Text span c="dimmed" size="sm">({CATEGORY_LABEL[i.category] ?? i.category})</Text>
      </Title>
      <Text size="sm" mt={4}>
        <strong>Owner:</strong> {i.owner} · <strong>When:</strong> {i.trigger} · <strong>Timeout:</strong> {i.timeoutMs} ms
      </Text>
      <SimpleGrid cols={{ base: 1, md: 2 }} mt="xs">
        {(
          [
            ['Reads', i.reads],
            ['Transforms', i.transforms],
            ['Credentials', i.credentials],
            ['Scopes (least privilege)', i.scopes],
            ['When it fails', i.failure],
            ['Endpoints', i.endpoints],
          ] as const
        ).map(([label, items]) => (
          <div key={label}>
            <Title order={3} size="h6">
              {label}
            </Title>
            <List size="sm" spacing={2}>
              {items.map((x) => (
                <List.Item key={x}>{label === 'Endpoints' ? <Code>{x}</Code> : x}</List.Item>
              ))}
            </List>
          </div>
        ))}
      </SimpleGrid>
      {i.access ? (
        <div>
          <Title order={3} size="h6" mt="xs">
            Credential check: {ACCESS_STATE[i.access.state].label}
          </Title>
          <Text size="sm">{accessSummary(i.access)}</Text>
          {i.access.grants.length ? <AccessGrants access={i.access} caption={`${i.name}: needs and has`} /> : null}
        </div>
      ) : null}
      <Text size="xs" c="dimmed" mt="xs">
        Cache:{' '}
        {i.cache.map((c) => `${c.entity} ${c.ttlSeconds}s fresh${c.growsWithSize ? ' (longer as it grows)' : ''}, +${c.staleWhileRevalidateSeconds}s revalidating, ${c.staleIfErrorSeconds}s if the source fails`).join('; ')}
      </Text>
    </Card>
  );
}

/** The admin's page: source health, the integration register, and the identity review queue. */
export default function Admin() {
  const d = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>();
  const [params] = useSearchParams();
  const decision = acted && typeof acted === 'object' && 'decisionError' in acted ? acted : null;
  return (
    <Stack gap="md" maw={1280} mx="auto">
      <Group justify="space-between">
        <Title order={1}>Admin</Title>
        <Anchor href="/admin/connections">Connections</Anchor>
      </Group>
      {d.errors.length ? (
        <Text c="var(--mantine-color-orange-light-color)" size="sm" role="status">
          {d.errors.join(' ')}
        </Text>
      ) : null}
      <Tabs defaultValue={params.get('tab') === 'review' ? 'review' : 'sources'} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="sources">Source status</Tabs.Tab>
          <Tabs.Tab value="register">Integration register</Tabs.Tab>
          <Tabs.Tab value="review">
            Identity review ({d.identityReview.length})
          </Tabs.Tab>
        </Tabs.List>

        <Tabs.Panel value="sources" pt="md">
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} data-testid="source-status">
            {d.sources.map((s) => (
              <SourceStatusCard key={s.system} s={s} />
            ))}
          </SimpleGrid>
          {d.fieldMappings.length ? (
            <div style={{ marginTop: 'var(--mantine-spacing-md)' }}>
              <FieldMappingCard mappings={d.fieldMappings} />
            </div>
          ) : null}
          {d.credentialAccess.length ? <AccessCard sources={d.credentialAccess} /> : null}
          <SharedStateCard shared={d.shared} />
          <WebhooksCard webhooks={d.webhooks ?? []} />
          <RequestLimits sources={d.limits} />
          <IncidentList incidents={d.incidents} />
          <Card withBorder mt="md" component="section" aria-labelledby="sot-heading">
            <Title order={2} size="h4" id="sot-heading" mb="xs">
              Systems of record
            </Title>
            <Text size="sm">
              {d.sourceOfTruth.map((r, i) => (
                <span key={r.group}>
                  {i ? ' · ' : ''}
                  {humanize(r.group.replace(/([A-Z])/g, '_$1'))}: <strong>{systemNames(d.systems)(r.system)}</strong>
                </span>
              ))}
            </Text>
          </Card>
        </Tabs.Panel>

        <Tabs.Panel value="register" pt="md">
          <Stack gap="md" data-testid="integration-register">
            {d.integrations.map((i) => (
              <RegisterCard key={i.system} i={i} />
            ))}
          </Stack>
        </Tabs.Panel>

        <Tabs.Panel value="review" pt="md">
          <IdentityReview items={d.identityReview} decisions={d.linkDecisions} systems={d.systems} error={decision?.decisionError ?? null} done={decision?.decided ?? null} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
