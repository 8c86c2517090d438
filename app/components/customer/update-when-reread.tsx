import { Text } from '../plain.js';
import { useRevalidator } from '@remix-run/react';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { SectionStatus } from '../source-section.js';

/** Waits before asking the server again for sections being re-read: their re-read has usually landed by then. */
export const REREAD_CHECKS_MS = [1500, 3000, 6000] as const;

/** A section served past its time to live while it is read again in the background, with nothing failed ("Updating…"). */
export const isUpdating = (s: Pick<SectionStatus, 'state' | 'code'>) => s.state === 'STALE' && s.code === null;

/** The systems whose sections say "Updating…", as one comparable key ('' when none). */
export const updatingKey = (sections: Pick<SectionStatus, 'state' | 'code' | 'system'>[]) => sections.filter(isUpdating).map((s) => s.system).sort().join(',');

/**
 * While any section says "Updating…", loads the page's data again a moment later (three times at most), so the
 * page updates itself once the background re-read has landed; a person need not reload. Says so, politely, to
 * screen readers too. Off while the page shows what a refresh returned (that is already the newest read).
 *
 * The sections arrive in a streamed part, which is mounted anew each time the page's data is loaded again; so
 * what this remembers (that sections were updating, how often it asked) lives here, outside that part, and the
 * part only reports which sections are updating (`report`, through {@link ReportUpdating}).
 */
export function UpdateWhenReread({ paused = false, children }: { paused?: boolean; children: (report: (updating: string) => void) => ReactNode }) {
  const revalidator = useRevalidator();
  const [updating, setUpdating] = useState('');
  const [landed, setLanded] = useState(false);
  const tries = useRef(0);
  const wasUpdating = useRef(false);
  const report = useCallback((now: string) => setUpdating(now), []);

  useEffect(() => {
    if (updating) wasUpdating.current = true;
    else if (wasUpdating.current) {
      wasUpdating.current = false;
      tries.current = 0;
      setLanded(true);
    }
  }, [updating]);

  useEffect(() => {
    if (paused || !updating || revalidator.state !== 'idle' || tries.current >= REREAD_CHECKS_MS.length) return;
    const timer = setTimeout(() => {
      tries.current++;
      revalidator.revalidate();
    }, REREAD_CHECKS_MS[tries.current]);
    return () => clearTimeout(timer);
  }, [updating, paused, revalidator]);

  return (
    <>
      {children(report)}
      <Text size="xs" c="dimmed" role="status" aria-live="polite" data-testid="reread-status">
        {updating ? 'Some sections are being read again; this page updates itself when they are in.' : landed ? 'Updated with the newest data.' : ''}
      </Text>
    </>
  );
}

/** Inside the streamed part: tells {@link UpdateWhenReread} which of the page's sections are updating. Renders nothing. */
export function ReportUpdating({ sections, report }: { sections: SectionStatus[]; report: (updating: string) => void }) {
  const key = updatingKey(sections);
  useEffect(() => report(key), [key, report]);
  return null;
}
