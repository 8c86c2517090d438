/**
 * The integration register (each module's `register` and `cachePolicies`) checked against what the module does:
 * every loader is run against the sandbox, and every request it sends must be one of the endpoints its register
 * lists, and every entity it caches must have a cache policy of its own (none left unused).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LoadersByCategory, SourceCategory, SourceModule } from './kit/contract.js';
import { sourceTestKit, testSandbox } from './kit/testing.js';
import { SOURCE_MODULES } from './runtime.js';
import type { World } from './sandbox/world.js';

const sandbox = testSandbox();
const world = sandbox.state.world;
beforeAll(() => sandbox.listen());
afterAll(() => sandbox.close());

/** Entities a module caches under its `default` policy, on purpose: listed here so that a new one is noticed. */
const UNDER_DEFAULT: Record<string, string[]> = {
  // projects by gid (probable links found by the index) live as long as the linked projects' read
  asana: ['project'],
  // an organization by its own id (probable links) and a ticket by its number (search): customer data
  zendesk: ['organization', 'ticket'],
};

const exact = (system: 'quickbooks' | 'asana' | 'zendesk') => world.manifest.exactLinks.find((l) => l.system === system)!;

/** Calls every loader of a category once, with arguments the sandbox's world holds. */
const exercise: { [C in SourceCategory]: (l: LoadersByCategory[C], w: World) => Promise<unknown> } = {
  crm: async (l, w) => {
    await l.customer.load(w.salesforce.accounts[0]!.Id);
    await l.searchAccounts('a', 5);
    await l.accountsByOwnerEmail(w.salesforce.users[0]!.Email);
    await l.accountIndex();
  },
  accounting: async (l, w) => {
    await l.customer.load(exact('quickbooks').recordId);
    await l.searchCustomers('a', 5);
    await l.customerIndex();
    await l.overdueInvoices();
    await l.invoicesByNumber(w.quickbooks.invoices[0]!.DocNumber);
  },
  projects: async (l) => {
    await l.forAccount.load(exact('asana').accountId);
    await l.projectIndex();
    await l.projects.load(exact('asana').recordId);
    await l.summaryForAccount.load(exact('asana').accountId);
  },
  support: async (l, w) => {
    await l.forAccount.load(exact('zendesk').accountId);
    await l.forOrganization.load(exact('zendesk').recordId);
    await l.searchOrganizations('a', 5);
    await l.organizationIndex();
    await l.urgentOpenTickets();
    await l.ticket(String(w.zendesk.tickets[0]!.id));
  },
};

/** The `METHOD path` pairs a register line names, as patterns: `{…}` and `…` stand for one path segment. */
function documented(endpoints: string[], env: Record<string, string>): RegExp[] {
  return endpoints.flatMap((line) =>
    [...line.matchAll(/\b(GET|POST|PUT|PATCH|DELETE) (\S+?)(?=[\s?(,]|$)/g)].map(([, method, raw]) => {
      // a whole setting ({SALESFORCE_LOGIN_URL}, {QUICKBOOKS_TOKEN_URL}) stands for that setting's path
      const path = raw!.replace(/^\{([A-Z_]+)\}/, (_, name: string) => (env[name] ? new URL(env[name]!).pathname : ''));
      const pattern = path
        .split(/(\{[^}]*\}|…)/)
        .map((part, i) => (i % 2 ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('');
      return new RegExp(`^${method} (?:.*/)?${pattern.replace(/^\//, '')}$`);
    }),
  );
}

describe('the integration register tells what each source module does', () => {
  for (const module of SOURCE_MODULES) {
    it(`${module.id}: every request its loaders send is a listed endpoint, every entity they cache has its own policy`, async () => {
      const t = sourceTestKit(module as unknown as SourceModule<SourceCategory, unknown, unknown>, { sandbox });
      const { kit, client, next } = t.setup();
      const asked = new Set<string>();
      const policyFor = kit.policyFor.bind(kit);
      vi.spyOn(kit, 'policyFor').mockImplementation((entity) => {
        asked.add(entity);
        return policyFor(entity);
      });
      const sent = new Set<string>();
      const listener = ({ request }: { request: Request }) => void sent.add(`${request.method} ${new URL(request.url).pathname}`);
      sandbox.server.events.on('request:start', listener);
      try {
        // as at start-up: what the loaders read can depend on what the vendor said exists (Salesforce's org currency)
        await (module.checkFields as ((c: unknown, k: typeof kit) => Promise<void>) | undefined)?.(client, kit);
        // the credential scope check's requests are listed too
        await (module.checkAccess as ((c: unknown, k: typeof kit) => Promise<unknown>) | undefined)?.(client, kit);
        const loaders = next();
        await (exercise[module.category] as (l: unknown, w: World) => Promise<unknown>)(loaders, world);
      } finally {
        sandbox.server.events.removeListener('request:start', listener);
      }

      const patterns = documented(module.register.endpoints, t.env);
      expect([...sent].filter((r) => !patterns.some((p) => p.test(r)))).toEqual([]);
      expect(sent.size).toBeGreaterThan(1);
      const own = Object.keys(module.cachePolicies).filter((e) => e !== 'default');
      expect([...asked].sort()).toEqual([...own, ...(UNDER_DEFAULT[module.id] ?? [])].sort());
    });
  }

  it('can fail: an endpoint the register does not list is caught', () => {
    const patterns = documented(['GET /api/v2/organizations/show_many?external_ids=…', 'POST {X_URL} (token)'], { X_URL: 'http://h/a/token' });
    expect(patterns.some((p) => p.test('GET /zendesk/api/v2/organizations/show_many'))).toBe(true);
    expect(patterns.some((p) => p.test('POST /a/token'))).toBe(true);
    expect(patterns.some((p) => p.test('GET /zendesk/api/v2/organizations/1/tickets'))).toBe(false);
    expect(patterns.some((p) => p.test('GET /a/token'))).toBe(false);
  });
});
