import type { CountryCode } from 'libphonenumber-js';
import { phoneKey } from './conflict-rules.js';
import type { SourceId } from '../sources/kit/errors.js';
import { isSourceError } from '../sources/kit/errors.js';
import { statusFromError, statusFromFetched, type SectionStatus } from '../sources/kit/section-status.js';
import { SOURCE_CATEGORIES, systemName, type Systems } from '../sources/kit/contract.js';
import type { CrmAccountIndexEntry, CrmContact, Fetched } from '../sources/kit/domain.js';
import { domainOf, emailDomain as emailDomainOf, nameContainsText } from '../sources/kit/names.js';
import type { PanoramaContext } from './context.js';
import { CustomerView } from './customer-view.js';
import { canonicalAccountId, supportOwner, type LinkedCategory } from './identity.js';
import { pageOf } from './paging.js';
import { noteServedStale } from './served-stale.js';

/** Why a customer is in the results: what matched, in which system. */
export type MatchKind =
  | 'CUSTOMER_NAME'
  | 'WEBSITE'
  | 'EMAIL_DOMAIN'
  | 'CONTACT_NAME'
  | 'CONTACT_EMAIL'
  | 'CONTACT_PHONE'
  | 'ACCOUNTING_CUSTOMER_NAME'
  | 'INVOICE_NUMBER'
  | 'ORGANIZATION_NAME'
  | 'TICKET_ID';

export type SearchMatch = { customerId: string; source: SourceId; kind: MatchKind; recordId: string; reason: string };

/** How the text reads: the lookups it asks for. */
export type SearchIntent = {
  text: string;
  /** `#1318` or `1318`: an invoice number or a ticket id. */
  number: string | null;
  /** An e-mail address (or `@domain`): its domain, lower case. */
  emailDomain: string | null;
  /** A phone number in any formatting: its E.164 form in the default region, and the last digits the vendor query asks for. */
  phone: { e164: string; tail: string } | null;
};

/** At most this many contacts are read per search; a phone tail matches more numbers than it means. */
const CONTACT_LIMIT = 50;
/**
 * How many candidates each system's own search is asked for, whatever the page size: the count is of every
 * customer found, so it must not depend on the page. A lookup that comes back full may have had more, and the
 * count then says "at least" (countIsExact false).
 */
export const LOOKUP_DEPTH = 100;

export type CustomerSearchSort = 'BEST_MATCH' | 'NAME';
export type CustomerSearchArgs = { first: number; after?: string | null; filter?: { system?: string | null } | null; sort?: CustomerSearchSort | null };
const PHONE_TAIL = 4;


export function searchIntent(raw: string, region: CountryCode): SearchIntent {
  const text = raw.trim();
  const number = /^#?\d{1,20}$/.test(text) ? text.replace(/^#/, '') : null;
  const emailDomain = text.includes('@') ? (emailDomainOf(text.startsWith('@') ? `x${text}` : text) ?? null) : null;
  const digits = text.replace(/\D/g, '');
  const looksLikePhone = /^\+?[\d\s().\-/]+$/.test(text) && digits.length >= 7 && digits.length <= 15;
  const phone = looksLikePhone ? { e164: phoneKey(text, region), tail: digits.slice(-PHONE_TAIL) } : null;
  return { text, number, emailDomain, phone };
}

/** "A", "A and B", "A, B and C". */
export function inList(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * The words when a searched system failed: "Incomplete: <CRM> isn't answering; results from <accounting> and
 * <support> below". Null when every searched system answered. Names come from the module registry.
 */
export function incompleteMessage(statuses: readonly SectionStatus[], systems: Systems): string | null {
  const down = statuses.filter((s) => s.state === 'FAILED');
  if (!down.length) return null;
  // a system with no token yet is not connected, not down: say so, and where it is connected
  const unconnected = down.filter((s) => s.code === 'NOT_CONFIGURED').map((s) => systemName(systems, s.source));
  const failed = down.filter((s) => s.code !== 'NOT_CONFIGURED').map((s) => systemName(systems, s.source));
  const answered = statuses.filter((s) => s.state !== 'FAILED').map((s) => systemName(systems, s.source));
  const rest = answered.length ? `results from ${inList(answered)} below` : 'no system could be searched';
  const parts = [
    ...(failed.length ? [`${inList(failed)} ${failed.length === 1 ? "isn't" : "aren't"} answering`] : []),
    ...(unconnected.length ? [`${inList(unconnected)} ${unconnected.length === 1 ? "isn't" : "aren't"} connected (an admin connects ${unconnected.length === 1 ? 'it' : 'them'} on /admin/connections)`] : []),
  ];
  return `Incomplete: ${parts.join('; ')}; ${rest}`;
}

function listStatus(ctx: PanoramaContext, fetched: Fetched<unknown>): SectionStatus {
  noteServedStale(ctx, fetched.freshness);
  return statusFromFetched(fetched, ctx.runtime.clock.now());
}

/**
 * customers(search): across systems, each hit put under the customer it belongs to and saying why it is there.
 * - the CRM: customer names and websites from the account index, folded for case, accents and apostrophes
 *   ("obrien" finds O'Brien; no request while the index is cached, and the identity rules read it anyway); an
 *   e-mail's domain against the websites; contacts by name, e-mail or phone, with one Contact query;
 * - accounting: customer names, invoice numbers; support: organization names, ticket ids.
 * A system that fails leaves its part out and says so in `sources` and `incomplete`.
 */
export async function searchCustomers(ctx: PanoramaContext, search: string, args: CustomerSearchArgs) {
  const sys = ctx.runtime.systems;
  const found = new Map<string, { view: CustomerView; name: string; matches: SearchMatch[] }>();
  const statuses: SectionStatus[] = [];
  let capped = false;
  const full = <T>(rows: T[], limit: number): T[] => {
    if (rows.length >= limit) capped = true;
    return rows;
  };
  let index = new Map<string, CrmAccountIndexEntry>();

  const add = (rawId: string, name: string | null, m: Omit<SearchMatch, 'customerId'>) => {
    // either form of a CRM id is the one customer
    const accountId = canonicalAccountId(sys, rawId);
    let hit = found.get(accountId);
    const known = name ?? index.get(accountId)?.name ?? null;
    if (!hit) {
      const view = CustomerView.for(ctx, accountId);
      if (known) view.knownName = known;
      hit = { view, name: known ?? '', matches: [] };
      found.set(accountId, hit);
    }
    if (!hit.matches.some((x) => x.source === m.source && x.kind === m.kind && x.recordId === m.recordId)) hit.matches.push({ customerId: accountId, ...m });
  };
  const attempt = async <T>(source: SourceId, run: () => Promise<Fetched<T>> | null, use: (v: T) => Promise<void> | void) => {
    const pending = run();
    if (!pending) return;
    try {
      const r = await pending;
      statuses.push(listStatus(ctx, r));
      await use(r.value);
    } catch (e) {
      if (!isSourceError(e)) throw e;
      statuses.push(statusFromError(source, e));
    }
  };
  const owner = async (category: LinkedCategory, recordId: string) => (await ctx.identity(category).catch(() => null))?.ownerOf(category, recordId) ?? null;

  const intent = searchIntent(search, ctx.settings.defaultPhoneRegion);
  const { text, number, emailDomain, phone } = intent;
  const crm = sys.crm.id;

  if (!text) {
    // Every customer by name, from the CRM's account index (cached, and read by the identity rules anyway).
    await attempt(crm, () => ctx.loaders.crm.accountIndex(), (entries) => {
      for (const a of [...entries].sort((x, y) => x.name.localeCompare(y.name, 'en'))) add(a.id, a.name, { source: crm, kind: 'CUSTOMER_NAME', recordId: a.id, reason: 'name' });
    });
  } else {
    const contactQuery = phone ? { phoneTail: phone.tail } : text.length >= 2 && !number ? { text } : null;
    const crmSearch = async () => {
      // The index and the contacts are read together; the index names the contacts' accounts.
      const [, contacts] = await Promise.all([
        attempt(crm, () => ctx.loaders.crm.accountIndex(), (entries) => {
          index = new Map(entries.map((e) => [e.id, e]));
          if (phone || number) return;
          const needle = text.toLowerCase();
          const hits = entries
            .filter((e) => (emailDomain ? domainOf(e.website) === emailDomain : nameContainsText(e.name, text) || (e.website ?? '').toLowerCase().includes(needle)))
            .sort((a, b) => a.name.localeCompare(b.name));
          for (const e of hits) {
            const kind: MatchKind = emailDomain ? 'EMAIL_DOMAIN' : nameContainsText(e.name, text) ? 'CUSTOMER_NAME' : 'WEBSITE';
            const site = (e.website ?? '').replace(/^https?:\/\//, '').replace(/\/$/, '');
            const reason = kind === 'EMAIL_DOMAIN' ? `e-mail domain ${emailDomain}` : kind === 'WEBSITE' ? `website ${site}` : 'name';
            add(e.id, e.name, { source: crm, kind, recordId: e.id, reason });
          }
        }),
        (async () => {
          let out: CrmContact[] = [];
          if (contactQuery) await attempt(crm, () => ctx.loaders.crm.searchContacts(contactQuery, CONTACT_LIMIT), (c) => void (out = full(c, CONTACT_LIMIT)));
          return out;
        })(),
      ]);
      for (const c of contacts) {
        if (phone) {
          if (!c.phone || phoneKey(c.phone, ctx.settings.defaultPhoneRegion) !== phone.e164) continue;
          add(c.accountId, null, { source: crm, kind: 'CONTACT_PHONE', recordId: c.id, reason: `contact ${c.name}, phone ${c.phone}` });
        } else if (nameContainsText(c.name, text)) {
          add(c.accountId, null, { source: crm, kind: 'CONTACT_NAME', recordId: c.id, reason: `contact ${c.name}` });
        } else if (c.email && c.email.toLowerCase().includes(text.toLowerCase())) {
          add(c.accountId, null, { source: crm, kind: 'CONTACT_EMAIL', recordId: c.id, reason: `contact ${c.name} (${c.email})` });
        }
      }
    };
    const accounting = sys.accounting.id;
    const support = sys.support.id;
    await Promise.all([
      crmSearch(),
      emailDomain || !number
        ? null
        : attempt(accounting, () => ctx.loaders.accounting.invoicesByNumber(number), async (invoices) => {
            for (const inv of invoices) {
              const o = await owner('accounting', inv.customerId);
              if (o) add(o.accountId, o.accountName, { source: accounting, kind: 'INVOICE_NUMBER', recordId: inv.id, reason: `invoice #${inv.number ?? inv.id}` });
            }
          }),
      emailDomain || number || phone || text.length < 2
        ? null
        : attempt(accounting, () => ctx.loaders.accounting.searchCustomers(text, LOOKUP_DEPTH), async (customers) => {
            for (const c of full(customers, LOOKUP_DEPTH)) {
              const o = await owner('accounting', c.id);
              if (o) add(o.accountId, o.accountName, { source: accounting, kind: 'ACCOUNTING_CUSTOMER_NAME', recordId: c.id, reason: `customer ${c.displayName}` });
            }
          }),
      emailDomain || (!number && (phone || text.length < 2))
        ? null
        : number
          ? attempt(support, () => ctx.loaders.support.ticket(number), async (t) => {
              if (!t) return;
              // an orphan (its external id names no account) is no customer
              const o = supportOwner(ctx, await ctx.identity('support').catch(() => null), t.organizationId, t.crmAccountId);
              if (o) add(o.accountId, o.accountName, { source: support, kind: 'TICKET_ID', recordId: t.ticket.id, reason: `ticket #${t.ticket.id}` });
            })
          : attempt(support, () => ctx.loaders.support.searchOrganizations(text, LOOKUP_DEPTH), async (orgs) => {
              for (const org of full(orgs, LOOKUP_DEPTH)) {
                const o = supportOwner(ctx, await ctx.identity('support').catch(() => null), org.id, org.crmAccountId);
                if (o) add(o.accountId, o.accountName, { source: support, kind: 'ORGANIZATION_NAME', recordId: org.id, reason: `organization ${org.name}` });
              }
            }),
    ]);
  }

  const only = args.filter?.system ? (args.filter.system.toLowerCase() as SourceId) : null;
  const sort = args.sort ?? 'BEST_MATCH';
  const hits = [...found.values()].filter((h) => only === null || h.matches.some((m) => m.source === only));
  // BEST_MATCH keeps the order the lookups found them in: the CRM's names first, then contacts, then the other systems.
  if (sort === 'NAME') hits.sort((a, b) => (a.view.knownName ?? a.name).localeCompare(b.view.knownName ?? b.name, 'en') || a.view.id.localeCompare(b.view.id));
  const page = pageOf(hits, args, { search: search.trim().toLowerCase(), only, sort }, 100);
  const nodes = page.rows;
  // one status per system: a failure wins over a success of another lookup in the same system
  const bySystem = new Map<SourceId, SectionStatus>();
  for (const s of statuses) if (!bySystem.has(s.source) || s.state === 'FAILED') bySystem.set(s.source, s);
  const order = (id: SourceId) => SOURCE_CATEGORIES.findIndex((c) => sys[c].id === id);
  const sources = [...bySystem.values()].sort((a, b) => order(a.source) - order(b.source));
  return {
    nodes: nodes.map((n) => n.view),
    totalCount: page.totalCount,
    countIsExact: !capped,
    pageInfo: page.pageInfo,
    sources,
    incomplete: incompleteMessage(sources, sys),
    matches: nodes.flatMap((n) => n.matches),
  };
}
