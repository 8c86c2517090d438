import type { ConnectSpec } from './connect.js';
import type DataLoader from 'dataloader';
import type { z } from 'zod';
import type { CachePolicy } from './cache.js';
import type { Clock } from './clock.js';
import type {
  AccountingCustomer,
  AccountingCustomerRecord,
  CrmAccount,
  CrmAccountIndexEntry,
  CrmContact,
  CrmCustomer,
  Fetched,
  Invoice,
  Project,
  ProjectIndexRow,
  ProjectSummary,
  ProjectsCustomer,
  SupportCustomer,
  SupportOrganization,
  UrgentTicket,
  UrgentTickets,
} from './domain.js';
import type { SourceError, SourceId } from './errors.js';
import type { SourceLimits } from './source-facts.js';
import type { SandboxPart } from '../sandbox/part.js';
import type { SourceKit } from './source-kit.js';
import type { TokenStore } from './token-store.js';
import type { FieldMappingReport } from './field-mapping.js';
import type { AccessCheck } from './access.js';
import type { ApiUsage } from './allowance.js';
import type { WebhookSpec } from './webhooks.js';
import type { IndexFeed } from './index-feed.js';

export type SourceCategory = 'crm' | 'accounting' | 'projects' | 'support';

/** What a client may need beyond its config: where rotated refresh tokens are kept. */
export type ClientDeps = { tokens: TokenStore };

/** How a record in one system was tied to the CRM account that is the customer (DECISION: an admin decided it in Panorama). */
export type LinkRule = 'EXACT_ID' | 'DOMAIN' | 'NAME' | 'DECISION';

export type SourceLink = {
  source: SourceId;
  recordId: string;
  rule: LinkRule;
  /** 1 for exact ids; below 1 for heuristic ("probable") links. */
  confidence: number;
  url: string;
};

/** The entry of the integration register: each source documents itself. */
export type RegisterEntry = {
  owner: string;
  trigger: string;
  reads: string[];
  transforms: string[];
  credentials: string[];
  scopes: string[];
  failure: string[];
  endpoints: string[];
};

/** What a contact search asks for: text in the name or e-mail, or the last digits of a phone number. */
export type ContactSearch = { text: string } | { phoneTail: string };

/** Loaders a module of each category offers the GraphQL layer; all return data in Panorama's own types. */
export type CrmLoaders = {
  customer: DataLoader<string, Fetched<CrmCustomer>>;
  searchAccounts: (text: string, limit: number) => Promise<Fetched<CrmAccount[]>>;
  /**
   * Contacts (of an account) found by the vendor's own query: name or e-mail containing the text, or a phone ending
   * in these digits (the caller compares the candidates' numbers, which the vendor holds in any formatting).
   */
  searchContacts: (query: ContactSearch, limit: number) => Promise<Fetched<CrmContact[]>>;
  /** Accounts owned by the CRM user with this e-mail. */
  accountsByOwnerEmail: (email: string) => Promise<Fetched<CrmAccount[]>>;
  /** Every account (id, name, website, accounting id): the basis of link rules and review. */
  accountIndex: () => Promise<Fetched<CrmAccountIndexEntry[]>>;
  /**
   * The account as the cached account index holds it (never a request): lets other sections start loading
   * beside the CRM instead of after it (the accounting id, the name and website for heuristic links). The CRM
   * record stays the authority. Undefined when the index is not cached, null when it does not hold the account.
   */
  cachedAccount: (accountId: string) => CrmAccountIndexEntry | null | undefined;
};
export type AccountingLoaders = {
  customer: DataLoader<string, Fetched<AccountingCustomer>>;
  searchCustomers: (text: string, limit: number) => Promise<Fetched<AccountingCustomerRecord[]>>;
  /** Every accounting customer, for link rules and review. */
  customerIndex: () => Promise<Fetched<AccountingCustomerRecord[]>>;
  /** Every invoice with an open balance past its due date. */
  overdueInvoices: (today?: string) => Promise<Fetched<Invoice[]>>;
  /** Invoices whose number is exactly this (for search by invoice number). */
  invoicesByNumber: (number: string) => Promise<Fetched<Invoice[]>>;
};
export type ProjectsLoaders = {
  /** Projects whose account custom field holds this CRM account id. */
  forAccount: DataLoader<string, Fetched<ProjectsCustomer>>;
  /** Every project with the account id its field holds (or null). */
  projectIndex: () => Promise<Fetched<ProjectIndexRow[]>>;
  /** Projects by id, with milestones and task counts (for probable links found by the index). */
  projects: DataLoader<string, Fetched<Project>>;
  /**
   * A summary of the projects whose account field holds this CRM account id, from the project index only: no
   * request when the index is cached (list rows). Null when no project is linked.
   */
  summaryForAccount: DataLoader<string, Fetched<ProjectSummary | null>>;
};
export type SupportLoaders = {
  /** The organization whose external id is this CRM account id, with its tickets. */
  forAccount: DataLoader<string, Fetched<SupportCustomer | null>>;
  /**
   * The organization the cached organization index links to this CRM account id (never a request): null when a
   * fresh index holds none — the account has no organization of its own — and undefined when no fresh index is
   * cached (or on a forced refresh).
   */
  organizationIdHint: (accountId: string) => string | null | undefined;
  /** An organization by its own id, with its tickets (for probable links found by the index). */
  forOrganization: DataLoader<string, Fetched<SupportCustomer | null>>;
  searchOrganizations: (text: string, limit: number) => Promise<Fetched<SupportOrganization[]>>;
  /** Every organization (id, name, CRM account id, domains). */
  organizationIndex: () => Promise<Fetched<SupportOrganization[]>>;
  /** Open urgent tickets across all organizations. */
  urgentOpenTickets: () => Promise<Fetched<UrgentTickets>>;
  /** A ticket by its id, with its organization (for search by ticket id). */
  ticket: (id: string) => Promise<Fetched<UrgentTicket | null>>;
};

export type LoadersByCategory = {
  crm: CrmLoaders;
  accounting: AccountingLoaders;
  projects: ProjectsLoaders;
  support: SupportLoaders;
};

export type LoaderOptions = { forceRefresh: boolean };

/** What every module's `createLoaders` receives: its client, its kit, and this request's options. */
export type LoaderContext<Client = unknown> = LoaderOptions & {
  client: Client;
  kit: SourceKit;
  /** The day (YYYY-MM-DD, UTC) that decides what is overdue. @default the kit clock's day */
  today?: () => string;
};

/**
 * What a module calls the records of its category, as its deep links and the GraphQL layer's record references
 * name them (the entity a link to the module points at is the first: account, customer, project, organization).
 */
export type EntityNames = {
  crm: { account: string; contact: string; deal: string };
  accounting: { customer: string; invoice: string; payment: string };
  projects: { project: string; milestone: string };
  support: { organization: string; ticket: string };
};

/** The entity a link to a module of each category points at. */
export const LINKED_ENTITY = { crm: 'account', accounting: 'customer', projects: 'project', support: 'organization' } as const satisfies {
  [K in SourceCategory]: keyof EntityNames[K];
};

/**
 * How a module's records are tied to the customer (the CRM account). Exact ids are the category's own (the CRM
 * account holds the accounting id; support organizations and projects hold the CRM account id, see the domain
 * types); where a record has none, these heuristics find it.
 */
export type LinkRules = {
  /** The heuristic keys its records are found by: the normalised company name, and the web/e-mail domain. */
  heuristics: readonly ('NAME' | 'DOMAIN')[];
  /** Several records may belong to one customer (projects): heuristic candidates are then probable, never ambiguous. */
  manyPerCustomer: boolean;
  /** The customer's name as a record's name carries it (a naming convention); without it, the name itself. */
  customerNameOf?: (recordName: string) => string;
};

/**
 * How the CRM's account ids (the customer ids) are recognised before anything is sent. The module's loaders put
 * an id in its canonical form and refuse one that is not (BAD_REQUEST with `invalidInput`).
 */
export type AccountIdRules = {
  /** Whether the text has the shape of an account id. */
  recognise: (raw: string) => boolean;
  /** What an id looks like, for a person: "a 15- or 18-character Salesforce Account Id". */
  form: string;
  /** What the id is called: "Salesforce Account Id". */
  name: string;
  /**
   * The one form of an account id, whichever form another system holds it in (a CRM may have several forms of
   * one id, e.g. a short case-sensitive one and a longer case-safe one); null when the text is no account id.
   */
  canonical: (raw: string) => string | null;
};

/**
 * The contract every `sources/<system>/` module fulfils. The GraphQL layer, the integration register and the
 * source status page are all built from the list of these objects.
 */
export type SourceModule<C extends SourceCategory = SourceCategory, Config = unknown, Client = unknown> = {
  id: SourceId;
  /** The name people read: "From …", "Open in …", "… is unavailable". */
  displayName: string;
  /** The name in running text ("no invoice in QuickBooks"), when shorter than the display name. */
  shortName?: string;
  category: C;
  /** Its slice of the GraphQL schema (its profile types and the `Customer` field exposing them). */
  schema: SourceSchema;
  /** What it calls its records (the entities its deep links take). */
  entities: EntityNames[C];
  /** How its records are tied to the customer when no exact id does it. */
  links: LinkRules;
  /** A CRM module's account ids: the customer id is the CRM's account id, whatever the CRM is. */
  accountIds?: AccountIdRules;
  /** The vendor's public status page (host), shown beside a failing source on the admin page. */
  statusPage: string;
  /** The vendor's documented limits: the default per-minute budget and the wait after a 429 without Retry-After. */
  limits: SourceLimits;
  /** Reads this source's settings from the environment; a missing or bad value names the variable. */
  configSchema: z.ZodType<Config, z.ZodTypeDef, unknown>;
  /** The env a sandbox served at `baseUrl` needs, so the same code talks to it as to the vendor. */
  sandboxEnv: (baseUrl: string) => Record<string, string>;
  /**
   * Its vendor's imitation in the built-in sandbox (`sandbox/part.ts` in the module's folder), loaded only where
   * the sandbox runs: the sandbox serves one part per registered module (sources/sandbox/parts.ts).
   */
  sandbox: () => Promise<SandboxPart>;
  /** The kit's per-call timeout, in ms, when the config sets none (see `timeoutOf`). */
  timeoutMs: number;
  /** The per-call timeout the source's own setting asks for (e.g. `ZENDESK_TIMEOUT_MS`); the kit enforces it. */
  timeoutOf?: (config: Config) => number;
  cachePolicies: Record<string, CachePolicy> & { default: CachePolicy };
  /** Vendor error → shared error; the clock dates a Retry-After given as an HTTP date. */
  mapError: (e: unknown, clock?: Clock) => SourceError;
  createClient: (config: Config, deps: ClientDeps) => Client;
  /** The loaders of one request: one signature for every module. */
  createLoaders: (ctx: LoaderContext<Client>) => LoadersByCategory[C];
  /** Link to the record's page in the vendor's own web UI. */
  deepLink: (config: Config, entity: string, id: string) => string;
  register: RegisterEntry;
  /**
   * Asks the vendor which mapped custom fields exist (describe, custom field settings…) and records it on the
   * client, so queries leave out what is missing. Run at start-up and on an admin's "check now".
   */
  checkFields?: (client: Client, kit: SourceKit) => Promise<void>;
  /**
   * The vendor's daily allowance as its last answer reported it (Salesforce's `Sforce-Limit-Info`), for sources
   * whose vendor reports one; the kit stops at Panorama's share of it.
   */
  apiUsage?: (client: Client) => ApiUsage | undefined;
  /** The field mapping as last checked, for the admin page. */
  fieldMapping?: (client: Client) => FieldMappingReport;
  /**
   * The credential scope check: what the credential may do (object permissions, granted scopes, role, membership)
   * against what Panorama needs, which is to read (sources/kit/access.ts). Run at start-up and on "Check now".
   */
  checkAccess?: (client: Client, kit: SourceKit) => Promise<AccessCheck>;
  /**
   * How the vendor pushes changes, where it can: verified and parsed into Panorama's own changes, which drop the
   * cache entries they make stale (served at `/webhooks/<id>`; its settings unset = off).
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  webhook?: WebhookSpec<any>;
  /** How an admin connects it on /admin/connections: the vendor's OAuth flow, or a pasted token it checks (sources/kit/connect.ts). */
  connect?: ConnectSpec<Config>;
  /**
   * How the vendor says what changed in the module's index since a cursor (sources/kit/index-feed.ts): with it the
   * index upkeep applies changes to the cached index and reads it whole only on the long interval or when the feed
   * says it must; without it the index is re-read whole each time it expires.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  indexFeed?: (client: Client, kit: SourceKit) => IndexFeed<any>;
};

/** A module's slice of the GraphQL schema: its profile types and the `Customer` field that exposes them. */
export type SourceSchema = {
  typeDefs: string;
  resolvers: Record<string, Record<string, unknown>>;
};

export type SectionByCategory = {
  crm: Fetched<CrmCustomer>;
  accounting: Fetched<AccountingCustomer>;
  projects: Fetched<ProjectsCustomer>;
  support: Fetched<SupportCustomer>;
};

/**
 * What a module's `Customer.<field>` resolver receives as parent: the customer's id and a way to load this
 * customer's section from a source (the GraphQL layer resolves the identity link first). Null when no record
 * in that system is linked to the customer.
 */
export type CustomerParent = {
  id: string;
  section: <C extends SourceCategory>(category: C) => Promise<SectionByCategory[C] | null>;
};

/** What a module's resolvers may use from the request context (the GraphQL layer provides more). */
export type SchemaContext = {
  /** This request's now, read once from the runtime's clock: ages, overdue and month windows are measured from it. */
  now: Date;
  /** The record's page in its system's own web app. */
  deepLink: (source: SourceId, entity: string, id: string) => string;
  /** This request's loaders (for fields that read beyond the customer's section, e.g. list summaries). */
  loaders: LoadersByCategory;
};

/** What the GraphQL layer knows of the module serving a category: enough to name it, link to it and tie records. */
export type SystemInfo<C extends SourceCategory = SourceCategory> = {
  id: SourceId;
  /** The name in running text (the module's short name, else its display name). */
  name: string;
  displayName: string;
  category: C;
  entities: EntityNames[C];
  links: LinkRules;
  accountIds: AccountIdRules | undefined;
};

/** The module serving each category, as the GraphQL layer sees it. */
export type Systems = { [K in SourceCategory]: SystemInfo<K> };

export const SOURCE_CATEGORIES = ['crm', 'accounting', 'projects', 'support'] as const satisfies readonly SourceCategory[];

export function systemInfo<C extends SourceCategory>(m: Pick<SourceModule<C>, 'id' | 'displayName' | 'shortName' | 'category' | 'entities' | 'links' | 'accountIds'>): SystemInfo<C> {
  return { id: m.id, name: m.shortName ?? m.displayName, displayName: m.displayName, category: m.category, entities: m.entities, links: m.links, accountIds: m.accountIds };
}

/** The systems of a list of modules, one per category (a category served twice or not at all is refused). */
export function systemsOf(modules: readonly Pick<SourceModule, 'id' | 'displayName' | 'shortName' | 'category' | 'entities' | 'links' | 'accountIds'>[]): Systems {
  const out: Partial<Record<SourceCategory, SystemInfo>> = {};
  for (const m of modules) {
    if (out[m.category]) throw new Error(`two source modules serve ${m.category}: ${out[m.category]!.id} and ${m.id}`);
    out[m.category] = systemInfo(m);
  }
  for (const c of SOURCE_CATEGORIES) if (!out[c]) throw new Error(`no source module serves ${c}`);
  if (!out.crm!.accountIds) throw new Error(`the CRM module ${out.crm!.id} declares no account id rules`);
  return out as Systems;
}

/** The system with this id, or undefined. */
export function systemById(systems: Systems, id: string): SystemInfo | undefined {
  return SOURCE_CATEGORIES.map((c) => systems[c] as SystemInfo).find((s) => s.id === id);
}

/** The name people read for a system (its id when no module has it). */
export function systemName(systems: Systems, id: string): string {
  return systemById(systems, id)?.name ?? id;
}

/** The entity a link to the module serving `category` points at, in that module's own words. */
export function linkedEntity(systems: Systems, category: SourceCategory): string {
  return (systems[category].entities as Record<string, string>)[LINKED_ENTITY[category]]!;
}

/** The entity a record of this system is linked as (the CRM's account for an unknown id). */
export function linkedEntityOf(systems: Systems, source: string): string {
  const system = systemById(systems, source);
  return linkedEntity(systems, system?.category ?? 'crm');
}
