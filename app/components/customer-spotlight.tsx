import { Spotlight, spotlight } from '@mantine/spotlight';
import { useFetcher, useNavigate } from '@remix-run/react';
import { useEffect, useState } from 'react';
import type { loader as searchLoader } from '../routes/search.js';

export const openCustomerSpotlight = () => spotlight.open();

/** Ctrl+K / Cmd+K from any page: customers by name, domain, e-mail, invoice number or ticket number, across systems. */
export function CustomerSpotlight() {
  const [query, setQuery] = useState('');
  const fetcher = useFetcher<typeof searchLoader>();
  const navigate = useNavigate();
  const { load } = fetcher;
  useEffect(() => {
    const q = query.trim();
    if (q.length < 2) return;
    const t = setTimeout(() => load(`/search?q=${encodeURIComponent(q)}`), 200);
    return () => clearTimeout(t);
  }, [query, load]);
  const results = query.trim().length >= 2 ? (fetcher.data?.results ?? []) : [];
  const failed = fetcher.data?.failed ?? [];
  return (
    <Spotlight.Root query={query} onQueryChange={setQuery} shortcut={['mod + K']} tagsToIgnore={[]} scrollable maxHeight={420}>
      <Spotlight.Search placeholder="Customer name, domain, e-mail, invoice # or ticket #" aria-label="Search customers" />
      <Spotlight.ActionsList>
        {results.length ? (
          results.map((r) => (
            <Spotlight.Action key={r.id} label={r.name} description={r.description} onClick={() => navigate(`/customers/${r.id}`)} />
          ))
        ) : (
          <Spotlight.Empty>{query.trim().length < 2 ? 'Type at least two characters.' : fetcher.state === 'loading' ? 'Searching…' : 'No customer found.'}</Spotlight.Empty>
        )}
        {failed.length ? <Spotlight.Empty>Incomplete: {failed.join(' ')}</Spotlight.Empty> : null}
      </Spotlight.ActionsList>
    </Spotlight.Root>
  );
}
