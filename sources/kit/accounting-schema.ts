import type { CustomerParent, SchemaContext, SourceSchema } from './contract.js';
import type { AccountingCustomer, AccountingCustomerRecord, Fetched, Invoice, Payment } from './domain.js';
import { statusFromFetched } from './section-status.js';
import type { SourceId } from './errors.js';


type Profile = Fetched<AccountingCustomer>;

const money = (n: number) => Math.round(n * 100) / 100;

/** Aging of what is still owed, by days past the due date. */
export function agingOf(invoices: Invoice[]) {
  const buckets = { current: 0, days1to30: 0, days31to60: 0, days61to90: 0, over90: 0 };
  for (const inv of invoices) {
    if (inv.balance <= 0) continue;
    const d = inv.daysOverdue;
    if (d <= 0) buckets.current += inv.balance;
    else if (d <= 30) buckets.days1to30 += inv.balance;
    else if (d <= 60) buckets.days31to60 += inv.balance;
    else if (d <= 90) buckets.days61to90 += inv.balance;
    else buckets.over90 += inv.balance;
  }
  return Object.fromEntries(Object.entries(buckets).map(([k, v]) => [k, money(v)])) as typeof buckets;
}

function standingOf(invoices: Invoice[]) {
  const overdue = invoices.filter((i) => i.status === 'OVERDUE');
  return {
    state: invoices.length === 0 ? 'NO_INVOICES' : overdue.length ? 'OVERDUE' : 'GOOD',
    overdueInvoiceCount: overdue.length,
    oldestDaysOverdue: overdue.length ? Math.max(...overdue.map((i) => i.daysOverdue)) : null,
  };
}

/**
 * Accounting's slice of the schema, alike for every accounting module (one serves the category at a time):
 * standing for everyone, amounts for the roles that handle money. Links go to the module `source`'s web app.
 */
export function accountingSchema(source: SourceId, displayName: string): SourceSchema {
  return {
    typeDefs: /* GraphQL */ `
      extend type Customer {
        "The customer as accounting (${displayName}) knows it."
        accounting: AccountingProfile @access(group: BILLING_STANDING)
      }

      enum BillingState { GOOD OVERDUE NO_INVOICES }

      "Whether the customer is in good standing, without amounts: every role may read it."
      type BillingStanding {
        state: BillingState!
        overdueInvoiceCount: Int!
        oldestDaysOverdue: Int
      }

      type AccountingProfile {
        status: SectionStatus!
        standing: BillingStanding!
        customerId: ID!
        displayName: String!
        email: String
        billingAddress: Address
        url: String!
        currency: String! @access(group: BILLING)
        "What the customer owes, its sub-customers' (jobs') balances included."
        balance: Float @access(group: BILLING)
        "The customer's sub-customers (jobs), each with its own balance; empty when it has none."
        jobs: [AccountingJob!] @access(group: BILLING)
        overdueBalance: Float @access(group: BILLING)
        aging: Aging @access(group: BILLING)
        "Newest first; with overdueFirst, the overdue ones first (longest overdue first), then the others newest first."
        invoices(first: Int = 20, overdueFirst: Boolean = false): [Invoice!] @access(group: BILLING)
        "How many invoices the customer has in all (its jobs' included)."
        invoiceCount: Int @access(group: BILLING)
        "Newest first."
        payments(first: Int = 20): [Payment!] @access(group: BILLING)
      }

      type AccountingJob { id: ID! name: String! balance: Float! currency: String! url: String! }

      type Aging { current: Float! days1to30: Float! days31to60: Float! days61to90: Float! over90: Float! }

      enum InvoiceStatus { DRAFT SENT PARTIALLY_PAID PAID OVERDUE }

      type Invoice {
        id: ID!
        number: String
        date: String!
        dueDate: String
        total: Float!
        balance: Float!
        currency: String!
        status: InvoiceStatus!
        daysOverdue: Int!
        "The sub-customer (job) the invoice was made out to; null when it is on the customer itself."
        job: String
        url: String!
      }

      type Payment {
        id: ID!
        date: String!
        amount: Float!
        currency: String!
        invoiceIds: [ID!]!
        "The sub-customer (job) the payment came in on; null when it is on the customer itself."
        job: String
        url: String!
      }
    `,
    resolvers: {
      Customer: {
        accounting: (c: CustomerParent) => c.section('accounting'),
      },
      AccountingProfile: {
        status: (f: Profile, _: unknown, ctx: SchemaContext) => statusFromFetched(f, ctx.now.getTime()),
        standing: (f: Profile) => standingOf(f.value.invoices),
        customerId: (f: Profile) => f.value.customer.id,
        displayName: (f: Profile) => f.value.customer.displayName,
        email: (f: Profile) => f.value.customer.email,
        billingAddress: (f: Profile) => f.value.customer.billingAddress,
        url: (f: Profile, _: unknown, ctx: SchemaContext) => ctx.deepLink(source, 'Customer', f.value.customer.id),
        currency: (f: Profile) => f.value.customer.currency,
        balance: (f: Profile) => f.value.customer.balance,
        overdueBalance: (f: Profile) => money(f.value.invoices.filter((i) => i.status === 'OVERDUE').reduce((s, i) => s + i.balance, 0)),
        aging: (f: Profile) => agingOf(f.value.invoices),
        jobs: (f: Profile) => f.value.subCustomers ?? [],
        invoices: (f: Profile, args: { first: number; overdueFirst?: boolean | null }) => {
          const newest = (a: Invoice, b: Invoice) => b.date.localeCompare(a.date) || a.id.localeCompare(b.id);
          const overdue = (i: Invoice) => (args.overdueFirst && i.status === 'OVERDUE' ? 1 : 0);
          return [...f.value.invoices]
            .sort((a, b) => overdue(b) - overdue(a) || (overdue(a) ? b.daysOverdue - a.daysOverdue : 0) || newest(a, b))
            .slice(0, Math.max(0, Math.min(args.first, 500)));
        },
        invoiceCount: (f: Profile) => f.value.invoices.length,
        payments: (f: Profile, args: { first: number }) =>
          [...f.value.payments].sort((a, b) => b.date.localeCompare(a.date)).slice(0, Math.max(0, Math.min(args.first, 500))),
      },
      AccountingJob: {
        name: (j: AccountingCustomerRecord) => j.subCustomerName ?? j.displayName,
        url: (j: AccountingCustomerRecord, _: unknown, ctx: SchemaContext) => ctx.deepLink(source, 'Customer', j.id),
      },
      Invoice: {
        job: (i: Invoice) => i.subCustomer?.name ?? null,
        url: (i: Invoice, _: unknown, ctx: SchemaContext) => ctx.deepLink(source, 'Invoice', i.id),
      },
      Payment: {
        job: (p: Payment) => p.subCustomer?.name ?? null,
        url: (p: Payment, _: unknown, ctx: SchemaContext) => ctx.deepLink(source, 'Payment', p.id),
      },
    },

  };
}
