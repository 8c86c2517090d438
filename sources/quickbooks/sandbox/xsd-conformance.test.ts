import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceTestKit } from '../../kit/testing.js';
import { quickbooksSource } from '../index.js';

/**
 * Every field name the QuickBooks sandbox sends (entity reads, queries, batch answers, Faults) must exist in
 * Intuit's own XSDs, element or attribute, at the place it is sent: Customer.BillAddr.Line1 must be an element of
 * PhysicalAddress, Invoice.Line[].SalesItemLineDetail.ItemRef.value the text of a ReferenceType, and so on.
 *
 * The XSDs are read with a small XML walk (tags of the xs: namespace only; annotations and comments dropped), and
 * the JSON is mapped to them the way Intuit's JSON mapping does: elements and attributes both become keys, a
 * repeated element becomes an array, and the text of a simple-content type (ReferenceType) becomes `value`.
 */
/** Intuit's XSDs as the extract in ./reference holds them (its header names the source, commit and date). */
const XSD = new URL('./reference/qbo-v3.extract.xsd', import.meta.url);

// ---- a small XSD model ----------------------------------------------------------------------------------

type XNode = { tag: string; attrs: Record<string, string>; children: XNode[] };

/** Parses the xs: elements of a schema document into a tree (documentation, comments and other markup dropped). */
function parseXsd(text: string): XNode {
  const cleaned = text
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<xs:annotation\b[\s\S]*?<\/xs:annotation>/g, '');
  const root: XNode = { tag: '#document', attrs: {}, children: [] };
  const stack: XNode[] = [root];
  const tagRe = /<(\/?)xs:([A-Za-z]+)((?:\s+[\w:]+\s*=\s*"[^"]*")*)\s*(\/?)>/g;
  for (let m = tagRe.exec(cleaned); m; m = tagRe.exec(cleaned)) {
    const [, closing, tag, rawAttrs, selfClosing] = m as unknown as [string, string, string, string, string];
    if (closing) {
      const top = stack.pop();
      if (top?.tag !== tag) throw new Error(`XSD: </xs:${tag}> closes <xs:${top?.tag}>`);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of rawAttrs.matchAll(/([\w:]+)\s*=\s*"([^"]*)"/g)) attrs[a[1]!] = a[2]!;
    const node: XNode = { tag, attrs, children: [] };
    stack[stack.length - 1]!.children.push(node);
    if (!selfClosing) stack.push(node);
  }
  if (stack.length !== 1) throw new Error(`XSD: <xs:${stack[stack.length - 1]!.tag}> never closed`);
  return root;
}

/** What one complex type allows: child elements (with their type), attributes, and whether it carries text. */
type TypeShape = { elements: Map<string, TypeRef>; attributes: Set<string>; text: boolean; any: boolean };
/** A named type, or the anonymous type declared inside an element. */
type TypeRef = { name: string } | { inline: XNode } | { simple: true };

const stripNs = (qname: string) => qname.replace(/^\w+:/, '');
const isBuiltin = (qname: string) => qname.startsWith('xs:');

class XsdModel {
  readonly complexTypes = new Map<string, XNode>();
  readonly simpleTypes = new Set<string>();
  readonly groups = new Map<string, XNode>();
  readonly elements = new Map<string, XNode>();
  readonly #shapes = new Map<string, TypeShape>();

  constructor(schemas: XNode[]) {
    for (const doc of schemas) {
      for (const schema of doc.children.filter((n) => n.tag === 'schema')) {
        for (const n of schema.children) {
          const name = n.attrs.name;
          if (!name) continue;
          if (n.tag === 'complexType') this.complexTypes.set(name, n);
          else if (n.tag === 'simpleType') this.simpleTypes.add(name);
          else if (n.tag === 'group') this.groups.set(name, n);
          else if (n.tag === 'element') this.elements.set(name, n);
        }
      }
    }
  }

  /** The named elements that may stand for `head` (its substitution group, transitively; the head too if concrete). */
  substitutes(head: string): XNode[] {
    const out: XNode[] = [];
    const headNode = this.elements.get(head);
    if (headNode && headNode.attrs.abstract !== 'true') out.push(headNode);
    for (const el of this.elements.values()) {
      const group = el.attrs.substitutionGroup;
      if (group && stripNs(group) === head) out.push(...this.substitutes(el.attrs.name!));
    }
    return out;
  }

  typeOfElement(el: XNode): TypeRef {
    if (el.attrs.type) return isBuiltin(el.attrs.type) || this.simpleTypes.has(stripNs(el.attrs.type)) ? { simple: true } : { name: stripNs(el.attrs.type) };
    const inline = el.children.find((c) => c.tag === 'complexType');
    return inline ? { inline } : { simple: true };
  }

  shapeOf(ref: TypeRef): TypeShape | null {
    if ('simple' in ref) return null;
    if ('inline' in ref) return this.#collect(ref.inline);
    const cached = this.#shapes.get(ref.name);
    if (cached) return cached;
    const node = this.complexTypes.get(ref.name);
    if (!node) throw new Error(`XSD: no complexType "${ref.name}"`);
    const shape = this.#collect(node);
    this.#shapes.set(ref.name, shape);
    return shape;
  }

  /** Walks a complexType's content model: sequences, choices, groups, extensions of base types, attributes. */
  #collect(typeNode: XNode): TypeShape {
    const shape: TypeShape = { elements: new Map(), attributes: new Set(), text: false, any: false };
    const walk = (n: XNode) => {
      switch (n.tag) {
        case 'element': {
          if (n.attrs.ref) {
            for (const el of this.substitutes(stripNs(n.attrs.ref))) shape.elements.set(el.attrs.name!, this.typeOfElement(el));
          } else if (n.attrs.name) {
            shape.elements.set(n.attrs.name, this.typeOfElement(n));
          }
          return; // an element's own content belongs to its type, not to this one
        }
        case 'attribute':
          if (n.attrs.name) shape.attributes.add(n.attrs.name);
          else if (n.attrs.ref) shape.attributes.add(stripNs(n.attrs.ref));
          return;
        case 'group': {
          const group = n.attrs.ref ? this.groups.get(stripNs(n.attrs.ref)) : undefined;
          if (n.attrs.ref && !group) throw new Error(`XSD: no group "${n.attrs.ref}"`);
          if (group) group.children.forEach(walk);
          return;
        }
        case 'any':
          shape.any = true;
          return;
        case 'simpleContent':
          shape.text = true;
          n.children.forEach(walk);
          return;
        case 'extension':
        case 'restriction': {
          const base = n.attrs.base;
          if (base && !isBuiltin(base) && this.complexTypes.has(stripNs(base))) {
            const inherited = this.shapeOf({ name: stripNs(base) })!;
            for (const [k, v] of inherited.elements) shape.elements.set(k, v);
            for (const a of inherited.attributes) shape.attributes.add(a);
            shape.text ||= inherited.text;
            shape.any ||= inherited.any;
          }
          n.children.forEach(walk);
          return;
        }
        default:
          n.children.forEach(walk);
      }
    };
    typeNode.children.forEach(walk);
    return shape;
  }
}

/** Where a JSON body breaks the XSD: keys the type does not know, objects where text is expected and the reverse. */
function conformance(model: XsdModel, body: unknown, type: TypeRef, at: string, visited: Set<string>): string[] {
  if (Array.isArray(body)) return body.flatMap((item, i) => conformance(model, item, type, `${at}[${i}]`, visited));
  const shape = model.shapeOf(type);
  const label = 'name' in type ? type.name : 'simple' in type ? 'a simple type' : 'an inline type';
  if (body === null || typeof body !== 'object') {
    // QBO's JSON sends a value where the XML has text: a simple type, or a complex type with simple content.
    return shape === null || shape.text ? [] : [`${at}: a ${typeof body} where the XSD has ${label} with child elements`];
  }
  if (shape === null) return [`${at}: an object where the XSD has a simple type`];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    const here = `${at}.${key}`;
    visited.add(here.replace(/\[\d+\]/g, ''));
    const child = shape.elements.get(key);
    if (child) problems.push(...conformance(model, value, child, here, visited));
    else if (shape.attributes.has(key) || (key === 'value' && shape.text)) {
      if (value !== null && typeof value === 'object') problems.push(`${here}: an object where the XSD has an attribute`);
    } else if (!shape.any) problems.push(`${here}: not an element or attribute of ${label}`);
  }
  return problems;
}

// ---- the test -----------------------------------------------------------------------------------------------

describe('QuickBooks sandbox answers use only field names from Intuit\'s XSDs', () => {
  const sb = sourceTestKit(quickbooksSource, { size: 60, seed: 11 });
  const { state, api } = sb;
  let model: XsdModel;
  let token: string;
  const visited = new Set<string>();
  /** The root of every JSON answer: QBO's JSON is the IntuitResponse element with its root tag dropped. */
  const RESPONSE: TypeRef = { name: 'IntuitResponse' };

  beforeAll(async () => {
    model = new XsdModel([parseXsd(readFileSync(XSD, 'utf8'))]);
    sb.listen();
    token = (await sb.authorization()).replace(/^Bearer /, '');
  });
  afterAll(() => sb.close());

  const headers = () => ({ authorization: `Bearer ${token}`, accept: 'application/json' });
  const get = async (p: string) => {
    const res = await fetch(`${api}${p}`, { headers: headers() });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const query = (q: string) => get(`/query?query=${encodeURIComponent(q)}&minorversion=75`);
  const expectConforms = (body: unknown) => expect(conformance(model, body, RESPONSE, '$', visited)).toEqual([]);

  it('reads the schema: the types the sandbox answers with are there, with their base types', () => {
    const customer = model.shapeOf({ name: 'Customer' })!;
    // Customer → NameBase → IntuitEntity: elements from every level, and IntuitEntity's attributes
    expect([...customer.elements.keys()]).toEqual(expect.arrayContaining(['Id', 'MetaData', 'DisplayName', 'BillAddr', 'Balance', 'CurrencyRef']));
    expect([...customer.attributes]).toEqual(expect.arrayContaining(['domain', 'sparse']));
    const invoice = model.shapeOf({ name: 'Invoice' })!;
    expect([...invoice.elements.keys()]).toEqual(expect.arrayContaining(['Line', 'TxnDate', 'DueDate', 'CustomerRef', 'TotalAmt', 'Balance', 'LinkedTxn']));
    expect(model.shapeOf({ name: 'ReferenceType' })).toMatchObject({ text: true, attributes: new Set(['name', 'type']) });
    // IntuitObject is abstract: the entities stand for it in query and batch answers
    expect([...model.shapeOf({ name: 'QueryResponse' })!.elements.keys()]).toEqual(expect.arrayContaining(['Customer', 'Invoice', 'Payment']));
    expect(model.shapeOf({ name: 'Customer' })!.elements.has('OpenBalance')).toBe(false);
  });

  it('flags a field the XSD does not know, an object for a simple type and text for a complex one', () => {
    const probe = (body: unknown) => conformance(model, body, RESPONSE, '$', new Set());
    expect(probe({ Customer: { Id: '1', OpenBalance: 3 }, time: 'x' })).toEqual(['$.Customer.OpenBalance: not an element or attribute of Customer']);
    expect(probe({ Invoice: { Line: [{ Amount: 1, SalesItemLineDetail: { ItemRef: { value: '1', colour: 'red' } } }] } })).toEqual([
      '$.Invoice.Line[0].SalesItemLineDetail.ItemRef.colour: not an element or attribute of ReferenceType',
    ]);
    expect(probe({ Payment: { TotalAmt: { value: 1 } } })).toEqual(['$.Payment.TotalAmt: an object where the XSD has a simple type']);
    expect(probe({ Customer: { BillAddr: '1 Main St' } })[0]).toMatch(/^\$\.Customer\.BillAddr: a string where the XSD has PhysicalAddress/);
    expect(probe({ Fault: { Error: [{ Message: 'm', code: '1', Severity: 'high' }], type: 'ValidationFault' } })).toEqual([
      '$.Fault.Error[0].Severity: not an element or attribute of Error',
    ]);
  });

  it('every customer, invoice and payment in query answers', async () => {
    for (const entity of ['Customer', 'Invoice', 'Payment'] as const) {
      const { status, body } = await query(`SELECT * FROM ${entity} MAXRESULTS 1000`);
      expect(status).toBe(200);
      const rows = (body.QueryResponse as Record<string, unknown[]>)[entity]!;
      // the whole dataset in one page, so every record the generator makes is checked
      expect(rows.length).toBe(state.world.quickbooks[`${entity.toLowerCase()}s` as 'customers'].length);
      expectConforms(body);
    }
    // a count and a projection have their own envelopes
    expectConforms((await query('SELECT COUNT(*) FROM Invoice')).body);
    expectConforms((await query("SELECT Id, DisplayName, Balance FROM Customer WHERE DisplayName LIKE '%a%' STARTPOSITION 2 MAXRESULTS 5")).body);
  });

  it('entity reads', async () => {
    const { customers, invoices, payments } = state.world.quickbooks;
    const withAddr = customers.find((c) => c.BillAddr)!;
    const partial = invoices.find((i) => i.Balance > 0 && i.Balance < i.TotalAmt) ?? invoices.find((i) => i.LinkedTxn.length)!;
    for (const p of [`/customer/${withAddr.Id}`, `/customer/${customers.at(-1)!.Id}`, `/invoice/${partial.Id}`, `/invoice/${invoices[0]!.Id}`, `/payment/${payments[0]!.Id}`]) {
      const { status, body } = await get(`${p}?minorversion=75`);
      expect(status, p).toBe(200);
      expectConforms(body);
    }
  });

  it('batch answers, with a query, an empty query, a refused query and a refused write', async () => {
    const res = await fetch(`${api}/batch?minorversion=75`, {
      method: 'POST',
      headers: { ...headers(), 'content-type': 'application/json' },
      body: JSON.stringify({
        BatchItemRequest: [
          { bId: 'c', Query: "SELECT * FROM Customer WHERE Id IN ('1', '2')" },
          { bId: 'i', Query: "SELECT * FROM Invoice WHERE CustomerRef IN ('1', '2') MAXRESULTS 1000" },
          { bId: 'p', Query: 'SELECT * FROM Payment MAXRESULTS 10' },
          { bId: 'none', Query: "SELECT * FROM Payment WHERE CustomerRef = '999999'" },
          { bId: 'bad', Query: 'SELECT * FROM Customer WHERE' },
          { bId: 'w', operation: 'create', Customer: { DisplayName: 'New' } },
        ],
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { BatchItemResponse: Record<string, unknown>[] };
    expect(body.BatchItemResponse.map((b) => Object.keys(b).sort().join(','))).toEqual(
      expect.arrayContaining(['QueryResponse,bId', 'Fault,bId']),
    );
    expectConforms(body);
  });

  it('Fault bodies: ValidationFault for a bad query, object not found, unsupported operation, SystemFault', async () => {
    const bad = await query('SELECT * FROM Customer WHERE');
    expect(bad.status).toBe(400);
    expectConforms(bad.body);
    const missing = await get('/invoice/999999999');
    expect(missing.status).toBe(400);
    expectConforms(missing.body);
    const unsupported = await get('/vendor/1');
    expect(unsupported.status).toBe(400);
    expectConforms(unsupported.body);
    state.setFault('quickbooks', { status: 503 });
    try {
      const down = await query('SELECT * FROM Customer');
      expect(down.status).toBe(503);
      expect(down.body).toHaveProperty('Fault.type', 'SystemFault');
      expectConforms(down.body);
    } finally {
      state.clearFaults();
    }
  });

  it('the throttling answer (XML) uses the XSD\'s element and attribute names too', async () => {
    state.setFault('quickbooks', { rateLimit: true });
    let xml: string;
    try {
      const res = await fetch(`${api}/query?query=${encodeURIComponent('SELECT * FROM Customer')}`, { headers: headers() });
      expect(res.status).toBe(429);
      xml = await res.text();
    } finally {
      state.clearFaults();
    }
    expect(conformance(model, xmlToJson(xml), RESPONSE, '$', visited)).toEqual([]);
  });

  // Reads what the tests above visited: run the file as a whole (a -t filter that skips them fails this one).
  it('the checks reached the nested types (so passing means something)', () => {
    expect([...visited]).toEqual(
      expect.arrayContaining([
        '$.time',
        '$.Customer.domain',
        '$.QueryResponse.Customer.BillAddr.Line1',
        '$.QueryResponse.Customer.BillAddr.CountrySubDivisionCode',
        '$.QueryResponse.Customer.MetaData.LastUpdatedTime',
        '$.QueryResponse.Customer.PrimaryEmailAddr.Address',
        '$.QueryResponse.Customer.PrimaryPhone.FreeFormNumber',
        '$.QueryResponse.Customer.CurrencyRef.value',
        '$.QueryResponse.Customer.CurrencyRef.name',
        '$.QueryResponse.Invoice.Line.SalesItemLineDetail.ItemRef.value',
        '$.QueryResponse.Invoice.Line.SalesItemLineDetail.TaxCodeRef.value',
        '$.QueryResponse.Invoice.Line.SubTotalLineDetail',
        '$.QueryResponse.Invoice.LinkedTxn.TxnType',
        '$.QueryResponse.Invoice.BillEmail.Address',
        '$.QueryResponse.Payment.Line.LinkedTxn.TxnId',
        '$.QueryResponse.Payment.UnappliedAmt',
        '$.QueryResponse.startPosition',
        '$.QueryResponse.maxResults',
        '$.QueryResponse.totalCount',
        '$.BatchItemResponse.bId',
        '$.BatchItemResponse.QueryResponse.Invoice.CustomerRef.name',
        '$.BatchItemResponse.Fault.Error.code',
        '$.Fault.type',
        '$.Fault.Error.Message',
        '$.Fault.Error.Detail',
        '$.Fault.Error.element',
      ]),
    );
  });

  it('the drift fault produces a body the XSD refuses', async () => {
    state.setFault('quickbooks', { drift: true });
    try {
      const { body } = await query('SELECT * FROM Customer MAXRESULTS 3');
      const problems = conformance(model, body, RESPONSE, '$', new Set());
      expect(problems).toContain('$.QueryResponse.Customer[0].OpenBalance: not an element or attribute of Customer');
    } finally {
      state.clearFaults();
    }
  });
});

/** A tiny XML → JSON mapping of the throttling body: attributes and child elements become keys, text `value`. */
function xmlToJson(xml: string): unknown {
  type Node = Record<string, unknown> & { '#children': [string, Node][] };
  const stack: Node[] = [{ '#children': [] } as unknown as Node];
  const re = /<(\/?)([A-Za-z]+)((?:\s+[\w:]+="[^"]*")*)\s*(\/?)>|([^<]+)/g;
  for (const m of xml.replace(/<\?[^>]*\?>/g, '').matchAll(re)) {
    const [, closing, tag, attrs, selfClosing, text] = m;
    const top = stack[stack.length - 1]!;
    if (text !== undefined) {
      if (text.trim()) top.value = text.trim();
    } else if (closing) stack.pop();
    else {
      const node = { '#children': [] } as unknown as Node;
      for (const a of (attrs ?? '').matchAll(/([\w:]+)="([^"]*)"/g)) if (!a[1]!.startsWith('xmlns')) node[a[1]!] = a[2];
      top['#children'].push([tag!, node]);
      if (!selfClosing) stack.push(node);
    }
  }
  const toJson = (n: Node): unknown => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(n)) if (k !== '#children') out[k] = v;
    for (const [tag, child] of n['#children']) {
      const value = Object.keys(child).length === 2 && 'value' in child && child['#children'].length === 0 ? child.value : toJson(child);
      // Intuit's JSON makes Error a list even when there is one
      out[tag] = tag === 'Error' ? [...((out[tag] as unknown[]) ?? []), value] : value;
    }
    return out;
  };
  const doc = toJson(stack[0]!) as Record<string, unknown>;
  return doc.IntuitResponse;
}
