import { Anchor, Stack, Text, Title } from '@mantine/core';
import { data, redirect, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { sourceName } from '../../sources/kit/errors.js';
import { afterConnectionChange, callbackUrl, connectionStore, isOAuthSource, pendingFlowCookie, readPendingFlow, requireAdmin, sourceConfigs } from '../.server/connections-admin.js';
import { ConnectError, finishOAuth } from '../.server/connect-flows.js';
import { errorForLog, logger } from '../../sources/kit/logger.js';
import { panorama } from '../.server/runtime.js';
import { cookieSecret, requireViewer } from '../.server/session.js';

export const meta: MetaFunction = () => [{ title: 'Connecting · Admin · Panorama' }];

/**
 * Where Salesforce and Intuit send the admin back: `state` must be the flow's, the `code` is exchanged (with the
 * PKCE verifier for Salesforce) and the refresh token kept sealed in the own store. A failure is a 4xx page that
 * names what was wrong; nothing is saved then. The flow's cookie is cleared either way.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  requireAdmin(viewer);
  const source = params.source;
  const secret = cookieSecret();
  const headers = { 'set-cookie': await pendingFlowCookie(secret).serialize('', { maxAge: 0 }), 'cache-control': 'no-store' };
  if (!isOAuthSource(source)) return data({ name: 'this source', reason: `"${String(source).slice(0, 40)}" has no connect flow.` }, { status: 404, headers });
  const name = sourceName(source);
  const config = sourceConfigs()[source];
  const store = connectionStore();
  if (!config || !store) return data({ name, reason: `${name} cannot be connected here: its settings or PANORAMA_ENCRYPTION_KEY are missing.` }, { status: 409, headers });
  try {
    const pending = await readPendingFlow(request, secret);
    const granted = await finishOAuth(source, config as never, pending, new URL(request.url).searchParams, callbackUrl(request, source), panorama().runtime.clock.now());
    await store.connect(source, granted.refreshToken, { id: viewer.id, name: viewer.name });
    afterConnectionChange(source);
    logger.info({ source, by: viewer.id }, 'connection made');
    return redirect(`/admin/connections?connected=${source}`, { headers });
  } catch (e) {
    if (!(e instanceof ConnectError)) {
      logger.error({ source, err: errorForLog(e) }, 'connect flow failed');
      return data({ name, reason: `${name} could not be connected: Panorama failed unexpectedly. Nothing was saved.` }, { status: 500, headers });
    }
    logger.warn({ source, status: e.status, reason: e.message }, 'connect flow refused');
    return data({ name, reason: e.message }, { status: e.status, headers });
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
