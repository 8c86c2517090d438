import { Alert, Modal, Text, VisuallyHidden } from '@mantine/core';
import { Spotlight, createSpotlight, type SpotlightStore } from '@mantine/spotlight';
import { useNavigate } from '@remix-run/react';
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { SpotlightAnswer } from '../routes/search.js';

const [store, spotlight] = createSpotlight();

export const openCustomerSpotlight = () => spotlight.open();

/** Highlights the list's first row, as the spotlight's own arrow keys do (its selection lives on the rows). */
function highlightFirst(s: SpotlightStore) {
  const { listId } = s.getState();
  const list = listId ? document.getElementById(listId) : null;
  if (!list) return;
  for (const el of list.querySelectorAll('[data-selected]')) el.removeAttribute('data-selected');
  list.querySelector('[data-action]')?.setAttribute('data-selected', 'true');
  s.updateState((state) => ({ ...state, selected: 0 }));
}

/** Wait this long after the last keystroke before asking (a typed word costs one search, not one per letter). */
const DEBOUNCE_MS = 120;
const MIN_CHARS = 2;

/** Why a row is there, per system that matched it: "<CRM>: contact Noel Upton · <support>: ticket #139". */
export const reasonsText = (r: SpotlightAnswer['results'][number]) => r.reasons.map((x) => `${x.system}: ${x.reason}`).join(' · ');

/**
 * Ctrl+K / Cmd+K from any page: customers by name, contact, e-mail, phone, invoice number or ticket number, across
 * systems. Exact by construction:
 * - each answer carries the query it answers, and rows show only under that query: never the previous query's;
 * - a search in flight is aborted (AbortController) as soon as the query changes;
 * - the first current row is highlighted when it shows, and Enter opens the highlighted row; Enter pressed while
 *   the current query is still being searched opens its first result when it lands (never an older query's).
 */
export function CustomerSpotlight() {
  const [query, setQuery] = useState('');
  const [answer, setAnswer] = useState<SpotlightAnswer | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  /** The query Enter was pressed on before its rows arrived. */
  const pendingEnter = useRef<string | null>(null);
  const navigate = useNavigate();
  const q = query.trim();

  useEffect(() => {
    if (pendingEnter.current !== q) pendingEnter.current = null;
    if (q.length < MIN_CHARS) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      fetch(`/search?q=${encodeURIComponent(q)}`, { signal: controller.signal, headers: { accept: 'application/json' } })
        .then(async (res) => {
          if (!res.ok || !res.headers.get('content-type')?.includes('json')) throw new Error(`search answered ${res.status}`);
          return (await res.json()) as SpotlightAnswer;
        })
        .then((a) => {
          if (!controller.signal.aborted) setAnswer(a);
        })
        .catch(() => {
          if (!controller.signal.aborted) setFailed(q);
        });
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [q]);

  const current = answer && answer.q === q && q.length >= MIN_CHARS ? answer : null;
  const open = useCallback(
    (id: string) => {
      pendingEnter.current = null;
      spotlight.close();
      navigate(`/customers/${id}`);
    },
    [navigate],
  );

  // When the current query's rows show: highlight the first, or open it if Enter was already pressed for this query.
  useEffect(() => {
    if (!current?.results.length) return;
    if (pendingEnter.current === current.q) return open(current.results[0]!.id);
    highlightFirst(store);
  }, [current, open]);

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    // With rows showing, the spotlight itself opens the highlighted one; before they arrive, remember the Enter.
    if (e.key === 'Enter' && !current && q.length >= MIN_CHARS) pendingEnter.current = q;
  };

  const searching = q.length >= MIN_CHARS && !current && failed !== q;
  const status =
    q.length < MIN_CHARS
      ? 'Type at least two characters.'
      : searching
        ? 'Searching…'
        : failed === q && !current
          ? 'The search did not answer. Try again in a moment.'
          : current!.results.length
            ? `${current!.results.length} ${current!.results.length === 1 ? 'customer' : 'customers'} found for “${q}”.`
            : current!.incomplete
              ? `Nothing found for “${q}” in the systems that answered.`
              : `No customer found for “${q}”.`;

  return (
    <Spotlight.Root
      store={store}
      query={query}
      onQueryChange={setQuery}
      shortcut={['mod + K']}
      tagsToIgnore={[]}
      scrollable
      maxHeight={420}
      closeOnActionTrigger
    >
      {/* names the dialog (aria-labelledby) without a <header>, which would be a second banner landmark */}
      <VisuallyHidden>
        <Modal.Title>Search customers</Modal.Title>
      </VisuallyHidden>
      <Spotlight.Search
        placeholder="Customer name, domain, contact, e-mail, phone, invoice # or ticket #"
        aria-label="Customer name, domain, contact, e-mail, phone, invoice number or ticket number"
        maxLength={200}
        onKeyDown={onKeyDown}
        data-searching={searching || undefined}
      />
      {current?.incomplete ? (
        <Alert color="yellow" variant="light" role="alert" mx="sm" mt="xs" p="xs" data-testid="spotlight-incomplete">
          {current.incomplete}
        </Alert>
      ) : null}
      <Spotlight.ActionsList aria-label={`Results for ${q}`} data-query={current?.q}>
        {current?.results.length ? (
          current.results.map((r) => (
            <Spotlight.Action
              key={r.id}
              label={r.name}
              description={reasonsText(r) || r.website || undefined}
              onClick={() => open(r.id)}
              data-customer-id={r.id}
            />
          ))
        ) : (
          <Spotlight.Empty>{status}</Spotlight.Empty>
        )}
      </Spotlight.ActionsList>
      <Text size="xs" c="dimmed" px="sm" py={6} role="status" aria-live="polite" data-testid="spotlight-status">
        {status}
      </Text>
    </Spotlight.Root>
  );
}
