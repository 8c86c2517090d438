import type { Person, SupportCustomer, SupportOrganization, Ticket, TicketPriority, TicketStatus, TicketType } from '../kit/domain.js';
import type {
  ZdIncrementalOrganizations,
  ZdOrganization,
  ZdOrganizationSearch,
  ZdOrganizationsCursorPage,
  ZdTicket,
  ZdTicketSearch,
  ZdUser,
} from './types.js';
import type { ZendeskLinkField } from './config.js';

/**
 * The organization field that holds the CRM account id, as the loaders apply it: `external_id`, a custom field's
 * key, or null — the link is off, or the account has no such field as text (FieldMap), so no organization is
 * linked exactly and the name/domain heuristics are all that link it.
 */
export type OrgLink = ZendeskLinkField | null;

/** The default link, the standard external_id. */
export const EXTERNAL_ID_LINK: OrgLink = { kind: 'external_id' };

/** The CRM account id an organization holds in the link field, trimmed; null when empty, not text, or no link. */
export function crmAccountIdOf(org: ZdOrganization, link: OrgLink): string | null {
  if (!link) return null;
  let raw: unknown;
  if (link.kind === 'external_id') raw = org.external_id;
  else {
    const fields = org.organization_fields ?? {};
    // Keys compare without case, as the field check does (FieldMap); the exact key wins.
    raw = link.key in fields ? fields[link.key] : Object.entries(fields).find(([k]) => k.toLowerCase() === link.key.toLowerCase())?.[1];
  }
  const v = typeof raw === 'string' ? raw.trim() : '';
  return v ? v : null;
}

export function mapOrganization(org: ZdOrganization, link: OrgLink): SupportOrganization {
  return {
    id: String(org.id),
    name: org.name,
    crmAccountId: crmAccountIdOf(org, link),
    domains: (org.domain_names ?? []).map((d) => d.toLowerCase()),
    createdAt: org.created_at,
  };
}

export function mapPerson(user: ZdUser): Person {
  return { id: String(user.id), name: user.name, email: user.email ?? null };
}

export function mapStatus(status: ZdTicket['status']): TicketStatus {
  return status.toUpperCase() as TicketStatus;
}

export function mapPriority(priority: ZdTicket['priority']): TicketPriority | null {
  return priority ? (priority.toUpperCase() as TicketPriority) : null;
}

export function mapTicketType(type: ZdTicket['type']): TicketType | null {
  return type ? (type.toUpperCase() as TicketType) : null;
}

/** Only a given rating counts: `offered`/`unoffered` (asked, not answered) and no rating are all null. */
export function mapSatisfaction(rating: ZdTicket['satisfaction_rating']): Ticket['satisfaction'] {
  if (rating?.score === 'good') return 'GOOD';
  if (rating?.score === 'bad') return 'BAD';
  return null;
}

/** A ticket, with requester and assignee resolved from the users Zendesk returned (a deleted user → null). */
export function mapTicket(ticket: ZdTicket, users: ReadonlyMap<number, ZdUser>): Ticket {
  const person = (id: number | null) => {
    const u = id === null ? undefined : users.get(id);
    return u ? mapPerson(u) : null;
  };
  return {
    id: String(ticket.id),
    subject: ticket.subject ?? '',
    status: mapStatus(ticket.status),
    priority: mapPriority(ticket.priority),
    type: mapTicketType(ticket.type),
    requester: person(ticket.requester_id),
    assignee: person(ticket.assignee_id),
    createdAt: ticket.created_at,
    updatedAt: ticket.updated_at,
    satisfaction: mapSatisfaction(ticket.satisfaction_rating),
  };
}

/** The ids of the users a set of tickets names, for one users/show_many or a check of a sideload. */
export function referencedUserIds(tickets: readonly ZdTicket[]): number[] {
  const ids = new Set<number>();
  for (const t of tickets) {
    if (t.requester_id !== null) ids.add(t.requester_id);
    if (t.assignee_id !== null) ids.add(t.assignee_id);
  }
  return [...ids];
}

// ---- Assembling answers of several requests (kept here so loaders.ts never reads a vendor field) --------

/** A ticket with the organization it belongs to, for flags that need the CRM account behind a ticket. */
export type { UrgentTicket } from '../kit/domain.js';
import type { UrgentTicket } from '../kit/domain.js';

/** Tickets gathered from one or more search pages, with what was sideloaded alongside them. */
export type TicketSet = {
  tickets: ZdTicket[];
  users: Map<number, ZdUser>;
  organizations: Map<number, ZdOrganization>;
  /** Matches Zendesk counted, also past the 1,000 that can be paged to. */
  total: number;
  truncated: boolean;
};

export function emptyTicketSet(): TicketSet {
  return { tickets: [], users: new Map(), organizations: new Map(), total: 0, truncated: false };
}

export function searchTotal(page: ZdTicketSearch): number {
  return page.count;
}

export function addSearchPage(set: TicketSet, page: ZdTicketSearch): void {
  set.tickets.push(...page.results);
  for (const u of page.users ?? []) set.users.set(u.id, u);
  for (const o of page.organizations ?? []) set.organizations.set(o.id, o);
}

/** Several sets in one, each ticket once (offset pages can repeat a record when the index shifts), newest first. */
export function mergeTicketSets(parts: TicketSet[]): TicketSet {
  const merged = emptyTicketSet();
  for (const p of parts) {
    merged.tickets.push(...p.tickets);
    for (const [k, v] of p.users) merged.users.set(k, v);
    for (const [k, v] of p.organizations) merged.organizations.set(k, v);
    merged.total += p.total;
    merged.truncated ||= p.truncated;
  }
  merged.tickets = uniqueTickets(merged.tickets).sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id - a.id);
  return merged;
}

export function uniqueTickets(tickets: ZdTicket[]): ZdTicket[] {
  const seen = new Set<number>();
  return tickets.filter((t) => (seen.has(t.id) ? false : (seen.add(t.id), true)));
}

/** The users the tickets name that the sideloads did not carry (normally none). */
export function missingUserIds(set: TicketSet): number[] {
  return referencedUserIds(set.tickets).filter((id) => !set.users.has(id));
}

export function addUsers(set: TicketSet, page: { users: ZdUser[] }): void {
  for (const u of page.users) set.users.set(u.id, u);
}

/**
 * Organizations found by their link field, keyed by the account id that was asked for. Zendesk compares external
 * ids case-insensitively (and a search matches text without case), so the answer is matched back the same way;
 * the first organization per account wins, and one whose field does not hold the id exactly is left out.
 */
export function organizationsByAccount(accountIds: readonly string[], organizations: ZdOrganization[], link: OrgLink): Map<string, ZdOrganization> {
  const asked = new Map(accountIds.map((id) => [id.toLowerCase(), id]));
  const out = new Map<string, ZdOrganization>();
  for (const org of organizations) {
    const held = crmAccountIdOf(org, link);
    const accountId = held ? asked.get(held.toLowerCase()) : undefined;
    if (accountId && !out.has(accountId)) out.set(accountId, org);
  }
  return out;
}

export function organizationIds(orgs: Iterable<ZdOrganization>): number[] {
  return [...new Set([...orgs].map((o) => o.id))];
}

/** One customer's support record: the organization and, newest first, its tickets from the set. */
export function supportCustomers(orgs: Map<string, ZdOrganization>, set: TicketSet, link: OrgLink): Map<string, SupportCustomer> {
  return supportCustomersOf(new Map([...orgs].map(([key, org]) => [key, mapOrganization(org, link)])), set);
}

/** The same, for organizations already in Panorama's form (from the organization index). */
export function supportCustomersOf(orgs: Map<string, SupportOrganization>, set: TicketSet): Map<string, SupportCustomer> {
  const byOrg = new Map<string, Ticket[]>();
  for (const t of set.tickets) {
    if (t.organization_id === null) continue;
    const key = String(t.organization_id);
    const list = byOrg.get(key) ?? [];
    list.push(mapTicket(t, set.users));
    byOrg.set(key, list);
  }
  const out = new Map<string, SupportCustomer>();
  for (const [key, org] of orgs) out.set(key, { organization: org, tickets: byOrg.get(org.id) ?? [] });
  return out;
}

/** The organization as a search sideloaded it (current), or else as the index holds it. */
export function currentOrganization(set: TicketSet, indexed: SupportOrganization, link: OrgLink): SupportOrganization {
  const side = set.organizations.get(Number(indexed.id));
  return side ? mapOrganization(side, link) : indexed;
}

export function urgentTickets(set: TicketSet, link: OrgLink): UrgentTicket[] {
  return set.tickets.map((t) => {
    const org = t.organization_id === null ? undefined : set.organizations.get(t.organization_id);
    return {
      ticket: mapTicket(t, set.users),
      organizationId: t.organization_id === null ? null : String(t.organization_id),
      crmAccountId: org ? crmAccountIdOf(org, link) : null,
    };
  });
}

/** The link to the next cursor page, or null on the last one. */
export function nextPageLink(page: ZdOrganizationsCursorPage): string | null {
  return page.meta.has_more && page.links.next ? page.links.next : null;
}

/** The incremental export's organizations in its order: each mapped, or null when it carries `deleted_at`. */
export function mapOrganizationChanges(page: ZdIncrementalOrganizations, link: OrgLink): { id: string; organization: SupportOrganization | null }[] {
  return page.organizations.map((o) => ({ id: String(o.id), organization: o.deleted_at ? null : mapOrganization(o, link) }));
}

export function mapOrganizationsPage(page: { organizations: ZdOrganization[] }, link: OrgLink): SupportOrganization[] {
  return page.organizations.map((o) => mapOrganization(o, link));
}

export function mapOrganizationSearch(page: ZdOrganizationSearch, link: OrgLink): SupportOrganization[] {
  return page.results.map((o) => mapOrganization(o, link));
}
