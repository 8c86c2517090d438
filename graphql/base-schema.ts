import { createGraphQLError } from 'graphql-yoga';
import { SOURCE_CATEGORIES, systemById, type SourceCategory } from '../sources/kit/contract.js';
import type { Address } from '../sources/kit/domain.js';
import { formatAddress } from './source-of-truth.js';
import type { SourceId } from '../sources/kit/errors.js';
import type { SectionStatus } from '../sources/kit/section-status.js';
import type { PanoramaContext } from './context.js';
import { CustomerView } from './customer-view.js';
import { searchCustomers, type CustomerSearchSort } from './search.js';
import { ROLE_LABELS, canRead, type AccessGroup } from './policy.js';

/** The types every module shares, and the public entry points. Modules add their own profile types. */
export const baseTypeDefs = (modules: readonly { id: SourceId }[]) => /* GraphQL */ `
  "Only people in the listed roles may read a field with this directive (see the role policy)."
  directive @access(group: AccessGroup!) on FIELD_DEFINITION

  enum AccessGroup { IDENTITY TICKETS TICKET_COUNTS PROJECTS DEALS BILLING_STANDING BILLING ADMIN }
  enum Role { SUPPORT ACCOUNT_MANAGER FINANCE ADMIN }
  "The systems Panorama reads, one per source module."
  enum System { ${modules.map((m) => systemEnum(m.id)).join(' ')} }
  "What a system is to Panorama."
  enum Category { CRM ACCOUNTING PROJECTS SUPPORT }
  "A system as people read it: its name and what it is."
  type Source { system: System! name: String! category: Category! }
  "DECISION: an admin linked the record in Panorama's review queue."
  enum LinkRule { EXACT_ID DOMAIN NAME DECISION }
  "BROKEN_LINK: the customer holds an id of the system that names no record there."
  enum SectionState { LIVE CACHED STALE FAILED NOT_LINKED AMBIGUOUS BROKEN_LINK FORBIDDEN }

  type Query {
    "One customer (the CRM's account id is the customer id). refresh: true reads every system again past the cache; refreshSystems only those."
    customer(id: ID!, refresh: Boolean = false, refreshSystems: [System!]): Customer @access(group: IDENTITY)
    "Customers found across systems: CRM name (folded for case, accents and apostrophes), website, e-mail domain, contact name, e-mail or phone; accounting customer name or invoice number; support organization or ticket number. Each says why in matches. Every CRM account, by name, when search is empty. Paged by cursor; totalCount counts every customer found."
    customers(search: String, first: Int = 20, after: String, filter: CustomerSearchFilter, sort: CustomerSearchSort = BEST_MATCH): CustomerConnection! @access(group: IDENTITY)
    "The signed-in person."
    viewer: Viewer!
    "The system serving each category, in the order sections appear."
    systems: [Source!]!
  }

  type Viewer {
    id: ID!
    name: String!
    email: String!
    role: Role!
    "The role's name as people read it."
    roleLabel: String!
    "Whether this person's role may read a group of fields (the role policy, decided here so no page repeats it)."
    can(group: AccessGroup!): Boolean!
  }

  type Customer {
    "The CRM's account id."
    id: ID!
    name: String!
    "How this customer was found in each system."
    links: [SourceLink!]!
    "Per system: where the data came from, how old it is, and what failed."
    sections: [SectionStatus!]!
    "One system's entry of sections, resolved as soon as that system has answered (for pages that stream each section in)."
    section(category: Category!): SectionStatus!
  }

  type SourceLink {
    system: System!
    source: Source!
    recordId: ID!
    rule: LinkRule!
    "1 for exact ids; below 1 for probable links."
    confidence: Float!
    "The record's page in the system's own web app."
    url: String!
  }

  type SectionStatus {
    system: System!
    source: Source!
    state: SectionState!
    "ISO 8601 time the data was fetched from the system."
    fetchedAt: String
    ageSeconds: Int
    fromCache: Boolean!
    stale: Boolean!
    "What a person reads next to the section when something is off."
    message: String
    code: String
  }

  type CustomerConnection {
    nodes: [Customer!]!
    "Every customer found, across pages (after the filter)."
    totalCount: Int!
    "False when a system's own search came back full, so more may exist than were counted: show the count as at least."
    countIsExact: Boolean!
    pageInfo: PageInfo!
  }
  input CustomerSearchFilter {
    "Only customers a match in this system put in the results."
    system: System
  }
  "BEST_MATCH: names in the CRM first, then contacts, then the other systems' matches. NAME: A to Z."
  enum CustomerSearchSort { BEST_MATCH NAME }

  type Address { street: String city: String region: String postalCode: String country: String formatted: String! }
  type Person { id: ID! name: String! email: String }
`;

const systemEnum = (s: SourceId) => s.toUpperCase();

/** A system as the `Source` type shows it. */
export function sourceOf(ctx: PanoramaContext, id: SourceId) {
  const s = systemById(ctx.runtime.systems, id);
  return { system: systemEnum(id), name: s?.name ?? id, category: (s?.category ?? 'crm').toUpperCase() };
}

const sectionStatusResolvers = {
  system: (s: SectionStatus) => systemEnum(s.source),
  source: (s: SectionStatus, _: unknown, ctx: PanoramaContext) => sourceOf(ctx, s.source),
};

export const baseResolvers = {
  Query: {
    viewer: (_: unknown, __: unknown, ctx: PanoramaContext) => ({
      ...ctx.viewer,
      role: ctx.viewer.role.toUpperCase(),
      roleLabel: ROLE_LABELS[ctx.viewer.role],
      can: ({ group }: { group: AccessGroup }) => canRead(ctx.viewer.role, group),
    }),
    systems: (_: unknown, __: unknown, ctx: PanoramaContext) => SOURCE_CATEGORIES.map((c) => sourceOf(ctx, ctx.runtime.systems[c].id)),
    customer: async (_: unknown, args: { id: string; refresh: boolean; refreshSystems?: string[] | null }, ctx: PanoramaContext) => {
      const id = args.id.trim();
      const accountIds = ctx.runtime.systems.crm.accountIds!;
      if (!accountIds.recognise(id)) {
        throw createGraphQLError(`"${args.id.slice(0, 40)}" is not a customer id: expected ${accountIds.form}.`, {
          extensions: { code: 'BAD_USER_INPUT', http: { status: 200 } },
        });
      }
      const refresh: SourceCategory[] = args.refresh ? [...SOURCE_CATEGORIES] : (args.refreshSystems ?? []).map((s) => systemById(ctx.runtime.systems, s.toLowerCase())!.category);
      const view = CustomerView.for(ctx, id, { refresh });
      if (refresh.length) ctx.forgetReusedAnswers();
      // The CRM's warm account index knows this account: the customer exists and has a name, so the answer need
      // not wait for the CRM (its own section then streams in like the others). Only an id the index does not know,
      // or a refresh past the cache, waits for the CRM to say whether the customer exists.
      const known = refresh.length ? undefined : ctx.loaders.crm.cachedAccount(id);
      if (known) {
        view.knownName ??= known.name;
        return view;
      }
      try {
        // within the view's deadline: a CRM that has not answered by then fails its section, not the whole answer
        await view.crm();
      } catch (e) {
        // The CRM says there is no such account: no customer. Only an id that is not one (checked before anything
        // is sent) is the user's mistake; any other CRM failure, a refused query included, fails the CRM section
        // alone and the other systems still show.
        const code = (e as { code?: string }).code;
        if (code === 'NOT_FOUND') return null;
        if (code === 'BAD_REQUEST' && (e as { invalidInput?: boolean }).invalidInput === true) {
          ctx.customers.delete(id);
          throw createGraphQLError(`"${id}" is not a valid ${accountIds.name} (its last three characters do not match the first fifteen).`, {
            extensions: { code: 'BAD_USER_INPUT' },
          });
        }
      }
      return view;
    },
    customers: async (_: unknown, args: { search?: string | null; first?: number | null; after?: string | null; filter?: { system?: string | null } | null; sort?: CustomerSearchSort | null }, ctx: PanoramaContext) => {
      const first = args.first ?? 20;
      if (!Number.isInteger(first) || first < 1 || first > 100) {
        throw createGraphQLError(`first must be between 1 and 100, got ${first}.`, { extensions: { code: 'BAD_USER_INPUT' } });
      }
      const search = (args.search ?? '').trim();
      if (search.length > 200) {
        throw createGraphQLError('search is limited to 200 characters.', { extensions: { code: 'BAD_USER_INPUT' } });
      }
      return searchCustomers(ctx, search, { first, after: args.after, filter: args.filter, sort: args.sort });
    },
  },
  Customer: {
    name: (c: CustomerView) => c.name(),
    links: (c: CustomerView, _: unknown, ctx: PanoramaContext) => c.links().then((ls) => ls.map((l) => ({ ...l, system: systemEnum(l.source), source: sourceOf(ctx, l.source) }))),
    sections: (c: CustomerView) => c.sectionStatuses(),
    section: (c: CustomerView, args: { category: string }) => c.sectionStatus(args.category.toLowerCase() as SourceCategory),
  },
  SectionStatus: sectionStatusResolvers,
  Address: { formatted: (a: Address) => formatAddress(a) ?? '' },
};
