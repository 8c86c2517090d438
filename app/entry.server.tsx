import { PassThrough } from 'node:stream';
import type { AppLoadContext, EntryContext } from '@remix-run/node';
import { createReadableStreamFromReadable } from '@remix-run/node';
import { RemixServer } from '@remix-run/react';
import { isbot } from 'isbot';
import { renderToPipeableStream } from 'react-dom/server';
import { NonceContext } from './components/nonce.js';

const ABORT_DELAY = 5_000;

declare module '@remix-run/node' {
  interface AppLoadContext {
    /** This response's CSP nonce, from the edge (app/server/edge.ts). */
    cspNonce?: string;
    /** The client's address (the socket's, or the one trusted proxies forwarded). */
    clientAddress?: string;
  }
}

/**
 * Remix's Node entry, with the edge's CSP nonce on every inline script: Remix's (through RemixServer and the
 * root's Scripts), React's streaming scripts, and the app's own (through NonceContext). Bots get the whole page
 * at once; browsers get it streamed.
 */
export default function handleRequest(request: Request, status: number, headers: Headers, remixContext: EntryContext, loadContext: AppLoadContext) {
  const nonce = loadContext.cspNonce || undefined;
  const whole = isbot(request.headers.get('user-agent') ?? '') || remixContext.isSpaMode;
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    const ready = () => {
      shellRendered = true;
      const body = new PassThrough();
      headers.set('Content-Type', 'text/html; charset=utf-8');
      resolve(new Response(createReadableStreamFromReadable(body), { headers, status }));
      pipe(body);
    };
    const { pipe, abort } = renderToPipeableStream(
      <NonceContext.Provider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </NonceContext.Provider>,
      {
        nonce,
        ...(whole ? { onAllReady: ready } : { onShellReady: ready }),
        onShellError: reject,
        onError(error: unknown) {
          status = 500;
          // errors of the shell reject and are logged by Remix; later ones only here
          if (shellRendered) console.error(error);
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
  });
}
