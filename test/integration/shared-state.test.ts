/**
 * Two Panorama instances (two runtimes, each with its own cache, kits and clients) on one real Redis, against one
 * sandbox: what one instance learns or does, the other honours; Redis killed, both keep serving on their own
 * memory and say so; Redis back, they share again and no rotated token is lost.
 */
import { MantineProvider } from '@mantine/core';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SharedStateCard } from '../../app/components/admin-failure.js';
import { clockAt } from '../../sources/kit/clock.js';
import { isSourceError } from '../../sources/kit/errors.js';
import { SANDBOX_TODAY, testSandbox } from '../../sources/kit/testing.js';
import { readiness } from '../../sources/readiness.js';
import { createSourcesRuntime, type SourcesRuntime } from '../../sources/runtime.js';
import { redisAvailable, startRedis, until, type TestRedis } from '../support/redis.js';

const clock = clockAt(SANDBOX_TODAY);
const sandbox = testSandbox({ size: 40, seed: 3, clock });
let redis: TestRedis;
let a: SourcesRuntime;
let b: SourcesRuntime;

const instance = () =>
  createSourcesRuntime(
    {
      ...sandbox.env,
      PANORAMA_SANDBOX_ORIGIN: sandbox.origin,
      REDIS_URL: redis.url,
      PANORAMA_TOKEN_KEY: 'test-token-key-of-at-least-32-characters',
      PANORAMA_RETRY_ATTEMPTS: '0',
      PANORAMA_BUDGET_ASANA_PER_MINUTE: '1000',
    },
    { clock },
  );

const tokenRefreshes = () => sandbox.state.requestCounts().quickbooks['oauth.token'] ?? 0;
/** The error a read failed with, or the one its stale answer carries (a cached value served on failure). */
const errorOf = async (p: Promise<unknown>) =>
  p.then(
    (v) => {
      const e = (v as { freshness?: { error?: unknown } } | null)?.freshness?.error;
      return isSourceError(e) ? e : null;
    },
    (e: unknown) => (isSourceError(e) ? e : null),
  );
const card = (r: SourcesRuntime) => {
  const s = r.sharedState();
  const shared = { mode: s.mode, since: new Date(s.since).toISOString(), address: s.address, tokensPendingWriteBack: s.tokensPendingWriteBack };
  return renderToStaticMarkup(createElement(MantineProvider, null, createElement(SharedStateCard, { shared })));
};

beforeAll(async () => {
  if (!redisAvailable()) throw new Error('redis-server is not installed (.ci/run installs it: apt-get install redis-server)');
  redis = await startRedis();
  sandbox.listen();
  a = instance();
  b = instance();
  await until('both instances on Redis', () => a.sharedState().mode === 'redis' && b.sharedState().mode === 'redis');
});

afterAll(async () => {
  await a?.close();
  await b?.close();
  sandbox.close();
  await redis?.close();
});

describe('two instances sharing one Redis', () => {
  it('index upkeep runs on the instance holding the lease; the other copies the indexes and asks no vendor', async () => {
    sandbox.state.resetCounts();
    const first = await a.upkeep(60_000);
    expect(first.role).toBe('leader');
    expect(first.results.every((r) => r.ok)).toBe(true);
    const oneRound = SOURCES.map((s) => sandbox.state.totalRequests(s)).reduce((x, y) => x + y, 0);
    expect(oneRound).toBeGreaterThan(0);
    // both ask at once: the lease holder renews it and reads, the other copies
    const [again, copied] = await Promise.all([a.upkeep(60_000), b.upkeep(60_000)]);
    expect(again.role).toBe('leader');
    expect(copied.role).toBe('copied');
    expect(copied.results.map((r) => [r.source, r.rows])).toEqual(first.results.map((r) => [r.source, r.rows]));
    // the second round found everything in the leader's cache, and the copy cost no request
    expect(SOURCES.map((s) => sandbox.state.totalRequests(s)).reduce((x, y) => x + y, 0)).toBe(oneRound);
    expect(b.indexLoadedAt('salesforce')).not.toBeNull();
    expect((await readiness(b)).ready).toBe(true);
  });

  it('one QuickBooks refresh for two instances: the other uses the token it stored', async () => {
    sandbox.state.expireTokens('quickbooks');
    const before = tokenRefreshes();
    const [ra, rb] = await Promise.all([
      a.createLoaders({ forceRefresh: true }).accounting.customerIndex(),
      b.createLoaders({ forceRefresh: true }).accounting.customerIndex(),
    ]);
    expect(ra.value.length).toBeGreaterThan(0);
    expect(rb.value.length).toBe(ra.value.length);
    expect(tokenRefreshes() - before).toBe(1);
    // the rotation left exactly one refresh token valid, and both instances keep working with it
    expect(sandbox.state.refreshTokens.quickbooks.size).toBe(1);
    for (let round = 0; round < 5; round++) {
      sandbox.state.expireTokens('quickbooks');
      const got = await Promise.all([a, b, a, b].map((r) => r.createLoaders({ forceRefresh: true }).accounting.customerIndex()));
      expect(got.every((g) => g.value.length === ra.value.length)).toBe(true);
    }
    expect(tokenRefreshes() - before).toBe(6);
  });

  it('a refresh on one instance drops the other instance’s copy (and its reused answers)', async () => {
    const id = sandbox.state.world.manifest.trickyNames[0]!.accountId;
    await a.createLoaders({ forceRefresh: false }).crm.customer.load(id);
    await b.createLoaders({ forceRefresh: false }).crm.customer.load(id);
    const keys = b.cache.keysWith('salesforce:').filter((k) => k.endsWith(`:${id}`));
    expect(keys.length).toBeGreaterThan(0);
    let told = 0;
    b.onPeerInvalidation(() => told++);
    await a.createLoaders({ forceRefresh: true }).crm.customer.load(id);
    await until('b dropped its copy', () => keys.every((k) => b.cache.peek(k) === undefined));
    expect(told).toBeGreaterThan(0);
    const again = await b.createLoaders({ forceRefresh: false }).crm.customer.load(id);
    expect(again.freshness.fromCache).toBe(false);
  });

  it('a Retry-After window set by one instance holds the other: nothing is sent', async () => {
    sandbox.state.setFault('zendesk', { rateLimit: true, retryAfterSeconds: 30 });
    const first = await errorOf(a.createLoaders({ forceRefresh: true }).support.organizationIndex());
    expect(first?.code).toBe('RATE_LIMITED');
    sandbox.state.clearFaults('zendesk');
    sandbox.state.resetCounts();
    const held = await errorOf(b.createLoaders({ forceRefresh: true }).support.organizationIndex());
    expect(held).toMatchObject({ code: 'RATE_LIMITED', gated: true });
    expect(sandbox.state.totalRequests('zendesk')).toBe(0);
    expect(await b.bySource.zendesk.kit.gate.closedUntil()).toBeGreaterThan(clock.now() + 20_000);
  });

  it('one budget for both: points taken by one are gone for the other', async () => {
    const budgetA = a.bySource.asana.kit.budget!;
    const budgetB = b.bySource.asana.kit.budget!;
    const start = (await budgetB.state()).remaining;
    for (let i = 0; i < 7; i++) expect((await budgetA.take()).taken).toBe(true);
    expect((await budgetB.state()).remaining).toBe(start - 7);
  });

  it('a breaker opened on one instance is open on the other: nothing is sent', async () => {
    sandbox.state.setFault('asana', { status: 503 });
    for (let i = 0; i < 10 && a.bySource.asana.kit.breakerState !== 'open'; i++) await errorOf(a.createLoaders({ forceRefresh: true }).projects.projectIndex());
    expect(a.bySource.asana.kit.breakerState).toBe('open');
    await until('b holds the breaker open', () => b.bySource.asana.kit.breakerState === 'open');
    sandbox.state.clearFaults('asana');
    sandbox.state.resetCounts();
    expect((await errorOf(b.createLoaders({ forceRefresh: true }).projects.projectIndex()))?.code).toBe('CIRCUIT_OPEN');
    expect(sandbox.state.totalRequests('asana')).toBe(0);
    expect((await readiness(b)).sources.find((s) => s.source === 'asana')?.state).toBe('DOWN');
    b.bySource.asana.kit.letProbeThrough();
    a.bySource.asana.kit.letProbeThrough();
  });

  it('Redis killed: both keep serving from their own memory and say "fallback"; Redis back: shared again, no token lost', async () => {
    await redis.kill();
    await until('both in fallback', () => a.sharedState().mode === 'fallback' && b.sharedState().mode === 'fallback');
    const ready = await readiness(a);
    expect(ready.shared.mode).toBe('fallback');
    expect(ready.ready).toBe(true);
    expect(card(b)).toContain('Fallback: Redis at redis://127.0.0.1:');
    // both serve: cached data, and new reads from the sources
    const id = sandbox.state.world.manifest.trickyNames[1]!.accountId;
    for (const r of [a, b]) {
      const got = await r.createLoaders({ forceRefresh: true }).crm.customer.load(id);
      expect(got.freshness.error).toBeNull();
      expect((await r.createLoaders({ forceRefresh: false }).accounting.customerIndex()).value.length).toBeGreaterThan(0);
    }
    // a rotation while Redis is down: the instance refreshes alone and keeps the new token for write-back
    sandbox.state.expireTokens('quickbooks');
    const before = tokenRefreshes();
    expect((await a.createLoaders({ forceRefresh: true }).accounting.customerIndex()).value.length).toBeGreaterThan(0);
    expect(tokenRefreshes() - before).toBe(1);
    expect(a.sharedState().tokensPendingWriteBack).toBe(1);
    expect(card(a)).toContain('1 new token will be written back');

    await redis.start();
    await until('both on Redis again', () => a.sharedState().mode === 'redis' && b.sharedState().mode === 'redis', 15_000);
    await until('the token written back', () => a.sharedState().tokensPendingWriteBack === 0);
    expect((await readiness(b)).shared.mode).toBe('redis');
    expect(card(b)).toContain('shared by every instance');
    // the other instance, whose own refresh token was rotated away meanwhile, refreshes from the written-back one
    sandbox.state.expireTokens('quickbooks');
    const got = await b.createLoaders({ forceRefresh: true }).accounting.customerIndex();
    expect(got.value.length).toBeGreaterThan(0);
    expect(sandbox.state.refreshTokens.quickbooks.size).toBe(1);
    // and sharing works again: a rate limit seen by one closes the source for the other
    sandbox.state.setFault('salesforce', { rateLimit: true });
    expect((await errorOf(b.createLoaders({ forceRefresh: true }).crm.customer.load(id)))?.code).toBe('RATE_LIMITED');
    sandbox.state.clearFaults('salesforce');
    expect(await a.bySource.salesforce.kit.gate.closedUntil()).toBeGreaterThan(clock.now() + 60_000);
  });
});

const SOURCES = ['salesforce', 'quickbooks', 'asana', 'zendesk'] as const;
