import { Anchor, Stack, Text, Title } from '@mantine/core';
import { data, redirect, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { finishSignIn } from '../.server/oidc.js';
import { cookieSecret, demoSignInAllowed, safeRedirect, signIn } from '../.server/session.js';

export const meta: MetaFunction = () => [{ title: 'Signing in · Panorama' }];

/** The identity provider's answer: a session for a person with a mapped role, or a page that says why not. */
export async function loader({ request }: LoaderFunctionArgs) {
  if (demoSignInAllowed()) throw redirect('/login');
  const r = await finishSignIn(request, cookieSecret());
  const headers = { 'set-cookie': r.clearCookie, 'cache-control': 'no-store' };
  if (r.ok) return signIn(request, { ...r.person, method: 'oidc' }, safeRedirect(r.redirectTo), headers);
  return data({ reason: r.reason, email: r.who?.email ?? null }, { status: r.status, headers });
}

export default function SignInRefused() {
  const d = useLoaderData<typeof loader>();
  return (
    <Stack maw={640} mx="auto" gap="md">
      <Title order={1}>You can't use Panorama yet</Title>
      <Text role="alert">{d.reason}</Text>
      <Text c="dimmed" size="sm">
        Panorama gives nobody a role by default: access comes only from your group in the company's identity provider.
      </Text>
      <Anchor href="/login">Back to sign-in</Anchor>
    </Stack>
  );
}
