import { describe, expect, it } from 'vitest';
import contactsJson from './fixtures/contacts.json';
import invoicesJson from './fixtures/invoices.json';
import { assembleCustomers, mapContact, parseXeroDate, xeroDay } from './mapping.js';
import { xeroContactsPageSchema, xeroInvoicesPageSchema, xeroPaymentSchema } from './types.js';
import { SANDBOX_TODAY } from '../kit/testing.js';

const contacts = xeroContactsPageSchema.parse(contactsJson).Contacts;
const invoices = xeroInvoicesPageSchema.parse(invoicesJson).Invoices;

describe('Xero dates', () => {
  it.each([
    ['/Date(1419937200000+0000)/', '2014-12-30T11:00:00.000Z'],
    ['/Date(1419937200000)/', '2014-12-30T11:00:00.000Z'],
    ['2023-08-15T14:30:25', '2023-08-15T14:30:25.000Z'],
    ['2023-08-15T14:30:25Z', '2023-08-15T14:30:25.000Z'],
    ['2023-08-15', '2023-08-15T00:00:00.000Z'],
  ])('%s is %s', (raw, iso) => expect(parseXeroDate(raw)?.toISOString()).toBe(iso));

  it.each(['', 'yesterday', '/Date(abc)/', '15/08/2023'])('%j is no date, not a guess', (raw) => expect(parseXeroDate(raw)).toBeNull());

  it('gives the calendar day', () => expect(xeroDay('/Date(1792108800000+0000)/')).toBe('2026-10-16'));
});

describe('Xero contacts and invoices mapped to Panorama accounting records', () => {
  it('a contact: POBOX billing address, DEFAULT phone, receivable outstanding, own currency', () => {
    expect(mapContact(contacts[0]!, 'USD')).toEqual({
      id: '025867f1-d741-4d6b-b1af-9ac774b59ba7',
      displayName: 'City Agency',
      companyName: 'City Agency',
      email: 'accounts@cityagency.example',
      phone: '+64 04 1234567',
      billingAddress: { street: 'L4, CA House, 14 Boulevard Quay', city: 'Wellington', region: null, postalCode: '6012', country: 'New Zealand' },
      balance: 1800,
      currency: 'NZD',
      active: true,
      parentId: null,
      subCustomerName: null,
    });
  });

  it('sales invoices only, newest first, overdue counted from DueDate to today', () => {
    const c = assembleCustomers(contacts, invoices, [], '2026-11-27', 'USD').get('025867f1-d741-4d6b-b1af-9ac774b59ba7')!;
    expect(c.invoices.map((i) => [i.number, i.status, i.daysOverdue, i.balance, i.currency])).toEqual([
      ['INV-0002', 'PAID', 0, 0, 'NZD'],
      ['INV-0001', 'OVERDUE', 42, 1800, 'NZD'],
    ]);
    expect(c.invoices[1]).toMatchObject({ date: '2026-09-25', dueDate: '2026-10-16', sent: true, memo: 'Ref MK815' });
  });

  it('an invoice not yet due is SENT once AUTHORISED, DRAFT before', () => {
    const [inv] = invoices;
    const early = assembleCustomers(contacts, [{ ...inv!, DueDate: '2099-01-01T00:00:00' }, { ...inv!, InvoiceID: '11111111-1111-4111-8111-111111111111', Status: 'DRAFT', DueDate: '2099-01-01' }], [], SANDBOX_TODAY, 'USD');
    expect([...early.values()][0]!.invoices.map((i) => i.status).sort()).toEqual(['DRAFT', 'SENT']);
  });

  it('a payment belongs to its invoice’s contact', () => {
    const p = xeroPaymentSchema.parse({
      PaymentID: '0d666415-cf77-43fa-80c7-56775591d426',
      Date: '/Date(1793577600000+0000)/',
      Amount: 500,
      Status: 'AUTHORISED',
      Invoice: { InvoiceID: invoices[1]!.InvoiceID, CurrencyCode: 'NZD', Contact: { ContactID: contacts[0]!.ContactID } },
    });
    const c = [...assembleCustomers(contacts, invoices, [p], '2026-11-27', 'USD').values()][0]!;
    expect(c.payments).toEqual([{ id: p.PaymentID, customerId: contacts[0]!.ContactID, date: '2026-11-02', amount: 500, currency: 'NZD', invoiceIds: [invoices[1]!.InvoiceID] }]);
  });
});
