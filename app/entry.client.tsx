import { RemixBrowser } from '@remix-run/react';
import { StrictMode } from 'react';
import { hydrateRoot } from 'react-dom/client';

/**
 * Hydrates in one synchronous task, not in a transition (Remix's default). While a transition hydrates, React
 * holds back clicks on the not-yet-hydrated page — a refresh button pressed then did nothing at all. Now a click
 * either comes before the scripts run (the form posts natively and the server renders the refresh's answer) or
 * after hydration (the form posts as a fetch); none falls in between.
 */
hydrateRoot(
  document,
  <StrictMode>
    <RemixBrowser />
  </StrictMode>,
);
