/**
 * Remix's request handler for Express, with one difference from @remix-run/express's own: the request's signal
 * is aborted once the response is closed, also after it finished normally (theirs aborts only when the client
 * goes away first). Remix starts a timer per page for its streamed data (`streamTimeout`, the view deadline plus
 * 5 s) that is cleared only by that signal; left running, it keeps each rendered page's encoder and data alive
 * for 15 s, which at tens of pages a second is tens of megabytes carried into the old generation and collected
 * by full collections. Otherwise it makes the request and sends the response as that adapter does.
 */
import {
  createReadableStreamFromReadable,
  createRequestHandler as createNodeRequestHandler,
  writeReadableStreamToWritable,
  type ServerBuild,
} from '@remix-run/node';
import { getEventListeners } from 'node:events';
import type { NextFunction, Request as ExpressRequest, Response as ExpressResponse } from 'express';

type Options = {
  build: ServerBuild | (() => Promise<ServerBuild>);
  mode: 'development' | 'production';
  getLoadContext: (req: ExpressRequest, res: ExpressResponse) => Record<string, unknown>;
};

/** The request Remix sees, with a signal that aborts once the response has closed (finished or not). */
export function remixRequestOf(req: ExpressRequest, res: ExpressResponse): Request {
  // req.hostname follows the "trust proxy" setting; the port comes from X-Forwarded-Host or Host
  const port = [req.get('x-forwarded-host'), req.get('host')].map((h) => Number.parseInt(h?.split(':')[1] ?? '', 10)).find(Number.isSafeInteger);
  const url = new URL(req.originalUrl, `${req.protocol}://${req.hostname}${port ? `:${port}` : ''}`);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  const closed = new AbortController();
  const init: RequestInit & { duplex?: 'half' } = { method: req.method, headers, signal: closed.signal };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    init.body = createReadableStreamFromReadable(req);
    init.duplex = 'half';
  }
  const request = new Request(url, init);
  res.once('close', () => {
    closed.abort();
    // Aborted, a signal has run its listeners and never runs them again, but it keeps them: Remix's listener holds
    // the page's data encoder, and the signals are held past the page by the Fetch Request's own finalizer
    // (a weak reference the young collector keeps), so each page's data was carried into the old generation.
    dropListeners(closed.signal);
    dropListeners(request.signal);
  });
  return request;
}

/** Removes an aborted signal's listeners: they have run, and can never run again. */
function dropListeners(signal: AbortSignal): void {
  for (const listener of getEventListeners(signal, 'abort')) {
    signal.removeEventListener('abort', listener as EventListener);
    signal.removeEventListener('abort', listener as EventListener, { capture: true });
  }
}

async function send(res: ExpressResponse, response: Response): Promise<void> {
  res.statusMessage = response.statusText;
  res.status(response.status);
  for (const [name, value] of response.headers.entries()) res.append(name, value);
  if (/text\/event-stream/i.test(response.headers.get('content-type') ?? '')) res.flushHeaders();
  if (response.body) await writeReadableStreamToWritable(response.body, res);
  else res.end();
}

export function remixRequestHandler({ build, mode, getLoadContext }: Options) {
  const handle = createNodeRequestHandler(build, mode);
  return async (req: ExpressRequest, res: ExpressResponse, next: NextFunction) => {
    try {
      await send(res, await handle(remixRequestOf(req, res), getLoadContext(req, res)));
    } catch (error) {
      next(error);
    }
  };
}
