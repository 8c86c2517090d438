import { beforeAll, describe, expect, it } from 'vitest';
import { generateWorld } from '../../sandbox/dataset.js';
import type { World } from '../../sandbox/world.js';
import { QboQueryError, parseQuery, runQuery, tokenize } from './qbo-query.js';

const TODAY = '2026-11-27';
let world: World;

beforeAll(() => {
  world = generateWorld({ size: 60, seed: 7, today: TODAY });
});

type Rows = { Id: string; DisplayName?: string; [k: string]: unknown }[];
const rows = (q: string, entity = 'Customer') => (runQuery(world, q)[entity] ?? []) as Rows;
const ids = (q: string, entity = 'Customer') => rows(q, entity).map((r) => r.Id);

function refusal(q: string): QboQueryError {
  try {
    runQuery(world, q);
  } catch (e) {
    if (e instanceof QboQueryError) return e;
    throw e;
  }
  throw new Error(`query was accepted: ${q}`);
}

describe('QBO query interpreter: answers', () => {
  it('selects every active customer, ordered by numeric Id, 100 per page by default', () => {
    const all = world.quickbooks.customers;
    const res = runQuery(world, 'SELECT * FROM Customer');
    const got = res.Customer as Rows;
    expect(got.map((c) => c.Id)).toEqual(all.slice(0, 100).map((c) => c.Id));
    expect(res.startPosition).toBe(1);
    expect(res.maxResults).toBe(Math.min(100, all.length));
    // numeric, not lexical, order: 2 comes before 10
    expect(got.findIndex((c) => c.Id === '2')).toBeLessThan(got.findIndex((c) => c.Id === '10'));
  });

  it('reads keywords and entity names in any case', () => {
    expect(ids("select * from customer where id = '3'")).toEqual(['3']);
    expect(ids("SeLeCt * FrOm CUSTOMER wHeRe Id IN ('3', '1') OrderBy Id DESC")).toEqual(['3', '1']);
  });

  it('filters with =, IN, <, >, <=, >= and AND', () => {
    const inv = world.quickbooks.invoices;
    const cust = inv[0]!.CustomerRef.value;
    expect(ids(`SELECT * FROM Invoice WHERE CustomerRef = '${cust}' MAXRESULTS 1000`, 'Invoice')).toEqual(
      inv.filter((i) => i.CustomerRef.value === cust).map((i) => i.Id),
    );
    expect(ids("SELECT * FROM Invoice WHERE CustomerRef IN ('1', '2') MAXRESULTS 1000", 'Invoice').sort()).toEqual(
      inv.filter((i) => ['1', '2'].includes(i.CustomerRef.value)).map((i) => i.Id).sort(),
    );
    const overdue = ids(`SELECT * FROM Invoice WHERE Balance > '0' AND DueDate < '${TODAY}' MAXRESULTS 1000`, 'Invoice');
    expect(overdue.sort()).toEqual(world.manifest.overdueInvoices.map((o) => o.invoiceId).sort());
    expect(overdue.length).toBeGreaterThan(0);
    const since = '2026-06-01';
    expect(ids(`SELECT * FROM Invoice WHERE TxnDate >= '${since}' AND TotalAmt <= 5000 MAXRESULTS 1000`, 'Invoice').sort()).toEqual(
      inv.filter((i) => i.TxnDate >= since && i.TotalAmt <= 5000).map((i) => i.Id).sort(),
    );
  });

  it('compares MetaData.LastUpdatedTime as a point in time', () => {
    const cutoff = '2026-01-01T00:00:00-08:00';
    expect(ids(`SELECT * FROM Payment WHERE MetaData.LastUpdatedTime > '${cutoff}' MAXRESULTS 1000`, 'Payment').sort()).toEqual(
      world.quickbooks.payments.filter((p) => Date.parse(p.MetaData.LastUpdatedTime) > Date.parse(cutoff)).map((p) => p.Id).sort(),
    );
  });

  it('LIKE knows only %, ignores case, and takes \\-escaped quotes and backslashes literally', () => {
    expect(rows("SELECT * FROM Customer WHERE DisplayName LIKE 'o\\'brien%'").map((c) => c.DisplayName)).toEqual(["O'Brien & Sons"]);
    expect(rows("SELECT * FROM Customer WHERE DisplayName LIKE '%Back\\\\slash%'").map((c) => c.DisplayName)).toEqual(['Back\\slash Engineering']);
    expect(rows("SELECT * FROM Customer WHERE DisplayName LIKE '%\"Quoted\"%'").map((c) => c.DisplayName)).toEqual(['The "Quoted" Company']);
    // `_` is not a wildcard in QBO: it matches only itself
    expect(rows("SELECT * FROM Customer WHERE DisplayName LIKE 'Under_score%'").map((c) => c.DisplayName)).toEqual(['Under_score Labs']);
    expect(rows("SELECT * FROM Customer WHERE DisplayName LIKE 'Unde_%'")).toEqual([]);
    // `%` anywhere in the pattern is a wildcard, also where the text had a literal one
    expect(rows("SELECT * FROM Customer WHERE DisplayName LIKE '100%Foods'").map((c) => c.DisplayName)).toEqual(['100% Natural Foods']);
    expect(rows("SELECT * FROM Customer WHERE DisplayName LIKE '%東京%'").map((c) => c.DisplayName)).toEqual(['東京精密株式会社']);
  });

  it('pages with STARTPOSITION (1-based) and MAXRESULTS, in either order, without overlap', () => {
    const all = ids('SELECT * FROM Invoice MAXRESULTS 1000', 'Invoice');
    const pages: string[] = [];
    for (let start = 1; start <= all.length; start += 50) pages.push(...ids(`SELECT * FROM Invoice MAXRESULTS 50 STARTPOSITION ${start}`, 'Invoice'));
    expect(pages).toEqual(all);
    expect(runQuery(world, `SELECT * FROM Invoice STARTPOSITION ${all.length + 1} MAXRESULTS 10`)).toEqual({});
  });

  it('orders by ORDERBY / ORDER BY, ASC or DESC, on several properties', () => {
    const byDate = rows('SELECT * FROM Invoice ORDER BY TxnDate DESC, Id MAXRESULTS 1000', 'Invoice');
    const dates = byDate.map((r) => r.TxnDate as string);
    expect(dates).toEqual([...dates].sort().reverse());
    const names = rows("SELECT * FROM Customer WHERE DisplayName LIKE 'o%' ORDERBY DisplayName").map((c) => c.DisplayName!.toLowerCase());
    expect(names).toEqual([...names].sort());
  });

  it('answers COUNT(*) with totalCount only', () => {
    expect(runQuery(world, "SELECT COUNT(*) FROM Invoice WHERE Balance > '0'")).toEqual({
      totalCount: world.quickbooks.invoices.filter((i) => i.Balance > 0).length,
    });
  });

  it('selects a field list, nested fields included, as sparse records', () => {
    const [c] = rows("SELECT Id, DisplayName, MetaData.LastUpdatedTime, PrimaryEmailAddr FROM Customer WHERE Id = '1'");
    const src = world.quickbooks.customers[0]!;
    expect(c).toEqual({
      domain: 'QBO',
      sparse: true,
      Id: '1',
      DisplayName: src.DisplayName,
      MetaData: { LastUpdatedTime: src.MetaData.LastUpdatedTime },
      PrimaryEmailAddr: src.PrimaryEmailAddr,
    });
  });

  it('answers an empty QueryResponse when nothing matches', () => {
    expect(runQuery(world, "SELECT * FROM Customer WHERE DisplayName = 'nobody at all'")).toEqual({});
  });

  it('leaves inactive customers out unless the query filters on Active', () => {
    const w = structuredClone(world);
    w.quickbooks.customers[0]!.Active = false;
    const q = (s: string) => (runQuery(w, s).Customer as Rows | undefined)?.map((c) => c.Id) ?? [];
    expect(q("SELECT * FROM Customer WHERE Id IN ('1', '2')")).toEqual(['2']);
    expect(q("SELECT * FROM Customer WHERE Id IN ('1', '2') AND Active = false")).toEqual(['1']);
    expect(q("SELECT * FROM Customer WHERE Id IN ('1', '2') AND Active IN (true, false)")).toEqual(['1', '2']);
  });
});

describe('QBO query interpreter: refusals, as QBO words them', () => {
  it('refuses an empty query (4000)', () => {
    const e = refusal('   ');
    expect([e.code, e.faultMessage, e.detail]).toEqual(['4000', 'Error parsing query', 'QueryParserError: The query provided was empty']);
  });

  it('refuses OR: QBO has none (4001 ValidationFault)', () => {
    const e = refusal("SELECT * FROM Customer WHERE Id = '1' OR Id = '2'");
    expect(e.code).toBe('4001');
    expect(e.faultMessage).toBe('Invalid query');
    expect(e.detail).toMatch(/OR/);
  });

  it('refuses an unknown property, and one that cannot be filtered', () => {
    expect(refusal("SELECT * FROM Customer WHERE Nickname = 'x'").detail).toBe('QueryValidationError: Property Nickname not found for Entity Customer');
    expect(refusal("SELECT * FROM Invoice WHERE Line = 'x'").detail).toBe("QueryValidationError: property 'Line' is not queryable");
    expect(refusal('SELECT Nickname FROM Customer').code).toBe('4001');
  });

  it('refuses an entity it does not serve', () => {
    expect(refusal('SELECT * FROM Vendor').detail).toMatch(/Entity Vendor/);
  });

  it('bounds STARTPOSITION and MAXRESULTS', () => {
    expect(refusal('SELECT * FROM Customer STARTPOSITION 0').detail).toBe('QueryValidationError: value 0 is too small. Min allowed value is 1');
    expect(refusal('SELECT * FROM Customer MAXRESULTS 0').code).toBe('4001');
    expect(refusal('SELECT * FROM Customer MAXRESULTS 1001').detail).toBe('QueryValidationError: value 1001 is too large. Max allowed value is 1000');
  });

  it('reports lexical errors with their column', () => {
    const e = refusal("SELECT * FROM Customer WHERE Id != '1'");
    expect(e.code).toBe('4000');
    expect(e.detail).toBe('QueryParserError: Invalid content. Lexical error at line 1, column 33.  Encountered: "!" (33), after : ""');
    expect(refusal('SELECT * FROM Customer WHERE DisplayName = "Acme"').detail).toMatch(/Lexical error at line 1, column 44/);
    expect(refusal("SELECT * FROM Customer WHERE DisplayName = 'unterminated").code).toBe('4000');
  });

  it('reports an unescaped quote the way QBO does (the rest of the name is an unexpected identifier)', () => {
    const e = refusal("SELECT * FROM Customer WHERE DisplayName = 'O'Brien & Sons'");
    expect(e.code).toBe('4000');
    expect(e.detail).toMatch(/^QueryParserError: Encountered " <IDENTIFIER> "Brien "" at line 1, column 47\.\nWas expecting one of:/);
  });

  it('checks values against the property type', () => {
    expect(refusal("SELECT * FROM Invoice WHERE Balance > 'lots'").code).toBe('4001');
    expect(refusal("SELECT * FROM Invoice WHERE DueDate < 'yesterday'").code).toBe('4001');
    expect(refusal("SELECT * FROM Invoice WHERE Balance LIKE '1%'").detail).toMatch(/LIKE is only supported on string properties/);
    expect(refusal("SELECT * FROM Customer WHERE Active > 'true'").code).toBe('4001');
  });

  it('refuses trailing input and a missing FROM', () => {
    expect(refusal('SELECT * FROM Customer MAXRESULTS 10 extra').code).toBe('4000');
    expect(refusal('SELECT * Customer').detail).toMatch(/Was expecting one of:/);
  });

  it('tokenizes escaped strings into their values', () => {
    const t = tokenize("'O\\'Brien \\\\ 100%'");
    expect(t[0]).toMatchObject({ kind: 'string', value: "O'Brien \\ 100%" });
    expect(parseQuery("SELECT * FROM Customer WHERE DisplayName = 'a\\'b'").where[0]!.values).toEqual(["a'b"]);
  });
});
