import { describe, expect, it } from 'vitest';
import { dealOutcome, mapAccount, mapAccountIndexEntry, mapAddress, mapCustomer, mapOpportunity, toIsoDateTime } from './mapping.js';
import type { SfAccountRecord, SfAccountWithChildren, SfOpportunityRecord } from './types.js';

const attributes = (type: string, id: string) => ({ type, url: `/services/data/v62.0/sobjects/${type}/${id}` });

const account: SfAccountRecord = {
  attributes: attributes('Account', '001Pn0000000001IAA'),
  Id: '001Pn0000000001IAA',
  Name: "O'Brien & Sons",
  Website: 'https://www.obrien.example',
  Phone: ' ',
  Industry: 'Retail',
  Tier__c: 'Gold',
  BillingStreet: '1 Main St',
  BillingCity: 'Springfield',
  BillingState: 'IL',
  BillingPostalCode: '62701',
  BillingCountry: 'USA',
  ShippingStreet: null,
  ShippingCity: '',
  ShippingState: null,
  ShippingPostalCode: null,
  ShippingCountry: null,
  OwnerId: '005Pn0000000001IAA',
  Owner: { attributes: attributes('User', '005Pn0000000001IAA'), Name: 'Alex Morgan', Email: 'alex@example.com' },
  QuickBooks_Customer_Id__c: '58',
  CreatedDate: '2025-03-04T10:11:12.000+0000',
  LastModifiedDate: '2026-01-02T23:59:59.000+0100',
};

const opp = (over: Partial<SfOpportunityRecord>): SfOpportunityRecord => ({
  attributes: attributes('Opportunity', '006Pn0000000001IAA'),
  Id: '006Pn0000000001IAA',
  AccountId: account.Id,
  Name: 'Onboarding 2026',
  StageName: 'Closed Won',
  Amount: 12500,
  CloseDate: '2026-02-01',
  IsClosed: true,
  IsWon: true,
  OwnerId: null,
  Owner: null,
  ...over,
});

describe('mapping', () => {
  it('maps an account: tier, accounting id, owner, addresses, ISO timestamps, blanks → null', () => {
    expect(mapAccount(account)).toEqual({
      id: account.Id,
      name: "O'Brien & Sons",
      website: 'https://www.obrien.example',
      phone: null,
      industry: 'Retail',
      tier: 'Gold',
      billingAddress: { street: '1 Main St', city: 'Springfield', region: 'IL', postalCode: '62701', country: 'USA' },
      shippingAddress: null,
      owner: { id: '005Pn0000000001IAA', name: 'Alex Morgan', email: 'alex@example.com' },
      accountingCustomerId: '58',
      createdAt: '2025-03-04T10:11:12.000Z',
      updatedAt: '2026-01-02T22:59:59.000Z',
    });
  });

  it('an account without owner, tier or accounting id', () => {
    const m = mapAccount({ ...account, OwnerId: null, Owner: null, Tier__c: null, QuickBooks_Customer_Id__c: '  ' });
    expect(m).toMatchObject({ owner: null, tier: null, accountingCustomerId: null });
  });

  it('deal outcome from IsClosed / IsWon', () => {
    expect(dealOutcome(true, true)).toBe('WON');
    expect(dealOutcome(true, false)).toBe('LOST');
    expect(dealOutcome(false, false)).toBe('OPEN');
    expect(mapOpportunity(opp({ IsClosed: false, IsWon: false, StageName: 'Proposal/Price Quote', Amount: null }), account.Id)).toMatchObject({
      outcome: 'OPEN',
      stage: 'Proposal/Price Quote',
      amount: null,
      owner: null,
    });
  });

  it('maps a customer; Salesforce null child results become empty lists; Primary__c → primary', () => {
    const withKids: SfAccountWithChildren = {
      ...account,
      Contacts: {
        totalSize: 1,
        done: true,
        records: [
          {
            attributes: attributes('Contact', '003Pn0000000001IAA'),
            Id: '003Pn0000000001IAA',
            AccountId: account.Id,
            Name: 'Ada Lovelace',
            Title: null,
            Email: 'ada@obrien.example',
            Phone: null,
            Primary__c: true,
            CreatedDate: '2026-01-31T10:00:00.000+0000',
          },
        ],
      },
      Opportunities: null,
    };
    const c = mapCustomer(withKids);
    expect(c.contacts).toEqual([
      { id: '003Pn0000000001IAA', accountId: account.Id, name: 'Ada Lovelace', title: null, email: 'ada@obrien.example', phone: null, primary: true },
    ]);
    expect(c.opportunities).toEqual([]);
    expect(mapCustomer({ ...withKids, Contacts: null }).contacts).toEqual([]);
  });

  it('index entries, addresses and timestamps', () => {
    expect(mapAccountIndexEntry({ attributes: account.attributes, Id: account.Id, Name: 'X', Website: '', QuickBooks_Customer_Id__c: '7' })).toEqual({
      id: account.Id,
      name: 'X',
      website: null,
      accountingCustomerId: '7',
    });
    expect(mapAddress({ street: null, city: ' ', region: null, postalCode: null, country: null })).toBeNull();
    expect(toIsoDateTime('2026-01-31T10:00:00.000+0000')).toBe('2026-01-31T10:00:00.000Z');
    expect(toIsoDateTime('not a date')).toBe('not a date');
  });
});
