/**
 * A small SOQL interpreter for the sandbox: tokenizer, recursive-descent parser, binder (names and types
 * checked against the object catalogue) and evaluator. It covers what Panorama and jsforce send:
 *
 *   SELECT field, Parent.field, COUNT(), (SELECT ... FROM ChildRelationship [WHERE] [ORDER BY] [LIMIT])
 *   FROM Object [WHERE cond] [ORDER BY f [ASC|DESC] [NULLS FIRST|LAST], ...] [LIMIT n] [OFFSET n]
 *   cond: = != <> < > <= >= | [NOT] IN (...) | LIKE | AND / OR / NOT with parentheses
 *   values: 'strings' (backslash escapes), numbers, true/false, null, 2026-01-31, 2026-01-31T10:00:00Z,
 *           TODAY, YESTERDAY, TOMORROW, LAST_N_DAYS:n, NEXT_N_DAYS:n
 *
 * Semantics follow Salesforce where they differ from SQL: string comparison and LIKE ignore case, `!=` and
 * NOT IN match null values, AND and OR may not be mixed without parentheses, ids compare by their 18-character
 * form. Anything else (GROUP BY, semi-joins, aliases, TYPEOF, ...) is refused with Salesforce's own error.
 */
import { normalizeSalesforceId } from '../ids.js';
import { SOBJECTS, findName, type FieldType, type SObjectDef, type SoqlDatabase } from './objects.js';
import type { SfRecord } from './records.js';

export type SoqlErrorCode =
  | 'MALFORMED_QUERY'
  | 'INVALID_FIELD'
  | 'INVALID_TYPE'
  | 'INVALID_QUERY_FILTER_OPERATOR'
  | 'NUMBER_OUTSIDE_VALID_RANGE';

export class SoqlError extends Error {
  readonly errorCode: SoqlErrorCode;

  constructor(errorCode: SoqlErrorCode, message: string) {
    super(message);
    this.name = 'SoqlError';
    this.errorCode = errorCode;
  }
}

export type SoqlResult = { totalSize: number; records: Record<string, unknown>[] };
export type SoqlOptions = {
  db: SoqlDatabase;
  /** The org's objects and fields (an org variant's); @default SOBJECTS */
  objects?: Record<string, SObjectDef>;
  apiVersion: string;
  today: string;
  /**
   * Pages a child relationship's records as Salesforce does: the first batch inline, `done: false` and a
   * `nextRecordsUrl` for the rest. Without it every child record is inline.
   */
  pageChildren?: (records: Record<string, unknown>[]) => { done: boolean; nextRecordsUrl?: string; records: Record<string, unknown>[] };
  /** QueryAll: the recycle bin's records (`db.deleted`) are read too. */
  includeDeleted?: boolean;
};

const DAY = 86_400_000;
const MAX_OFFSET = 2000;

const WILDCARD_NOTE =
  'Please reference your WSDL or the describe call for the appropriate names.';

// ---- tokens -------------------------------------------------------------------------------------
type TokKind = 'ident' | 'string' | 'number' | 'date' | 'datetime' | 'punct' | 'eof';
type Tok = { kind: TokKind; text: string; pos: number; raw?: string };

const PUNCT = ['!=', '<>', '<=', '>=', '=', '<', '>', '(', ')', ',', ':'];
const DATETIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:?\d{2}))?/;
const NUMBER = /^[+-]?\d+(?:\.\d+)?/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/;

/** Salesforce's positioned error: the line, a caret under the column, then the reason. */
function positioned(src: string, pos: number, code: SoqlErrorCode, detail: string): SoqlError {
  const before = src.slice(0, pos).split('\n');
  const row = before.length;
  const col = before[before.length - 1]!.length + 1;
  const line = src.split('\n')[row - 1] ?? '';
  return new SoqlError(code, `\n${line}\n${' '.repeat(col - 1)}^\nERROR at Row:${row}:Column:${col}\n${detail}`);
}

function tokenize(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const rest = src.slice(i);
    if (c === "'") {
      let j = i + 1;
      let raw = '';
      for (;;) {
        if (j >= src.length) throw positioned(src, i, 'MALFORMED_QUERY', `line 1:${i} mismatched character '<EOF>' expecting '''`);
        const d = src[j]!;
        if (d === '\\') {
          if (j + 1 >= src.length) throw positioned(src, i, 'MALFORMED_QUERY', `line 1:${i} mismatched character '<EOF>' expecting '''`);
          raw += d + src[j + 1];
          j += 2;
          continue;
        }
        if (d === "'") break;
        raw += d;
        j++;
      }
      toks.push({ kind: 'string', text: src.slice(i, j + 1), pos: i, raw });
      i = j + 1;
      continue;
    }
    const dt = /\d/.test(c) ? DATETIME.exec(rest) : null;
    if (dt) {
      toks.push({ kind: dt[0].length > 10 ? 'datetime' : 'date', text: dt[0], pos: i });
      i += dt[0].length;
      continue;
    }
    const num = /\d/.test(c) || (/[+-]/.test(c) && /\d/.test(src[i + 1] ?? '')) ? NUMBER.exec(rest) : null;
    if (num) {
      toks.push({ kind: 'number', text: num[0], pos: i });
      i += num[0].length;
      continue;
    }
    const id = IDENT.exec(rest);
    if (id) {
      toks.push({ kind: 'ident', text: id[0], pos: i });
      i += id[0].length;
      continue;
    }
    const p = PUNCT.find((x) => rest.startsWith(x));
    if (p) {
      toks.push({ kind: 'punct', text: p, pos: i });
      i += p.length;
      continue;
    }
    throw positioned(src, i, 'MALFORMED_QUERY', `line 1:${i} no viable alternative at character '${c}'`);
  }
  toks.push({ kind: 'eof', text: '<EOF>', pos: src.length });
  return toks;
}

// ---- syntax tree --------------------------------------------------------------------------------
type FieldRef = { path: string; pos: number };
type CmpOp = '=' | '!=' | '<' | '>' | '<=' | '>=';
type Literal =
  | { kind: 'string'; tok: Tok }
  | { kind: 'number'; value: number; pos: number }
  | { kind: 'boolean'; value: boolean; pos: number }
  | { kind: 'null'; pos: number }
  | { kind: 'date' | 'datetime'; text: string; pos: number }
  | { kind: 'dateKeyword'; name: string; n: number | null; pos: number };
type Cond =
  | { kind: 'and' | 'or'; items: Cond[] }
  | { kind: 'not'; item: Cond }
  | { kind: 'cmp'; field: FieldRef; op: CmpOp; value: Literal }
  | { kind: 'in'; field: FieldRef; negated: boolean; values: Literal[] }
  | { kind: 'like'; field: FieldRef; pattern: Tok };
type SelectItem = { kind: 'field'; ref: FieldRef } | { kind: 'subquery'; query: QueryAst; pos: number } | { kind: 'count'; pos: number };
type OrderItem = { field: FieldRef; desc: boolean; nullsFirst: boolean };
type QueryAst = {
  select: SelectItem[];
  from: { name: string; pos: number };
  where: Cond | null;
  orderBy: OrderItem[];
  limit: number | null;
  offset: number | null;
};

const CLAUSE_WORDS = new Set(['WHERE', 'ORDER', 'LIMIT', 'OFFSET', 'GROUP', 'HAVING', 'WITH', 'FOR', 'USING', 'UPDATE', 'TYPEOF']);
const RESERVED = new Set([
  ...CLAUSE_WORDS,
  'SELECT', 'FROM', 'AND', 'OR', 'NOT', 'IN', 'LIKE', 'BY', 'ASC', 'DESC', 'NULLS', 'FIRST', 'LAST', 'NULL', 'TRUE', 'FALSE',
  'INCLUDES', 'EXCLUDES',
]);
const DATE_KEYWORDS = new Set(['TODAY', 'YESTERDAY', 'TOMORROW']);
const DATE_N_KEYWORDS = new Set(['LAST_N_DAYS', 'NEXT_N_DAYS']);

class Parser {
  readonly #src: string;
  readonly #toks: Tok[];
  #i = 0;

  constructor(src: string) {
    this.#src = src;
    this.#toks = tokenize(src);
  }

  parse(): QueryAst {
    const q = this.#query(false);
    if (this.#peek().kind !== 'eof') throw this.#unexpected();
    return q;
  }

  #peek(offset = 0): Tok {
    return this.#toks[Math.min(this.#i + offset, this.#toks.length - 1)]!;
  }

  #next(): Tok {
    const t = this.#peek();
    if (t.kind !== 'eof') this.#i++;
    return t;
  }

  #isKw(t: Tok, kw: string): boolean {
    return t.kind === 'ident' && t.text.toUpperCase() === kw;
  }

  #isPunct(t: Tok, p: string): boolean {
    return t.kind === 'punct' && t.text === p;
  }

  #unexpected(t: Tok = this.#peek()): SoqlError {
    return positioned(this.#src, t.pos, 'MALFORMED_QUERY', t.kind === 'eof' ? 'unexpected token: <EOF>' : `unexpected token: '${t.text}'`);
  }

  #expectKw(kw: string): Tok {
    const t = this.#next();
    if (!this.#isKw(t, kw)) throw this.#unexpected(t);
    return t;
  }

  #expectPunct(p: string): Tok {
    const t = this.#next();
    if (!this.#isPunct(t, p)) throw this.#unexpected(t);
    return t;
  }

  #fieldRef(): FieldRef {
    const t = this.#next();
    if (t.kind !== 'ident' || RESERVED.has(t.text.toUpperCase())) throw this.#unexpected(t);
    return { path: t.text, pos: t.pos };
  }

  #integer(): number {
    const t = this.#next();
    if (t.kind !== 'number' || !/^\d+$/.test(t.text)) throw this.#unexpected(t);
    return Number(t.text);
  }

  #query(nested: boolean): QueryAst {
    this.#expectKw('SELECT');
    const select = this.#selectList(nested);
    this.#expectKw('FROM');
    const fromTok = this.#next();
    if (fromTok.kind !== 'ident' || fromTok.text.includes('.') || RESERVED.has(fromTok.text.toUpperCase())) throw this.#unexpected(fromTok);
    const q: QueryAst = { select, from: { name: fromTok.text, pos: fromTok.pos }, where: null, orderBy: [], limit: null, offset: null };
    if (this.#isKw(this.#peek(), 'WHERE')) {
      this.#next();
      q.where = this.#condition();
    }
    if (this.#isKw(this.#peek(), 'ORDER')) {
      this.#next();
      this.#expectKw('BY');
      do {
        const field = this.#fieldRef();
        let desc = false;
        if (this.#isKw(this.#peek(), 'ASC')) this.#next();
        else if (this.#isKw(this.#peek(), 'DESC')) {
          this.#next();
          desc = true;
        }
        let nullsFirst = !desc;
        if (this.#isKw(this.#peek(), 'NULLS')) {
          this.#next();
          const t = this.#next();
          if (this.#isKw(t, 'FIRST')) nullsFirst = true;
          else if (this.#isKw(t, 'LAST')) nullsFirst = false;
          else throw this.#unexpected(t);
        }
        q.orderBy.push({ field, desc, nullsFirst });
      } while (this.#isPunct(this.#peek(), ',') && this.#next());
    }
    if (this.#isKw(this.#peek(), 'LIMIT')) {
      this.#next();
      q.limit = this.#integer();
    }
    if (this.#isKw(this.#peek(), 'OFFSET')) {
      const t = this.#next();
      q.offset = this.#integer();
      if (q.offset > MAX_OFFSET) throw positioned(this.#src, t.pos, 'NUMBER_OUTSIDE_VALID_RANGE', `Maximum SOQL offset allowed is ${MAX_OFFSET}`);
    }
    // Whatever follows is a clause the sandbox does not implement (GROUP BY, WITH, FOR VIEW, ...) or garbage.
    const after = this.#peek();
    if (after.kind !== 'eof' && !(nested && this.#isPunct(after, ')'))) throw this.#unexpected(after);
    return q;
  }

  #selectList(nested: boolean): SelectItem[] {
    const items: SelectItem[] = [];
    do {
      const t = this.#peek();
      if (this.#isPunct(t, '(')) {
        if (nested) throw this.#unexpected(t);
        this.#next();
        const query = this.#query(true);
        this.#expectPunct(')');
        items.push({ kind: 'subquery', query, pos: t.pos });
      } else if (this.#isKw(t, 'COUNT') && this.#isPunct(this.#peek(1), '(')) {
        this.#next();
        this.#next();
        // COUNT(field) is an aggregate query (AggregateResult rows), which the sandbox does not serve.
        this.#expectPunct(')');
        items.push({ kind: 'count', pos: t.pos });
      } else {
        items.push({ kind: 'field', ref: this.#fieldRef() });
      }
    } while (this.#isPunct(this.#peek(), ',') && this.#next());
    return items;
  }

  /** A list joined by one kind of operator: SOQL refuses `a AND b OR c` without parentheses. */
  #condition(): Cond {
    const first = this.#unary();
    const items = [first];
    let op: 'AND' | 'OR' | null = null;
    for (;;) {
      const t = this.#peek();
      const word = t.kind === 'ident' ? t.text.toUpperCase() : '';
      if (word !== 'AND' && word !== 'OR') break;
      if (op && op !== word) throw this.#unexpected(t);
      op = word;
      this.#next();
      items.push(this.#unary());
    }
    if (!op) return first;
    return { kind: op === 'AND' ? 'and' : 'or', items };
  }

  #unary(): Cond {
    const t = this.#peek();
    if (this.#isKw(t, 'NOT')) {
      this.#next();
      return { kind: 'not', item: this.#unary() };
    }
    if (this.#isPunct(t, '(')) {
      this.#next();
      const c = this.#condition();
      this.#expectPunct(')');
      return c;
    }
    return this.#comparison();
  }

  #comparison(): Cond {
    const field = this.#fieldRef();
    const t = this.#next();
    if (t.kind === 'punct' && ['=', '!=', '<>', '<', '>', '<=', '>='].includes(t.text)) {
      const op = (t.text === '<>' ? '!=' : t.text) as CmpOp;
      return { kind: 'cmp', field, op, value: this.#literal() };
    }
    if (this.#isKw(t, 'LIKE')) {
      const p = this.#next();
      if (p.kind !== 'string') throw this.#unexpected(p);
      return { kind: 'like', field, pattern: p };
    }
    let negated = false;
    if (this.#isKw(t, 'NOT')) {
      negated = true;
      const inTok = this.#next();
      if (!this.#isKw(inTok, 'IN')) throw this.#unexpected(inTok);
    } else if (!this.#isKw(t, 'IN')) throw this.#unexpected(t);
    this.#expectPunct('(');
    // Semi-joins (`Id IN (SELECT ...)`) are not implemented: SELECT is refused here as an unexpected token.
    const values: Literal[] = [this.#literal()];
    while (this.#isPunct(this.#peek(), ',')) {
      this.#next();
      values.push(this.#literal());
    }
    this.#expectPunct(')');
    return { kind: 'in', field, negated, values };
  }

  #literal(): Literal {
    const t = this.#next();
    switch (t.kind) {
      case 'string':
        return { kind: 'string', tok: t };
      case 'number':
        return { kind: 'number', value: Number(t.text), pos: t.pos };
      case 'date':
      case 'datetime':
        return { kind: t.kind, text: t.text, pos: t.pos };
      case 'ident': {
        const w = t.text.toUpperCase();
        if (w === 'TRUE' || w === 'FALSE') return { kind: 'boolean', value: w === 'TRUE', pos: t.pos };
        if (w === 'NULL') return { kind: 'null', pos: t.pos };
        if (DATE_KEYWORDS.has(w)) return { kind: 'dateKeyword', name: w, n: null, pos: t.pos };
        if (DATE_N_KEYWORDS.has(w)) {
          this.#expectPunct(':');
          return { kind: 'dateKeyword', name: w, n: this.#integer(), pos: t.pos };
        }
        throw this.#unexpected(t);
      }
      default:
        throw this.#unexpected(t);
    }
  }
}

// ---- strings ------------------------------------------------------------------------------------
const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '"': '"', "'": "'", '\\': '\\' };

function illegalEscape(src: string, tok: Tok, seq: string): SoqlError {
  return positioned(src, tok.pos, 'MALFORMED_QUERY', `Invalid string literal ${tok.text}. Illegal character sequence ${seq} in string literal.`);
}

/** The value of a string literal used with =, IN, ... (\% and \_ only mean something inside LIKE). */
function decodeString(src: string, tok: Tok): string {
  const raw = tok.raw ?? '';
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = raw[++i]!;
    if (e in SIMPLE_ESCAPES) out += SIMPLE_ESCAPES[e];
    else if (e === '%' || e === '_') out += `\\${e}`;
    else throw illegalEscape(src, tok, `'\\${e}'`);
  }
  return out;
}

/** A LIKE pattern as an anchored, case-insensitive regular expression. */
function likeRegExp(src: string, tok: Tok): RegExp {
  const raw = tok.raw ?? '';
  let re = '';
  const lit = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '%') re += '.*';
    else if (c === '_') re += '.';
    else if (c === '\\') {
      const e = raw[++i]!;
      if (e === '%' || e === '_') re += lit(e);
      else if (e in SIMPLE_ESCAPES) re += lit(SIMPLE_ESCAPES[e]!);
      else throw illegalEscape(src, tok, `'\\${e}'`);
    } else re += lit(c);
  }
  return new RegExp(`^${re}$`, 'isu');
}

// ---- binding ------------------------------------------------------------------------------------
type Hop = { rel: string; fk: string; object: SObjectDef };
type BoundField = { label: string; name: string; type: FieldType; hops: Hop[] };
type Pred = (r: SfRecord) => boolean;
type BoundItem =
  | { kind: 'field'; field: BoundField }
  | { kind: 'child'; rel: string; object: SObjectDef; fk: string; plan: Plan };
type Plan = {
  object: SObjectDef;
  items: BoundItem[];
  count: boolean;
  where: Pred | null;
  order: { field: BoundField; desc: boolean; nullsFirst: boolean }[];
  limit: number | null;
  offset: number | null;
};
type Range = { lo: number; hi: number };
type Bound = string | number | boolean | Range | null;

const TYPE_WORD: Record<FieldType, string> = {
  id: 'id',
  reference: 'id',
  string: 'string',
  picklist: 'string',
  boolean: 'boolean',
  double: 'double',
  date: 'date',
  datetime: 'dateTime',
};

class Binder {
  readonly #src: string;
  readonly #opts: SoqlOptions;
  readonly #today: number;

  constructor(src: string, opts: SoqlOptions) {
    this.#src = src;
    this.#opts = opts;
    this.#today = Date.parse(`${opts.today}T00:00:00Z`);
  }

  #err(pos: number, code: SoqlErrorCode, detail: string): SoqlError {
    return positioned(this.#src, pos, code, detail);
  }

  plan(q: QueryAst, object: SObjectDef, nested: boolean): Plan {
    const items: BoundItem[] = [];
    const seen = new Set<string>();
    let count = false;
    for (const item of q.select) {
      if (item.kind === 'count') {
        if (nested || q.select.length > 1) throw this.#err(item.pos, 'MALFORMED_QUERY', 'COUNT() cannot be used with other fields or in a subquery');
        count = true;
      } else if (item.kind === 'field') {
        const field = this.field(object, item.ref);
        const key = field.label.toLowerCase();
        if (seen.has(key)) throw this.#err(item.ref.pos, 'MALFORMED_QUERY', `duplicate field selected: ${field.label}`);
        seen.add(key);
        items.push({ kind: 'field', field });
      } else {
        const rel = findName(object.children, item.query.from.name);
        if (!rel) {
          throw this.#err(
            item.query.from.pos,
            'INVALID_TYPE',
            `Didn't understand relationship '${item.query.from.name}' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. ${WILDCARD_NOTE}`,
          );
        }
        const [relName, { object: childName, field: fk }] = rel;
        if (seen.has(relName.toLowerCase())) throw this.#err(item.pos, 'MALFORMED_QUERY', `duplicate field selected: ${relName}`);
        seen.add(relName.toLowerCase());
        const childObject = (this.#opts.objects ?? SOBJECTS)[childName]!;
        items.push({ kind: 'child', rel: relName, object: childObject, fk, plan: this.plan(item.query, childObject, true) });
      }
    }
    return {
      object,
      items,
      count,
      where: q.where ? this.cond(object, q.where) : null,
      order: q.orderBy.map((o) => ({ field: this.field(object, o.field), desc: o.desc, nullsFirst: o.nullsFirst })),
      limit: q.limit,
      offset: q.offset,
    };
  }

  field(object: SObjectDef, ref: FieldRef): BoundField {
    let parts = ref.path.split('.');
    // `Account.Name` in a query FROM Account may name the object itself rather than a relationship.
    if (parts.length > 1 && parts[0]!.toLowerCase() === object.name.toLowerCase() && !findName(object.parents, parts[0]!)) {
      parts = parts.slice(1);
    }
    const hops: Hop[] = [];
    let current = object;
    const labels: string[] = [];
    for (const part of parts.slice(0, -1)) {
      const rel = findName(current.parents, part);
      if (!rel) {
        throw this.#err(
          ref.pos,
          'INVALID_FIELD',
          `Didn't understand relationship '${part}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. ${WILDCARD_NOTE}`,
        );
      }
      const target = (this.#opts.objects ?? SOBJECTS)[rel[1].object]!;
      hops.push({ rel: rel[0], fk: rel[1].field, object: target });
      labels.push(rel[0]);
      current = target;
    }
    const last = parts[parts.length - 1]!;
    const f = findName(current.fields, last);
    if (!f) {
      throw this.#err(
        ref.pos,
        'INVALID_FIELD',
        `No such column '${last}' on entity '${current.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. ${WILDCARD_NOTE}`,
      );
    }
    labels.push(f[0]);
    return { label: labels.join('.'), name: f[0], type: f[1], hops };
  }

  cond(object: SObjectDef, c: Cond): Pred {
    switch (c.kind) {
      case 'and': {
        const ps = c.items.map((i) => this.cond(object, i));
        return (r) => ps.every((p) => p(r));
      }
      case 'or': {
        const ps = c.items.map((i) => this.cond(object, i));
        return (r) => ps.some((p) => p(r));
      }
      case 'not': {
        const p = this.cond(object, c.item);
        return (r) => !p(r);
      }
      case 'like': {
        const f = this.field(object, c.field);
        if (f.type === 'id' || f.type === 'reference') throw this.#err(c.field.pos, 'INVALID_QUERY_FILTER_OPERATOR', 'invalid operator on id field');
        if (f.type !== 'string' && f.type !== 'picklist') throw this.#err(c.field.pos, 'INVALID_QUERY_FILTER_OPERATOR', `invalid operator on field '${f.label}'`);
        const re = likeRegExp(this.#src, c.pattern);
        return (r) => {
          const v = this.value(r, f);
          return typeof v === 'string' && re.test(v);
        };
      }
      case 'cmp': {
        const f = this.field(object, c.field);
        const v = this.literal(f, c.value);
        if (v === null && c.op !== '=' && c.op !== '!=') throw this.#err(literalPos(c.value), 'MALFORMED_QUERY', `invalid operator for null value on field '${f.label}'`);
        if (f.type === 'boolean' && c.op !== '=' && c.op !== '!=') {
          throw this.#err(c.field.pos, 'INVALID_QUERY_FILTER_OPERATOR', `invalid operator on boolean field '${f.label}'`);
        }
        return (r) => matches(this.value(r, f), c.op, v, f.type);
      }
      case 'in': {
        const f = this.field(object, c.field);
        const vs = c.values.map((l) => this.literal(f, l));
        return (r) => {
          const x = this.value(r, f);
          const hit = vs.some((v) => matches(x, '=', v, f.type));
          return c.negated ? !hit : hit;
        };
      }
    }
  }

  literal(f: BoundField, l: Literal): Bound {
    const pos = literalPos(l);
    const mustBe = (quoted: boolean) =>
      this.#err(
        pos,
        'INVALID_QUERY_FILTER_OPERATOR',
        `value of filter criterion for field '${f.label}' must be of type ${TYPE_WORD[f.type]} and ${quoted ? 'should' : 'should not'} be enclosed in quotes`,
      );
    if (l.kind === 'null') return null;
    switch (f.type) {
      case 'id':
      case 'reference': {
        if (l.kind !== 'string') throw mustBe(true);
        const s = decodeString(this.#src, l.tok);
        const id = normalizeSalesforceId(s);
        if (!id) throw this.#err(pos, 'INVALID_QUERY_FILTER_OPERATOR', `invalid ID field: ${s}`);
        return id;
      }
      case 'string':
      case 'picklist':
        if (l.kind !== 'string') throw mustBe(true);
        return decodeString(this.#src, l.tok).toLowerCase();
      case 'boolean':
        if (l.kind !== 'boolean') throw mustBe(false);
        return l.value;
      case 'double':
        if (l.kind !== 'number') throw mustBe(false);
        return l.value;
      case 'date':
      case 'datetime': {
        if (l.kind === 'dateKeyword') return this.#keywordRange(l.name, l.n);
        if (f.type === 'date' && l.kind === 'date') {
          const lo = Date.parse(`${l.text}T00:00:00Z`);
          if (Number.isNaN(lo)) throw mustBe(false);
          return { lo, hi: lo + DAY };
        }
        if (f.type === 'datetime' && l.kind === 'datetime') {
          const t = parseDateTime(l.text);
          if (Number.isNaN(t)) throw mustBe(false);
          return { lo: t, hi: t + 1 };
        }
        throw mustBe(false);
      }
    }
  }

  #keywordRange(name: string, n: number | null): Range {
    const t = this.#today;
    switch (name) {
      case 'TODAY':
        return { lo: t, hi: t + DAY };
      case 'YESTERDAY':
        return { lo: t - DAY, hi: t };
      case 'TOMORROW':
        return { lo: t + DAY, hi: t + 2 * DAY };
      case 'LAST_N_DAYS':
        return { lo: t - (n ?? 0) * DAY, hi: t + DAY };
      default: // NEXT_N_DAYS
        return { lo: t + DAY, hi: t + (1 + (n ?? 0)) * DAY };
    }
  }

  /** A record's value for a (possibly parent) field, normalised for comparison. */
  value(r: SfRecord, f: BoundField): Bound {
    const raw = resolve(this.#opts.db, r, f);
    if (raw === null || raw === undefined) return null;
    switch (f.type) {
      case 'string':
      case 'picklist':
        return String(raw).toLowerCase();
      case 'date':
        return Date.parse(`${String(raw)}T00:00:00Z`);
      case 'datetime':
        return parseDateTime(String(raw));
      default:
        return raw as string | number | boolean;
    }
  }
}

function literalPos(l: Literal): number {
  return l.kind === 'string' ? l.tok.pos : l.pos;
}

function parseDateTime(text: string): number {
  return Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

/**
 * Fields Salesforce maintains itself on every record, which the dataset does not store: SystemModstamp (the last
 * change by a person or by the system) is the record's LastModifiedDate unless it holds its own; IsDeleted is false
 * for every record but the recycle bin's.
 */
const SYSTEM_FIELDS: Record<string, (r: SfRecord) => unknown> = {
  SystemModstamp: (r) => r.LastModifiedDate ?? null,
  IsDeleted: () => false,
};

function valueOf(r: SfRecord, name: string): unknown {
  return r[name] ?? SYSTEM_FIELDS[name]?.(r) ?? null;
}

function resolve(db: SoqlDatabase, r: SfRecord, f: BoundField): unknown {
  let cur: SfRecord | undefined = r;
  for (const hop of f.hops) {
    const id: unknown = cur[hop.fk];
    cur = typeof id === 'string' ? db.byId(hop.object.name, id) : undefined;
    if (!cur) return null;
  }
  return valueOf(cur, f.name);
}

function isRange(v: Bound): v is Range {
  return typeof v === 'object' && v !== null;
}

function matches(x: Bound, op: CmpOp, v: Bound, type: FieldType): boolean {
  if (v === null) return op === '=' ? x === null : x !== null;
  // Salesforce, unlike SQL, counts a null value as "not equal" to anything.
  if (x === null) return op === '!=';
  if (isRange(v)) {
    const t = x as number;
    switch (op) {
      case '=':
        return v.lo <= t && t < v.hi;
      case '!=':
        return !(v.lo <= t && t < v.hi);
      case '<':
        return t < v.lo;
      case '<=':
        return t < v.hi;
      case '>':
        return t >= v.hi;
      default:
        return t >= v.lo;
    }
  }
  const c = compare(x, v, type);
  switch (op) {
    case '=':
      return c === 0;
    case '!=':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    default:
      return c >= 0;
  }
}

function compare(a: Bound, b: Bound, _type: FieldType): number {
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

// ---- evaluation ---------------------------------------------------------------------------------
function attributes(object: SObjectDef, id: string, apiVersion: string) {
  return { type: object.name, url: `/services/data/${apiVersion}/sobjects/${object.name}/${id}` };
}

function select(binder: Binder, plan: Plan, rows: readonly SfRecord[]): SfRecord[] {
  let out = plan.where ? rows.filter(plan.where) : [...rows];
  if (plan.order.length) {
    const keyed = out.map((r, i) => ({ r, i, keys: plan.order.map((o) => binder.value(r, o.field)) }));
    keyed.sort((a, b) => {
      for (let k = 0; k < plan.order.length; k++) {
        const o = plan.order[k]!;
        const x = a.keys[k] ?? null;
        const y = b.keys[k] ?? null;
        if (x === null && y === null) continue;
        if (x === null) return o.nullsFirst ? -1 : 1;
        if (y === null) return o.nullsFirst ? 1 : -1;
        const c = compare(x, y, o.field.type);
        if (c !== 0) return o.desc ? -c : c;
      }
      return a.i - b.i;
    });
    out = keyed.map((k) => k.r);
  }
  const start = plan.offset ?? 0;
  return out.slice(start, plan.limit === null ? undefined : start + plan.limit);
}

function project(binder: Binder, opts: SoqlOptions, plan: Plan, r: SfRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { attributes: attributes(plan.object, r.Id, opts.apiVersion) };
  for (const item of plan.items) {
    if (item.kind === 'child') {
      const rows = select(binder, item.plan, opts.db.children(item.object.name, item.fk, r.Id));
      const records = rows.map((c) => project(binder, opts, item.plan, c));
      out[item.rel] = rows.length
        ? { totalSize: rows.length, ...(opts.pageChildren ? opts.pageChildren(records) : { done: true, records }) }
        : null; // Salesforce sends null, not an empty result, for a relationship without records
      continue;
    }
    const f = item.field;
    let target = out;
    let cur: SfRecord | undefined = r;
    let reached = true;
    for (const hop of f.hops) {
      const id: unknown = cur[hop.fk];
      cur = typeof id === 'string' ? opts.db.byId(hop.object.name, id) : undefined;
      const existing = target[hop.rel];
      if (!cur) {
        if (existing === undefined) target[hop.rel] = null;
        reached = false;
        break;
      }
      if (existing === undefined || existing === null) target[hop.rel] = { attributes: attributes(hop.object, cur.Id, opts.apiVersion) };
      target = target[hop.rel] as Record<string, unknown>;
    }
    if (reached && cur) target[f.name] = valueOf(cur, f.name);
  }
  return out;
}

/** Runs one SOQL query over the sandbox's records, or throws SoqlError as Salesforce would answer it. */
export function executeSoql(soql: string, opts: SoqlOptions): SoqlResult {
  if (!soql.trim()) throw new SoqlError('MALFORMED_QUERY', 'unexpected token: <EOF>');
  const ast = new Parser(soql).parse();
  const object = findName(opts.objects ?? SOBJECTS, ast.from.name)?.[1];
  if (!object) {
    throw positioned(
      soql,
      ast.from.pos,
      'INVALID_TYPE',
      `sObject type '${ast.from.name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. ${WILDCARD_NOTE}`,
    );
  }
  const binder = new Binder(soql, opts);
  const plan = binder.plan(ast, object, false);
  // QueryAll (`includeDeleted`) reads the recycle bin too
  const stored = opts.includeDeleted && opts.db.deleted ? [...opts.db.records(object.name), ...opts.db.deleted(object.name)] : opts.db.records(object.name);
  const rows = select(binder, plan, stored);
  if (plan.count) return { totalSize: rows.length, records: [] };
  return { totalSize: rows.length, records: rows.map((r) => project(binder, opts, plan, r)) };
}
