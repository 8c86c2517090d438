import { Alert, Anchor, Badge, Button, Card, Group, PasswordInput, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useSearchParams } from '@remix-run/react';
import { ConnectError } from '../../sources/kit/connect.js';
import type { SourceId } from '../../sources/kit/errors.js';
import { logger } from '../../sources/kit/logger.js';
import { afterConnectionChange, connectableOf, connectables, connectionRows, connectionStore, hasEnvToken, isToken, requireAdmin, type ConnectionRow } from '../.server/connections-admin.js';
import { assertSameOrigin } from '../.server/same-origin.js';
import { requireViewer } from '../.server/session.js';

export const meta: MetaFunction = () => [{ title: 'Connections · Admin · Panorama' }];

export async function loader({ request }: LoaderFunctionArgs) {
  requireAdmin(await requireViewer(request));
  return { rows: await connectionRows(), keyed: connectionStore() !== null };
}

type Outcome = { ok: boolean; source: SourceId | null; message: string };
const answer = (status: number, o: Outcome) => data(o, { status });

/**
 * The page's forms: disconnect a source, or keep a pasted token once its vendor accepted it.
 * Same-origin and admin-only, checked here whatever the page showed; a refused token is a 400 that says why.
 */
export async function action({ request }: ActionFunctionArgs) {
  assertSameOrigin(request);
  const viewer = await requireViewer(request);
  requireAdmin(viewer);
  const form = await request.formData();
  const field = (k: string) => String(form.get(k) ?? '').slice(0, 2000);
  const intent = field('intent');
  const c = connectableOf(field('source'));
  if (!c) return answer(400, { ok: false, source: null, message: `Name the source (${connectables().map((x) => x.source).join(', ')}).` });
  const { source, name } = c;
  const store = connectionStore();
  if (!store) return answer(409, { ok: false, source, message: 'Set PANORAMA_ENCRYPTION_KEY (at least 32 random characters): connections are kept encrypted under it.' });
  if (intent === 'disconnect') {
    const removed = await store.disconnect(source);
    afterConnectionChange(source);
    logger.info({ source, by: viewer.id, removed }, 'connection removed');
    return answer(removed ? 200 : 404, { ok: removed, source, message: removed ? `${name} is disconnected: its token was deleted from Panorama's store.` : `${name} had no connection to remove.` });
  }
  if (intent !== 'token' || !isToken(c)) return answer(400, { ok: false, source, message: `Unknown action: disconnect, or save a token of a source connected with one.` });
  if (c.config === null) return answer(409, { ok: false, source, message: `Set ${c.spec.needs} before connecting ${name}.` });
  if (hasEnvToken(c)) return answer(409, { ok: false, source, message: `The environment sets ${c.spec.envVariables}; it takes precedence, so nothing was saved.` });
  try {
    const checked = await c.spec.check(c.config, Object.fromEntries(c.spec.fields.map((f) => [f.name, field(f.name)])), fetch);
    await store.connect(source, checked.token, { id: viewer.id, name: viewer.name });
    afterConnectionChange(source);
    logger.info({ source, by: viewer.id }, 'connection made');
    return { ok: true, source, message: `${name} is connected as ${checked.owner.name}${checked.owner.email ? ` (${checked.owner.email})` : ''}.` } satisfies Outcome;
  } catch (e) {
    if (e instanceof ConnectError) return answer(e.status, { ok: false, source, message: e.message });
    throw e;
  }
}

const STATE: Record<ConnectionRow['state'], { label: string; color: string }> = {
  env: { label: 'From the environment', color: 'blue' },
  connected: { label: 'Connected', color: 'green' },
  'not-connected': { label: 'Not connected', color: 'orange' },
  'not-configured': { label: 'Not configured', color: 'gray' },
};

const when = (iso: string | null) => (iso ? `${iso.replace('T', ' ').slice(0, 16)} UTC` : 'never');

function ConnectionCard({ row, keyed, outcome }: { row: ConnectionRow; keyed: boolean; outcome: Outcome | null }) {
  const c = row.connection;
  const st = STATE[row.state];
  const canConnect = keyed && row.state !== 'env' && row.state !== 'not-configured';
  return (
    <Card withBorder component="section" aria-labelledby={`conn-${row.source}`} data-testid={`connection-${row.source}`}>
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4" id={`conn-${row.source}`}>
          {row.name}
        </Title>
        <Badge color={st.color} variant="light" data-testid={`connection-state-${row.source}`}>
          {st.label}
        </Badge>
      </Group>
      {row.state === 'env' ? <Text size="sm">The token comes from the environment ({row.envVariables}) and takes precedence over any connection made here.</Text> : null}
      {row.state === 'not-configured' ? <Text size="sm">Set {row.needs} first.</Text> : null}
      {c ? (
        <Stack gap={2}>
          <Text size="sm">
            Connected by <strong>{c.byName}</strong> on {when(c.connectedAt)}
          </Text>
          {row.kind === 'oauth' ? (
            <Text size="sm">Last token refresh: {when(c.lastRefreshAt)}</Text>
          ) : (
            <Text size="sm">A pasted token is not refreshed: it works until it is revoked.</Text>
          )}
          {c.lastError ? (
            <Text size="sm" c="var(--mantine-color-red-light-color)">
              Last error: {c.lastError}
            </Text>
          ) : null}
        </Stack>
      ) : null}
      {row.failing && row.state !== 'not-configured' ? (
        <Text size="sm" c="var(--mantine-color-red-light-color)" data-testid={`connection-failing-${row.source}`}>
          Failing since {when(row.failing.since)}: {row.failing.message}
        </Text>
      ) : null}
      {outcome && outcome.source === row.source ? (
        <Text size="sm" role={outcome.ok ? 'status' : 'alert'} c={outcome.ok ? undefined : 'var(--mantine-color-red-light-color)'} mt="xs" data-testid={`connection-message-${row.source}`}>
          {outcome.message}
        </Text>
      ) : null}
      <Group mt="sm" gap="xs" align="flex-end">
        {canConnect && row.kind === 'oauth' ? (
          // a link, not a form: the vendor's page is on another origin, and forms only post to Panorama itself
          <Button component="a" href={`/admin/connections/${row.source}/start`} size="xs">
            {c ? `Reconnect ${row.name}` : `Connect ${row.name}`}
          </Button>
        ) : null}
        {c ? (
          <Form method="post">
            <input type="hidden" name="intent" value="disconnect" />
            <input type="hidden" name="source" value={row.source} />
            <Button type="submit" size="xs" color="red" variant="light" aria-label={`Disconnect ${row.name}`}>
              Disconnect
            </Button>
          </Form>
        ) : null}
      </Group>
      {canConnect && row.kind === 'token' ? (
        // a new key once a token was kept: the form starts empty again, holding no token
        <Form method="post" style={{ marginTop: 'var(--mantine-spacing-sm)' }} key={outcome?.ok && outcome.source === row.source ? outcome.message : 'token-form'}>
          <input type="hidden" name="intent" value="token" />
          <input type="hidden" name="source" value={row.source} />
          <Stack gap="xs">
            {row.fields.map((f) =>
              f.kind === 'email' ? (
                <TextInput key={f.name} name={f.name} type="email" label={f.label} size="xs" required autoComplete="off" />
              ) : (
                <PasswordInput key={f.name} name={f.name} label={f.label} size="xs" required autoComplete="off" />
              ),
            )}
            <Group>
              <Button type="submit" size="xs">
                {c ? `Replace ${row.name} token` : `Connect ${row.name}`}
              </Button>
            </Group>
            <Text size="xs" c="dimmed">
              Checked with {row.name} ({row.checkedWith}) before it is kept, encrypted.
            </Text>
          </Stack>
        </Form>
      ) : null}
    </Card>
  );
}

/** The admin's connections: each source's state, who connected it and when, connect and disconnect. */
export default function AdminConnections() {
  const { rows, keyed } = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>() ?? null;
  const [params] = useSearchParams();
  const connected = params.get('connected');
  return (
    <Stack gap="md" maw={1280} mx="auto">
      <Group justify="space-between">
        <Title order={1}>Connections</Title>
        <Anchor href="/admin">Back to Admin</Anchor>
      </Group>
      <Text c="dimmed">
        Panorama keeps each token encrypted (AES-256-GCM under PANORAMA_ENCRYPTION_KEY) in its own store; a token set in the environment takes precedence.
      </Text>
      {!keyed ? (
        <Alert color="orange" title="No encryption key" role="alert">
          Set PANORAMA_ENCRYPTION_KEY (at least 32 random characters) to connect sources here: without it nothing can be kept.
        </Alert>
      ) : null}
      {connected && rows.some((r) => r.source === connected) && !acted ? (
        <Alert color="green" role="status" data-testid="connected-notice">
          {rows.find((r) => r.source === connected)?.name} is connected.
        </Alert>
      ) : null}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        {rows.map((r) => (
          <ConnectionCard key={r.source} row={r} keyed={keyed} outcome={acted} />
        ))}
      </SimpleGrid>
    </Stack>
  );
}
