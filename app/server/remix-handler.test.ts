import { getEventListeners } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { remixRequestOf } from './remix-handler.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** An app whose only route makes Remix's request and reports what it saw, and when its signal aborted. */
async function appSeeing(seen: (request: Request) => void): Promise<string> {
  const app = express();
  app.all('*', (req, res) => {
    const request = remixRequestOf(req, res);
    seen(request);
    void (async () => {
      const body = request.method === 'GET' ? '' : await request.text();
      res.json({ url: request.url, method: request.method, accept: request.headers.get('accept'), body, aborted: request.signal.aborted });
    })();
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("Remix's request from Express's", () => {
  it('carries the URL with its port and query, the method, the headers and the body', async () => {
    const origin = await appSeeing(() => undefined);
    const answer = await fetch(`${origin}/customers/7?tab=billing`, { method: 'POST', headers: { accept: 'text/html' }, body: 'intent=link' });
    expect(await answer.json()).toEqual({
      url: `${origin}/customers/7?tab=billing`,
      method: 'POST',
      accept: 'text/html',
      body: 'intent=link',
      aborted: false,
    });
  });

  it('has its signal aborted once the response has finished, so nothing waiting on it outlives the page', async () => {
    let request: Request | undefined;
    const origin = await appSeeing((r) => (request = r));
    const answer = await fetch(`${origin}/customers/7`);
    expect((await answer.json()).aborted).toBe(false);
    await expect.poll(() => request?.signal.aborted).toBe(true);
  });

  it("lets go of what listened on its signal once the response has finished, so a page's data is not kept by it", async () => {
    let request: Request | undefined;
    const origin = await appSeeing((r) => {
      request = r;
      // What Remix does while it streams a page: a listener that holds the page's data.
      const page = { customer: 7 };
      r.signal.addEventListener('abort', () => void page);
    });
    await (await fetch(`${origin}/customers/7`)).json();
    await expect.poll(() => request?.signal.aborted).toBe(true);
    expect(getEventListeners(request!.signal, 'abort')).toHaveLength(0);
  });
});
