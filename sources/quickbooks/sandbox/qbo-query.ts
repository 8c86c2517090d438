import type { World } from '../../sandbox/world.js';

/**
 * A small interpreter of the QuickBooks Online query language, enough of it to answer what Panorama asks and to
 * refuse what QBO refuses:
 *   SELECT * | COUNT(*) | f1, f2 FROM Customer|Invoice|Payment
 *   [WHERE cond AND cond …] [ORDERBY f [ASC|DESC], …] [STARTPOSITION n] [MAXRESULTS n]
 * with conditions `=`, `<`, `>`, `<=`, `>=`, `IN (…)`, `LIKE '…%…'` (QBO knows only the `%` wildcard).
 * Keywords and entity names are case-insensitive; strings are single-quoted, `\` escapes the next character.
 * There is no OR. Like QBO, name lists (Customer) return active records only unless the query filters on Active.
 */

export type QboEntityName = 'Customer' | 'Invoice' | 'Payment';

/** A query QBO would refuse: answered as a 400 ValidationFault with this code, message and detail. */
export class QboQueryError extends Error {
  readonly code: '4000' | '4001';
  readonly faultMessage: string;
  readonly detail: string;

  constructor(code: '4000' | '4001', detail: string) {
    super(detail);
    this.name = 'QboQueryError';
    this.code = code;
    this.faultMessage = code === '4000' ? 'Error parsing query' : 'Invalid query';
    this.detail = detail;
  }
}

type FieldType = 'id' | 'string' | 'number' | 'boolean' | 'date' | 'datetime' | 'ref';
type FieldDef = { name: string; type: FieldType; /** where the compared value lives, when not at `name` */ valuePath?: string[] };

const meta: FieldDef[] = [
  { name: 'MetaData.CreateTime', type: 'datetime' },
  { name: 'MetaData.LastUpdatedTime', type: 'datetime' },
];

/** Per entity: the properties a WHERE/ORDERBY may use, and the others a field list may select. */
const ENTITIES: Record<QboEntityName, { filterable: FieldDef[]; selectable: string[]; nameList: boolean }> = {
  Customer: {
    filterable: [
      { name: 'Id', type: 'id' },
      { name: 'DisplayName', type: 'string' },
      { name: 'CompanyName', type: 'string' },
      { name: 'GivenName', type: 'string' },
      { name: 'FamilyName', type: 'string' },
      { name: 'FullyQualifiedName', type: 'string' },
      { name: 'PrimaryEmailAddr', type: 'string', valuePath: ['PrimaryEmailAddr', 'Address'] },
      { name: 'Balance', type: 'number' },
      { name: 'Active', type: 'boolean' },
      { name: 'Job', type: 'boolean' },
      ...meta,
    ],
    selectable: ['SyncToken', 'MetaData', 'PrintOnCheckName', 'PrimaryPhone', 'WebAddr', 'BillAddr', 'ShipAddr', 'BalanceWithJobs', 'CurrencyRef', 'PreferredDeliveryMethod', 'BillWithParent', 'Taxable'],
    nameList: true,
  },
  Invoice: {
    filterable: [
      { name: 'Id', type: 'id' },
      { name: 'DocNumber', type: 'string' },
      { name: 'TxnDate', type: 'date' },
      { name: 'DueDate', type: 'date' },
      { name: 'CustomerRef', type: 'ref' },
      { name: 'Balance', type: 'number' },
      { name: 'TotalAmt', type: 'number' },
      { name: 'EmailStatus', type: 'string' },
      ...meta,
    ],
    selectable: ['SyncToken', 'MetaData', 'CurrencyRef', 'Line', 'PrintStatus', 'BillEmail', 'BillAddr', 'PrivateNote', 'CustomerMemo', 'LinkedTxn', 'ApplyTaxAfterDiscount'],
    nameList: false,
  },
  Payment: {
    filterable: [
      { name: 'Id', type: 'id' },
      { name: 'TxnDate', type: 'date' },
      { name: 'CustomerRef', type: 'ref' },
      { name: 'TotalAmt', type: 'number' },
      ...meta,
    ],
    selectable: ['SyncToken', 'MetaData', 'CurrencyRef', 'UnappliedAmt', 'ProcessPayment', 'Line', 'PrivateNote'],
    nameList: false,
  },
};

export const MAX_RESULTS_LIMIT = 1000;
const DEFAULT_MAX_RESULTS = 100;

// ---- lexer -------------------------------------------------------------------------------------------
type Token =
  | { kind: 'ident'; text: string; col: number }
  | { kind: 'number'; text: string; value: number; col: number }
  | { kind: 'string'; text: string; value: string; col: number }
  | { kind: 'punct'; text: '*' | ',' | '(' | ')' | '.'; col: number }
  | { kind: 'op'; text: '=' | '<' | '>' | '<=' | '>='; col: number }
  | { kind: 'eof'; text: ''; col: number }
  /** Where the lexer gave up; raised only when the parser gets there, as QBO's on-demand lexer does. */
  | { kind: 'error'; text: ''; col: number; error: QboQueryError };

function lexError(col: number, ch: string, after: string): QboQueryError {
  const code = ch.codePointAt(0) ?? 0;
  return new QboQueryError(
    '4000',
    `QueryParserError: Invalid content. Lexical error at line 1, column ${col}.  Encountered: "${ch}" (${code}), after : "${after}"`,
  );
}

export function tokenize(input: string): Token[] {
  const out: Token[] = [];
  try {
    lex(input, out);
  } catch (e) {
    if (!(e instanceof QboQueryError)) throw e;
    out.push({ kind: 'error', text: '', col: 0, error: e });
    return out;
  }
  out.push({ kind: 'eof', text: '', col: input.length + 1 });
  return out;
}

function lex(input: string, out: Token[]): void {
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    const col = i + 1;
    if (/\s/.test(ch)) {
      i++;
    } else if (/[A-Za-z_]/.test(ch)) {
      let j = i + 1;
      while (j < input.length && /[A-Za-z0-9_]/.test(input[j]!)) j++;
      out.push({ kind: 'ident', text: input.slice(i, j), col });
      i = j;
    } else if (/[0-9]/.test(ch) || (ch === '-' && /[0-9]/.test(input[i + 1] ?? ''))) {
      let j = i + 1;
      while (j < input.length && /[0-9.]/.test(input[j]!)) j++;
      const text = input.slice(i, j);
      const value = Number(text);
      if (!Number.isFinite(value)) throw lexError(col, text, '');
      out.push({ kind: 'number', text, value, col });
      i = j;
    } else if (ch === "'") {
      let j = i + 1;
      let value = '';
      for (;;) {
        if (j >= input.length) throw lexError(j + 1, '<EOF>', input.slice(i, j));
        const c = input[j]!;
        if (c === '\\') {
          if (j + 1 >= input.length) throw lexError(j + 2, '<EOF>', input.slice(i, j + 1));
          value += input[j + 1]!;
          j += 2;
        } else if (c === "'") {
          j++;
          break;
        } else {
          value += c;
          j++;
        }
      }
      out.push({ kind: 'string', text: input.slice(i, j), value, col });
      i = j;
    } else if (ch === '<' || ch === '>') {
      if (input[i + 1] === '=') {
        out.push({ kind: 'op', text: ch === '<' ? '<=' : '>=', col });
        i += 2;
      } else {
        out.push({ kind: 'op', text: ch, col });
        i++;
      }
    } else if (ch === '=') {
      out.push({ kind: 'op', text: '=', col });
      i++;
    } else if (ch === '*' || ch === ',' || ch === '(' || ch === ')' || ch === '.') {
      out.push({ kind: 'punct', text: ch, col });
      i++;
    } else {
      // QBO's lexer has no `!=`, `<>`, `;`, `"` … : they are lexical errors.
      throw lexError(col, ch, '');
    }
  }
}

// ---- parser ------------------------------------------------------------------------------------------
type Literal = { kind: 'string' | 'number' | 'boolean'; raw: string | number | boolean; col: number };
type Op = '=' | '<' | '>' | '<=' | '>=' | 'IN' | 'LIKE';
type RawCond = { field: string; col: number; op: Op; values: Literal[] };

export type ParsedQuery = {
  entity: QboEntityName;
  select: { kind: 'all' } | { kind: 'count' } | { kind: 'fields'; fields: string[] };
  where: { field: FieldDef; op: Op; values: (string | number | boolean)[] }[];
  orderBy: { field: FieldDef; desc: boolean }[];
  startPosition: number;
  maxResults: number;
};

const KEYWORDS = new Set(['select', 'from', 'where', 'and', 'or', 'in', 'like', 'orderby', 'order', 'by', 'asc', 'desc', 'startposition', 'maxresults', 'count', 'true', 'false', 'iterator']);

function describe(t: Token): string {
  if (t.kind === 'eof' || t.kind === 'error') return '"<EOF>"';
  if (t.kind === 'ident') return KEYWORDS.has(t.text.toLowerCase()) ? `" "${t.text.toLowerCase()}" "${t.text} ""` : `" <IDENTIFIER> "${t.text} ""`;
  if (t.kind === 'number') return `" <INTEGER> "${t.text} ""`;
  if (t.kind === 'string') return `" <STRING> "${t.text} ""`;
  return `" "${t.text}" "${t.text} ""`;
}

function unexpected(t: Token, expected: string[]): QboQueryError {
  return new QboQueryError(
    '4000',
    `QueryParserError: Encountered ${describe(t)} at line 1, column ${t.col}.\nWas expecting one of:\n${expected.map((e) => `    ${e} ...`).join('\n')}\n    `,
  );
}

class Parser {
  #i = 0;
  constructor(private readonly tokens: Token[]) {}

  peek(): Token {
    const t = this.tokens[this.#i]!;
    if (t.kind === 'error') throw t.error;
    return t;
  }
  next(): Token {
    const t = this.peek();
    this.#i++;
    return t;
  }
  isKeyword(word: string): boolean {
    const t = this.peek();
    return t.kind === 'ident' && t.text.toLowerCase() === word;
  }
  keyword(word: string, expected = [`"${word}"`]): void {
    if (!this.isKeyword(word)) throw unexpected(this.peek(), expected);
    this.next();
  }
  punct(p: string, expected = [`"${p}"`]): void {
    const t = this.peek();
    if (t.kind !== 'punct' || t.text !== p) throw unexpected(t, expected);
    this.next();
  }
  identifier(expected: string[]): { text: string; col: number } {
    const t = this.peek();
    if (t.kind !== 'ident' || KEYWORDS.has(t.text.toLowerCase())) throw unexpected(t, expected);
    this.next();
    return { text: t.text, col: t.col };
  }
  /** `Name` or `MetaData.LastUpdatedTime`. */
  property(expected: string[]): { text: string; col: number } {
    const first = this.identifier(expected);
    let text = first.text;
    while (this.peek().kind === 'punct' && this.peek().text === '.') {
      this.next();
      text += `.${this.identifier(['<IDENTIFIER>']).text}`;
    }
    return { text, col: first.col };
  }
  literal(): Literal {
    const t = this.next();
    if (t.kind === 'string') return { kind: 'string', raw: t.value, col: t.col };
    if (t.kind === 'number') return { kind: 'number', raw: t.value, col: t.col };
    if (t.kind === 'ident' && (t.text.toLowerCase() === 'true' || t.text.toLowerCase() === 'false')) {
      return { kind: 'boolean', raw: t.text.toLowerCase() === 'true', col: t.col };
    }
    throw unexpected(t, ['<STRING>', '<INTEGER>', '"true"', '"false"']);
  }
  positiveInt(keyword: string): number {
    const t = this.next();
    if (t.kind !== 'number' || !Number.isInteger(t.value)) throw unexpected(t, ['<INTEGER>']);
    if (t.value < 1) throw new QboQueryError('4001', `QueryValidationError: value ${t.value} is too small. Min allowed value is 1`);
    if (keyword === 'maxresults' && t.value > MAX_RESULTS_LIMIT) {
      throw new QboQueryError('4001', `QueryValidationError: value ${t.value} is too large. Max allowed value is ${MAX_RESULTS_LIMIT}`);
    }
    return t.value;
  }

  parse(): ParsedQuery {
    if (this.peek().kind === 'eof') throw new QboQueryError('4000', 'QueryParserError: The query provided was empty');
    this.keyword('select');
    let select: { kind: 'all' } | { kind: 'count' } | { kind: 'fields'; fields: { text: string; col: number }[] };
    const first = this.peek();
    if (first.kind === 'punct' && first.text === '*') {
      this.next();
      select = { kind: 'all' };
    } else if (this.isKeyword('count')) {
      this.next();
      this.punct('(');
      this.punct('*');
      this.punct(')');
      select = { kind: 'count' };
    } else {
      const fields = [this.property(['"*"', '"count"', '<IDENTIFIER>'])];
      while (this.peek().kind === 'punct' && this.peek().text === ',') {
        this.next();
        fields.push(this.property(['<IDENTIFIER>']));
      }
      select = { kind: 'fields', fields };
    }
    this.keyword('from', ['","', '"from"']);
    const entityTok = this.identifier(['<IDENTIFIER>']);
    const entity = (Object.keys(ENTITIES) as QboEntityName[]).find((e) => e.toLowerCase() === entityTok.text.toLowerCase());
    if (!entity) {
      throw new QboQueryError('4001', `QueryValidationError: Entity ${entityTok.text} is not supported by this query endpoint`);
    }

    const raw: RawCond[] = [];
    if (this.isKeyword('where')) {
      this.next();
      raw.push(this.condition());
      for (;;) {
        if (this.isKeyword('and')) {
          this.next();
          raw.push(this.condition());
        } else if (this.isKeyword('or')) {
          // QBO's grammar knows the word but its query engine refuses it.
          throw new QboQueryError('4001', 'QueryValidationError: OR operator is not supported; use IN or separate queries');
        } else break;
      }
    }

    const order: { text: string; col: number; desc: boolean }[] = [];
    if (this.isKeyword('orderby') || this.isKeyword('order')) {
      if (this.next().text.toLowerCase() === 'order') this.keyword('by');
      for (;;) {
        const p = this.property(['<IDENTIFIER>']);
        let desc = false;
        if (this.isKeyword('asc')) this.next();
        else if (this.isKeyword('desc')) {
          this.next();
          desc = true;
        }
        order.push({ ...p, desc });
        if (this.peek().kind === 'punct' && this.peek().text === ',') this.next();
        else break;
      }
    }

    let startPosition: number | undefined;
    let maxResults: number | undefined;
    for (;;) {
      if (startPosition === undefined && this.isKeyword('startposition')) {
        this.next();
        startPosition = this.positiveInt('startposition');
      } else if (maxResults === undefined && this.isKeyword('maxresults')) {
        this.next();
        maxResults = this.positiveInt('maxresults');
      } else break;
    }
    const end = this.peek();
    if (end.kind !== 'eof') {
      throw unexpected(end, ['<EOF>', ...(raw.length ? ['<AND>'] : ['"where"']), '"orderby"', '"startposition"', '"maxresults"']);
    }

    const def = ENTITIES[entity];
    const resolve = (p: { text: string; col: number }) => {
      const f = def.filterable.find((x) => x.name.toLowerCase() === p.text.toLowerCase());
      if (!f) throw notFound(p.text, entity, def.selectable);
      return f;
    };
    return {
      entity,
      select:
        select.kind === 'fields'
          ? {
              kind: 'fields',
              fields: select.fields.map((p) => {
                const f = def.filterable.find((x) => x.name.toLowerCase() === p.text.toLowerCase())?.name ??
                  def.selectable.find((x) => x.toLowerCase() === p.text.toLowerCase());
                if (!f) throw notFound(p.text, entity, []);
                return f;
              }),
            }
          : select,
      where: raw.map((c) => {
        const field = resolve({ text: c.field, col: c.col });
        return { field, op: c.op, values: c.values.map((v) => coerce(field, c.op, v)) };
      }),
      orderBy: order.map((o) => ({ field: resolve(o), desc: o.desc })),
      startPosition: startPosition ?? 1,
      maxResults: maxResults ?? DEFAULT_MAX_RESULTS,
    };
  }

  condition(): RawCond {
    const p = this.property(['<IDENTIFIER>']);
    const t = this.peek();
    if (t.kind === 'op') {
      this.next();
      return { field: p.text, col: p.col, op: t.text, values: [this.literal()] };
    }
    if (this.isKeyword('in')) {
      this.next();
      this.punct('(');
      const values = [this.literal()];
      while (this.peek().kind === 'punct' && this.peek().text === ',') {
        this.next();
        values.push(this.literal());
      }
      this.punct(')', ['","', '")"']);
      return { field: p.text, col: p.col, op: 'IN', values };
    }
    if (this.isKeyword('like')) {
      this.next();
      return { field: p.text, col: p.col, op: 'LIKE', values: [this.literal()] };
    }
    throw unexpected(t, ['"="', '"<"', '">"', '"<="', '">="', '"in"', '"like"']);
  }
}

function notFound(property: string, entity: string, selectable: string[]): QboQueryError {
  const selectOnly = selectable.some((s) => s.toLowerCase() === property.toLowerCase());
  return new QboQueryError(
    '4001',
    selectOnly
      ? `QueryValidationError: property '${property}' is not queryable`
      : `QueryValidationError: Property ${property} not found for Entity ${entity}`,
  );
}

function badValue(field: FieldDef, v: Literal): QboQueryError {
  return new QboQueryError('4001', `QueryValidationError: value ${JSON.stringify(v.raw)} at column ${v.col} is not valid for property ${field.name}`);
}

/** Checks a literal against the property's type, as QBO does before running the query. */
function coerce(field: FieldDef, op: Op, v: Literal): string | number | boolean {
  if (op === 'LIKE' && (field.type !== 'string' || v.kind !== 'string')) {
    throw new QboQueryError('4001', `QueryValidationError: LIKE is only supported on string properties (${field.name})`);
  }
  switch (field.type) {
    case 'id':
    case 'ref':
    case 'string':
      if (v.kind === 'boolean') throw badValue(field, v);
      return String(v.raw);
    case 'number': {
      const n = typeof v.raw === 'number' ? v.raw : v.kind === 'string' ? Number(v.raw) : NaN;
      if (!Number.isFinite(n) || (v.kind === 'string' && String(v.raw).trim() === '')) throw badValue(field, v);
      return n;
    }
    case 'boolean':
      if (op !== '=' && op !== 'IN') throw new QboQueryError('4001', `QueryValidationError: operator ${op} is not supported for property ${field.name}`);
      if (v.kind === 'boolean') return v.raw;
      if (v.kind === 'string' && /^(true|false)$/i.test(String(v.raw))) return String(v.raw).toLowerCase() === 'true';
      throw badValue(field, v);
    case 'date': {
      const s = String(v.raw);
      if (v.kind !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(s) || Number.isNaN(Date.parse(s.slice(0, 10)))) throw badValue(field, v);
      return s.slice(0, 10);
    }
    case 'datetime': {
      const ms = v.kind === 'string' ? Date.parse(String(v.raw)) : NaN;
      if (Number.isNaN(ms)) throw badValue(field, v);
      return ms;
    }
  }
}

export function parseQuery(query: string): ParsedQuery {
  return new Parser(tokenize(query)).parse();
}

// ---- evaluation ----------------------------------------------------------------------------------------
type Row = Record<string, unknown>;

function at(row: Row, path: string[]): unknown {
  let v: unknown = row;
  for (const p of path) {
    if (!v || typeof v !== 'object') return undefined;
    v = (v as Row)[p];
  }
  return v;
}

const paths = new WeakMap<FieldDef, string[]>();
/** Where a field's value lives on a record, split once per field definition. */
function pathOf(field: FieldDef): string[] {
  let p = paths.get(field);
  if (!p) {
    p = field.valuePath ?? field.name.split('.');
    paths.set(field, p);
  }
  return p;
}

/** The comparable value of a property on a record, or undefined when the record does not have it. */
function valueOf(row: Row, field: FieldDef): string | number | boolean | undefined {
  const v = at(row, pathOf(field));
  if (v === undefined || v === null) return undefined;
  switch (field.type) {
    case 'ref':
      return String((v as { value?: unknown }).value ?? '');
    case 'datetime':
      return Date.parse(String(v));
    case 'number':
      return Number(v);
    case 'boolean':
      return Boolean(v);
    default:
      return String(v);
  }
}

function compare(field: FieldDef, a: string | number | boolean, b: string | number | boolean): number {
  if (field.type === 'id' || field.type === 'ref') {
    // ids are numeric strings; order them as numbers so paging is stable and natural
    const na = Number(a);
    const nb = Number(b);
    if (Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
    return String(a).localeCompare(String(b));
  }
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  // QBO compares text case-insensitively
  const sa = String(a).toLowerCase();
  const sb = String(b).toLowerCase();
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function likeToRegExp(pattern: string): RegExp {
  const body = pattern
    .split('%')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 'is');
}

/** A key equal for two values exactly when `compare` says they are equal (for IN lists: one lookup per row). */
function equalityKey(field: FieldDef, v: string | number | boolean): string {
  if (field.type === 'id' || field.type === 'ref') {
    const n = Number(v);
    return Number.isFinite(n) ? `n${n}` : `s${String(v)}`;
  }
  if (typeof v === 'number') return `n${v}`;
  if (typeof v === 'boolean') return `b${v}`;
  return `s${String(v).toLowerCase()}`;
}

/** A condition made into a test of one row, its IN list turned into a set once per query. */
function matcherOf(cond: ParsedQuery['where'][number]): (row: Row) => boolean {
  if (cond.op !== 'IN') return (row) => matches(row, cond);
  const keys = new Set(cond.values.map((x) => equalityKey(cond.field, x)));
  return (row) => {
    const v = valueOf(row, cond.field);
    return v !== undefined && keys.has(equalityKey(cond.field, v));
  };
}

function matches(row: Row, cond: ParsedQuery['where'][number]): boolean {
  const v = valueOf(row, cond.field);
  if (v === undefined) return false;
  switch (cond.op) {
    case 'IN':
      return cond.values.some((x) => compare(cond.field, v, x) === 0);
    case 'LIKE':
      return likeToRegExp(String(cond.values[0])).test(String(v));
    default: {
      const c = compare(cond.field, v, cond.values[0]!);
      if (cond.op === '=') return c === 0;
      if (cond.op === '<') return c < 0;
      if (cond.op === '>') return c > 0;
      if (cond.op === '<=') return c <= 0;
      return c >= 0;
    }
  }
}

function rowsOf(world: World, entity: QboEntityName): Row[] {
  const q = world.quickbooks;
  return (entity === 'Customer' ? q.customers : entity === 'Invoice' ? q.invoices : q.payments) as unknown as Row[];
}

function project(row: Row, fields: string[]): Row {
  const out: Row = { domain: row.domain, sparse: true };
  for (const f of fields) {
    const path = f.split('.');
    const v = at(row, path);
    if (v === undefined) continue;
    let target = out;
    for (const p of path.slice(0, -1)) target = (target[p] ??= {}) as Row;
    target[path[path.length - 1]!] = v;
  }
  return out;
}

/** Rows by the equality key of an id or reference field, built once per table (and again when it grows). */
const lookups = new WeakMap<Row[], Map<FieldDef, { length: number; byKey: Map<string, Row[]> }>>();
function lookupOf(rows: Row[], field: FieldDef): Map<string, Row[]> {
  let perField = lookups.get(rows);
  if (!perField) lookups.set(rows, (perField = new Map()));
  let l = perField.get(field);
  if (!l || l.length !== rows.length) {
    const byKey = new Map<string, Row[]>();
    for (const r of rows) {
      const v = valueOf(r, field);
      if (v === undefined) continue;
      const k = equalityKey(field, v);
      const list = byKey.get(k);
      if (list) list.push(r);
      else byKey.set(k, [r]);
    }
    perField.set(field, (l = { length: rows.length, byKey }));
  }
  return l.byKey;
}

/**
 * The rows a query can match: for `Id IN (…)`, `CustomerRef = …` and the like, only those holding one of the
 * values (looked up, not scanned); every condition is still tested on them afterwards.
 */
function candidateRows(rows: Row[], where: ParsedQuery['where']): Row[] {
  const keyed = where.find((c) => (c.op === 'IN' || c.op === '=') && (c.field.type === 'id' || c.field.type === 'ref'));
  if (!keyed) return rows;
  const lookup = lookupOf(rows, keyed.field);
  const out = new Set<Row>();
  for (const v of keyed.values) for (const r of lookup.get(equalityKey(keyed.field, v)) ?? []) out.add(r);
  return [...out];
}

/** The `QueryResponse` object QBO answers for this query (an empty object when nothing matched). */
export function runQuery(world: World, query: string): Record<string, unknown> {
  const q = parseQuery(query);
  const idField = ENTITIES[q.entity].filterable[0]!;
  const filtersActive = q.where.some((c) => c.field.name === 'Active');
  const tests = q.where.map(matcherOf);
  let rows = candidateRows(rowsOf(world, q.entity), q.where).filter(
    (r) => (!ENTITIES[q.entity].nameList || filtersActive || r.Active !== false) && tests.every((t) => t(r)),
  );
  if (q.select.kind === 'count') return { totalCount: rows.length };
  const order = q.orderBy.length ? q.orderBy : [{ field: idField, desc: false }];
  rows = [...rows].sort((a, b) => {
    for (const o of order) {
      const va = valueOf(a, o.field);
      const vb = valueOf(b, o.field);
      if (va === undefined || vb === undefined) {
        if (va !== vb) return va === undefined ? 1 : -1;
        continue;
      }
      const c = compare(o.field, va, vb);
      if (c !== 0) return o.desc ? -c : c;
    }
    return compare(idField, a.Id as string, b.Id as string);
  });
  const page = rows.slice(q.startPosition - 1, q.startPosition - 1 + q.maxResults);
  if (page.length === 0) return {};
  const select = q.select;
  return {
    [q.entity]: select.kind === 'fields' ? page.map((r) => project(r, select.fields)) : page,
    startPosition: q.startPosition,
    maxResults: page.length,
  };
}
