import { Anchor, Stack, Text, Title } from '@mantine/core';
import { data, redirect, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { ConnectError, finishOAuth } from '../../sources/kit/connect.js';
import { errorForLog, logger } from '../../sources/kit/logger.js';
import { afterConnectionChange, callbackUrl, connectableOf, connectionStore, isOAuth, pendingFlowCookie, readPendingFlow, requireAdmin } from '../.server/connections-admin.js';
import { panorama } from '../.server/runtime.js';
import { cookieSecret, requireViewer } from '../.server/session.js';

export const meta: MetaFunction = () => [{ title: 'Connecting · Admin · Panorama' }];

/**
 * Where the vendor sends the admin back: `state` must be the flow's, the `code` is exchanged (with the PKCE
 * verifier where the vendor takes one) and the refresh token kept sealed in the own store. A failure is a 4xx page
 * that names what was wrong; nothing is saved then. The flow's cookie is cleared either way.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  requireAdmin(viewer);
  const secret = cookieSecret();
  const headers = { 'set-cookie': await pendingFlowCookie(secret).serialize('', { maxAge: 0 }), 'cache-control': 'no-store' };
  const c = connectableOf(params.source);
  if (!c || !isOAuth(c)) return data({ name: 'This source', reason: `"${String(params.source).slice(0, 40)}" has no connect flow.` }, { status: 404, headers });
  const store = connectionStore();
  if (c.config === null || !store) return data({ name: c.name, reason: `${c.name} cannot be connected here: its settings (${c.spec.needs}) or PANORAMA_ENCRYPTION_KEY are missing.` }, { status: 409, headers });
  try {
    const pending = await readPendingFlow(request, secret);
    const refreshToken = await finishOAuth(c.source, c.name, c.spec, c.config, pending, new URL(request.url).searchParams, callbackUrl(request, c.source), panorama().runtime.clock.now());
    await store.connect(c.source, refreshToken, { id: viewer.id, name: viewer.name });
    afterConnectionChange(c.source);
    logger.info({ source: c.source, by: viewer.id }, 'connection made');
    return redirect(`/admin/connections?connected=${c.source}`, { headers });
  } catch (e) {
    if (!(e instanceof ConnectError)) {
      logger.error({ source: c.source, err: errorForLog(e) }, 'connect flow failed');
      return data({ name: c.name, reason: `${c.name} could not be connected: Panorama failed unexpectedly. Nothing was saved.` }, { status: 500, headers });
    }
    logger.warn({ source: c.source, status: e.status, reason: e.message }, 'connect flow refused');
    return data({ name: c.name, reason: e.message }, { status: e.status, headers });
  }
}

export default function ConnectFailed() {
  const d = useLoaderData<typeof loader>();
  return (
    <Stack maw={720} mx="auto" gap="md">
      <Title order={1}>{d.name} was not connected</Title>
      <Text role="alert">{d.reason}</Text>
      <Anchor href="/admin/connections">Back to Connections</Anchor>
    </Stack>
  );
}
