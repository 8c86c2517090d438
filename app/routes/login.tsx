import { Button, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import { useState } from 'react';
import { DEMO_USERS } from '../../sources/sandbox/demo-users.js';
import { ROLE_LABELS, isRole } from '../../graphql/policy.js';
import { assertSameOrigin } from '../.server/same-origin.js';
import { demoSignInAllowed, findDemoUser, getViewer, safeRedirect, signIn } from '../.server/session.js';

export const meta: MetaFunction = () => [{ title: 'Sign in · Panorama' }];

const ROLE_JOBS: Record<string, string> = {
  support: 'Looks up a client on a call: who they are, whether they are OK, what is open.',
  account_manager: 'Deals, projects and billing status of the accounts they own.',
  finance: 'Invoices, payments and what is overdue.',
  admin: 'Everything, plus source health and the integration register.',
};

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await getViewer(request);
  const redirectTo = safeRedirect(new URL(request.url).searchParams.get('redirectTo'));
  if (viewer) throw redirect(redirectTo);
  // with real systems connected there are no demo users to offer: only the identity provider
  if (!demoSignInAllowed()) return { mode: 'sso' as const, redirectTo, users: [] };
  return { mode: 'demo' as const, redirectTo, users: DEMO_USERS.map((u) => ({ id: u.id, name: u.name, title: u.title, role: u.role, roleLabel: isRole(u.role) ? ROLE_LABELS[u.role] : u.role })) };
}

export async function action({ request }: ActionFunctionArgs) {
  assertSameOrigin(request);
  if (!demoSignInAllowed()) {
    return data({ error: 'Demo sign-in exists only on the built-in sandbox. Sign in with your company account.' }, { status: 403 });
  }
  const form = await request.formData();
  const userId = String(form.get('userId') ?? '');
  const person = findDemoUser(userId);
  if (!person) return data({ error: `There is no demo user "${userId.slice(0, 40)}". Pick one of the four below.` }, { status: 400 });
  return signIn(request, person, safeRedirect(String(form.get('redirectTo') ?? '')));
}

export default function Login() {
  const { users, mode, redirectTo } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  // the demo user whose sign-in is on its way (the button shows it; the others wait)
  const signingIn = navigation.state !== 'idle' && navigation.formData ? String(navigation.formData.get('userId') ?? '') || null : null;
  // leaving for the identity provider: a full page load, so the button says so until the browser goes
  const [leaving, setLeaving] = useState(false);
  if (mode === 'sso') {
    return (
      <Stack maw={560} mx="auto" gap="lg">
        <Title order={1}>Sign in</Title>
        <Text>Panorama uses your company account. Your role comes from your group in the identity provider.</Text>
        {actionData && 'error' in actionData ? (
          <Text c="red" role="alert">
            {actionData.error}
          </Text>
        ) : null}
        <Group>
          <Button component="a" href={`/auth/login?redirectTo=${encodeURIComponent(redirectTo)}`} loading={leaving} onClick={() => setLeaving(true)}>
            Sign in with your company account
          </Button>
        </Group>
      </Stack>
    );
  }
  return (
    <Stack maw={880} mx="auto" gap="lg">
      <div>
        <Title order={1}>Sign in</Title>
        <Text c="dimmed">
          Choose a demo user. Each role sees the page that answers its questions first. Demo sign-in exists only on the built-in sandbox: with
          real systems connected, people sign in through the company's identity provider.
        </Text>
      </div>
      {actionData && 'error' in actionData ? (
        <Text c="red" role="alert">
          {actionData.error}
        </Text>
      ) : null}
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        {users.map((u) => (
          <Card key={u.id} withBorder padding="lg" radius="md">
            <Stack gap="xs" h="100%" justify="space-between">
              <div>
                <Title order={2} size="h4">
                  {u.name}
                </Title>
                <Text size="sm" c="dimmed">
                  {u.title} · {u.roleLabel}
                </Text>
                <Text size="sm" mt="xs">
                  {ROLE_JOBS[u.role]}
                </Text>
              </div>
              <Form method="post">
                <input type="hidden" name="userId" value={u.id} />
                <input type="hidden" name="redirectTo" value={params.get('redirectTo') ?? ''} />
                <Group justify="flex-end">
                  <Button type="submit" aria-label={`Sign in as ${u.name}`} loading={signingIn === u.id} disabled={signingIn !== null && signingIn !== u.id}>
                    Sign in as {u.name.split(' ')[0]}
                  </Button>
                </Group>
              </Form>
            </Stack>
          </Card>
        ))}
      </SimpleGrid>
    </Stack>
  );
}
