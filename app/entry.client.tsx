import { RemixBrowser } from '@remix-run/react';
import { StrictMode } from 'react';
import { setNonce } from 'get-nonce';
import { hydrateRoot } from 'react-dom/client';
import { NonceContext } from './components/nonce.js';

// The page's CSP nonce, read from a script that carries it (the attribute reads empty; the property keeps it):
// the `<style>` elements added after hydration need it too — Mantine's (NonceContext) and the scroll lock of
// Mantine's modals (react-remove-scroll asks get-nonce).
const nonce = document.querySelector<HTMLScriptElement>('script[nonce]')?.nonce || undefined;
if (nonce) setNonce(nonce);

/**
 * Hydrates in one synchronous task, not in a transition (Remix's default). While a transition hydrates, React
 * holds back clicks on the not-yet-hydrated page — a refresh button pressed then did nothing at all. Now a click
 * either comes before the scripts run (the form posts natively and the server renders the refresh's answer) or
 * after hydration (the form posts as a fetch); none falls in between.
 */
const hydratedPath = window.location.pathname;

hydrateRoot(
  document,
  <StrictMode>
    <NonceContext.Provider value={nonce}>
      <RemixBrowser />
    </NonceContext.Provider>
  </StrictMode>,
  {
    // React gives up hydrating a streamed section that is still waiting when the reader leaves the page (error
    // 421): that section is being thrown away, so there is nothing to recover. On the page itself the same error
    // means a section is rendered twice, and is reported as React reports it.
    onRecoverableError(error) {
      const leaving = window.location.pathname !== hydratedPath;
      if (leaving && error instanceof Error && /\b421\b/.test(error.message)) return;
      reportError(error);
    },
  },
);
