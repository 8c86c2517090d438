/**
 * Alerts, received by a local webhook receiver: one per incident (a source down, its recovery with how long it was
 * down, credentials refused, a rate limit imposed, a budget past 90 %), with no secrets and no customer data; a
 * receiver that fails never breaks a read. Over the HTTP sandbox (real sockets), as alerts leave the process.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertMessage } from '../../sources/kit/alerts.js';
import { createSourcesRuntime, type SourcesRuntime } from '../../sources/runtime.js';
import { SANDBOX_CREDENTIALS } from '../../sources/sandbox/constants.js';
import { sandboxEnv } from '../../sources/sandbox/env.js';
import { startSandboxServer, type SandboxServer } from '../../sources/sandbox/server.js';

let sb: SandboxServer;
let receiver: Server;
let runtime: SourcesRuntime;
const received: AlertMessage[] = [];
let refuseNext = false;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (refuseNext) {
        refuseNext = false;
        res.writeHead(500).end();
        return;
      }
      received.push(JSON.parse(body) as AlertMessage);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  sb = await startSandboxServer({ port: 0, size: 30, seed: 3, today: '2026-11-27' });
  runtime = createSourcesRuntime({
    ...sandboxEnv(sb.origin),
    PANORAMA_SANDBOX_ORIGIN: sb.origin,
    PANORAMA_ALERT_WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/panorama`,
    PANORAMA_ALERT_CONSECUTIVE_FAILURES: '3',
    PANORAMA_RETRY_ATTEMPTS: '0',
    PANORAMA_BUDGET_ASANA_PER_MINUTE: '10',
  });
  expect((await runtime.warmIndexes()).every((w) => w.ok)).toBe(true);
});
afterAll(async () => {
  await sb.close();
  await new Promise((r) => receiver.close(r));
});

const forced = () => runtime.createLoaders({ forceRefresh: true });
const zendeskRead = () => forced().support.organizationIndex();
const kinds = () => received.map((m) => `${m.panorama.kind}:${m.panorama.source}`);
async function settle() {
  await runtime.alerts.flush();
}

describe('alerts', () => {
  it('one alert when a source goes down, none more while it stays down, and one when it recovers', async () => {
    sb.state.setFault('zendesk', { status: 503 });
    for (let i = 0; i < 4; i++) await zendeskRead();
    await settle();
    expect(kinds()).toEqual(['SOURCE_DOWN:zendesk']);
    const down = received[0]!;
    expect(down.text).toMatch(/^:rotating_light: Zendesk is down: 3 calls in a row failed \(HTTP 503 \(unavailable\)\) since \d\d:\d\d UTC\. Affected: support sections/);
    expect(down.panorama).toMatchObject({ kind: 'SOURCE_DOWN', source: 'zendesk', status: 503, code: 'UNAVAILABLE' });

    sb.state.clearFaults('zendesk');
    await new Promise((r) => setTimeout(r, 1100));
    await zendeskRead();
    await zendeskRead();
    await settle();
    expect(kinds()).toEqual(['SOURCE_DOWN:zendesk', 'SOURCE_RECOVERED:zendesk']);
    expect(received[1]!.panorama.downSeconds).toBeGreaterThanOrEqual(1);
    expect(received[1]!.text).toMatch(/^:white_check_mark: Zendesk is answering again, after \d+ s down/);
    expect(runtime.alerts.incidents.find((i) => i.kind === 'SOURCE_DOWN')).toMatchObject({ source: 'zendesk', endedAt: expect.any(String) });
  });

  it('credentials refused: one "reconnect needed" per incident', async () => {
    received.length = 0;
    sb.state.setFault('asana', { expiredToken: true });
    await forced().projects.projectIndex();
    await forced().projects.projectIndex();
    await settle();
    expect(kinds()).toEqual(['RECONNECT_NEEDED:asana']);
    expect(received[0]!.text).toContain('reconnect needed');
    sb.state.clearFaults('asana');
  });

  it('a rate limit imposed: one alert, and nothing more while the window lasts', async () => {
    received.length = 0;
    sb.state.setFault('quickbooks', { rateLimit: true, retryAfterSeconds: 30 });
    await forced().accounting.customerIndex();
    await forced().accounting.customerIndex();
    await settle();
    expect(kinds()).toEqual(['RATE_LIMITED:quickbooks']);
    expect(received[0]!.text).toMatch(/QuickBooks imposed its rate limit: Panorama sends it nothing until \d\d:\d\d UTC/);
    sb.state.clearFaults('quickbooks');
  });

  it('a budget past 90 %: one alert per minute', async () => {
    received.length = 0;
    const l = forced();
    for (let i = 0; i < 12; i++) await l.projects.projects.load(sb.state.world.asana.projects[i]!.gid).catch(() => undefined);
    await settle();
    expect(kinds()).toEqual(['BUDGET_HIGH:asana']);
    expect(received[0]!.text).toMatch(/^:warning: Panorama has used \d+ of its 10 Asana requests this minute/);
  });

  it('a failing receiver is logged, never thrown; alerts carry no secrets and no customer data', async () => {
    refuseNext = true;
    sb.state.setFault('salesforce', { status: 500 });
    for (let i = 0; i < 3; i++) await expect(forced().crm.accountIndex()).resolves.toBeTruthy();
    await settle();
    sb.state.clearFaults('salesforce');
    const everything = JSON.stringify(received);
    const secrets = Object.values(SANDBOX_CREDENTIALS).flatMap((c) => Object.values(c as Record<string, string>));
    for (const s of secrets) expect(everything).not.toContain(s);
    const w = sb.state.world;
    for (const name of [...w.zendesk.organizations.map((o) => o.name), ...w.asana.projects.map((p) => p.name)]) expect(everything).not.toContain(name);
  });
});
