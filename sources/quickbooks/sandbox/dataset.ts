import { QBO_REALM_ID } from '../../sandbox/constants.js';
import { DAY, isoZ, money, ymd, type SandboxCore } from '../../sandbox/core.js';
import type { CompletedMilestone, CrmAccount, Customer } from '../../sandbox/customers.js';
import type { QboAddr, QboCustomer, QboInvoice, QboPayment, QuickBooksData } from './records.js';

/** QuickBooks Online's part of the sandbox dataset: customers, their invoices and the payments against them. */

const qboTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '-08:00');

type InvoiceState = 'paid' | 'partial' | 'open' | 'overdue';

export type QuickBooksPart = { core: SandboxCore; data: QuickBooksData; n: { customer: number; invoice: number; payment: number } };

export function createQuickBooksPart(core: SandboxCore): QuickBooksPart {
  return { core, data: { realmId: QBO_REALM_ID, customers: [], invoices: [], payments: [] }, n: { customer: 0, invoice: 0, payment: 0 } };
}

export type AccountingResult = {
  /** The customer's id where the CRM account holds it (an exact link). */
  linkedCustomerId: string | null;
  /** What the customer owes on invoices past their due date. */
  overdueBalance: number;
};

/** The customer in the books, linked to the CRM account as the traits say, with its invoices and payments. */
export function addQuickBooksCustomer(s: QuickBooksPart, c: Customer, crm: CrmAccount, milestones: CompletedMilestone[]): AccountingResult {
  const t = c.traits;
  if (t.qbo === 'none') return { linkedCustomerId: null, overdueBalance: 0 };
  const customer = addCustomer(s, c, crm);
  // only invoices added from here on can be the new customer's (scanning all of them made 10,000 customers quadratic)
  const before = s.data.invoices.length;
  const overdueBalance = addInvoices(s, c, crm, customer, milestones);
  customer.Balance = money(s.data.invoices.slice(before).filter((v) => v.CustomerRef.value === customer.Id).reduce((sum, v) => sum + v.Balance, 0));
  customer.BalanceWithJobs = customer.Balance;
  return { linkedCustomerId: t.qbo === 'exact' ? customer.Id : null, overdueBalance };
}

function addCustomer(s: QuickBooksPart, c: Customer, crm: CrmAccount): QboCustomer {
  const { f, manifest } = s.core;
  const { address, name, traits: t } = c;
  const accountId = crm.accountId;
  const primaryEmail = crm.people[0]!.email;
  const qboAddr: QboAddr = {
    Id: String(1000 + s.n.customer),
    Line1: address.street,
    City: address.city,
    CountrySubDivisionCode: address.state,
    PostalCode: address.postal,
    Country: address.country,
  };
  const qboName =
    t.qbo === 'name' ? nameVariant(name) : t.qbo === 'domain' ? `${f.person.lastName()} Holdings (${name.split(' ')[0]})` : name;
  const customer = qboCustomer(s, ++s.n.customer, qboName, primaryEmail, qboAddr, c.created);
  // the books keep the CRM's number in international form: formatted differently, the same number
  if (crm.phone) customer.PrimaryPhone = { FreeFormNumber: internationalForm(crm.phone) };
  if (t.addressConflict) {
    customer.BillAddr = { ...qboAddr, Line1: f.location.streetAddress(), City: f.location.city() };
    manifest.conflicts.push({
      accountId,
      field: 'billingAddress',
      crmValue: `${address.street}, ${address.city}, ${address.state} ${address.postal}, ${address.country}`,
      otherSystem: 'quickbooks',
      otherValue: `${customer.BillAddr.Line1}, ${customer.BillAddr.City}, ${address.state} ${address.postal}, ${address.country}`,
    });
  }
  if (t.emailConflict) {
    customer.PrimaryEmailAddr = { Address: `billing@${f.internet.domainWord()}-mail.example` };
    manifest.conflicts.push({ accountId, field: 'email', crmValue: primaryEmail, otherSystem: 'quickbooks', otherValue: customer.PrimaryEmailAddr.Address });
  }
  plantTruthCases(s, c, crm, customer);
  s.data.customers.push(customer);
  if (t.qbo === 'exact') {
    manifest.exactLinks.push({ accountId, system: 'quickbooks', recordId: customer.Id });
  } else if (t.qbo === 'ambiguous') {
    const twin = qboCustomer(s, ++s.n.customer, nameVariant(name, true), `ap@${c.domain}`, { ...qboAddr, Id: String(1000 + s.n.customer) }, c.created);
    s.data.customers.push(twin);
    manifest.ambiguous.push({ accountId, system: 'quickbooks', candidateIds: [customer.Id, twin.Id] });
  } else {
    manifest.heuristicLinks.push({ accountId, system: 'quickbooks', recordId: customer.Id, rule: t.qbo === 'name' ? 'NAME' : 'DOMAIN' });
  }
  return customer;
}

const ABBREVIATIONS: [RegExp, string][] = [
  [/\bStreet\b/g, 'St.'],
  [/\bAvenue\b/g, 'Ave'],
  [/\bSuite\b/g, 'Ste'],
  [/\bRoad\b/g, 'Rd.'],
  [/\bDrive\b/g, 'Dr.'],
  [/\bBoulevard\b/g, 'Blvd'],
];

/**
 * The truthfulness cases on an exactly linked customer, each written into the manifest with its expected answer:
 * another phone number or another name (material), and the same address, mailbox domain or name written
 * differently (cosmetic). Derived from the customer's own values, so no other record of the dataset changes.
 */
function plantTruthCases(s: QuickBooksPart, c: Customer, crm: CrmAccount, customer: QboCustomer): void {
  const { manifest } = s.core;
  const t = c.traits;
  const accountId = crm.accountId;
  const push = (list: 'conflicts' | 'formattedDifferently', field: 'billingAddress' | 'email' | 'phone' | 'name', crmValue: string, otherValue: string) =>
    list === 'conflicts'
      ? manifest.conflicts.push({ accountId, field, crmValue, otherSystem: 'quickbooks', otherValue })
      : manifest.formattedDifferently.push({ accountId, field: field as 'billingAddress' | 'email' | 'name', crmValue, otherSystem: 'quickbooks', otherValue });
  if (t.phoneConflict && crm.phone) {
    // the last digit moved on by one: another number, however it is written
    const other = crm.phone.replace(/(\d)(\D*)$/, (_, d: string, rest: string) => `${(Number(d) + 1) % 10}${rest}`);
    customer.PrimaryPhone = { FreeFormNumber: internationalForm(other) };
    push('conflicts', 'phone', crm.phone, customer.PrimaryPhone.FreeFormNumber);
  }
  if (t.nameConflict) {
    customer.DisplayName = customer.CompanyName = customer.FullyQualifiedName = customer.PrintOnCheckName = `${c.name.split(/[\s,]+/)[0]} Partners International`;
    push('conflicts', 'name', c.name, customer.DisplayName);
  }
  if (t.addressCosmetic && customer.BillAddr) {
    const a = customer.BillAddr;
    const line1 = ABBREVIATIONS.reduce((x, [re, short]) => x.replace(re, short), a.Line1 ?? '').toUpperCase();
    customer.BillAddr = { ...a, Line1: line1, City: (a.City ?? '').toUpperCase() };
    push('formattedDifferently', 'billingAddress', a.Line1 ?? '', line1);
  }
  if (t.emailSameDomain) {
    const person = crm.people[0]!.email;
    customer.PrimaryEmailAddr = { Address: `accounts.payable@${person.split('@')[1]}` };
    push('formattedDifferently', 'email', person, customer.PrimaryEmailAddr.Address);
  }
  if (t.nameCosmetic) {
    const variant = `${c.name.replace(/\s&\s/g, ' and ').replace(/,?\s(Inc|LLC|Ltd|Group|Corp)\.?$/i, '')}, L.L.C.`;
    customer.DisplayName = customer.CompanyName = customer.FullyQualifiedName = customer.PrintOnCheckName = variant;
    push('formattedDifferently', 'name', c.name, variant);
  }
}

/** Invoices after each won deal and each completed milestone (but a planted one); returns the overdue balance. */
function addInvoices(s: QuickBooksPart, c: Customer, crm: CrmAccount, customer: QboCustomer, milestones: CompletedMilestone[]): number {
  const { chance, today } = s.core;
  const t = c.traits;
  const wantsOverdue = (t.hasOverdue || t.overdueWithUrgent) && !t.onHoldNothingOverdue;
  const dates = invoiceDates(s, c, crm, milestones, wantsOverdue);
  let overdueBalance = 0;
  let madeOverdue = false;
  dates.forEach((date, k) => {
    const due = date + 30 * DAY;
    const isLast = k === dates.length - 1;
    const pastDue = due < today;
    let state: InvoiceState = pastDue ? 'paid' : chance(0.4) ? 'paid' : 'open';
    if (pastDue && wantsOverdue && !madeOverdue) state = chance(0.3) ? 'partial' : 'overdue';
    if (!pastDue && state === 'open' && chance(0.2)) state = 'partial';
    if (t.onHoldNothingOverdue) state = 'paid';
    const inv = qboInvoice(s, ++s.n.invoice, customer, date, due, state);
    if (pastDue && (state === 'overdue' || state === 'partial')) {
      madeOverdue = true;
      overdueBalance += inv.Balance;
    }
    if (!isLast && state === 'open' && chance(0.5)) inv.EmailStatus = 'EmailSent';
    s.data.invoices.push(inv);
    if (inv.Balance < inv.TotalAmt) s.data.payments.push(qboPayment(s, ++s.n.payment, customer, inv, date, due));
  });
  return overdueBalance;
}

function invoiceDates(s: QuickBooksPart, c: Customer, crm: CrmAccount, milestones: CompletedMilestone[], wantsOverdue: boolean): number[] {
  const { int, chance, dayBetween, today, manifest } = s.core;
  const invoiceDates: number[] = [];
  for (const won of crm.wonDeals) {
    const close = Date.parse(won.closeDate);
    invoiceDates.push(Math.min(today - DAY, close + int(0, 5) * DAY));
    if (chance(0.5)) invoiceDates.push(dayBetween(close, today - DAY));
  }
  const plantedGap = c.traits.milestoneWithoutInvoice && milestones.length > 0;
  const sortedMilestones = [...milestones].sort((a, b) => a.at - b.at);
  const gapMilestone = plantedGap ? sortedMilestones[sortedMilestones.length - 1]! : null;
  for (const m of sortedMilestones) {
    if (m === gapMilestone) continue;
    invoiceDates.push(Math.min(today - DAY, Math.floor(m.at / DAY) * DAY + int(0, 4) * DAY));
  }
  let dates = invoiceDates.sort((a, b) => a - b);
  if (gapMilestone) {
    const gapDay = Math.floor(gapMilestone.at / DAY) * DAY;
    dates = dates.map((d) => (d >= gapDay ? gapDay - int(1, 20) * DAY : d)).sort((a, b) => a - b);
    manifest.milestonesWithoutInvoice.push({ accountId: crm.accountId, milestoneId: gapMilestone.id, completedAt: isoZ(gapMilestone.at) });
  }
  if (wantsOverdue) {
    // make sure at least one invoice is already past its due date
    const d = today - int(45, 200) * DAY;
    dates.push(gapMilestone ? Math.min(d, Math.floor(gapMilestone.at / DAY) * DAY - DAY) : d);
    dates.sort((a, b) => a - b);
  }
  return dates;
}

/** A customer who buys over the counter, in no other system. */
export function addWalkInCustomer(s: QuickBooksPart): void {
  const { f, start, manifest } = s.core;
  const walkIn = qboCustomer(s, ++s.n.customer, `${f.person.firstName()} ${f.person.lastName()} (walk-in)`, f.internet.email({ provider: 'mail.example' }).toLowerCase(), undefined, start);
  s.data.customers.push(walkIn);
  manifest.unlinked.push({ system: 'quickbooks', recordId: walkIn.Id });
}

/**
 * Exact-linked customers with none of the planted cases and no urgent ticket, with (or without) an invoice of
 * their own past due: the last ones first, so the accounts tests pick first stay as they were.
 */
function quietCustomers(s: QuickBooksPart, withPastDue = false): { accountId: string; customer: QboCustomer }[] {
  const { manifest, today } = s.core;
  const planted = new Set([
    ...manifest.conflicts, ...manifest.wonDealsWithoutProject, ...manifest.milestonesWithoutInvoice, ...manifest.onHoldNothingOverdue,
    ...manifest.overdueWithUrgentTickets, ...manifest.urgentOpenTickets, ...manifest.trickyNames, ...manifest.customerTrees, ...manifest.foreignCurrency,
  ].map((x) => x.accountId));
  const pastDue = new Set(s.data.invoices.filter((v) => v.Balance > 0 && Date.parse(v.DueDate) < today).map((v) => v.CustomerRef.value));
  const byId = new Map(s.data.customers.map((c) => [c.Id, c]));
  return manifest.exactLinks
    .filter((l) => l.system === 'quickbooks' && l.accountId && !planted.has(l.accountId) && pastDue.has(l.recordId) === withPastDue)
    .map((l) => ({ accountId: l.accountId, customer: byId.get(l.recordId)! }))
    .filter((x) => x.customer && s.data.invoices.some((v) => v.CustomerRef.value === x.customer.Id))
    .reverse();
}

const JOB_NAMES = ['Warehouse fit-out', 'Annual maintenance'] as const;

/** A parent with two jobs: invoices on all three, and an overdue balance that sits only on the second job. */
export function plantCustomerTree(s: QuickBooksPart): void {
  const { today, manifest } = s.core;
  const pick = quietCustomers(s)[0];
  if (!pick) return;
  const parent = pick.customer;
  const jobs = JOB_NAMES.map((name) => {
    const job = qboCustomer(s, ++s.n.customer, name, parent.PrimaryEmailAddr?.Address ?? '', parent.BillAddr, Date.parse(parent.MetaData.CreateTime));
    job.CompanyName = parent.CompanyName;
    job.FullyQualifiedName = `${parent.FullyQualifiedName}:${name}`;
    job.Job = true;
    job.BillWithParent = true;
    job.ParentRef = { value: parent.Id, name: parent.DisplayName };
    job.Level = 1;
    job.CurrencyRef = parent.CurrencyRef;
    s.data.customers.push(job);
    return job;
  });
  const ownInvoiceNumbers = s.data.invoices.filter((v) => v.CustomerRef.value === parent.Id).map((v) => v.DocNumber);
  // job 1: sent, not yet due; job 2: past due, nothing paid
  const open = qboInvoice(s, ++s.n.invoice, jobs[0]!, today - 5 * DAY, today + 25 * DAY, 'open');
  open.EmailStatus = 'EmailSent';
  const late = qboInvoice(s, ++s.n.invoice, jobs[1]!, today - 70 * DAY, today - 40 * DAY, 'overdue');
  s.data.invoices.push(open, late);
  for (const c of [parent, ...jobs]) c.Balance = money(s.data.invoices.filter((v) => v.CustomerRef.value === c.Id).reduce((sum, v) => sum + v.Balance, 0));
  for (const j of jobs) j.BalanceWithJobs = j.Balance;
  parent.BalanceWithJobs = money(parent.Balance + jobs.reduce((sum, j) => sum + j.Balance, 0));
  manifest.customerTrees.push({
    accountId: pick.accountId,
    customerId: parent.Id,
    jobs: jobs.map((j, k) => ({ id: j.Id, name: JOB_NAMES[k]!, balance: j.Balance, invoiceNumbers: [k === 0 ? open.DocNumber : late.DocNumber] })),
    ownInvoiceNumbers,
    balanceWithJobs: parent.BalanceWithJobs,
    overdueJobInvoice: { id: late.Id, number: late.DocNumber, jobId: jobs[1]!.Id, balance: late.Balance },
  });
}

/**
 * A customer billed in euros while the company's home currency is US dollars, its invoices and payments too; one
 * with an invoice past due, so the overdue list holds two currencies.
 */
export function plantForeignCurrency(s: QuickBooksPart): void {
  const pick = quietCustomers(s, true)[0] ?? quietCustomers(s)[0];
  if (!pick) return;
  const eur = { value: 'EUR', name: 'Euro' };
  const c = pick.customer;
  c.CurrencyRef = eur;
  const invoices = s.data.invoices.filter((v) => v.CustomerRef.value === c.Id);
  for (const v of invoices) {
    v.CurrencyRef = eur;
    v.ExchangeRate = 1.08;
  }
  for (const p of s.data.payments) if (p.CustomerRef.value === c.Id) p.CurrencyRef = eur;
  s.core.manifest.foreignCurrency.push({ accountId: pick.accountId, customerId: c.Id, currency: 'EUR', balance: c.Balance, invoiceCount: invoices.length });
}

/** Lists every invoice past due with a balance, read from the records themselves. */
export function listOverdueInvoices(s: QuickBooksPart): void {
  const { manifest, today } = s.core;
  const accountByQbo = new Map<string, string>();
  for (const l of [...manifest.exactLinks, ...manifest.heuristicLinks]) if (l.system === 'quickbooks') accountByQbo.set(l.recordId, l.accountId);
  // a job's invoices belong to its top-level customer's account
  for (const t of manifest.customerTrees) for (const j of t.jobs) accountByQbo.set(j.id, t.accountId);
  for (const inv of s.data.invoices) {
    const dueMs = Date.parse(inv.DueDate);
    if (inv.Balance > 0 && dueMs < today) {
      manifest.overdueInvoices.push({ accountId: accountByQbo.get(inv.CustomerRef.value) ?? null, invoiceId: inv.Id, daysOverdue: Math.floor((today - dueMs) / DAY) });
    }
  }
}

/** "(570) 410-1335" as "+1 570-410-1335": the same North American number written another way. */
function internationalForm(national: string): string {
  const d = national.replace(/\D/g, '');
  return d.length === 10 ? `+1 ${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6)}` : national;
}

function nameVariant(base: string, second = false): string {
  const core = base.replace(/\b(Inc|LLC|Ltd|Group|Corp)\b\.?/gi, '').replace(/[,\s-]+$/, '').trim();
  return second ? `${core}, Inc.` : `${core.toUpperCase()} Incorporated`;
}

function qboCustomer(s: QuickBooksPart, n: number, displayName: string, email: string, addr: QboAddr | undefined, created: number): QboCustomer {
  const { f, timeOn } = s.core;
  return {
    Id: String(n),
    SyncToken: '0',
    MetaData: { CreateTime: qboTime(timeOn(created)), LastUpdatedTime: qboTime(timeOn(created)) },
    DisplayName: displayName,
    CompanyName: displayName,
    FullyQualifiedName: displayName,
    PrintOnCheckName: displayName,
    PrimaryEmailAddr: { Address: email },
    PrimaryPhone: { FreeFormNumber: f.phone.number({ style: 'national' }) },
    ...(addr ? { BillAddr: addr } : {}),
    Balance: 0,
    BalanceWithJobs: 0,
    CurrencyRef: { value: 'USD', name: 'United States Dollar' },
    PreferredDeliveryMethod: 'Email',
    Active: true,
    Job: false,
    BillWithParent: false,
    Taxable: false,
    domain: 'QBO',
    sparse: false,
  };
}

function qboInvoice(s: QuickBooksPart, n: number, customer: QboCustomer, date: number, due: number, state: InvoiceState): QboInvoice {
  const { f, int, timeOn } = s.core;
  const qty = int(1, 20);
  const unit = int(4, 60) * 25;
  const total = money(qty * unit);
  const balance = state === 'paid' ? 0 : state === 'partial' ? money(total * f.helpers.arrayElement([0.25, 0.5, 0.75])) : total;
  return {
    Id: String(10000 + n),
    SyncToken: '0',
    MetaData: { CreateTime: qboTime(timeOn(date)), LastUpdatedTime: qboTime(timeOn(date)) },
    DocNumber: String(1000 + n),
    TxnDate: ymd(date),
    DueDate: ymd(due),
    CustomerRef: { value: customer.Id, name: customer.DisplayName },
    CurrencyRef: { value: 'USD', name: 'United States Dollar' },
    Line: [
      {
        Id: '1',
        LineNum: 1,
        Description: f.helpers.arrayElement(['Consulting hours', 'Implementation services', 'Annual licence', 'Training day', 'Support retainer']),
        Amount: total,
        DetailType: 'SalesItemLineDetail',
        SalesItemLineDetail: { ItemRef: { value: '1', name: 'Services' }, UnitPrice: unit, Qty: qty, TaxCodeRef: { value: 'NON' } },
      },
      { Amount: total, DetailType: 'SubTotalLineDetail', SubTotalLineDetail: {} },
    ],
    TotalAmt: total,
    Balance: balance,
    EmailStatus: state === 'open' ? 'NotSet' : 'EmailSent',
    PrintStatus: 'NotSet',
    ...(customer.PrimaryEmailAddr ? { BillEmail: { Address: customer.PrimaryEmailAddr.Address } } : {}),
    ...(customer.BillAddr ? { BillAddr: customer.BillAddr } : {}),
    LinkedTxn: [],
    ApplyTaxAfterDiscount: false,
    domain: 'QBO',
    sparse: false,
  };
}

function qboPayment(s: QuickBooksPart, n: number, customer: QboCustomer, inv: QboInvoice, date: number, due: number): QboPayment {
  const { timeOn, dayBetween, today } = s.core;
  const amount = money(inv.TotalAmt - inv.Balance);
  const paid = Math.min(today - DAY, dayBetween(date, due));
  const id = String(50000 + n);
  inv.LinkedTxn.push({ TxnId: id, TxnType: 'Payment' });
  return {
    Id: id,
    SyncToken: '0',
    MetaData: { CreateTime: qboTime(timeOn(paid)), LastUpdatedTime: qboTime(timeOn(paid)) },
    TxnDate: ymd(paid),
    CustomerRef: { value: customer.Id, name: customer.DisplayName },
    CurrencyRef: { value: 'USD', name: 'United States Dollar' },
    TotalAmt: amount,
    UnappliedAmt: 0,
    ProcessPayment: false,
    Line: [{ Amount: amount, LinkedTxn: [{ TxnId: inv.Id, TxnType: 'Invoice' }] }],
    domain: 'QBO',
    sparse: false,
  };
}
