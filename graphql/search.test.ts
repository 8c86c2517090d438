import { describe, expect, it } from 'vitest';
import { systemsOf } from '../sources/kit/contract.js';
import type { SectionStatus } from '../sources/kit/section-status.js';
import { SOURCE_MODULES } from '../sources/modules.js';
import { phoneKey } from './conflict-rules.js';
import { incompleteMessage, inList, searchIntent } from './search.js';

const systems = systemsOf(SOURCE_MODULES);
const status = (source: string, state: SectionStatus['state']) => ({ source, state }) as SectionStatus;

describe('searchIntent', () => {
  it('reads a phone in any formatting as one E.164 number in the default region', () => {
    const forms = ['(210) 506-4854', '+1 210.506.4854', '210 506 4854', '2105064854', '+1-210-506-4854'];
    const keys = forms.map((f) => searchIntent(f, 'US').phone);
    for (const k of keys) expect(k).toEqual({ e164: '+12105064854', tail: '4854' });
    // in another region the same national digits are another number
    expect(searchIntent('020 7946 0958', 'GB').phone?.e164).toBe('+442079460958');
  });

  it('reads #1318 and 1318 as a number (invoice or ticket), not a phone', () => {
    expect(searchIntent('#1318', 'US')).toMatchObject({ number: '1318', phone: null, emailDomain: null });
    expect(searchIntent('139', 'US')).toMatchObject({ number: '139', phone: null });
  });

  it('reads an e-mail by its domain, and names are neither', () => {
    expect(searchIntent('Noel.Upton@Acme.example', 'US')).toMatchObject({ emailDomain: 'acme.example', number: null, phone: null });
    expect(searchIntent("O'Brien", 'US')).toMatchObject({ emailDomain: null, number: null, phone: null });
  });

  it('phoneKey falls back to digits for text that is no phone number', () => {
    expect(phoneKey('(210) 506-4854', 'US')).toBe(phoneKey('+12105064854', 'US'));
    expect(phoneKey('no number here', 'US')).toBe('');
  });
});

describe('incompleteMessage', () => {
  const [crm, accounting, support] = [systems.crm, systems.accounting, systems.support];

  it('names the failed system and the ones whose results are below, from the registry', () => {
    const msg = incompleteMessage([status(crm.id, 'FAILED'), status(accounting.id, 'LIVE'), status(support.id, 'CACHED')], systems);
    expect(msg).toBe(`Incomplete: ${crm.name} isn't answering; results from ${accounting.name} and ${support.name} below`);
  });

  it('names several failed systems, and says so when none answered', () => {
    expect(incompleteMessage([status(crm.id, 'FAILED'), status(support.id, 'FAILED')], systems)).toBe(`Incomplete: ${crm.name} and ${support.name} aren't answering; no system could be searched`);
  });

  it('is null when every searched system answered (stale counts as answered)', () => {
    expect(incompleteMessage([status(crm.id, 'STALE'), status(accounting.id, 'LIVE')], systems)).toBeNull();
  });

  it('lists as people write lists', () => {
    expect(inList(['A'])).toBe('A');
    expect(inList(['A', 'B', 'C'])).toBe('A, B and C');
  });

  it('a system with no token is "not connected", with where to connect it, not "not answering"', () => {
    const notConnected = { ...status(crm.id, 'FAILED'), code: 'NOT_CONFIGURED' as const };
    expect(incompleteMessage([notConnected, status(accounting.id, 'LIVE')], systems)).toBe(
      `Incomplete: ${crm.name} isn't connected (an admin connects it on /admin/connections); results from ${accounting.name} below`,
    );
  });
});
