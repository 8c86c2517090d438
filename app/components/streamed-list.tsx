import type { ReactNode } from 'react';
import { andList } from './format.js';
import { NoScriptStreaming, SectionNotRead, Streamed, WaitingClock, WaitingSection } from './waiting-section.js';

/**
 * A list page's streamed part: "Waiting for <system>… 1.2 s" and grey lines until the list has arrived (in the same
 * HTML response, with or without scripts), then the list; a list that could not be read says so in its place.
 */
export function StreamedList<T>({ list, title, source, testId, children }: { list: T | Promise<T>; title: string; source: string; testId: string; children: (list: Awaited<T>) => ReactNode }) {
  return (
    <>
      <Streamed resolve={list} part="list" fallback={<WaitingSection title={title} source={source} part="list" testId={testId} lines={6} />} failed={<SectionNotRead title={title} testId={testId} />}>
        {children}
      </Streamed>
      <WaitingClock />
      <NoScriptStreaming parts={['list']} />
    </>
  );
}

/** The names of the systems serving the categories a list waits for, from the server's answer: "A and B". */
export function systemsNamed(systems: readonly { name: string; category: string }[], categories: readonly string[], otherwise: string): string {
  const names = categories.flatMap((c) => systems.filter((s) => s.category === c).map((s) => s.name));
  return names.length ? andList(names) : otherwise;
}
