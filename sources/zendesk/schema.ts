import type { CustomerParent, SchemaContext, SourceSchema } from '../kit/contract.js';
import type { Fetched, SupportCustomer, SupportOrganization, Ticket, TicketStatus } from '../kit/domain.js';
import { statusFromFetched } from '../kit/section-status.js';


type Profile = Fetched<SupportCustomer>;

const OPEN: ReadonlySet<TicketStatus> = new Set(['NEW', 'OPEN', 'PENDING', 'HOLD']);
const PRIORITY_RANK = { URGENT: 0, HIGH: 1, NORMAL: 2, LOW: 3 } as const;

export function isOpenTicket(t: Ticket): boolean {
  return OPEN.has(t.status);
}

/** Tickets opened and solved per calendar month (UTC), for the last `months` months including this one. */
export function ticketVolume(tickets: Ticket[], months: number, now: Date) {
  const rows = new Map<string, { month: string; opened: number; solved: number }>();
  for (let i = months - 1; i >= 0; i--) {
    const key = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1)).toISOString().slice(0, 7);
    rows.set(key, { month: key, opened: 0, solved: 0 });
  }
  for (const t of tickets) {
    const opened = rows.get(t.createdAt.slice(0, 7));
    if (opened) opened.opened++;
    const solved = t.status === 'SOLVED' || t.status === 'CLOSED' ? rows.get(t.updatedAt.slice(0, 7)) : undefined;
    if (solved) solved.solved++;
  }
  return [...rows.values()];
}

function countsOf(tickets: Ticket[]) {
  const by = (s: TicketStatus) => tickets.filter((t) => t.status === s).length;
  return {
    new: by('NEW'),
    open: by('OPEN'),
    pending: by('PENDING'),
    hold: by('HOLD'),
    solved: by('SOLVED'),
    closed: by('CLOSED'),
    unsolved: tickets.filter(isOpenTicket).length,
    urgentOpen: tickets.filter((t) => isOpenTicket(t) && t.priority === 'URGENT').length,
    total: tickets.length,
  };
}

/** The support desk's slice of the schema: ticket counts for everyone, the tickets themselves for some roles. */
export const zendeskSchema: SourceSchema = {
  typeDefs: /* GraphQL */ `
    extend type Customer {
      "The customer as the support desk (Zendesk) knows it."
      support: SupportProfile @access(group: TICKET_COUNTS)
    }

    type SupportProfile {
      status: SectionStatus!
      organization: SupportOrganization!
      counts: TicketCounts!
      satisfaction: Satisfaction!
      "Tickets opened and solved per month, oldest month first (counts only)."
      volume(months: Int = 12): [TicketVolume!]!
      "Unsolved first (most urgent first), then the most recently updated."
      tickets(openOnly: Boolean = false, first: Int = 25): [Ticket!] @access(group: TICKETS)
    }

    type TicketVolume { month: String! opened: Int! solved: Int! }

    type SupportOrganization { id: ID! name: String! domains: [String!]! url: String! }

    type TicketCounts { new: Int! open: Int! pending: Int! hold: Int! solved: Int! closed: Int! unsolved: Int! urgentOpen: Int! total: Int! }

    type Satisfaction { good: Int! bad: Int! "Share of good ratings among rated tickets, 0 to 1." score: Float }

    enum TicketStatus { NEW OPEN PENDING HOLD SOLVED CLOSED }
    enum TicketPriority { URGENT HIGH NORMAL LOW }
    enum TicketType { PROBLEM INCIDENT QUESTION TASK }

    type Ticket {
      id: ID!
      subject: String!
      status: TicketStatus!
      priority: TicketPriority
      type: TicketType
      requester: Person
      assignee: Person
      createdAt: String!
      updatedAt: String!
      url: String!
    }
  `,
  resolvers: {
    Customer: {
      support: (c: CustomerParent) => c.section('support'),
    },
    SupportProfile: {
      status: (f: Profile, _: unknown, ctx: SchemaContext) => statusFromFetched(f, ctx.now.getTime()),
      organization: (f: Profile) => f.value.organization,
      counts: (f: Profile) => countsOf(f.value.tickets),
      satisfaction: (f: Profile) => {
        const good = f.value.tickets.filter((t) => t.satisfaction === 'GOOD').length;
        const bad = f.value.tickets.filter((t) => t.satisfaction === 'BAD').length;
        return { good, bad, score: good + bad ? Math.round((good / (good + bad)) * 100) / 100 : null };
      },
      volume: (f: Profile, args: { months: number }, ctx: SchemaContext) => ticketVolume(f.value.tickets, Math.max(1, Math.min(args.months, 36)), ctx.now),
      tickets: (f: Profile, args: { openOnly: boolean; first: number }) =>
        f.value.tickets
          .filter((t) => !args.openOnly || isOpenTicket(t))
          .sort(
            (a, b) =>
              Number(isOpenTicket(b)) - Number(isOpenTicket(a)) ||
              (isOpenTicket(a) ? PRIORITY_RANK[a.priority ?? 'NORMAL'] - PRIORITY_RANK[b.priority ?? 'NORMAL'] : 0) ||
              b.updatedAt.localeCompare(a.updatedAt),
          )
          .slice(0, Math.max(0, Math.min(args.first, 200))),
    },
    SupportOrganization: {
      url: (o: SupportOrganization, _: unknown, ctx: SchemaContext) => ctx.deepLink('zendesk', 'Organization', o.id),
    },
    Ticket: {
      url: (t: Ticket, _: unknown, ctx: SchemaContext) => ctx.deepLink('zendesk', 'Ticket', t.id),
    },
  },
};
