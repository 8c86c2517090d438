import { MantineProvider } from '@mantine/core';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { theme } from '../../theme.js';
import { FlagsCard } from './insight-cards.js';
import type { Customer } from './query.js';

const section = (system: string, name: string, state: string) => ({ system, source: { system, name, category: 'CRM' }, state });
/** A customer with no flags, whose systems answered as given. */
const customer = (...sections: ReturnType<typeof section>[]) =>
  ({ id: '001', name: 'Blick, Hyatt and Brown', flags: [], sections } as unknown as Customer);
const text = (c: Customer) =>
  renderToStaticMarkup(
    <MantineProvider theme={theme}>
      <FlagsCard customer={c} conflictsShownApart />
    </MantineProvider>
  )
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');

describe('Needs attention, with nothing to act on', () => {
  it('says there are no conflicts or hand-off gaps when every system answered', () => {
    const t = text(
      customer(section('SALESFORCE', 'Salesforce', 'CACHED'), section('QUICKBOOKS', 'QuickBooks', 'LIVE'), section('ASANA', 'Asana', 'NOT_LINKED'))
    );
    expect(t).toContain('No conflicts or hand-off gaps.');
    expect(t).not.toContain('Not checked');
  });

  it('says so only of what answered, and names the systems that did not', () => {
    const t = text(
      customer(section('SALESFORCE', 'Salesforce', 'FAILED'), section('QUICKBOOKS', 'QuickBooks', 'FAILED'), section('ASANA', 'Asana', 'CACHED'))
    );
    expect(t).toContain('No conflicts or hand-off gaps in what answered.');
    expect(t).toContain('Not checked: Salesforce and QuickBooks did not answer, so what needs them could not be checked.');
  });
});
