import { DAY, isoZ, money, type SandboxCore } from '../../sandbox/core.js';
import type { CrmAccount, Customer } from '../../sandbox/customers.js';
import type { ZdOrganization, ZdTicket, ZdUser, ZendeskData } from './records.js';

/** Zendesk's part of the sandbox dataset: the support agents, and each customer's organization, requesters and tickets. */

const TICKET_SUBJECTS = [
  'Cannot log in to the portal',
  'Invoice shows the wrong address',
  'Export to CSV fails',
  'Question about our renewal',
  'Request: add two more users',
  'Report is missing last month',
  'Integration stopped syncing',
  'Password reset e-mail never arrives',
  'Slow page loads since Monday',
  'How do we change the billing contact?',
];

export type ZendeskPart = { core: SandboxCore; data: ZendeskData; agents: ZdUser[]; n: { organization: number; user: number; ticket: number } };

export function createZendeskPart(core: SandboxCore): ZendeskPart {
  const agents: ZdUser[] = ['Riley Chen', 'Noor Haddad', 'Kim Larsen'].map((name, i) => ({
    id: 360000000100 + i,
    url: '',
    name,
    email: `${name.toLowerCase().replace(/ /g, '.')}@panorama-demo.example`,
    role: i === 0 ? 'admin' : 'agent',
    organization_id: null,
    phone: null,
    active: true,
    verified: true,
    time_zone: 'London',
    locale: 'en-US',
    created_at: isoZ(core.start - 30 * DAY),
    updated_at: isoZ(core.start - 30 * DAY),
  }));
  return { core, data: { organizations: [], users: [...agents], tickets: [] }, agents, n: { organization: 0, user: 0, ticket: 0 } };
}

/** The customer's organization (linked by external id or only by domain), its requesters and their tickets. */
export function addZendeskCustomer(s: ZendeskPart, c: Customer, crm: CrmAccount, overdueBalance: number): void {
  const t = c.traits;
  if (t.zendesk === 'none') return;
  const org = addOrganization(s, c, crm);
  const requesters: ZdUser[] = crm.people.slice(0, 3).map((p) => ({
    id: 360000200000 + ++s.n.user,
    url: '',
    name: p.name,
    email: p.email,
    role: 'end-user',
    organization_id: org.id,
    phone: p.phone,
    active: true,
    verified: true,
    time_zone: 'Eastern Time (US & Canada)',
    locale: 'en-US',
    created_at: org.created_at,
    updated_at: org.updated_at,
  }));
  s.data.users.push(...requesters);
  const wantUrgent = t.overdueWithUrgent || (t.hasUrgent && overdueBalance === 0);
  const urgentIds = addTickets(s, c, org.id, requesters, wantUrgent);
  for (const id of urgentIds) s.core.manifest.urgentOpenTickets.push({ accountId: crm.accountId, ticketId: id });
  if (t.overdueWithUrgent && overdueBalance > 0 && urgentIds.length) {
    s.core.manifest.overdueWithUrgentTickets.push({ accountId: crm.accountId, ticketIds: urgentIds, overdueBalance: money(overdueBalance) });
  }
}

function addOrganization(s: ZendeskPart, c: Customer, crm: CrmAccount): ZdOrganization {
  const { timeOn, dayBetween, today, manifest } = s.core;
  const t = c.traits;
  const orgId = 360000100000 + ++s.n.organization;
  const org: ZdOrganization = {
    id: orgId,
    url: '',
    name: t.zendesk === 'domain' ? `${c.name} (support)` : c.name,
    external_id: t.zendesk === 'exact' ? crm.accountId : null,
    domain_names: [c.domain],
    details: null,
    notes: null,
    group_id: null,
    shared_tickets: false,
    shared_comments: false,
    tags: [crm.tier?.toLowerCase() ?? 'standard'],
    organization_fields: {},
    created_at: isoZ(timeOn(c.created)),
    updated_at: isoZ(timeOn(dayBetween(c.created, today - DAY))),
  };
  s.data.organizations.push(org);
  if (t.zendesk === 'exact') manifest.exactLinks.push({ accountId: crm.accountId, system: 'zendesk', recordId: String(orgId) });
  else manifest.heuristicLinks.push({ accountId: crm.accountId, system: 'zendesk', recordId: String(orgId), rule: 'DOMAIN' });
  return org;
}

/** Up to seven tickets, and first an open urgent one where planted; returns the planted tickets' ids. */
function addTickets(s: ZendeskPart, c: Customer, orgId: number, requesters: ZdUser[], wantUrgent: boolean): string[] {
  const { f, int, chance, dayBetween, today } = s.core;
  const nTickets = int(0, 7);
  const urgentIds: string[] = [];
  for (let k = 0; k < nTickets + (wantUrgent ? 1 : 0); k++) {
    const plantedUrgent = wantUrgent && k === 0;
    const createdAt = plantedUrgent ? today - int(0, 5) * DAY : dayBetween(c.created, today - DAY);
    const old = createdAt < today - 30 * DAY;
    const status: ZdTicket['status'] = plantedUrgent
      ? f.helpers.arrayElement(['new', 'open'] as const)
      : old
        ? f.helpers.arrayElement(['solved', 'closed', 'closed'] as const)
        : f.helpers.arrayElement(['new', 'open', 'pending', 'solved'] as const);
    const isOpen = ['new', 'open', 'pending', 'hold'].includes(status);
    // an open urgent ticket is only ever planted, so no unplanned "overdue and urgent" flag appears
    let priority: ZdTicket['priority'] = plantedUrgent
      ? 'urgent'
      : f.helpers.arrayElement(['low', 'normal', 'normal', 'high', null] as const);
    if (!isOpen && !plantedUrgent && chance(0.05)) priority = 'urgent';
    const ticket = zdTicket(s, ++s.n.ticket, f.helpers.arrayElement(requesters), orgId, createdAt, status, priority, old);
    s.data.tickets.push(ticket);
    if (plantedUrgent) urgentIds.push(String(ticket.id));
  }
  return urgentIds;
}

/** An organization from a trial sign-up, linked to no customer. */
export function addTrialOrganization(s: ZendeskPart): void {
  const { start, manifest, companies } = s.core;
  const orgName = `${companies.unique()} Trial`;
  const orgId = 360000100000 + ++s.n.organization;
  s.data.organizations.push({
    id: orgId,
    url: '',
    name: orgName,
    external_id: null,
    domain_names: [companies.domainFor(orgName)],
    details: 'Trial sign-up',
    notes: null,
    group_id: null,
    shared_tickets: false,
    shared_comments: false,
    tags: ['trial'],
    organization_fields: {},
    created_at: isoZ(start),
    updated_at: isoZ(start),
  });
  manifest.unlinked.push({ system: 'zendesk', recordId: String(orgId) });
}

function zdTicket(s: ZendeskPart, n: number, requester: ZdUser, orgId: number, createdMs: number, status: ZdTicket['status'], priority: ZdTicket['priority'], old: boolean): ZdTicket {
  const { f, int, timeOn, today } = s.core;
  const subject = f.helpers.arrayElement(TICKET_SUBJECTS);
  const agent = f.helpers.arrayElement(s.agents);
  const createdTime = timeOn(createdMs);
  const updatedTime = Math.max(createdTime, Math.min(today + 12 * 3600 * 1000, timeOn(createdMs + int(0, old ? 20 : 3) * DAY)));
  return {
    id: n,
    url: '',
    external_id: null,
    type: f.helpers.arrayElement(['problem', 'incident', 'question', 'task', null] as const),
    subject,
    raw_subject: subject,
    description: `${subject}. ${f.lorem.sentence()}`,
    priority,
    status,
    recipient: 'support@panorama-demo.example',
    requester_id: requester.id,
    submitter_id: requester.id,
    assignee_id: status === 'new' ? null : agent.id,
    organization_id: orgId,
    group_id: null,
    collaborator_ids: [],
    follower_ids: [],
    email_cc_ids: [],
    has_incidents: false,
    is_public: true,
    due_at: null,
    tags: [],
    custom_fields: [],
    satisfaction_rating: status === 'solved' || status === 'closed' ? { score: f.helpers.weightedArrayElement([{ weight: 6, value: 'good' as const }, { weight: 1, value: 'bad' as const }, { weight: 3, value: 'offered' as const }]) } : null,
    via: { channel: f.helpers.arrayElement(['email', 'web', 'api']) },
    created_at: isoZ(createdTime),
    updated_at: isoZ(updatedTime),
  };
}

/**
 * Organizations whose external id holds the 15-character form of the Account Id (pasted from a Salesforce URL or
 * report): the same id, so still an exact link.
 */
export function shortenExternalIds(s: ZendeskPart, orgIds: readonly string[]): void {
  for (const id of orgIds) {
    const org = s.data.organizations.find((o) => String(o.id) === id)!;
    const storedId = org.external_id!.slice(0, 15);
    s.core.manifest.linkCases.push({ rule: 'SHORT_ID', system: 'zendesk', accountId: org.external_id!, recordId: id, storedId, expected: 'EXACT' });
    org.external_id = storedId;
  }
}

/** An organization whose external id names an account the CRM does not have: an orphan, never a customer. */
export function addOrphanOrganization(s: ZendeskPart, pointsAt: string, deleted: boolean): void {
  const { start, manifest, companies } = s.core;
  const name = `${companies.unique()} (former customer)`;
  const orgId = 360000100000 + ++s.n.organization;
  s.data.organizations.push({
    id: orgId,
    url: '',
    name,
    external_id: pointsAt,
    domain_names: [companies.domainFor(name)],
    details: null,
    notes: null,
    group_id: null,
    shared_tickets: false,
    shared_comments: false,
    tags: ['former'],
    organization_fields: {},
    created_at: isoZ(start),
    updated_at: isoZ(start),
  });
  manifest.linkCases.push({ rule: 'ORPHAN', system: 'zendesk', accountId: null, recordId: String(orgId), storedId: pointsAt, name, deleted, expected: 'ORPHAN' });
}
