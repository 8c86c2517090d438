import { describe, expect, it } from 'vitest';
import sample from './fixtures/customer-tree.json' with { type: 'json' };
import { assembleCustomers, descendantsOf, mapCustomer, resolveTopLevel } from './mapping.js';
import { qboCustomerSchema, qboInvoiceSchema, qboPaymentSchema } from './types.js';

const customers = sample.customers.map((c) => qboCustomerSchema.parse(c));
const invoices = sample.invoices.map((i) => qboInvoiceSchema.parse(i));
const payments = sample.payments.map((p) => qboPaymentSchema.parse(p));
const DAY = '2014-01-20';

describe('sub-customers (jobs) from a QBO customer list', () => {
  it('maps a job with its top-level customer, its name below it and BalanceWithJobs', () => {
    const [acme, little, thrifty] = customers.map((c) => mapCustomer(c, 'USD'));
    expect(acme).toMatchObject({ id: '3', parentId: null, subCustomerName: null, balance: 0, balanceWithSubCustomers: 250 });
    expect(little).toMatchObject({ id: '4', parentId: '3', subCustomerName: 'Little Acme, Inc.', balance: 250 });
    expect(thrifty).toMatchObject({ parentId: null, currency: 'GBP' });
  });

  it('lifts a sub-job to the top of its tree', () => {
    const subJob = qboCustomerSchema.parse({ ...sample.customers[1], Id: '5', FullyQualifiedName: 'Acme Enterprises:Little Acme, Inc.:Phase 2', DisplayName: 'Phase 2', ParentRef: { value: '4' }, Level: 2 });
    const records = resolveTopLevel([...customers, subJob].map((c) => mapCustomer(c, 'USD')));
    expect(records.find((r) => r.id === '5')).toMatchObject({ parentId: '3', subCustomerName: 'Little Acme, Inc.:Phase 2' });
    expect(descendantsOf(records).get('3')).toEqual(['4', '5']);
    expect(descendantsOf(records).has('4')).toBe(false);
  });

  it("puts a job's invoices and payments under its top-level customer, each under the job's name", () => {
    const tree = assembleCustomers(customers, invoices, payments, DAY, 'USD', descendantsOf(resolveTopLevel(customers.map((c) => mapCustomer(c, 'USD')))));
    const acme = tree.get('3')!;
    expect(acme.customer.balance).toBe(250);
    expect(acme.invoices.map((i) => [i.number, i.status, i.subCustomer?.name ?? null])).toEqual([
      ['1001', 'OVERDUE', 'Little Acme, Inc.'],
      ['1002', 'PAID', null],
    ]);
    expect(acme.payments.map((p) => [p.id, p.subCustomer ?? null])).toEqual([['9', null]]);
    expect(acme.subCustomers?.map((j) => [j.id, j.subCustomerName, j.balance, j.currency])).toEqual([['4', 'Little Acme, Inc.', 250, 'USD']]);
    // the job asked for by itself still has its own invoices, without a job name
    expect(tree.get('4')!.invoices.map((i) => [i.number, i.subCustomer ?? null])).toEqual([['1001', null]]);
  });

  it('keeps each amount in its own currency', () => {
    const tree = assembleCustomers(customers, invoices, payments, DAY, 'USD');
    const thrifty = tree.get('1')!;
    expect(thrifty.customer.currency).toBe('GBP');
    expect(thrifty.invoices.map((i) => [i.total, i.currency])).toEqual([[80, 'GBP']]);
    // an invoice that names no currency is in its customer's
    const bare = qboInvoiceSchema.parse({ ...sample.invoices[2], Id: '7', CurrencyRef: undefined });
    expect(assembleCustomers(customers, [bare], [], DAY, 'USD').get('1')!.invoices[0]!.currency).toBe('GBP');
  });
});
