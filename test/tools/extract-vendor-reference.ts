/**
 * Rebuilds the vendor reference extracts the conformance tests read (sources/<vendor>/sandbox/reference/) from
 * full copies of the vendors' own specs. A development tool only: no test runs it, and the tests never read the
 * full specs. Run it when a conformance test starts checking a schema, path or type the extract lacks:
 *
 *   npx tsx test/tools/extract-vendor-reference.ts <dir holding asana/, zendesk/ and quickbooks/xsd/>
 *
 * What is kept: each schema (or XSD type) the tests name, and everything it refers to, whole. What is dropped:
 * every other schema, and prose (descriptions, examples, XSD annotations), which no check reads.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export type Provenance = { source: string; repository: string; path: string; commit: string; date: string; licence: string };

// ---- OpenAPI ------------------------------------------------------------------------------------------------

type Json = unknown;
const PROSE = new Set(['description', 'example', 'examples', 'x-docs-override-description', 'x-public-description']);
/** Keys whose children are names (of properties or schemas), not schema keywords: their entries are kept whatever they are called. */
const NAME_MAPS = new Set(['properties', 'patternProperties', 'schemas', 'definitions']);

/** A schema without its prose; property names are never taken for keywords. */
function withoutProse(node: Json, parentKey = ''): Json {
  if (Array.isArray(node)) return node.map((n) => withoutProse(n));
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(node as Record<string, Json>)) {
    if (!NAME_MAPS.has(parentKey) && PROSE.has(k)) continue;
    out[k] = withoutProse(v, k);
  }
  return out;
}

function refsIn(node: Json, into: Set<string>): void {
  if (Array.isArray(node)) node.forEach((n) => refsIn(n, into));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node as Record<string, Json>)) {
      if (k === '$ref' && typeof v === 'string') {
        const m = /^#\/components\/schemas\/(.+)$/.exec(v);
        if (!m) throw new Error(`unsupported $ref ${v}`);
        into.add(m[1]!);
      } else refsIn(v, into);
    }
  }
}

/** The named schemas and the 200 answers of the paths given, with every schema they refer to. */
function extractOpenApi(specFile: string, roots: string[], paths: [string, string, string][]) {
  const spec = parse(readFileSync(specFile, 'utf8')) as {
    components: { schemas: Record<string, Json> };
    paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Json }> }> }>>;
  };
  const outPaths: Record<string, Record<string, Json>> = {};
  const wanted = new Set(roots);
  for (const [route, method, status] of paths) {
    const content = spec.paths[route]?.[method]?.responses[status]?.content;
    if (!content?.['application/json']) throw new Error(`no ${method} ${route} ${status} application/json answer`);
    const schema = withoutProse(content['application/json'].schema);
    refsIn(schema, wanted);
    (outPaths[route] ??= {})[method] = { responses: { [status]: { content: { 'application/json': { schema } } } } };
  }
  const schemas: Record<string, Json> = {};
  const queue = [...wanted];
  while (queue.length) {
    const name = queue.shift()!;
    if (name in schemas) continue;
    const s = spec.components.schemas[name];
    if (s === undefined) throw new Error(`no schema ${name}`);
    schemas[name] = withoutProse(s);
    const more = new Set<string>();
    refsIn(s, more);
    queue.push(...[...more].filter((n) => !(n in schemas)));
  }
  const sorted = Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b)));
  return { components: { schemas: sorted }, ...(paths.length ? { paths: outPaths } : {}) };
}

function yamlHeader(p: Provenance, kept: string): string {
  return [
    `# Extract of ${p.source}`,
    `# Source: https://github.com/${p.repository}, ${p.path}, commit ${p.commit} (${p.date})`,
    `# Licence: ${p.licence}`,
    `# Kept: ${kept}; descriptions and examples dropped.`,
    '# Rebuilt by test/tools/extract-vendor-reference.ts; read by the conformance test beside this folder.',
    '',
  ].join('\n');
}

// ---- XSD ----------------------------------------------------------------------------------------------------

type XTop = { tag: string; name: string; text: string; refs: Set<string> };

/** The top-level definitions of a schema document, as their original text without annotations. */
function xsdTopLevel(text: string): XTop[] {
  const cleaned = text.replace(/<!--[\s\S]*?-->/g, '').replace(/<xs:annotation\b[\s\S]*?<\/xs:annotation>/g, '');
  const tagRe = /<(\/?)xs:([A-Za-z]+)((?:\s+[\w:]+\s*=\s*"[^"]*")*)\s*(\/?)>/g;
  const out: XTop[] = [];
  let depth = 0;
  let start = -1;
  let current: XTop | null = null;
  for (let m = tagRe.exec(cleaned); m; m = tagRe.exec(cleaned)) {
    const [whole, closing, tag, attrs, selfClosing] = m as unknown as [string, string, string, string, string];
    if (closing) {
      depth--;
      if (depth === 1 && current) {
        current.text = cleaned.slice(start, m.index + whole.length).replace(/\n\s*\n/g, '\n');
        out.push(current);
        current = null;
      }
      continue;
    }
    if (depth === 1) {
      const name = /\bname="([^"]+)"/.exec(attrs)?.[1] ?? '';
      current = { tag, name, text: '', refs: new Set() };
      start = m.index;
    }
    if (current) {
      for (const a of attrs.matchAll(/\b(type|base|ref|substitutionGroup)="([^"]+)"/g)) {
        const q = a[2]!;
        if (!q.startsWith('xs:')) current.refs.add(q.replace(/^\w+:/, ''));
      }
    }
    if (selfClosing) {
      if (depth === 1 && current) {
        current.text = whole;
        out.push(current);
        current = null;
      }
    } else depth++;
  }
  return out;
}

/**
 * The XSD definitions reachable from `roots`, whole. An abstract element's substitution group is followed only
 * into `substitutes`: the entities Panorama reads stand for IntuitObject, the rest of Intuit's entities do not.
 */
function extractXsd(files: string[], roots: string[], substitutes: Set<string>): string {
  const defs = files.flatMap((f) => xsdTopLevel(readFileSync(f, 'utf8')).filter((d) => d.name));
  const byName = new Map<string, XTop[]>();
  for (const d of defs) byName.set(d.name, [...(byName.get(d.name) ?? []), d]);
  const substitutionOf = (head: string) => defs.filter((d) => d.tag === 'element' && /substitutionGroup="(?:\w+:)?([^"]+)"/.exec(d.text.slice(0, d.text.indexOf('>')))?.[1] === head);
  const kept = new Set<XTop>();
  const queue = [...roots];
  const seen = new Set<string>();
  while (queue.length) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const found = byName.get(name);
    if (!found) throw new Error(`XSD: nothing named ${name}`);
    for (const d of found) {
      kept.add(d);
      queue.push(...d.refs);
      if (d.tag === 'element') for (const s of substitutionOf(name)) if (substitutes.has(s.name) || !/abstract="true"/.test(d.text)) queue.push(s.name);
    }
  }
  // An element that stands for another is only kept when it is one of the substitutes asked for.
  const body = defs.filter((d) => kept.has(d) && (!/substitutionGroup=/.test(d.text.slice(0, d.text.indexOf('>'))) || substitutes.has(d.name) || roots.includes(d.name)));
  return body.map((d) => `  ${d.text.trim()}`).join('\n');
}

// ---- the extracts -------------------------------------------------------------------------------------------

function main(referenceDir: string) {
  const asana: Provenance = {
    source: "Asana's OpenAPI 3.0 spec of REST API v1",
    repository: 'Asana/openapi',
    path: 'defs/asana_oas.yaml',
    commit: 'fc9f8dcf224efa8e06bfc955d91dd95aac7a398d',
    date: '2026-06-11',
    licence: "Apache-2.0 (the spec's info.license)",
  };
  const asanaRoots = ['ProjectResponse', 'TaskResponse', 'WorkspaceResponse', 'CustomFieldResponse', 'ErrorResponse'];
  const asanaPaths: [string, string, string][] = [
    ['/projects', 'get', '200'],
    ['/projects/{project_gid}/tasks', 'get', '200'],
    ['/tasks', 'get', '200'],
    ['/workspaces', 'get', '200'],
    ['/workspaces/{workspace_gid}/custom_fields', 'get', '200'],
    ['/batch', 'post', '200'],
  ];
  const asanaOut = path.join(repoRoot, 'sources/asana/sandbox/reference/asana-oas.extract.yaml');
  writeFileSync(
    asanaOut,
    yamlHeader(asana, `the schemas ${asanaRoots.join(', ')} and the 200 answers of ${asanaPaths.map(([r, m]) => `${m.toUpperCase()} ${r}`).join(', ')}, with every schema they refer to`) +
      stringify(extractOpenApi(path.join(referenceDir, 'asana/asana_oas.yaml'), asanaRoots, asanaPaths), { lineWidth: 0 }),
  );

  const zendesk: Provenance = {
    source: "Zendesk's published Support API OpenAPI 3.0.3 spec (v2.0.0, served at https://developer.zendesk.com/zendesk/oas.yaml)",
    repository: 'botbrains-io/python-zendesk',
    path: 'openapi-src.yaml (the unmodified source spec)',
    commit: '806dda640e08b61d3652e86fbf5871c730827477',
    date: '2025-06-12',
    licence: 'none stated by Zendesk or the repository; this extract keeps only the schema facts (names, types, enums) the conformance test checks',
  };
  const zendeskRoots = ['OrganizationResponse', 'OrganizationsResponse', 'OrganizationFieldsResponse', 'Pagination', 'TicketsResponse', 'UsersResponse', 'SearchResponse', 'Errors'];
  const zendeskOut = path.join(repoRoot, 'sources/zendesk/sandbox/reference/zendesk-support-oas.extract.yaml');
  writeFileSync(
    zendeskOut,
    yamlHeader(zendesk, `the component schemas ${zendeskRoots.join(', ')}, with every schema they refer to`) +
      stringify(extractOpenApi(path.join(referenceDir, 'zendesk/zendesk_support_oas.yaml'), zendeskRoots, []), { lineWidth: 0 }),
  );

  const xsdDir = path.join(referenceDir, 'quickbooks/xsd');
  const xsdFiles = ['IntuitBaseTypes.xsd', 'IntuitNamesTypes.xsd', 'Finance.xsd', 'IntuitRestServiceDef.xsd'];
  const entities = new Set(['Customer', 'Invoice', 'Payment']);
  const qbo = extractXsd(xsdFiles.map((f) => path.join(xsdDir, f)), ['IntuitResponse', 'IntuitBatchRequest', ...entities], entities);
  const qboOut = path.join(repoRoot, 'sources/quickbooks/sandbox/reference/qbo-v3.extract.xsd');
  writeFileSync(
    qboOut,
    [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<!--',
      "  Extract of Intuit's QuickBooks Online v3 data schema.",
      `  Source: https://github.com/intuit/QuickBooks-V3-Java-SDK, ipp-v3-java-data/src/main/xsd/{${xsdFiles.join(',')}},`,
      '  snapshot 79b5a3c125b2c1c4828f89142039789b61b47ea4 (last change to the xsd folder 2d1f2187fd6b7c0c2f5662c63608f254a9135b33, 2024-07-15).',
      '  Licence: Apache-2.0 (LICENSE.txt of that repository).',
      '  Kept: the definitions reachable from IntuitResponse and IntuitBatchRequest, whole, with Customer, Invoice and',
      '  Payment as the only entities standing for IntuitObject; the four files merged into one schema, annotations dropped.',
      '  Rebuilt by test/tools/extract-vendor-reference.ts; read by ../xsd-conformance.test.ts.',
      '-->',
      '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns="http://schema.intuit.com/finance/v3" targetNamespace="http://schema.intuit.com/finance/v3" elementFormDefault="qualified" attributeFormDefault="unqualified">',
      qbo,
      '</xs:schema>',
      '',
    ].join('\n'),
  );
  for (const f of [asanaOut, zendeskOut, qboOut]) console.log(`${path.relative(repoRoot, f)}: ${readFileSync(f).length} bytes`);
}

const dir = process.argv[2];
if (!dir) {
  console.error('usage: tsx test/tools/extract-vendor-reference.ts <api-reference dir>');
  process.exit(2);
}
main(path.resolve(dir));
