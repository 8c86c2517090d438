import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  isLeafType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import { AuditStore } from '../../app/.server/store/audit-store.js';
import { WebhookAuditStore } from '../../app/.server/store/webhook-store.js';
import { openStore } from '../../app/.server/store/database.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loader } from '../../app/routes/customers.$id.js';
import { signIn } from '../../app/.server/session.js';
import { money } from '../../graphql/money.js';
import { ROLES, canRead, type AccessGroup, type Role } from '../../graphql/policy.js';
import { DEMO_USERS } from '../../sources/sandbox/demo-users.js';
import { createHarness, gql, viewerFor, type Harness } from '../support/graphql.js';

/**
 * For every role, every field of the schema reachable from Query (the selection is generated from the schema,
 * so a field added tomorrow is read too), and the customer page's loader data: nothing a role may not read may
 * appear anywhere in the answer. The forbidden values come from the sandbox's own records.
 */

let h: Harness;
let schema: GraphQLSchema;
beforeAll(async () => {
  // introspection is answered to admins where GraphiQL is on
  h = createHarness({ yoga: { graphiql: true } });
  h.sandbox.listen();
  // the schema as the server describes it
  const r = await gql<IntrospectionQuery>(h, viewerFor('admin'), getIntrospectionQuery());
  schema = buildClientSchema(r.data!);
  // the Remix loader reads the process-wide server: make it this in-process one
  // demo sign-in exists only on the built-in sandbox, which this in-process one stands for
  process.env.PANORAMA_SANDBOX_ORIGIN = h.sandbox.origin;
  globalThis.__panoramaStore = openStore({ path: ':memory:' });
  globalThis.__panorama = { runtime: h.runtime, yoga: h.yoga, audit: new AuditStore(globalThis.__panoramaStore), webhookAudit: new WebhookAuditStore(globalThis.__panoramaStore) };
});
afterAll(() => {
  globalThis.__panorama = undefined;
  delete process.env.PANORAMA_SANDBOX_ORIGIN;
  void globalThis.__panoramaStore?.then((db) => db.destroy());
  globalThis.__panoramaStore = undefined;
  h.sandbox.close();
});

// ---- what each group protects, from the sandbox's own data --------------------------------------------------

/** `strings` may not appear inside any text; `exact` may not be any whole value (a link, an id). */
type Forbidden = { group: AccessGroup; what: string; strings: string[]; numbers: number[]; exact?: string[] };

function forbiddenValues(): Forbidden[] {
  const w = h.sandbox.state.world;
  const amounts = (xs: number[]) => [...new Set(xs.filter((n) => n > 0))];
  const billing = amounts([
    ...w.quickbooks.invoices.flatMap((i) => [i.TotalAmt, i.Balance]),
    ...w.quickbooks.payments.map((p) => p.TotalAmt),
    ...w.quickbooks.customers.map((c) => c.Balance),
    ...w.manifest.overdueWithUrgentTickets.map((o) => o.overdueBalance),
  ]);
  const deals = amounts(w.salesforce.opportunities.map((o) => o.Amount ?? 0));
  const spelled = (n: number) => [money({ amount: n, currency: 'USD' })];
  // a record's page in its system names exactly one record: its link tells that the record exists
  const links = (source: 'salesforce' | 'quickbooks' | 'zendesk', entity: string, ids: string[]) => ids.map((id) => h.runtime.bySource[source].deepLink(entity, id));
  return [
    // Salesforce ids are unique across the org: a deal's id anywhere in an answer names that deal
    { group: 'DEALS', what: 'deal id', strings: w.salesforce.opportunities.map((o) => o.Id), numbers: [] },
    { group: 'DEALS', what: 'deal link', strings: [], numbers: [], exact: links('salesforce', 'Opportunity', w.salesforce.opportunities.map((o) => o.Id)) },
    { group: 'BILLING', what: 'invoice link', strings: [], numbers: [], exact: links('quickbooks', 'Invoice', w.quickbooks.invoices.map((i) => i.Id)) },
    { group: 'BILLING', what: 'payment link', strings: [], numbers: [], exact: links('quickbooks', 'Payment', w.quickbooks.payments.map((p) => p.Id)) },
    { group: 'TICKETS', what: 'ticket link', strings: [], numbers: [], exact: links('zendesk', 'Ticket', w.zendesk.tickets.map((t) => String(t.id))) },
    { group: 'BILLING', what: 'billing amount', strings: billing.flatMap(spelled), numbers: billing },
    { group: 'BILLING', what: 'invoice label', strings: w.quickbooks.invoices.map((i) => `Invoice ${i.DocNumber}`), numbers: [] },
    { group: 'DEALS', what: 'deal amount', strings: deals.flatMap(spelled), numbers: deals },
    { group: 'DEALS', what: 'deal name', strings: [...new Set(w.salesforce.opportunities.map((o) => o.Name))], numbers: [] },
    { group: 'TICKETS', what: 'ticket subject', strings: [...new Set(w.zendesk.tickets.map((t) => t.subject))], numbers: [] },
  ];
}

/** Every place in `answer` a value the role may not read appears: "path: what (value)". */
function leaks(role: Role, answer: unknown, forbidden: Forbidden[]): string[] {
  // a value the role reads through a group it has (an invoice for the amount of a deal) is no leak
  const allowed = forbidden.filter((f) => canRead(role, f.group));
  const allowedStrings = new Set(allowed.flatMap((f) => f.strings));
  const allowedNumbers = new Set(allowed.flatMap((f) => f.numbers));
  const rules = forbidden
    .filter((f) => !canRead(role, f.group))
    .map((f) => ({
      ...f,
      strings: f.strings.filter((x) => !allowedStrings.has(x)),
      numbers: f.numbers.filter((x) => !allowedNumbers.has(x)),
      exact: new Set(f.exact ?? []),
    }));
  const found: string[] = [];
  const walk = (v: unknown, path: string) => {
    if (typeof v === 'string') {
      for (const r of rules) {
        if (r.exact.has(v)) found.push(`${path}: ${r.what} “${v}”`);
        for (const s of r.strings) if (v.includes(s)) found.push(`${path}: ${r.what} “${s}” in “${v.slice(0, 160)}”`);
      }
    } else if (typeof v === 'number') {
      // counts, scores and confidences are small whole numbers or fractions of 1: only an amount's own value counts
      if (v >= 1000 || !Number.isInteger(v)) for (const r of rules) if (v > 1 && r.numbers.includes(v)) found.push(`${path}: ${r.what} ${v}`);
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
    // an error's line and column in the query are positions, not data
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) if (k !== 'locations') walk(x, path ? `${path}.${k}` : k);
  };
  walk(answer, '');
  return found;
}

// ---- every field reachable from Query, generated from the schema --------------------------------------------

type Node = { field: string; args: string; children: Node[] };

/** Values for the arguments the selection passes; a required argument missing here fails the test. */
function argumentsFor(ids: { customer: string; search: string }): Record<string, Record<string, string>[]> {
  return {
    'Query.customer': [{ id: JSON.stringify(ids.customer) }],
    'Query.customers': [
      { search: '""', first: '5' },
      { search: JSON.stringify(ids.search), first: '5' },
    ],
    'Query.overdueInvoices': [{ first: '5' }],
    'Query.urgentTickets': [{ first: '5' }],
    'Query.myAccountList': [{ first: '5' }],
    'Customer.timeline': [{ first: '50' }],
    'Customer.section': [{ category: 'ACCOUNTING' }],
    'Viewer.can': [{ group: 'BILLING' }],
    'AccountingProfile.invoices': [{ first: '50' }],
    'AccountingProfile.payments': [{ first: '50' }],
    'SupportProfile.tickets': [{ first: '50' }],
  };
}

function selectionOf(schema: GraphQLSchema, type: GraphQLObjectType, onPath: Set<string>, args: ReturnType<typeof argumentsFor>): Node[] {
  const nodes: Node[] = [];
  for (const field of Object.values(type.getFields()) as GraphQLField<unknown, unknown>[]) {
    const key = `${type.name}.${field.name}`;
    const variants = args[key] ?? [{}];
    for (const required of field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined)) {
      if (!variants.every((v) => required.name in v)) throw new Error(`${key}(${required.name}:) is required: give the role matrix a value for it.`);
    }
    const named = getNamedType(field.type);
    variants.forEach((v, i) => {
      const argText = Object.keys(v).length ? `(${Object.entries(v).map(([k, x]) => `${k}: ${x}`).join(', ')})` : '';
      const name = variants.length > 1 ? `${field.name}_${i}: ${field.name}` : field.name;
      if (isLeafType(named)) nodes.push({ field: name, args: argText, children: [] });
      else if (isObjectType(named) && !onPath.has(named.name)) {
        const children = selectionOf(schema, named, new Set([...onPath, named.name]), args);
        if (children.length) nodes.push({ field: name, args: argText, children });
      }
    });
  }
  return nodes;
}

const render = (n: Node): string => `${n.field}${n.args}${n.children.length ? ` { ${n.children.map(render).join(' ')} }` : ''}`;
const tokens = (text: string) => text.match(/[_A-Za-z][_0-9A-Za-z]*|"[^"]*"|-?\d+|[{}():,!$@]/g)?.length ?? 0;

/** Copies of `n`, each with part of its children, each small enough for the server's token limit. */
function split(n: Node, budget: number): Node[] {
  if (!n.children.length || tokens(render(n)) <= budget) return [n];
  const pieces = n.children.flatMap((c) => split(c, budget - tokens(`${n.field}${n.args} { }`)));
  const groups: Node[][] = [[]];
  for (const p of pieces) {
    const last = groups[groups.length - 1]!;
    if (last.length && tokens(render({ ...n, children: [...last, p] })) > budget) groups.push([p]);
    else last.push(p);
  }
  return groups.map((children) => ({ ...n, children }));
}

function everyQuery(ids: { customer: string; search: string }): string[] {
  const roots = selectionOf(schema, schema.getQueryType()!, new Set(['Query']), argumentsFor(ids));
  return roots.flatMap((r) => split(r, 1500)).map((n) => `{ ${render(n)} }`);
}

// ---- the customers to look at: each planted flag, and a clean one --------------------------------------------

function customersToCheck(): string[] {
  const m = h.sandbox.state.world.manifest;
  return [
    ...new Set([
      m.overdueWithUrgentTickets[0]!.accountId,
      m.wonDealsWithoutProject[0]!.accountId,
      m.milestonesWithoutInvoice[0]!.accountId,
      m.onHoldNothingOverdue[0]!.accountId,
      m.conflicts[0]!.accountId,
    ]),
  ];
}

describe('role matrix: every field of the schema', () => {
  it('generates a selection that reaches the flags and their facts, health inputs, timeline events, lists and search', () => {
    const text = everyQuery({ customer: customersToCheck()[0]!, search: 'x' }).join('\n');
    for (const part of ['flags', 'facts', 'overdueAmount', 'withheld', 'inputs', 'detail', 'troubledProjects', 'gaps', 'timeline', 'amount', 'overdueInvoices', 'urgentTickets', 'matches', 'myAccounts', 'myAccountList', 'identityReview']) {
      expect(text).toContain(part);
    }
  });

  it.each(ROLES)('%s reads nothing its role may not', async (role) => {
    const forbidden = forbiddenValues();
    const world = h.sandbox.state.world;
    const found: string[] = [];
    let fields = 0;
    for (const customer of customersToCheck()) {
      const search = world.salesforce.accounts.find((a) => a.Id === customer)!.Name;
      for (const query of everyQuery({ customer, search })) {
        const r = await gql(h, viewerFor(role), query);
        expect(r.status, query.slice(0, 120)).toBe(200);
        // only the policy may leave a field out; any other error would hide what the field holds
        const other = (r.errors ?? []).filter((e) => e.extensions?.code !== 'FORBIDDEN');
        expect(other.map((e) => `${e.path?.join('.')}: ${e.message}`), query.slice(0, 120)).toEqual([]);
        fields += tokens(query);
        // the answer a client reads (the extensions carry only cache timings)
        found.push(...leaks(role, { data: r.data, errors: r.errors }, forbidden));
      }
    }
    expect(fields).toBeGreaterThan(1000);
    expect([...new Set(found)].slice(0, 20)).toEqual([]);
  });

  it('finds the values it guards when the role may read them (the check can see a leak)', async () => {
    const forbidden = forbiddenValues();
    const customer = h.sandbox.state.world.manifest.overdueWithUrgentTickets[0]!.accountId;
    const found: string[] = [];
    for (const query of everyQuery({ customer, search: 'x' })) found.push(...leaks('support', (await gql(h, viewerFor('admin'), query)).data, forbidden));
    const kinds = new Set(found.map((f) => f.split(': ')[1]!.split(' “')[0]!.replace(/ \d.*$/, '')));
    expect([...kinds].sort()).toEqual(['billing amount', 'deal amount', 'deal id', 'deal link', 'deal name', 'invoice label', 'invoice link', 'payment link']);
  });
});

describe('role matrix: a rule fired, without the facts the role may not read', () => {
  const FLAGS = `query ($id: ID!) { customer(id: $id) { flags { kind message withheld facts { deal { label } daysSinceWon graceDays overdueAmount { amount } overdueInvoiceCount urgentTicketCount } records { entity } } } }`;
  const flagOf = async (role: Role, id: string, kind: string) =>
    ((await gql(h, viewerFor(role), FLAGS, { id })).data!.customer.flags as { kind: string; message: string; withheld: string[]; facts: Record<string, unknown>; records: { entity: string }[] }[]).find(
      (f) => f.kind === kind,
    );

  it.each(['support', 'finance'] as const)('%s learns that a won deal has had no project, and nothing about the deal', async (role) => {
    const id = h.sandbox.state.world.manifest.wonDealsWithoutProject[0]!.accountId;
    const flag = (await flagOf(role, id, 'WON_DEAL_WITHOUT_PROJECT'))!;
    expect(flag.facts).toMatchObject({ deal: null, daysSinceWon: null, graceDays: 14 });
    expect(flag.withheld).toEqual(['deal', 'dealAmount', 'wonOn', 'daysSinceWon']);
    expect(flag.records).toEqual([]);
    expect(flag.message).toBe('A deal won more than 14 days ago has no project started for it in Asana.');
    expect((await flagOf('account_manager', id, 'WON_DEAL_WITHOUT_PROJECT'))!.facts.deal).toMatchObject({ label: expect.any(String) });
  });

  it('support learns that money is overdue while urgent tickets are open, with the counts and without the amount or invoices', async () => {
    const planted = h.sandbox.state.world.manifest.overdueWithUrgentTickets[0]!;
    const flag = (await flagOf('support', planted.accountId, 'OVERDUE_WITH_URGENT_TICKETS'))!;
    expect(flag.facts.overdueAmount).toBeNull();
    expect(flag.facts.urgentTicketCount).toBe(planted.ticketIds.length);
    expect(flag.withheld).toEqual(['overdueAmount']);
    expect(new Set(flag.records.map((r) => r.entity))).toEqual(new Set(['Ticket']));
    const finance = (await flagOf('finance', planted.accountId, 'OVERDUE_WITH_URGENT_TICKETS'))!;
    expect(finance.facts.overdueAmount).toEqual({ amount: planted.overdueBalance });
    expect(new Set(finance.records.map((r) => r.entity))).toEqual(new Set(['Invoice']));
  });
});

describe("role matrix: the customer page's loader data", () => {
  async function pageData(role: Role, id: string) {
    const user = DEMO_USERS.find((u) => u.role === role)!;
    const signedIn = await signIn(new Request('http://panorama.test/login', { method: 'POST' }), { personId: user.id, email: user.email, name: user.name, role: user.role, method: 'demo' }, '/');
    const cookie = signedIn.headers.get('set-cookie')!.split(';')[0]!;
    const request = new Request(`http://panorama.test/customers/${id}`, { headers: { cookie } });
    const page = await loader({ request, params: { id }, context: {} });
    // the streamed parts, as they are serialised into the page once each has landed
    const [accounting, projects, support, insights] = await Promise.all([page.accounting, page.projects, page.support, page.insights]);
    return { ...page, accounting, projects, support, insights, customer: { ...page.customer, ...accounting, ...projects, ...support, ...insights } };
  }

  it.each(ROLES)('%s: the data serialised into the page holds nothing the role may not read', async (role) => {
    const forbidden = forbiddenValues();
    const found: string[] = [];
    for (const id of customersToCheck()) {
      const data = await pageData(role, id);
      expect(data.role).toBe(role);
      expect(data.customer.id).toBe(id);
      found.push(...leaks(role, JSON.parse(JSON.stringify(data)), forbidden).map((f) => `${id} ${f}`));
    }
    expect(found.slice(0, 20)).toEqual([]);
  });

  it('tells support that money is overdue while urgent tickets are open, without the amount', async () => {
    const planted = h.sandbox.state.world.manifest.overdueWithUrgentTickets[0]!;
    const data = await pageData('support', planted.accountId);
    const flag = data.customer.flags.find((f) => f.kind === 'OVERDUE_WITH_URGENT_TICKETS')!;
    expect(flag.message).toMatch(/^An overdue balance on \d+ invoices? while \d+ urgent tickets? (is|are) open/);
    const am = await pageData('account_manager', planted.accountId);
    expect(am.customer.flags.find((f) => f.kind === 'OVERDUE_WITH_URGENT_TICKETS')!.message).toContain(money({ amount: planted.overdueBalance, currency: 'USD' }));
  });
});
