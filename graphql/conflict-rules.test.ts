import { describe, expect, it } from 'vitest';
import type { Address } from '../sources/kit/domain.js';
import { compareAddress, compareEmail, compareName, comparePhone } from './conflict-rules.js';

const addr = (over: Partial<Address> = {}): Address => ({ street: '12 Main Street, Suite 4', city: 'Springfield', region: 'IL', postalCode: '62701', country: 'USA', ...over });

describe('conflict rules', () => {
  it('e-mail: another mailbox at the same company domain is cosmetic; another company domain is material (HIGH)', () => {
    expect(compareEmail('ava@client.com', 'AP@client.com').difference).toBe('COSMETIC');
    expect(compareEmail('ava@client.com', 'ava@client.com').difference).toBe('SAME');
    expect(compareEmail('ava@client.com', 'ap@other.com')).toEqual({ difference: 'MATERIAL', rule: 'EMAIL_COMPANY_DOMAIN', severity: 'HIGH' });
    expect(compareEmail('ava@gmail.com', 'bob@gmail.com')).toEqual({ difference: 'MATERIAL', rule: 'EMAIL_PERSONAL_MAIL', severity: 'LOW' });
    expect(compareEmail('ava@client.com', 'ava.smith@gmail.com').rule).toBe('EMAIL_PERSONAL_MAIL');
  });

  it('address: abbreviations, case, punctuation, country codes and postcode spacing are cosmetic', () => {
    expect(compareAddress(addr(), addr({ street: '12 MAIN ST., Ste 4', country: 'United States' })).difference).toBe('COSMETIC');
    expect(compareAddress(addr({ street: '1 Fifth Avenue', postalCode: 'SW1A 1AA', country: 'GB' }), addr({ street: '1 fifth ave', postalCode: 'sw1a1aa', country: 'United Kingdom' })).difference).toBe('COSMETIC');
    expect(compareAddress(addr(), addr({ street: '14 Main Street, Suite 4' }))).toEqual({ difference: 'MATERIAL', rule: 'ADDRESS_STREET', severity: 'MEDIUM' });
    expect(compareAddress(addr(), addr({ city: 'Chicago' }))).toEqual({ difference: 'MATERIAL', rule: 'ADDRESS_LOCALITY', severity: 'HIGH' });
    expect(compareAddress(addr(), addr({ postalCode: '62702' })).difference).toBe('MATERIAL');
    expect(compareAddress(addr(), addr({ country: 'CA' })).difference).toBe('MATERIAL');
  });

  it('phone: the same E.164 number written differently is cosmetic; another number is material (MEDIUM)', () => {
    expect(comparePhone('(570) 410-1335', '+1 570-410-1335', 'US').difference).toBe('COSMETIC');
    expect(comparePhone('030 1234567', '+49 30 1234567', 'DE').difference).toBe('COSMETIC');
    expect(comparePhone('(570) 410-1335', '(570) 410-1336', 'US')).toEqual({ difference: 'MATERIAL', rule: 'PHONE_E164', severity: 'MEDIUM' });
  });

  it('name: legal suffixes, case, punctuation, &/and and accents are cosmetic; another name is material (HIGH)', () => {
    for (const [a, b] of [
      ['Acme Inc', 'ACME Incorporated'],
      ['Hart & Sons LLC', 'Hart and Sons'],
      ['Smith L.L.P.', 'Smith'],
      ['Jäger GmbH', 'Jaeger'],
      ['Café Müller', 'Cafe Mueller'],
      ["O'Brien Ltd", 'OBrien'],
    ]) expect(compareName(a!, b!).difference, `${a} / ${b}`).toBe('COSMETIC');
    expect(compareName('Acme Inc', 'Apex Inc')).toEqual({ difference: 'MATERIAL', rule: 'LEGAL_NAME', severity: 'HIGH' });
  });
});
