import { PassThrough } from 'node:stream';
import type { AppLoadContext, EntryContext } from '@remix-run/node';
import { createReadableStreamFromReadable } from '@remix-run/node';
import { RemixServer } from '@remix-run/react';
import { isbot } from 'isbot';
import { renderToPipeableStream } from 'react-dom/server';
import { NonceContext } from './components/nonce.js';
import { settings } from './.server/settings.js';

/** /graphql, which the server answers before Remix's routes (app/server/start.ts). */
export { serveGraphql, signInLimit } from './.server/graphql-endpoint.js';

/**
 * How long a streamed part may take before Remix gives it up: past the view's deadline (PANORAMA_VIEW_DEADLINE_MS,
 * by which every section has answered or says it is still being read), with room to send it. Rendering is
 * aborted a second after that.
 */
export const streamTimeout = viewDeadlineMs() + 5_000;
const ABORT_DELAY = streamTimeout + 1_000;

function viewDeadlineMs(): number {
  try {
    return settings().graphql.viewDeadlineMs;
  } catch {
    return 10_000;
  }
}

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
 * at once (onAllReady); browsers get the shell as soon as it is ready and each streamed section as it lands
 * (onShellReady), with the nonce on React's and Remix's inline scripts that put them in place.
 */
export default function handleRequest(request: Request, status: number, headers: Headers, remixContext: EntryContext, loadContext: AppLoadContext) {
  const nonce = loadContext.cspNonce || undefined;
  const whole = isbot(request.headers.get('user-agent') ?? '') || remixContext.isSpaMode;
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    let giveUp: ReturnType<typeof setTimeout> | undefined;
    const ready = () => {
      shellRendered = true;
      const body = new PassThrough();
      headers.set('Content-Type', 'text/html; charset=utf-8');
      resolve(new Response(createReadableStreamFromReadable(body), { headers, status }));
      pipe(body);
    };
    const { pipe, abort } = renderToPipeableStream(
      <NonceContext.Provider value={nonce}>
        <RemixServer context={remixContext} url={request.url} nonce={nonce} />
      </NonceContext.Provider>,
      {
        nonce,
        ...(whole ? {} : { onShellReady: ready }),
        onAllReady() {
          // everything rendered: the timer would otherwise hold this render (its tree, the page's data) until it fires
          clearTimeout(giveUp);
          if (whole) ready();
        },
        onShellError(error: unknown) {
          clearTimeout(giveUp);
          reject(error);
        },
        onError(error: unknown) {
          status = 500;
          // errors of the shell reject and are logged by Remix; later ones only here
          if (shellRendered) console.error(error);
        },
      },
    );
    giveUp = setTimeout(abort, ABORT_DELAY);
  });
}
