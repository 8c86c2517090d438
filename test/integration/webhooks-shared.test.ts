/**
 * Two Panorama instances on one real Redis: a webhook verified by one drops the changed records' copies on the
 * other too, whose next read shows the new value; the other also shows the delivery on its admin page.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { clockAt } from '../../sources/kit/clock.js';
import { SANDBOX_TODAY, testSandbox } from '../../sources/kit/testing.js';
import { createPanoramaYoga } from '../../graphql/yoga.js';
import { createSourcesRuntime } from '../../sources/runtime.js';
import type { SandboxNotification } from '../../sources/sandbox/notify.js';
import { gql, viewerFor, type Harness } from '../support/graphql.js';
import { redisAvailable, startRedis, until, type TestRedis } from '../support/redis.js';

const clock = clockAt(SANDBOX_TODAY);
const sandbox = testSandbox({ size: 40, seed: 4, clock });
let redis: TestRedis;
let a: Harness;
let b: Harness;

const instance = (): Harness => {
  const runtime = createSourcesRuntime(
    { ...sandbox.env, PANORAMA_SANDBOX_ORIGIN: sandbox.origin, REDIS_URL: redis.url, PANORAMA_TOKEN_KEY: 'test-token-key-of-at-least-32-characters', PANORAMA_RETRY_ATTEMPTS: '0' },
    { clock },
  );
  const yoga = createPanoramaYoga(runtime);
  runtime.onPeerInvalidation(() => yoga.responseCache.clear());
  return { sandbox, runtime, yoga };
};

beforeAll(async () => {
  if (!redisAvailable()) throw new Error('redis-server is not installed (.ci/run installs it: apt-get install redis-server)');
  redis = await startRedis();
  sandbox.listen();
  a = instance();
  b = instance();
  await until('both instances on Redis', () => a.runtime.sharedState().mode === 'redis' && b.runtime.sharedState().mode === 'redis');
});
afterAll(async () => {
  await a?.runtime.close();
  await b?.runtime.close();
  sandbox.close();
  await redis?.close();
});

it('a delivery to one instance drops the other instance\'s copy, and its next read is fresh', async () => {
  const link = sandbox.state.world.manifest.exactLinks.find((l) => l.system === 'quickbooks')!;
  const query = `query ($id: ID!) { customer(id: $id) { accounting { displayName } } }`;
  const name = (r: { data?: any }) => r.data?.customer.accounting.displayName as string;
  const old = name(await gql(b, viewerFor('admin'), query, { id: link.accountId }));
  name(await gql(a, viewerFor('admin'), query, { id: link.accountId }));
  const key = `quickbooks:customer:${link.recordId}`;
  expect(b.runtime.cache.peek(key)).toBeDefined();

  const res = await fetch(`${sandbox.origin}/__sandbox/webhooks/quickbooks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: link.recordId, name: 'Renamed across instances' }) });
  const n = ((await res.json()) as { notification: SandboxNotification }).notification;
  // b still shows its cached copy: the change alone does not reach it
  expect(name(await gql(b, viewerFor('admin'), query, { id: link.accountId }, { 'cache-control': 'no-cache' }))).toBe(old);

  const answer = await a.runtime.receiveWebhook('quickbooks', { headers: new Headers(n.headers), body: n.body, query: new URLSearchParams(n.query) });
  expect(answer.status).toBe(200);
  await until('the other instance dropped its copy', () => b.runtime.cache.peek(key) === undefined);
  expect(name(await gql(b, viewerFor('admin'), query, { id: link.accountId }))).toBe('Renamed across instances');
  // and the other instance's admin page knows of the delivery
  await until('the delivery is known on the other instance', () => b.runtime.webhooks().find((w) => w.source === 'quickbooks')!.last?.outcome === 'invalidated');
});
