import { Badge, Card, Skeleton, Stack, Text, Title } from '@mantine/core';
import { Await } from '@remix-run/react';
import { Suspense, useEffect, useState, type ReactNode } from 'react';
import { useNonce } from './nonce.js';

declare global {
  interface Window {
    /** Set once the page's first hydration has committed (root.tsx): a skeleton mounted after it counts from its own mount. */
    __panoramaHydrated?: boolean;
  }
}

/**
 * Seconds waited so far, ticking every tenth of a second once the page runs: null on the server and in the first
 * client render (so hydration matches the static "Waiting for …"). A skeleton hydrated with the page counts from
 * when the page was asked for (the navigation's start), one mounted by a later navigation from its own mount.
 */
function useSecondsWaited(): number | null {
  const [seconds, setSeconds] = useState<number | null>(null);
  useEffect(() => {
    const from = window.__panoramaHydrated ? performance.now() : 0;
    const tick = () => setSeconds((performance.now() - from) / 1000);
    tick();
    const timer = setInterval(tick, 100);
    return () => clearInterval(timer);
  }, []);
  return seconds;
}

/** "Waiting for QuickBooks… 1.2 s" (the seconds only where scripts run). */
export function WaitingFor({ source, size = 'sm' }: { source: string; size?: 'xs' | 'sm' }) {
  const seconds = useSecondsWaited();
  return (
    <Text size={size} c="dimmed" component="span" data-testid="waiting-for">
      Waiting for {source}…{seconds === null ? null : <span data-testid="waiting-seconds"> {seconds.toFixed(1)} s</span>}
    </Text>
  );
}

/** A section whose system has not answered yet: its title, which system it waits for, and grey lines. */
export function WaitingSection({ title, source, part, testId, lines = 3 }: { title: string; source: string; part: string; testId: string; lines?: number }) {
  const headingId = `${testId}-heading`;
  return (
    <Card withBorder radius="md" padding="md" component="section" aria-labelledby={headingId} aria-busy="true" data-testid={testId} data-state="WAITING" data-waiting={part}>
      <Title order={2} size="h4" id={headingId}>
        {title}
      </Title>
      <div role="status">
        <WaitingFor source={source} size="xs" />
      </div>
      <Stack gap={8} mt="sm" aria-hidden="true">
        {Array.from({ length: lines }, (_, i) => (
          <Skeleton key={i} height={12} width={`${90 - i * 15}%`} radius="sm" />
        ))}
      </Stack>
    </Card>
  );
}

/** A small waiting badge, for a header fact that comes from a system still being read. */
export function WaitingBadge({ source, part }: { source: string; part: string }) {
  return (
    <Badge variant="outline" color="gray" data-waiting={part} style={{ textTransform: 'none' }}>
      <WaitingFor source={source} size="xs" />
    </Badge>
  );
}

/** A section whose part of the answer never arrived (the stream broke): says so, instead of waiting forever. */
export function SectionNotRead({ title, testId }: { title: string; testId: string }) {
  const headingId = `${testId}-heading`;
  return (
    <Card withBorder radius="md" padding="md" component="section" aria-labelledby={headingId} data-testid={testId} data-state="NOT_READ">
      <Title order={2} size="h4" id={headingId}>
        {title}
      </Title>
      <Text size="sm" role="alert">
        This section could not be read just now. Reload the page to try again.
      </Text>
    </Card>
  );
}

/**
 * One part of a streamed page: `fallback` while its promise is pending, `children(value)` once it has resolved
 * (server-rendered into the HTML stream as it lands), `failed` if it never can. A plain value renders at once
 * (a refresh's answer is whole).
 */
export function Streamed<T>({ resolve, part, fallback, failed, children }: { resolve: T | Promise<T>; part: string; fallback: ReactNode; failed: ReactNode; children: (value: Awaited<T>) => ReactNode }) {
  return (
    <Suspense fallback={fallback}>
      <Await resolve={resolve} errorElement={failed}>
        {(value) => (
          <div data-streamed={part} style={{ display: 'contents' }}>
            {children(value as Awaited<T>)}
          </div>
        )}
      </Await>
    </Suspense>
  );
}

/**
 * Without scripts, React's streamed parts stay hidden at the end of the page, and the skeletons they replace stay
 * put. This style (inside `<noscript>`, so only then) shows each part where it arrived and hides its skeletons once
 * it has: every section still reaches the reader, from the one streamed response.
 */
export function NoScriptStreaming({ parts }: { parts: readonly string[] }) {
  const nonce = useNonce();
  const css = [
    'div[hidden][id^="S:"]{display:block!important}',
    ...parts.map((p) => `body:has([data-streamed="${p}"]) [data-waiting="${p}"]{display:none!important}`),
  ].join('');
  return (
    <noscript>
      <style nonce={nonce}>{css}</style>
    </noscript>
  );
}
