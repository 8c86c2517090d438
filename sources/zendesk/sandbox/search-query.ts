/**
 * The part of Zendesk's search language the sandbox understands, parsed for real:
 *   terms separated by spaces; `keyword:value`, `keyword<value`, `keyword>value`; `"quoted phrases"` (also as a
 *   value: `name:"Acme Inc"`); `-` before a term negates it; `*` inside or after a word is a wildcard (a leading
 *   `*` is refused, as Zendesk refuses it); a backslash is an ordinary character (Zendesk documents no escape).
 * Semantics: different keywords AND, the same keyword repeated ORs its values (`organization:1 organization:2`),
 * free-text words AND and match words that start with them, phrases match consecutive words exactly.
 * Anything outside that — unknown keywords, bad values, unbalanced quotes — is a SearchError (Zendesk's 4xx),
 * never a silently empty answer.
 */
import type { World } from '../../sandbox/world.js';
import type { ZdOrganization, ZdTicket, ZdUser } from './records.js';

export class SearchError extends Error {
  constructor(readonly description: string) {
    super(description);
  }
}

export type Op = ':' | '<' | '>';
export type Term =
  | { kind: 'text'; negated: boolean; value: string; phrase: boolean }
  | { kind: 'keyword'; negated: boolean; keyword: string; op: Op; value: string; phrase: boolean };

export type RecordType = 'ticket' | 'organization' | 'user';
export type SearchRecord =
  | { type: 'ticket'; record: ZdTicket }
  | { type: 'organization'; record: ZdOrganization }
  | { type: 'user'; record: ZdUser };

export const STATUS_ORDER = ['new', 'open', 'pending', 'hold', 'solved', 'closed'] as const;
export const PRIORITY_ORDER = ['low', 'normal', 'high', 'urgent'] as const;
const TICKET_TYPES = ['question', 'incident', 'problem', 'task'] as const;
const ROLES = ['end-user', 'agent', 'admin'] as const;
const SEARCH_TYPES = ['ticket', 'organization', 'user', 'group'] as const;
const SORT_FIELDS = { created: 'created_at', updated: 'updated_at', priority: 'priority', status: 'status', ticket_type: 'ticket_type' } as const;

// Custom organization field keys may hold digits after the first character (`crm_id2:…`).
const KEYWORD = /^([a-z_][a-z0-9_]*)(:|<|>)/i;

export function tokenize(query: string): Term[] {
  const terms: Term[] = [];
  let i = 0;
  const n = query.length;
  const readPhrase = (): string => {
    const end = query.indexOf('"', i + 1);
    if (end < 0) throw new SearchError('Invalid search: unbalanced quotation mark');
    const phrase = query.slice(i + 1, end);
    i = end + 1;
    if (i < n && !/\s/.test(query[i]!)) throw new SearchError('Invalid search: a closing quotation mark must end the term');
    return phrase;
  };
  const readWord = (): string => {
    const start = i;
    while (i < n && !/\s/.test(query[i]!)) i++;
    const word = query.slice(start, i);
    if (word.includes('"')) throw new SearchError('Invalid search: unbalanced quotation mark');
    return word;
  };
  while (i < n) {
    if (/\s/.test(query[i]!)) {
      i++;
      continue;
    }
    let negated = false;
    if (query[i] === '-' && i + 1 < n && !/\s/.test(query[i + 1]!)) {
      negated = true;
      i++;
    }
    if (query[i] === '"') {
      terms.push({ kind: 'text', negated, value: readPhrase(), phrase: true });
      continue;
    }
    const kw = KEYWORD.exec(query.slice(i));
    if (kw) {
      i += kw[0].length;
      const phrase = query[i] === '"';
      const value = phrase ? readPhrase() : readWord();
      if (!value.trim()) throw new SearchError(`Invalid search: ${kw[1]}${kw[2]} needs a value`);
      terms.push({ kind: 'keyword', negated, keyword: kw[1]!.toLowerCase(), op: kw[2] as Op, value, phrase });
      continue;
    }
    terms.push({ kind: 'text', negated, value: readWord(), phrase: false });
  }
  return terms;
}

/** Lower-cased word tokens of any script, as the index sees them. */
export function words(s: string | null | undefined): string[] {
  return (s ?? '').normalize('NFC').toLowerCase().match(/[\p{L}\p{N}\p{M}]+/gu) ?? [];
}

/** A compiled text matcher: words match by prefix (with `*` wildcards), phrases by consecutive exact words. */
export function textMatcher(value: string, phrase: boolean): (text: string | null | undefined) => boolean {
  if (phrase) {
    const want = words(value);
    if (want.length === 0) throw new SearchError('Invalid search: empty phrase');
    return (text) => {
      const have = words(text);
      for (let s = 0; s + want.length <= have.length; s++) if (want.every((w, k) => have[s + k] === w)) return true;
      return false;
    };
  }
  if (value.startsWith('*')) throw new SearchError('Invalid search: a wildcard cannot start a term');
  if (value.includes('*')) {
    if (!/^[\p{L}\p{N}\p{M}*]+$/u.test(value)) throw new SearchError('Invalid search: a wildcard term may hold only letters and digits');
    const re = new RegExp(`^${value.normalize('NFC').toLowerCase().split('*').map(escapeRegExp).join('.*')}`, 'u');
    return (text) => words(text).some((w) => re.test(w));
  }
  const want = words(value);
  if (want.length === 0) return () => false;
  // `O'Brien` is the words o, brien: consecutive, the last one as a prefix.
  return (text) => {
    const have = words(text);
    for (let s = 0; s + want.length <= have.length; s++) {
      if (want.every((w, k) => (k === want.length - 1 ? have[s + k]!.startsWith(w) : have[s + k] === w))) return true;
    }
    return false;
  };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

type Matcher = (r: SearchRecord) => boolean;

export type CompiledSearch = {
  types: Set<RecordType> | null;
  matches: Matcher;
  sort: { field: 'created_at' | 'updated_at' | 'priority' | 'status' | 'ticket_type'; order: 'asc' | 'desc' } | null;
};

/**
 * `orgFields`: the account's custom organization fields, key (lower-cased) → type. Zendesk's search names a custom
 * organization field by its key (`<key>:<value>`, "Organization property keywords" of its search reference);
 * a key the account does not have is an unknown keyword.
 */
export function compile(query: string, world: World, orgFields: ReadonlyMap<string, string> = new Map()): CompiledSearch {
  const terms = tokenize(query);
  if (terms.length === 0) throw new SearchError('Invalid search: the query is empty');
  const orgsById = new Map(world.zendesk.organizations.map((o) => [o.id, o]));
  const usersById = new Map(world.zendesk.users.map((u) => [u.id, u]));
  const positive = new Map<string, Matcher[]>();
  const required: Matcher[] = [];
  const excluded: Matcher[] = [];
  let types: Set<RecordType> | null = null;
  const notTypes = new Set<RecordType>();
  let sortField: NonNullable<CompiledSearch['sort']>['field'] | null = null;
  let order: 'asc' | 'desc' = 'desc';

  for (const term of terms) {
    if (term.kind === 'text') {
      const m = textMatcher(term.value, term.phrase);
      const matcher: Matcher = (r) => textFields(r).some(m);
      (term.negated ? excluded : required).push(matcher);
      continue;
    }
    const { keyword, value, negated } = term;
    if (keyword === 'type') {
      requireOp(term, [':']);
      const t = oneOf(value.toLowerCase(), SEARCH_TYPES, `Invalid type:${value}`);
      if (t === 'group') {
        // The sandbox holds no groups: `type:group` is valid and finds none.
        if (!negated) types ??= new Set();
        continue;
      }
      if (negated) notTypes.add(t);
      else (types ??= new Set()).add(t);
      continue;
    }
    if (keyword === 'order_by') {
      requireOp(term, [':']);
      const f = SORT_FIELDS[value.toLowerCase() as keyof typeof SORT_FIELDS];
      if (!f) throw new SearchError(`Invalid search: cannot order by ${value}`);
      sortField = f;
      continue;
    }
    if (keyword === 'sort') {
      requireOp(term, [':']);
      order = oneOf(value.toLowerCase(), ['asc', 'desc'] as const, `Invalid search: sort must be asc or desc`);
      continue;
    }
    const matcher = orgFields.has(keyword) && !BUILT_IN.has(keyword) ? orgFieldMatcher(term) : keywordMatcher(term, orgsById, usersById);
    if (negated) excluded.push(matcher);
    else positive.set(keyword, [...(positive.get(keyword) ?? []), matcher]);
  }

  const groups = [...positive.values()];
  const allTypes: RecordType[] = ['ticket', 'organization', 'user'];
  const wanted = types ? [...types] : notTypes.size ? allTypes : null;
  return {
    types: wanted ? new Set(wanted.filter((t) => !notTypes.has(t))) : null,
    matches: (r) => groups.every((g) => g.some((m) => m(r))) && required.every((m) => m(r)) && !excluded.some((m) => m(r)),
    sort: sortField ? { field: sortField, order } : null,
  };
}

const BUILT_IN = new Set(['status', 'priority', 'ticket_type', 'organization', 'requester', 'submitter', 'assignee', 'external_id', 'name', 'subject', 'description', 'email', 'role', 'tags', 'tag', 'created', 'updated']);

/** `<key>:<value>` on a custom organization field: organizations whose value equals it, without case (a text field's whole value). */
function orgFieldMatcher(term: Extract<Term, { kind: 'keyword' }>): Matcher {
  requireOp(term, [':']);
  const v = term.value.toLowerCase();
  return (r) => {
    if (r.type !== 'organization') return false;
    const fields = r.record.organization_fields;
    const key = Object.keys(fields).find((k) => k.toLowerCase() === term.keyword);
    const held = key === undefined ? undefined : fields[key];
    return typeof held === 'string' && held.toLowerCase() === v;
  };
}

function requireOp(term: Extract<Term, { kind: 'keyword' }>, ops: Op[]): void {
  if (!ops.includes(term.op)) throw new SearchError(`Invalid search: ${term.keyword} does not support "${term.op}"`);
}

function oneOf<T extends string>(value: string, allowed: readonly T[], message: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw new SearchError(message);
  return value as T;
}

function textFields(r: SearchRecord): string[] {
  switch (r.type) {
    case 'ticket':
      return [r.record.subject, r.record.description];
    case 'organization':
      return [r.record.name];
    case 'user':
      return [r.record.name, r.record.email];
  }
}

function compareOrdered<T extends string>(order: readonly T[], value: string, keyword: string, op: Op): (v: T | null) => boolean {
  const want = value.toLowerCase();
  if (want === 'none' && op === ':' && keyword !== 'status') return (v) => v === null;
  const idx = order.indexOf(want as T);
  if (idx < 0) throw new SearchError(`Invalid search: ${keyword} cannot be ${value}`);
  return (v) => {
    if (v === null) return false;
    const at = order.indexOf(v);
    return op === ':' ? at === idx : op === '<' ? at < idx : at > idx;
  };
}

function dateMatcher(value: string, keyword: string, op: Op): (iso: string) => boolean {
  const m = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(:\d{2})?Z?)?$/.exec(value);
  if (!m || Number.isNaN(Date.parse(m[0].length > 10 ? value : `${value}T00:00:00Z`))) {
    throw new SearchError(`Invalid search: ${keyword} takes a date such as 2026-01-31`);
  }
  if (m[2]) {
    const t = Date.parse(value.endsWith('Z') ? value : `${value}Z`);
    return (iso) => (op === ':' ? Date.parse(iso) === t : op === '<' ? Date.parse(iso) < t : Date.parse(iso) > t);
  }
  const day = m[1]!;
  return (iso) => (op === ':' ? iso.slice(0, 10) === day : op === '<' ? iso.slice(0, 10) < day : iso.slice(0, 10) > day);
}

function idOrPerson(value: string, keyword: string, usersById: Map<number, ZdUser>): (id: number | null) => boolean {
  const v = value.toLowerCase();
  if (v === 'none') return (id) => id === null;
  if (/^\d+$/.test(v)) return (id) => id === Number(v);
  if (v.includes('@')) return (id) => id !== null && usersById.get(id)?.email.toLowerCase() === v;
  if (!/^[\p{L}\p{N}\p{M}*'.-]+$/u.test(value)) throw new SearchError(`Invalid search: ${keyword} takes a user id, e-mail or name`);
  const m = textMatcher(value, false);
  return (id) => id !== null && m(usersById.get(id)?.name);
}

function keywordMatcher(term: Extract<Term, { kind: 'keyword' }>, orgsById: Map<number, ZdOrganization>, usersById: Map<number, ZdUser>): Matcher {
  const { keyword, op, value, phrase } = term;
  const colonOnly = () => requireOp(term, [':']);
  switch (keyword) {
    case 'status': {
      const m = compareOrdered(STATUS_ORDER, value, keyword, op);
      return (r) => r.type === 'ticket' && m(r.record.status);
    }
    case 'priority': {
      const m = compareOrdered(PRIORITY_ORDER, value, keyword, op);
      return (r) => r.type === 'ticket' && m(r.record.priority);
    }
    case 'ticket_type': {
      colonOnly();
      const m = compareOrdered(TICKET_TYPES, value, keyword, op);
      return (r) => r.type === 'ticket' && m(r.record.type);
    }
    case 'organization': {
      colonOnly();
      const v = value.toLowerCase();
      const test: (id: number | null) => boolean =
        v === 'none'
          ? (id) => id === null
          : /^\d+$/.test(v)
            ? (id) => id === Number(v)
            : ((m) => (id: number | null) => id !== null && m(orgsById.get(id)?.name))(textMatcher(value, phrase));
      return (r) => (r.type === 'ticket' || r.type === 'user') && test(r.record.organization_id);
    }
    case 'requester':
    case 'submitter':
    case 'assignee': {
      colonOnly();
      const test = idOrPerson(value, keyword, usersById);
      const field = `${keyword}_id` as 'requester_id' | 'submitter_id' | 'assignee_id';
      return (r) => r.type === 'ticket' && test(r.record[field]);
    }
    case 'external_id': {
      colonOnly();
      const v = value.toLowerCase();
      return (r) => r.type !== 'user' && (r.record.external_id ?? '').toLowerCase() === v;
    }
    case 'name': {
      colonOnly();
      const m = textMatcher(value, phrase);
      return (r) => (r.type === 'organization' || r.type === 'user') && m(r.record.name);
    }
    case 'subject':
    case 'description': {
      colonOnly();
      const m = textMatcher(value, phrase);
      return (r) => r.type === 'ticket' && m(keyword === 'subject' ? r.record.subject : r.record.description);
    }
    case 'email': {
      colonOnly();
      const v = value.toLowerCase();
      const re = v.includes('*') ? new RegExp(`^${v.split('*').map(escapeRegExp).join('.*')}$`) : null;
      return (r) => r.type === 'user' && (re ? re.test(r.record.email.toLowerCase()) : r.record.email.toLowerCase() === v);
    }
    case 'role': {
      colonOnly();
      const role = oneOf(value.toLowerCase(), ROLES, `Invalid search: role cannot be ${value}`);
      return (r) => r.type === 'user' && r.record.role === role;
    }
    case 'tags':
    case 'tag': {
      colonOnly();
      const v = value.toLowerCase();
      return (r) => r.type !== 'user' && r.record.tags.some((t) => t.toLowerCase() === v);
    }
    case 'created':
    case 'updated': {
      const m = dateMatcher(value, keyword, op);
      return (r) => m(keyword === 'created' ? r.record.created_at : r.record.updated_at);
    }
    default:
      throw new SearchError(`Invalid search: the keyword "${keyword}" is not supported`);
  }
}

/** All records of the world a search can find, in the sandbox's "relevance" order (type, then id). */
export function searchable(world: World, types: Set<RecordType> | null): SearchRecord[] {
  const want = (t: RecordType) => !types || types.has(t);
  return [
    ...(want('ticket') ? world.zendesk.tickets.map((record) => ({ type: 'ticket' as const, record })) : []),
    ...(want('organization') ? world.zendesk.organizations.map((record) => ({ type: 'organization' as const, record })) : []),
    ...(want('user') ? world.zendesk.users.map((record) => ({ type: 'user' as const, record })) : []),
  ];
}

export function sortRecords(records: SearchRecord[], sort: NonNullable<CompiledSearch['sort']>): SearchRecord[] {
  const rank = (r: SearchRecord): string | number => {
    switch (sort.field) {
      case 'created_at':
        return r.record.created_at;
      case 'updated_at':
        return r.record.updated_at;
      case 'priority':
        return r.type === 'ticket' && r.record.priority ? PRIORITY_ORDER.indexOf(r.record.priority) : -1;
      case 'status':
        return r.type === 'ticket' ? STATUS_ORDER.indexOf(r.record.status) : -1;
      case 'ticket_type':
        return r.type === 'ticket' ? (r.record.type ?? '') : '';
    }
  };
  const dir = sort.order === 'asc' ? 1 : -1;
  return [...records].sort((a, b) => {
    const x = rank(a);
    const y = rank(b);
    const c = x < y ? -1 : x > y ? 1 : a.record.id - b.record.id;
    return c * dir;
  });
}
