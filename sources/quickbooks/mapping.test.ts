import { describe, expect, it } from 'vitest';
import { generateWorld } from '../sandbox/dataset.js';
import { assembleCustomers, invoiceStanding, isoDay, mapCustomer, mapInvoice, mapPayment } from './mapping.js';
import { qboCustomerSchema, qboInvoiceSchema, qboPaymentSchema, type QboInvoice } from './types.js';

const TODAY = '2026-11-27';

function invoice(patch: Partial<QboInvoice>): QboInvoice {
  return qboInvoiceSchema.parse({
    Id: '10001',
    DocNumber: '1001',
    TxnDate: '2026-11-01',
    DueDate: '2026-12-01',
    CustomerRef: { value: '7', name: 'Acme' },
    CurrencyRef: { value: 'EUR' },
    TotalAmt: 100,
    Balance: 100,
    EmailStatus: 'NotSet',
    PrintStatus: 'NotSet',
    ...patch,
  });
}

describe('invoice status and days overdue', () => {
  it.each([
    ['DRAFT: never sent, nothing paid, not yet due', {}, 'DRAFT', 0],
    ['SENT: e-mailed, nothing paid, not yet due', { EmailStatus: 'EmailSent' }, 'SENT', 0],
    ['SENT: printed counts as sent', { PrintStatus: 'PrintComplete' }, 'SENT', 0],
    ['PARTIALLY_PAID: part paid, not yet due', { EmailStatus: 'EmailSent', Balance: 40 }, 'PARTIALLY_PAID', 0],
    ['PAID: nothing owed, even when past due', { Balance: 0, DueDate: '2026-01-01' }, 'PAID', 0],
    ['OVERDUE: owed after the due date', { EmailStatus: 'EmailSent', DueDate: '2026-11-17' }, 'OVERDUE', 10],
    ['OVERDUE: part paid and late is overdue', { Balance: 40, DueDate: '2026-10-28' }, 'OVERDUE', 30],
    ['OVERDUE: never sent but late still owes', { DueDate: '2026-11-26' }, 'OVERDUE', 1],
    ['not overdue on the due date itself', { EmailStatus: 'EmailSent', DueDate: TODAY }, 'SENT', 0],
    ['no due date: never overdue', { DueDate: undefined }, 'DRAFT', 0],
    ['a balance below half a cent is paid', { Balance: 0.004 }, 'PAID', 0],
  ] as const)('%s', (_label, patch, status, days) => {
    const s = invoiceStanding(invoice(patch as Partial<QboInvoice>), TODAY);
    expect(s.status).toBe(status);
    expect(s.daysOverdue).toBe(days);
  });

  it('judges against the injected day', () => {
    const inv = invoice({ DueDate: '2026-11-20', EmailStatus: 'EmailSent' });
    expect(invoiceStanding(inv, '2026-11-20').status).toBe('SENT');
    expect(invoiceStanding(inv, '2026-12-20')).toMatchObject({ status: 'OVERDUE', daysOverdue: 30 });
  });

  it('matches the sandbox manifest for every overdue invoice', () => {
    const world = generateWorld({ size: 60, seed: 7, today: TODAY });
    const overdue = world.quickbooks.invoices
      .map((i) => mapInvoice(qboInvoiceSchema.parse(i), TODAY, 'USD'))
      .filter((i) => i.status === 'OVERDUE');
    expect(overdue.map((i) => [i.id, i.daysOverdue]).sort()).toEqual(
      world.manifest.overdueInvoices.map((o) => [o.invoiceId, o.daysOverdue]).sort(),
    );
  });
});

describe('mapping into Panorama types', () => {
  it('maps an invoice', () => {
    expect(mapInvoice(invoice({ CustomerMemo: { value: 'Thanks!' }, EmailStatus: 'EmailSent' }), TODAY, 'USD')).toEqual({
      id: '10001',
      customerId: '7',
      number: '1001',
      date: '2026-11-01',
      dueDate: '2026-12-01',
      total: 100,
      balance: 100,
      currency: 'EUR',
      status: 'SENT',
      daysOverdue: 0,
      sent: true,
      memo: 'Thanks!',
    });
  });

  it('maps a customer, joining address lines and turning blanks into null', () => {
    const c = qboCustomerSchema.parse({
      Id: '3',
      DisplayName: "O'Brien & Sons",
      CompanyName: '',
      PrimaryEmailAddr: { Address: 'ap@obrien.example' },
      BillAddr: { Id: '9', Line1: '1 Main St', Line2: 'Suite 2', City: 'Springfield', CountrySubDivisionCode: 'IL', PostalCode: '62701' },
      Balance: 250.5,
      Active: false,
    });
    expect(mapCustomer(c, 'USD')).toEqual({
      id: '3',
      displayName: "O'Brien & Sons",
      companyName: null,
      email: 'ap@obrien.example',
      phone: null,
      billingAddress: { street: '1 Main St, Suite 2', city: 'Springfield', region: 'IL', postalCode: '62701', country: null },
      balance: 250.5,
      currency: 'USD',
      active: false,
      // a top-level customer without BalanceWithJobs: its own balance is the tree's
      parentId: null,
      subCustomerName: null,
      balanceWithSubCustomers: 250.5,
    });
    expect(mapCustomer(qboCustomerSchema.parse({ Id: '4', DisplayName: 'X', Balance: 0, Active: true, BillAddr: { Id: '1' } }), 'USD').billingAddress).toBeNull();
  });

  it('takes a payment\'s invoices from Line[].LinkedTxn, invoices only and once each', () => {
    const p = qboPaymentSchema.parse({
      Id: '50001',
      TxnDate: '2026-11-02',
      CustomerRef: { value: '7' },
      TotalAmt: 150,
      Line: [
        { Amount: 100, LinkedTxn: [{ TxnId: '10001', TxnType: 'Invoice' }] },
        { Amount: 50, LinkedTxn: [{ TxnId: '10002', TxnType: 'Invoice' }, { TxnId: '10001', TxnType: 'Invoice' }] },
        { Amount: 0, LinkedTxn: [{ TxnId: '777', TxnType: 'CreditMemo' }] },
        { Amount: 0 },
      ],
    });
    expect(mapPayment(p, 'CAD')).toEqual({ id: '50001', customerId: '7', date: '2026-11-02', amount: 150, currency: 'CAD', invoiceIds: ['10001', '10002'] });
  });

  it('assembles each customer with its own invoices and payments, newest first', () => {
    const world = generateWorld({ size: 60, seed: 7, today: TODAY });
    const q = world.quickbooks;
    const out = assembleCustomers(
      q.customers.map((c) => qboCustomerSchema.parse(c)),
      q.invoices.map((i) => qboInvoiceSchema.parse(i)),
      q.payments.map((p) => qboPaymentSchema.parse(p)),
      TODAY,
      'USD',
    );
    const one = out.get('1')!;
    expect(one.customer.displayName).toBe("O'Brien & Sons");
    expect(one.invoices.map((i) => i.id).sort()).toEqual(q.invoices.filter((i) => i.CustomerRef.value === '1').map((i) => i.Id).sort());
    expect(one.invoices.every((i) => i.customerId === '1')).toBe(true);
    const dates = one.invoices.map((i) => i.date);
    expect(dates).toEqual([...dates].sort().reverse());
    expect(one.payments.every((p) => p.invoiceIds.every((id) => q.invoices.find((i) => i.Id === id)?.CustomerRef.value === '1'))).toBe(true);
    // a customer's balance is the sum of its invoices' open balances
    expect(one.customer.balance).toBeCloseTo(one.invoices.reduce((s, i) => s + i.balance, 0), 2);
  });

  it('puts a record that names no currency in the home currency it is given, never an assumed one', () => {
    const c = qboCustomerSchema.parse({ Id: '9', DisplayName: 'Bare', Balance: 12, Active: true });
    const inv = qboInvoiceSchema.parse({ Id: '90', TxnDate: '2026-11-01', CustomerRef: { value: '9' }, TotalAmt: 12, Balance: 12 });
    const pay = qboPaymentSchema.parse({ Id: '91', TxnDate: '2026-11-02', CustomerRef: { value: '9' }, TotalAmt: 5 });
    const one = assembleCustomers([c], [inv], [pay], TODAY, 'GBP').get('9')!;
    expect(one.customer.currency).toBe('GBP');
    expect(one.invoices[0]!.currency).toBe('GBP');
    expect(one.payments[0]!.currency).toBe('GBP');
  });

  it('writes today as YYYY-MM-DD', () => {
    expect(isoDay(new Date('2026-11-27T23:59:00Z'))).toBe('2026-11-27');
  });
});
