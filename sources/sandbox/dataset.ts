import { Faker, en } from '@faker-js/faker';
import { ASANA_WORKSPACE_GID, QBO_REALM_ID } from './constants.js';
import { systemClock, todayOf, type Clock } from '../kit/clock.js';
import { normaliseCompanyName } from '../kit/names.js';
import { normalizeSalesforceId } from '../salesforce/ids.js';
import { DEMO_USERS } from './demo-users.js';
import type {
  AsanaCompact,
  AsanaCustomField,
  AsanaProject,
  AsanaStatus,
  AsanaTask,
  AsanaUser,
  Manifest,
  QboAddr,
  QboCustomer,
  QboInvoice,
  QboPayment,
  SfAccount,
  SfContact,
  SfOpportunity,
  SfUser,
  World,
  ZdOrganization,
  ZdTicket,
  ZdUser,
} from './world.js';

export type DatasetOptions = {
  seed?: number;
  /** Number of CRM accounts (customers). */
  size?: number;
  /** The dataset's "today" (YYYY-MM-DD); dates spread over the two years before it. @default the clock's day */
  today?: string;
  /** Gives "today" when `today` is unset. @default systemClock (the real date, so the demo looks current) */
  clock?: Clock;
};

export const DEFAULT_SEED = 20261127;
export const DEFAULT_SIZE = 1000;

const DAY = 86_400_000;

/** Names that break naive query building, planted first so every size of dataset has them. */
export const TRICKY_NAMES = [
  "O'Brien & Sons",
  'The "Quoted" Company',
  'Back\\slash Engineering',
  '100% Natural Foods',
  'Under_score Labs',
  'Café Müller GmbH',
  'Ångström Øresund AB',
  '東京精密株式会社',
  'Москва Трейдинг',
  "Zoë's Bakery & Café",
];

export { normaliseCompanyName };

const INDUSTRIES = ['Technology', 'Manufacturing', 'Retail', 'Healthcare', 'Finance', 'Education', 'Hospitality', 'Construction', 'Media'];
const TIERS = ['Gold', 'Silver', 'Bronze'];
const OPEN_STAGES = ['Prospecting', 'Qualification', 'Needs Analysis', 'Proposal/Price Quote', 'Negotiation/Review'];
const PROJECT_KINDS = ['Onboarding', 'Website rebuild', 'Data migration', 'Integration rollout', 'Annual audit', 'Training programme', 'Platform upgrade'];
const MILESTONE_NAMES = ['Kick-off', 'Requirements signed off', 'Design approved', 'Build complete', 'User acceptance', 'Go-live', 'Handover'];
const TASK_NAMES = ['Send welcome pack', 'Collect credentials', 'Draft plan', 'Review with client', 'Configure workspace', 'Import data', 'Write runbook', 'Book training', 'QA pass', 'Update status report'];
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

const sfUserNames = [
  ['Alex', 'Morgan', 'Account Manager'],
  ['Priya', 'Natarajan', 'Account Manager'],
  ['Sam', 'Okafor', 'Account Manager'],
  ['Jordan', 'Lee', 'Senior Account Manager'],
  ['Maria', 'Fernández', 'Account Manager'],
  ['Chris', 'Walker', 'Sales Director'],
] as const;

/** Salesforce's 18-character, case-safe id: 15 characters plus a 3-character checksum of their case. */
export function salesforceId(prefix: string, n: number): string {
  const chars = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  let body = '';
  let v = n;
  for (let i = 0; i < 9; i++) {
    body = chars[v % 62] + body;
    v = Math.floor(v / 62);
  }
  const id15 = `${prefix}Pn0${body}`.slice(0, 15).padEnd(15, '0');
  return normalizeSalesforceId(id15)!;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '.000+0000');
const isoZ = (ms: number) => new Date(ms).toISOString();
const ymd = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const qboTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '-08:00');
const money = (n: number) => Math.round(n * 100) / 100;

type Traits = {
  qbo: 'exact' | 'name' | 'domain' | 'ambiguous' | 'none';
  zendesk: 'exact' | 'domain' | 'none';
  prospect: boolean;
  addressConflict: boolean;
  emailConflict: boolean;
  wonDealWithoutProject: boolean;
  milestoneWithoutInvoice: boolean;
  onHoldWhilePaidUp: boolean;
  overdueWithUrgent: boolean;
  hasOverdue: boolean;
  hasUrgent: boolean;
  asanaByName: boolean;
};

/**
 * Generates the sandbox's whole world from a seed: four systems linked the way businesses link them, with the
 * cases Panorama exists to catch planted and listed in `manifest`. Same options, same world.
 */
export function generateWorld(opts: DatasetOptions = {}): World {
  const seed = opts.seed ?? DEFAULT_SEED;
  const size = Math.max(20, opts.size ?? DEFAULT_SIZE);
  const todayStr = opts.today ?? todayOf(opts.clock ?? systemClock);
  const today = Date.parse(`${todayStr}T00:00:00Z`);
  if (Number.isNaN(today)) throw new Error(`Sandbox: today "${todayStr}" is not a date (YYYY-MM-DD)`);
  const start = today - 730 * DAY;

  const f = new Faker({ locale: [en] });
  f.seed(seed);
  const int = (min: number, max: number) => f.number.int({ min, max });
  const chance = (p: number) => f.number.float({ min: 0, max: 1 }) < p;
  const dayBetween = (from: number, to: number) => from + int(0, Math.max(0, Math.floor((to - from) / DAY))) * DAY;
  const timeOn = (day: number) => day + int(8 * 3600, 18 * 3600) * 1000;

  const manifest: Manifest = {
    seed,
    size,
    today: todayStr,
    demoUsers: [],
    exactLinks: [],
    heuristicLinks: [],
    ambiguous: [],
    unlinked: [],
    conflicts: [],
    wonDealsWithoutProject: [],
    milestonesWithoutInvoice: [],
    onHoldWhilePaidUp: [],
    overdueWithUrgentTickets: [],
    overdueInvoices: [],
    urgentOpenTickets: [],
    trickyNames: [],
    cleanAccountIds: [],
  };

  // ---- people who work at the business -----------------------------------------------------------
  const sfUsers: SfUser[] = sfUserNames.map(([first, last, title], i) => ({
    Id: salesforceId('005', i + 1),
    Name: `${first} ${last}`,
    Email: `${first.toLowerCase()}.${last.toLowerCase().normalize('NFKD').replace(/[^a-z]/g, '')}@panorama-demo.example`,
    Title: title,
    IsActive: true,
  }));
  const amOwners = sfUsers.slice(0, 5);
  manifest.demoUsers = DEMO_USERS.map((u) => ({
    role: u.role,
    name: u.name,
    email: u.email,
    salesforceUserId: sfUsers.find((s) => s.Email === u.email)?.Id ?? null,
  }));

  const workspace = {
    gid: ASANA_WORKSPACE_GID,
    resource_type: 'workspace' as const,
    name: 'Panorama Demo Co',
    is_organization: true,
    email_domains: ['panorama-demo.example'],
  };
  const wsCompact: AsanaCompact = { gid: workspace.gid, resource_type: 'workspace', name: workspace.name };
  const team: AsanaCompact = { gid: '1200000000000002', resource_type: 'team', name: 'Client Delivery' };
  const asanaUsers: AsanaUser[] = ['Taylor Brooks', 'Jamie Rivera', 'Casey Novak', 'Robin Achterberg'].map((name, i) => ({
    gid: String(1200000000000100 + i),
    resource_type: 'user',
    name,
    email: `${name.toLowerCase().replace(/ /g, '.')}@panorama-demo.example`,
  }));
  const accountField: AsanaCustomField = {
    gid: '1200000000000050',
    resource_type: 'custom_field',
    resource_subtype: 'text',
    type: 'text',
    name: 'Salesforce Account Id',
    description: 'The 18-character Id of the Salesforce Account this project delivers for.',
  };
  const zdAgents: ZdUser[] = ['Riley Chen', 'Noor Haddad', 'Kim Larsen'].map((name, i) => ({
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
    created_at: isoZ(start - 30 * DAY),
    updated_at: isoZ(start - 30 * DAY),
  }));

  const world: World = {
    salesforce: { users: sfUsers, accounts: [], contacts: [], opportunities: [] },
    quickbooks: { realmId: QBO_REALM_ID, customers: [], invoices: [], payments: [] },
    asana: { workspace, team, users: asanaUsers, accountField, projects: [], tasks: [] },
    zendesk: { organizations: [], users: [...zdAgents], tickets: [] },
    manifest,
  };

  let sfAccountN = 0;
  let sfContactN = 0;
  let sfOppN = 0;
  let qboCustomerN = 0;
  let qboInvoiceN = 0;
  let qboPaymentN = 0;
  let asanaN = 0;
  let zdOrgN = 0;
  let zdUserN = 0;
  let zdTicketN = 0;
  const asanaGid = () => String(1201000000000000 + ++asanaN);

  // ---- which planted cases go where ---------------------------------------------------------------
  const order = f.helpers.shuffle([...Array(size).keys()].filter((i) => i >= TRICKY_NAMES.length));
  const take = (share: number) => order.splice(0, Math.max(2, Math.round(size * share)));
  const traits: Traits[] = [...Array(size)].map(() => ({
    qbo: 'exact',
    zendesk: 'exact',
    prospect: false,
    addressConflict: false,
    emailConflict: false,
    wonDealWithoutProject: false,
    milestoneWithoutInvoice: false,
    onHoldWhilePaidUp: false,
    overdueWithUrgent: false,
    hasOverdue: false,
    hasUrgent: false,
    asanaByName: false,
  }));
  for (const i of take(0.04)) traits[i]!.prospect = true;
  for (const i of take(0.03)) traits[i]!.qbo = 'name';
  for (const i of take(0.02)) traits[i]!.qbo = 'domain';
  for (const i of take(0.015)) traits[i]!.qbo = 'ambiguous';
  for (const i of take(0.06)) traits[i]!.qbo = 'none';
  for (const i of take(0.04)) traits[i]!.zendesk = 'domain';
  for (const i of take(0.06)) traits[i]!.zendesk = 'none';
  for (const i of take(0.03)) traits[i]!.asanaByName = true;
  for (const i of take(0.03)) traits[i]!.addressConflict = true;
  for (const i of take(0.03)) traits[i]!.emailConflict = true;
  for (const i of take(0.03)) traits[i]!.wonDealWithoutProject = true;
  for (const i of take(0.03)) traits[i]!.milestoneWithoutInvoice = true;
  for (const i of take(0.02)) traits[i]!.onHoldWhilePaidUp = true;
  for (const i of take(0.03)) traits[i]!.overdueWithUrgent = true;
  // Ordinary life, not flags on their own: some customers owe money, others have an urgent ticket open.
  for (const i of take(0.15)) traits[i]!.hasOverdue = true;
  for (const i of take(0.06)) traits[i]!.hasUrgent = true;

  const usedNames = new Set<string>();
  const usedDomains = new Set<string>();
  const uniqueCompany = (): string => {
    for (;;) {
      const name = f.company.name();
      const key = normaliseCompanyName(name);
      if (key && !usedNames.has(key)) {
        usedNames.add(key);
        return name;
      }
    }
  };
  const domainFor = (name: string): string => {
    const base =
      name
        .normalize('NFKD')
        .replace(/[\u0300-\u036f]/g, '')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')
        .slice(0, 30) || `client-${f.string.alphanumeric(6).toLowerCase()}`;
    let domain = `${base}.example`;
    for (let n = 2; usedDomains.has(domain); n++) domain = `${base}-${n}.example`;
    usedDomains.add(domain);
    return domain;
  };

  for (let i = 0; i < size; i++) {
    const t = traits[i]!;
    const tricky = TRICKY_NAMES[i];
    const name = tricky ?? uniqueCompany();
    if (tricky) usedNames.add(normaliseCompanyName(tricky));
    const domain = domainFor(name);
    const created = dayBetween(start, today - 200 * DAY);
    const owner = amOwners[i % amOwners.length]!;
    const city = f.location.city();
    const state = f.location.state({ abbreviated: true });
    const address = { street: f.location.streetAddress(), city, state, postal: f.location.zipCode('#####'), country: 'USA' };
    const accountId = salesforceId('001', ++sfAccountN);
    const account: SfAccount = {
      Id: accountId,
      Name: name,
      Website: `https://www.${domain}`,
      Phone: f.phone.number({ style: 'national' }),
      Industry: f.helpers.arrayElement(INDUSTRIES),
      Type: t.prospect ? 'Prospect' : 'Customer',
      Tier__c: t.prospect ? null : f.helpers.arrayElement(TIERS),
      BillingStreet: address.street,
      BillingCity: address.city,
      BillingState: address.state,
      BillingPostalCode: address.postal,
      BillingCountry: address.country,
      ShippingStreet: chance(0.7) ? address.street : f.location.streetAddress(),
      ShippingCity: address.city,
      ShippingState: address.state,
      ShippingPostalCode: address.postal,
      ShippingCountry: address.country,
      OwnerId: owner.Id,
      QuickBooks_Customer_Id__c: null,
      CreatedDate: iso(timeOn(created)),
      LastModifiedDate: iso(timeOn(dayBetween(created, today - DAY))),
    };
    world.salesforce.accounts.push(account);
    if (tricky) manifest.trickyNames.push({ accountId, name });

    // contacts
    const contacts: SfContact[] = [];
    const nContacts = int(2, 5);
    for (let c = 0; c < nContacts; c++) {
      const first = f.person.firstName();
      const last = f.person.lastName();
      contacts.push({
        Id: salesforceId('003', ++sfContactN),
        AccountId: accountId,
        FirstName: first,
        LastName: last,
        Name: `${first} ${last}`,
        Title: f.person.jobTitle(),
        Email: `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, '') + `@${domain}`,
        Phone: f.phone.number({ style: 'national' }),
        Primary__c: c === 0,
        CreatedDate: account.CreatedDate,
        LastModifiedDate: account.LastModifiedDate,
      });
    }
    world.salesforce.contacts.push(...contacts);
    const primaryEmail = contacts[0]!.Email!;

    if (t.prospect) {
      world.salesforce.opportunities.push(openDeal(accountId, owner.Id, created));
      manifest.unlinked.push({ system: 'salesforce', recordId: accountId });
      continue;
    }

    // deals: at least one won, some lost, maybe one open
    const opps: SfOpportunity[] = [];
    const nWon = int(1, 3);
    for (let d = 0; d < nWon; d++) {
      // where a recent win is planted without a project, the earlier wins (and their projects) come well before it
      const close = dayBetween(created + 20 * DAY, today - (t.wonDealWithoutProject ? 90 : 30) * DAY);
      opps.push(deal(accountId, owner.Id, close, 'Closed Won'));
    }
    if (t.wonDealWithoutProject) {
      // A recent win that nobody turned into a project.
      const won = deal(accountId, owner.Id, today - int(20, 60) * DAY, 'Closed Won');
      opps.push(won);
      manifest.wonDealsWithoutProject.push({ accountId, opportunityId: won.Id, closeDate: won.CloseDate });
    }
    if (chance(0.4)) opps.push(deal(accountId, owner.Id, dayBetween(created, today - 10 * DAY), 'Closed Lost'));
    if (chance(0.5)) opps.push(openDeal(accountId, owner.Id, created));
    world.salesforce.opportunities.push(...opps);

    // ---- Asana: a project for every won deal ------------------------------------------------------
    const projects: AsanaProject[] = [];
    const completedMilestones: { id: string; at: number }[] = [];
    const mayCompleteMilestones = t.qbo !== 'none' && t.qbo !== 'ambiguous';
    for (const won of opps.filter((o) => o.IsWon)) {
      if (manifest.wonDealsWithoutProject.some((w) => w.opportunityId === won.Id)) continue;
      const closeMs = Date.parse(won.CloseDate);
      const pCreated = Math.min(today - DAY, closeMs + int(1, 10) * DAY);
      const kind = f.helpers.arrayElement(PROJECT_KINDS);
      const gid = asanaGid();
      const due = pCreated + int(60, 200) * DAY;
      const byName = t.asanaByName;
      const project: AsanaProject = {
        gid,
        resource_type: 'project',
        name: `${name} — ${kind}`,
        archived: false,
        completed: false,
        completed_at: null,
        color: f.helpers.arrayElement(['dark-green', 'dark-blue', 'light-orange', 'dark-purple']),
        created_at: isoZ(timeOn(pCreated)),
        modified_at: isoZ(timeOn(Math.min(today - DAY, pCreated + 5 * DAY))),
        current_status: null,
        current_status_update: null,
        due_on: ymd(due),
        start_on: ymd(pCreated),
        notes: `Delivery for ${won.Name}.`,
        owner: { gid: asanaUsers[i % asanaUsers.length]!.gid, resource_type: 'user', name: asanaUsers[i % asanaUsers.length]!.name },
        permalink_url: `https://app.asana.com/0/${gid}/${gid}`,
        public: true,
        workspace: wsCompact,
        team,
        custom_fields: [
          { ...accountField, text_value: byName ? null : accountId, display_value: byName ? null : accountId },
        ],
      };
      const projCompact: AsanaCompact = { gid, resource_type: 'project', name: project.name };
      // milestones spread over the project's life; those due before today are done
      const nMilestones = int(2, 4);
      let allDone = true;
      for (let m = 0; m < nMilestones; m++) {
        const mDue = pCreated + Math.round(((m + 1) / (nMilestones + 1)) * (due - pCreated));
        const done = mayCompleteMilestones && mDue < today - 2 * DAY;
        if (!done) allDone = false;
        const mGid = asanaGid();
        const completedAt = done ? timeOn(mDue) : null;
        world.asana.tasks.push(task(mGid, MILESTONE_NAMES[m % MILESTONE_NAMES.length]!, 'milestone', projCompact, mDue, completedAt, pCreated));
        if (completedAt) completedMilestones.push({ id: mGid, at: completedAt });
      }
      const nTasks = int(3, 8);
      const projectTasks: AsanaTask[] = [];
      for (let k = 0; k < nTasks; k++) {
        const tDue = dayBetween(pCreated, due);
        const drawnDone = tDue < today - 7 * DAY ? chance(0.9) : chance(0.2);
        // A project whose milestones are all done is complete, and so is every task in it. The draws stay the
        // same (the rest of the world does not move); a task completed only because its project is gets noon of
        // its due day (at the latest yesterday), clamped below to the project's completion.
        const completedAt = drawnDone ? timeOn(Math.min(tDue, today - DAY)) : allDone ? Math.min(tDue, today - DAY) + 12 * 3_600_000 : null;
        const record = task(asanaGid(), f.helpers.arrayElement(TASK_NAMES), 'default_task', projCompact, tDue, completedAt, pCreated);
        projectTasks.push(record);
        world.asana.tasks.push(record);
      }
      const color: AsanaStatus['color'] = allDone ? 'complete' : t.hasOverdue && chance(0.3) ? 'blue' : f.helpers.weightedArrayElement([
        { weight: 6, value: 'green' as const },
        { weight: 2, value: 'yellow' as const },
        { weight: 1, value: 'red' as const },
      ]);
      project.current_status = statusUpdate(color, pCreated);
      project.current_status_update = { gid: project.current_status.gid, resource_type: 'status_update', title: project.current_status.title, resource_subtype: 'project_status_update' };
      if (allDone) {
        const completedMs = timeOn(Math.min(today - DAY, due));
        project.completed = true;
        project.completed_at = isoZ(completedMs);
        // no task of a complete project is completed after the project itself
        for (const pt of projectTasks) {
          if (pt.completed_at && Date.parse(pt.completed_at) > completedMs) pt.completed_at = isoZ(completedMs);
        }
      }
      projects.push(project);
      if (byName) manifest.heuristicLinks.push({ accountId, system: 'asana', recordId: gid, rule: 'NAME' });
      else manifest.exactLinks.push({ accountId, system: 'asana', recordId: gid });
    }
    if (t.onHoldWhilePaidUp) {
      const p = projects[0];
      if (p) {
        p.completed = false;
        p.completed_at = null;
        p.current_status = statusUpdate('blue', Date.parse(p.created_at));
        p.current_status.text = 'Paused until the client settles the outstanding invoice.';
        manifest.onHoldWhilePaidUp.push({ accountId, projectId: p.gid });
      }
    }
    world.asana.projects.push(...projects);

    // ---- QuickBooks -------------------------------------------------------------------------------
    let overdueBalance = 0;
    if (t.qbo !== 'none') {
      const qboAddr: QboAddr = {
        Id: String(1000 + qboCustomerN),
        Line1: address.street,
        City: address.city,
        CountrySubDivisionCode: address.state,
        PostalCode: address.postal,
        Country: address.country,
      };
      const qboName =
        t.qbo === 'name' ? nameVariant(name) : t.qbo === 'domain' ? `${f.person.lastName()} Holdings (${name.split(' ')[0]})` : name;
      const customer = qboCustomer(++qboCustomerN, qboName, primaryEmail, qboAddr, created);
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
      world.quickbooks.customers.push(customer);
      if (t.qbo === 'exact') {
        account.QuickBooks_Customer_Id__c = customer.Id;
        manifest.exactLinks.push({ accountId, system: 'quickbooks', recordId: customer.Id });
      } else if (t.qbo === 'ambiguous') {
        const twin = qboCustomer(++qboCustomerN, nameVariant(name, true), `ap@${domain}`, { ...qboAddr, Id: String(1000 + qboCustomerN) }, created);
        world.quickbooks.customers.push(twin);
        manifest.ambiguous.push({ accountId, system: 'quickbooks', candidateIds: [customer.Id, twin.Id] });
      } else {
        manifest.heuristicLinks.push({ accountId, system: 'quickbooks', recordId: customer.Id, rule: t.qbo === 'name' ? 'NAME' : 'DOMAIN' });
      }

      // invoices: after each won deal, and one after each completed milestone
      const invoiceDates: number[] = [];
      for (const won of opps.filter((o) => o.IsWon)) {
        const close = Date.parse(won.CloseDate);
        invoiceDates.push(Math.min(today - DAY, close + int(0, 5) * DAY));
        if (chance(0.5)) invoiceDates.push(dayBetween(close, today - DAY));
      }
      const plantedGap = t.milestoneWithoutInvoice && completedMilestones.length > 0;
      const sortedMilestones = [...completedMilestones].sort((a, b) => a.at - b.at);
      const gapMilestone = plantedGap ? sortedMilestones[sortedMilestones.length - 1]! : null;
      for (const m of sortedMilestones) {
        if (m === gapMilestone) continue;
        invoiceDates.push(Math.min(today - DAY, Math.floor(m.at / DAY) * DAY + int(0, 4) * DAY));
      }
      let dates = invoiceDates.sort((a, b) => a - b);
      if (gapMilestone) {
        const gapDay = Math.floor(gapMilestone.at / DAY) * DAY;
        dates = dates.map((d) => (d >= gapDay ? gapDay - int(1, 20) * DAY : d)).sort((a, b) => a - b);
        manifest.milestonesWithoutInvoice.push({ accountId, milestoneId: gapMilestone.id, completedAt: isoZ(gapMilestone.at) });
      } else if (t.milestoneWithoutInvoice) {
        t.milestoneWithoutInvoice = false;
      }
      const wantsOverdue = (t.hasOverdue || t.overdueWithUrgent) && !t.onHoldWhilePaidUp;
      if (wantsOverdue) {
        // make sure at least one invoice is already past its due date
        const d = today - int(45, 200) * DAY;
        dates.push(gapMilestone ? Math.min(d, Math.floor(gapMilestone.at / DAY) * DAY - DAY) : d);
        dates.sort((a, b) => a - b);
      }
      let madeOverdue = false;
      dates.forEach((date, k) => {
        const due = date + 30 * DAY;
        const isLast = k === dates.length - 1;
        const pastDue = due < today;
        let state: 'paid' | 'partial' | 'open' | 'overdue' = pastDue ? 'paid' : chance(0.4) ? 'paid' : 'open';
        if (pastDue && wantsOverdue && !madeOverdue) state = chance(0.3) ? 'partial' : 'overdue';
        if (!pastDue && state === 'open' && chance(0.2)) state = 'partial';
        if (t.onHoldWhilePaidUp) state = 'paid';
        const inv = qboInvoice(++qboInvoiceN, customer, date, due, state);
        if (pastDue && (state === 'overdue' || state === 'partial')) {
          madeOverdue = true;
          overdueBalance += inv.Balance;
        }
        if (!isLast && state === 'open' && chance(0.5)) inv.EmailStatus = 'EmailSent';
        world.quickbooks.invoices.push(inv);
        if (inv.Balance < inv.TotalAmt) world.quickbooks.payments.push(qboPayment(++qboPaymentN, customer, inv, date, due));
      });
      customer.Balance = money(world.quickbooks.invoices.filter((v) => v.CustomerRef.value === customer.Id).reduce((s, v) => s + v.Balance, 0));
      customer.BalanceWithJobs = customer.Balance;
    }

    // ---- Zendesk ----------------------------------------------------------------------------------
    if (t.zendesk !== 'none') {
      const orgId = 360000100000 + ++zdOrgN;
      const org: ZdOrganization = {
        id: orgId,
        url: '',
        name: t.zendesk === 'domain' ? `${name} (support)` : name,
        external_id: t.zendesk === 'exact' ? accountId : null,
        domain_names: [domain],
        details: null,
        notes: null,
        group_id: null,
        shared_tickets: false,
        shared_comments: false,
        tags: [account.Tier__c?.toLowerCase() ?? 'standard'],
        organization_fields: {},
        created_at: isoZ(timeOn(created)),
        updated_at: isoZ(timeOn(dayBetween(created, today - DAY))),
      };
      world.zendesk.organizations.push(org);
      if (t.zendesk === 'exact') manifest.exactLinks.push({ accountId, system: 'zendesk', recordId: String(orgId) });
      else manifest.heuristicLinks.push({ accountId, system: 'zendesk', recordId: String(orgId), rule: 'DOMAIN' });
      const requesters: ZdUser[] = contacts.slice(0, 3).map((c) => ({
        id: 360000200000 + ++zdUserN,
        url: '',
        name: c.Name,
        email: c.Email!,
        role: 'end-user',
        organization_id: orgId,
        phone: c.Phone,
        active: true,
        verified: true,
        time_zone: 'Eastern Time (US & Canada)',
        locale: 'en-US',
        created_at: org.created_at,
        updated_at: org.updated_at,
      }));
      world.zendesk.users.push(...requesters);
      const nTickets = int(0, 7);
      const urgentIds: string[] = [];
      const wantUrgent = t.overdueWithUrgent || (t.hasUrgent && overdueBalance === 0);
      for (let k = 0; k < nTickets + (wantUrgent ? 1 : 0); k++) {
        const plantedUrgent = wantUrgent && k === 0;
        const createdAt = plantedUrgent ? today - int(0, 5) * DAY : dayBetween(created, today - DAY);
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
        const ticket = zdTicket(++zdTicketN, f.helpers.arrayElement(requesters), orgId, createdAt, status, priority, old);
        world.zendesk.tickets.push(ticket);
        if (plantedUrgent) urgentIds.push(String(ticket.id));
      }
      for (const id of urgentIds) manifest.urgentOpenTickets.push({ accountId, ticketId: id });
      if (t.overdueWithUrgent && overdueBalance > 0 && urgentIds.length) {
        manifest.overdueWithUrgentTickets.push({ accountId, ticketIds: urgentIds, overdueBalance: money(overdueBalance) });
      }
    }
  }

  // ---- records no customer owns ---------------------------------------------------------------
  const extra = Math.max(3, Math.round(size * 0.02));
  for (let k = 0; k < extra; k++) {
    const walkIn = qboCustomer(++qboCustomerN, `${f.person.firstName()} ${f.person.lastName()} (walk-in)`, f.internet.email({ provider: 'mail.example' }).toLowerCase(), undefined, start);
    world.quickbooks.customers.push(walkIn);
    manifest.unlinked.push({ system: 'quickbooks', recordId: walkIn.Id });
    const orgName = `${uniqueCompany()} Trial`;
    const orgId = 360000100000 + ++zdOrgN;
    world.zendesk.organizations.push({
      id: orgId,
      url: '',
      name: orgName,
      external_id: null,
      domain_names: [domainFor(orgName)],
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
    const gid = asanaGid();
    world.asana.projects.push({
      gid,
      resource_type: 'project',
      name: `Internal — ${f.helpers.arrayElement(['Q3 planning', 'Hiring', 'Office move', 'Tooling', 'Brand refresh'])} ${k + 1}`,
      archived: false,
      completed: false,
      completed_at: null,
      color: null,
      created_at: isoZ(start),
      modified_at: isoZ(start),
      current_status: null,
      current_status_update: null,
      due_on: null,
      start_on: null,
      notes: '',
      owner: null,
      permalink_url: `https://app.asana.com/0/${gid}/${gid}`,
      public: true,
      workspace: wsCompact,
      team,
      custom_fields: [{ ...accountField, text_value: null, display_value: null }],
    });
    manifest.unlinked.push({ system: 'asana', recordId: gid });
  }

  // ---- what is overdue and what is clean, derived from the records themselves -------------------
  const accountByQbo = new Map<string, string>();
  for (const l of [...manifest.exactLinks, ...manifest.heuristicLinks]) if (l.system === 'quickbooks') accountByQbo.set(l.recordId, l.accountId);
  for (const inv of world.quickbooks.invoices) {
    const dueMs = Date.parse(inv.DueDate);
    if (inv.Balance > 0 && dueMs < today) {
      manifest.overdueInvoices.push({ accountId: accountByQbo.get(inv.CustomerRef.value) ?? null, invoiceId: inv.Id, daysOverdue: Math.floor((today - dueMs) / DAY) });
    }
  }
  const planted = new Set<string>([
    ...manifest.conflicts.map((c) => c.accountId),
    ...manifest.wonDealsWithoutProject.map((c) => c.accountId),
    ...manifest.milestonesWithoutInvoice.map((c) => c.accountId),
    ...manifest.onHoldWhilePaidUp.map((c) => c.accountId),
    ...manifest.overdueWithUrgentTickets.map((c) => c.accountId),
  ]);
  manifest.cleanAccountIds = world.salesforce.accounts.map((a) => a.Id).filter((id) => !planted.has(id));
  return world;

  // ---- record builders (closures over the seeded faker) -----------------------------------------
  function deal(accountId: string, ownerId: string, close: number, stage: 'Closed Won' | 'Closed Lost'): SfOpportunity {
    const createdAt = close - int(20, 90) * DAY;
    return {
      Id: salesforceId('006', ++sfOppN),
      AccountId: accountId,
      Name: `${f.helpers.arrayElement(PROJECT_KINDS)} ${new Date(close).getUTCFullYear()}`,
      StageName: stage,
      Amount: int(20, 400) * 250,
      CloseDate: ymd(close),
      IsClosed: true,
      IsWon: stage === 'Closed Won',
      OwnerId: ownerId,
      CreatedDate: iso(timeOn(createdAt)),
      LastModifiedDate: iso(timeOn(close)),
    };
  }
  function openDeal(accountId: string, ownerId: string, created: number): SfOpportunity {
    const close = today + int(10, 120) * DAY;
    return {
      Id: salesforceId('006', ++sfOppN),
      AccountId: accountId,
      Name: `${f.helpers.arrayElement(PROJECT_KINDS)} ${new Date(close).getUTCFullYear()}`,
      StageName: f.helpers.arrayElement(OPEN_STAGES),
      Amount: chance(0.9) ? int(20, 400) * 250 : null,
      CloseDate: ymd(close),
      IsClosed: false,
      IsWon: false,
      OwnerId: ownerId,
      CreatedDate: iso(timeOn(Math.max(created, today - 60 * DAY))),
      LastModifiedDate: iso(timeOn(today - int(1, 10) * DAY)),
    };
  }
  function task(gid: string, taskName: string, subtype: AsanaTask['resource_subtype'], project: AsanaCompact, due: number, completedAt: number | null, created: number): AsanaTask {
    const assignee = f.helpers.arrayElement(asanaUsers);
    return {
      gid,
      resource_type: 'task',
      resource_subtype: subtype,
      name: taskName,
      completed: completedAt !== null,
      completed_at: completedAt === null ? null : isoZ(completedAt),
      created_at: isoZ(timeOn(created)),
      modified_at: isoZ(timeOn(Math.min(today - DAY, completedAt ?? created))),
      due_on: ymd(due),
      assignee: { gid: assignee.gid, resource_type: 'user', name: assignee.name },
      projects: [project],
      memberships: [{ project, section: { gid: `${project.gid}9`, resource_type: 'section', name: 'Delivery' } }],
      permalink_url: `https://app.asana.com/0/${project.gid}/${gid}`,
      workspace: wsCompact,
      notes: '',
    };
  }
  function statusUpdate(color: AsanaStatus['color'], createdMs: number): AsanaStatus {
    const titles: Record<AsanaStatus['color'], string> = {
      green: 'On track',
      yellow: 'At risk',
      red: 'Off track',
      blue: 'On hold',
      complete: 'Complete',
    };
    return {
      gid: asanaGid(),
      resource_type: 'project_status',
      title: titles[color],
      color,
      text: `${titles[color]} as of the last weekly review.`,
      created_at: isoZ(timeOn(Math.min(today - DAY, createdMs + 14 * DAY))),
    };
  }
  function qboCustomer(n: number, displayName: string, email: string, addr: QboAddr | undefined, created: number): QboCustomer {
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
  function qboInvoice(n: number, customer: QboCustomer, date: number, due: number, state: 'paid' | 'partial' | 'open' | 'overdue'): QboInvoice {
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
  function qboPayment(n: number, customer: QboCustomer, inv: QboInvoice, date: number, due: number): QboPayment {
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
  function zdTicket(n: number, requester: ZdUser, orgId: number, createdMs: number, status: ZdTicket['status'], priority: ZdTicket['priority'], old: boolean): ZdTicket {
    const subject = f.helpers.arrayElement(TICKET_SUBJECTS);
    const agent = f.helpers.arrayElement(zdAgents);
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
  function nameVariant(base: string, second = false): string {
    const core = base.replace(/\b(Inc|LLC|Ltd|Group|Corp)\b\.?/gi, '').replace(/[,\s-]+$/, '').trim();
    return second ? `${core}, Inc.` : `${core.toUpperCase()} Incorporated`;
  }
}
