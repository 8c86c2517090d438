import { Badge } from '@mantine/core';
import { SectionCard, SkeletonLine, Stack, Text, Title } from './plain.js';
import { Await } from '@remix-run/react';
import { Suspense, useEffect, type ReactNode } from 'react';
import { useNonce } from './nonce.js';

/**
 * The seconds on every "Waiting for …" of the page, ticking every tenth of a second once scripts run. React never
 * hydrates the skeleton of a section the server is still streaming (it only swaps it out when the section lands),
 * so one clock outside every such boundary writes the seconds into each skeleton's slot: those on the page when it
 * hydrated count from the navigation's start (when the page was asked for), later ones from when they appeared.
 * Without scripts the slot stays empty: a static "Waiting for …".
 */
export function WaitingClock() {
  useEffect(() => {
    const since = new WeakMap<Element, number>();
    let first = true;
    const tick = () => {
      const now = performance.now();
      for (const slot of document.querySelectorAll('[data-waiting-clock]')) {
        if (!since.has(slot)) since.set(slot, first ? 0 : now);
        slot.textContent = ` ${((now - since.get(slot)!) / 1000).toFixed(1)} s`;
      }
      first = false;
    };
    tick();
    const timer = setInterval(tick, 100);
    return () => clearInterval(timer);
  }, []);
  return null;
}

/** "Waiting for <the system>… 1.2 s" (the seconds written by WaitingClock, where scripts run). */
export function WaitingFor({ source, size = 'sm' }: { source: string; size?: 'xs' | 'sm' }) {
  return (
    <Text size={size} c="dimmed" component="span" data-testid="waiting-for">
      Waiting for {source}…<span data-waiting-clock="" data-testid="waiting-seconds" suppressHydrationWarning />
    </Text>
  );
}

/** A section whose system has not answered yet: its title, which system it waits for, and grey lines. */
export function WaitingSection({ title, source, part, testId, lines = 3 }: { title: string; source: string; part: string; testId: string; lines?: number }) {
  const headingId = `${testId}-heading`;
  return (
    <SectionCard aria-labelledby={headingId} aria-busy="true" data-testid={testId} data-state="WAITING" data-waiting={part}>
      <Title order={2} size="h4" id={headingId}>
        {title}
      </Title>
      <div role="status">
        <WaitingFor source={source} size="xs" />
      </div>
      <Stack gap={8} mt="sm" aria-hidden="true">
        {Array.from({ length: lines }, (_, i) => (
          <SkeletonLine key={i} height={12} width={`${90 - i * 15}%`} />
        ))}
      </Stack>
    </SectionCard>
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
    <SectionCard aria-labelledby={headingId} data-testid={testId} data-state="NOT_READ">
      <Title order={2} size="h4" id={headingId}>
        {title}
      </Title>
      <Text size="sm" role="alert">
        This section could not be read just now. Reload the page to try again.
      </Text>
    </SectionCard>
  );
}

/**
 * One part of a streamed page: `fallback` while its promise is pending, `children(value)` once it has resolved
 * (server-rendered into the HTML stream as it lands), `failed` if it never can. A plain value renders at once
 * (a refresh's answer is whole).
 */
export function Streamed<T>({ resolve, part, fallback, failed, inline = false, children }: { resolve: T | Promise<T>; part: string; fallback: ReactNode; failed: ReactNode; inline?: boolean; children: (value: Awaited<T>) => ReactNode }) {
  return (
    <Suspense fallback={fallback}>
      <Await resolve={resolve} errorElement={failed}>
        {(value) => (
          <div data-streamed={part} data-inline={inline || undefined} style={{ display: 'contents' }}>
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
 * it has: every section still reaches the reader, from the one streamed response (inline parts, such as a header
 * badge, stay out).
 */
export function NoScriptStreaming({ parts }: { parts: readonly string[] }) {
  const nonce = useNonce();
  const css = [
    'div[hidden][id^="S:"]{display:block!important}',
    // a header badge has no place at the end of the page: without scripts only the sections are shown there
    'div[hidden][id^="S:"]:has(> [data-inline]){display:none!important}',
    ...parts.map((p) => `body:has([data-streamed="${p}"]) [data-waiting="${p}"]{display:none!important}`),
  ].join('');
  return (
    <noscript>
      <style nonce={nonce} dangerouslySetInnerHTML={{ __html: css }} />
    </noscript>
  );
}
