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

/**
 * Set once the router has loaded new data for this page (a section's refresh, a revalidation) or started to leave
 * it. From then on a streamed section that has not hydrated yet holds server HTML for data that is gone.
 */
let dataReplaced = false;

hydrateRoot(
  document,
  <StrictMode>
    <NonceContext.Provider value={nonce}>
      <RemixBrowser />
    </NonceContext.Provider>
  </StrictMode>,
  {
    // React gives up hydrating a streamed section that is still waiting when its data is replaced first (error
    // 421): the reader left the page, or refreshed a section before the stream finished. That section's server
    // HTML is being thrown away and rendered from the new data, so there is nothing to recover. Without either,
    // the same error means a section is rendered twice, and is reported as React reports it.
    onRecoverableError(error) {
      const replaced = dataReplaced || window.location.pathname !== hydratedPath;
      if (replaced && error instanceof Error && /\b421\b/.test(error.message)) return;
      reportError(error);
    },
  },
);

// RemixBrowser has made its router during the synchronous hydration above.
const router = (window as unknown as { __remixRouter?: RouterLike }).__remixRouter;
const unsubscribe = router?.subscribe((state) => {
  if (state.navigation.state === 'idle' && state.revalidation === 'idle') return;
  dataReplaced = true;
  unsubscribe?.();
});

type RouterLike = {
  subscribe(listener: (state: { navigation: { state: string }; revalidation: string }) => void): () => void;
};
