import { describe, expect, it } from 'vitest';
import { generateWorld } from '../../sandbox/dataset.js';
import { salesforceDatabase } from './objects.js';
import { SoqlError, executeSoql } from './soql.js';

const TODAY = '2026-11-27';
const world = generateWorld({ size: 60, seed: 7, today: TODAY });
const sf = world.salesforce;
const run = (soql: string) => executeSoql(soql, { db: salesforceDatabase(world), apiVersion: 'v62.0', today: TODAY });
const ids = (soql: string) => run(soql).records.map((r) => r.Id as string);
const fails = (soql: string): SoqlError => {
  try {
    run(soql);
  } catch (e) {
    if (e instanceof SoqlError) return e;
    throw e;
  }
  throw new Error(`expected "${soql}" to fail`);
};
/** A SOQL literal, escaped by hand here so these tests do not depend on the module's escaper. */
const lit = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const sorted = (xs: string[]) => [...xs].sort();

describe('SOQL interpreter: selection and shape', () => {
  it('returns only the selected fields, with attributes, in canonical case', () => {
    const a = sf.accounts[0]!;
    const { totalSize, records } = run(`select id, NAME from account where id = '${a.Id}'`);
    expect(totalSize).toBe(1);
    expect(records[0]).toEqual({
      attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${a.Id}` },
      Id: a.Id,
      Name: a.Name,
    });
    expect(Object.keys(records[0]!)).toEqual(['attributes', 'Id', 'Name']);
  });

  it('nests parent relationship fields under the relationship, with their own attributes', () => {
    const o = sf.opportunities[0]!;
    const owner = sf.users.find((u) => u.Id === o.OwnerId)!;
    const account = sf.accounts.find((a) => a.Id === o.AccountId)!;
    const [r] = run(`SELECT Id, Owner.Name, Owner.Email, Account.Name FROM Opportunity WHERE Id = '${o.Id}'`).records;
    expect(r).toEqual({
      attributes: { type: 'Opportunity', url: `/services/data/v62.0/sobjects/Opportunity/${o.Id}` },
      Id: o.Id,
      Owner: { attributes: { type: 'User', url: `/services/data/v62.0/sobjects/User/${owner.Id}` }, Name: owner.Name, Email: owner.Email },
      Account: { attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${account.Id}` }, Name: account.Name },
    });
  });

  it('answers child subqueries as {totalSize, done, records}, filtered, ordered and limited', () => {
    const a = sf.accounts.find((x) => sf.opportunities.filter((o) => o.AccountId === x.Id && o.IsWon).length >= 2)!;
    const contactNames = sf.contacts.filter((c) => c.AccountId === a.Id).map((c) => c.Name).sort((x, y) => y.toLowerCase().localeCompare(x.toLowerCase()));
    const won = sf.opportunities.filter((o) => o.AccountId === a.Id && o.IsWon).sort((x, y) => y.CloseDate.localeCompare(x.CloseDate));
    const [r] = run(
      `SELECT Id, (SELECT Name FROM Contacts ORDER BY Name DESC LIMIT 2), (SELECT Id, Owner.Name FROM Opportunities WHERE IsWon = true ORDER BY CloseDate DESC) FROM Account WHERE Id = '${a.Id}'`,
    ).records;
    const c = r!.Contacts as { totalSize: number; done: boolean; records: { Name: string }[] };
    expect(c.totalSize).toBe(2);
    expect(c.done).toBe(true);
    expect(c.records.map((x) => x.Name)).toEqual(contactNames.slice(0, 2));
    const o = r!.Opportunities as { records: { Id: string; Owner: { Name: string } }[] };
    expect(o.records.map((x) => x.Id)).toEqual(won.map((x) => x.Id));
    expect(o.records[0]!.Owner.Name).toBe(sf.users.find((u) => u.Id === won[0]!.OwnerId)!.Name);
  });

  it('sends null, not an empty result, for a child relationship without records', () => {
    const a = sf.accounts[0]!;
    const [r] = run(`SELECT Id, (SELECT Id FROM Opportunities WHERE Amount < 0) FROM Account WHERE Id = '${a.Id}'`).records;
    expect(r!.Opportunities).toBeNull();
  });

  it('counts with COUNT()', () => {
    expect(run('SELECT COUNT() FROM Contact')).toEqual({ totalSize: sf.contacts.length, records: [] });
    expect(run("SELECT COUNT() FROM Opportunity WHERE IsWon = true").totalSize).toBe(sf.opportunities.filter((o) => o.IsWon).length);
  });
});

describe('SOQL interpreter: WHERE', () => {
  it('compares strings ignoring case, ids by their 18-character form (15-character and any-case ids too)', () => {
    const a = sf.accounts[20]!;
    expect(ids(`SELECT Id FROM Account WHERE Name = ${lit(a.Name.toUpperCase())}`)).toEqual([a.Id]);
    expect(ids(`SELECT Id FROM Account WHERE Id = '${a.Id.slice(0, 15)}'`)).toEqual([a.Id]);
    expect(ids(`SELECT Id FROM Account WHERE Id = '${a.Id.toLowerCase()}'`)).toEqual([a.Id]);
  });

  it('supports IN, NOT IN, !=, <> and numeric comparisons', () => {
    const [a, b] = sf.accounts;
    expect(sorted(ids(`SELECT Id FROM Account WHERE Id IN ('${a!.Id}', '${b!.Id}')`))).toEqual(sorted([a!.Id, b!.Id]));
    expect(ids(`SELECT Id FROM Account WHERE Id NOT IN ('${a!.Id}', '${b!.Id}')`)).toHaveLength(sf.accounts.length - 2);
    expect(ids(`SELECT Id FROM Account WHERE Id != '${a!.Id}'`)).toHaveLength(sf.accounts.length - 1);
    expect(ids(`SELECT Id FROM Account WHERE Id <> '${a!.Id}'`)).toHaveLength(sf.accounts.length - 1);
    expect(sorted(ids('SELECT Id FROM Opportunity WHERE Amount >= 50000 AND Amount < 60000'))).toEqual(
      sorted(sf.opportunities.filter((o) => o.Amount !== null && o.Amount >= 50000 && o.Amount < 60000).map((o) => o.Id)),
    );
  });

  it("treats null as Salesforce does: = null, != null, and != 'x' matching nulls", () => {
    const prospects = sf.accounts.filter((a) => a.Tier__c === null).map((a) => a.Id);
    expect(prospects.length).toBeGreaterThan(0);
    expect(sorted(ids('SELECT Id FROM Account WHERE Tier__c = null'))).toEqual(sorted(prospects));
    expect(ids('SELECT Id FROM Account WHERE Tier__c != null')).toHaveLength(sf.accounts.length - prospects.length);
    const notGold = sf.accounts.filter((a) => a.Tier__c !== 'Gold').map((a) => a.Id);
    expect(sorted(ids("SELECT Id FROM Account WHERE Tier__c != 'Gold'"))).toEqual(sorted(notGold));
    expect(sorted(ids("SELECT Id FROM Account WHERE Tier__c NOT IN ('Gold')"))).toEqual(sorted(notGold));
  });

  it('groups AND / OR / NOT with parentheses, and refuses AND mixed with OR without them', () => {
    const expected = sf.accounts.filter((a) => (a.Tier__c === 'Gold' || a.Tier__c === 'Silver') && a.Industry !== 'Retail').map((a) => a.Id);
    expect(sorted(ids("SELECT Id FROM Account WHERE (Tier__c = 'Gold' OR Tier__c = 'Silver') AND NOT Industry = 'Retail'"))).toEqual(sorted(expected));
    const e = fails("SELECT Id FROM Account WHERE Tier__c = 'Gold' OR Tier__c = 'Silver' AND Industry = 'Retail'");
    expect(e.errorCode).toBe('MALFORMED_QUERY');
    expect(e.message).toContain("unexpected token: 'AND'");
  });

  it('filters on parent fields (Owner.Email), case-insensitively', () => {
    const owner = sf.users[0]!;
    const expected = sf.accounts.filter((a) => a.OwnerId === owner.Id).map((a) => a.Id);
    expect(expected.length).toBeGreaterThan(0);
    expect(sorted(ids(`SELECT Id FROM Account WHERE Owner.Email = ${lit(owner.Email.toUpperCase())}`))).toEqual(sorted(expected));
  });

  it('evaluates date and datetime literals and relative date keywords against the dataset\'s today', () => {
    const o = sf.opportunities[3]!;
    expect(ids(`SELECT Id FROM Opportunity WHERE Id = '${o.Id}' AND CloseDate = ${o.CloseDate}`)).toEqual([o.Id]);
    const future = sf.opportunities.filter((x) => x.CloseDate > TODAY).map((x) => x.Id);
    expect(sorted(ids(`SELECT Id FROM Opportunity WHERE CloseDate > ${TODAY}`))).toEqual(sorted(future));
    expect(sorted(ids('SELECT Id FROM Opportunity WHERE CloseDate > TODAY'))).toEqual(sorted(future));
    const next30 = sf.opportunities.filter((x) => x.CloseDate > TODAY && x.CloseDate <= '2026-12-27').map((x) => x.Id);
    expect(sorted(ids('SELECT Id FROM Opportunity WHERE CloseDate = NEXT_N_DAYS:30'))).toEqual(sorted(next30));
    const a = sf.accounts[0]!;
    const created = new Date(Date.parse(a.CreatedDate.replace('+0000', 'Z'))).toISOString().replace('.000Z', 'Z');
    expect(ids(`SELECT Id FROM Account WHERE CreatedDate = ${created}`)).toEqual([a.Id]);
    const before = sf.accounts.filter((x) => x.CreatedDate < '2025-06-01').map((x) => x.Id);
    expect(sorted(ids('SELECT Id FROM Account WHERE CreatedDate < 2025-06-01T00:00:00Z'))).toEqual(sorted(before));
  });
});

describe('SOQL interpreter: LIKE and string escapes', () => {
  it('uses % and _ as wildcards, ignoring case', () => {
    const expected = sf.accounts.filter((a) => /^the /i.test(a.Name)).map((a) => a.Id);
    expect(sorted(ids("SELECT Id FROM Account WHERE Name LIKE 'the %'"))).toEqual(sorted(expected));
    // `_` matches any one character: "Under_score" and "Under score" alike.
    expect(ids("SELECT Name FROM Account WHERE Name LIKE 'Under_score%'")).toHaveLength(1);
  });

  it('matches \\% and \\_ literally, and decodes \\\' \\" \\\\ in strings', () => {
    const pct = run("SELECT Name FROM Account WHERE Name LIKE '%100\\% Natural%'").records;
    expect(pct.map((r) => r.Name)).toEqual(['100% Natural Foods']);
    expect(run("SELECT Name FROM Account WHERE Name LIKE '%\\_%'").records.map((r) => r.Name)).toEqual(['Under_score Labs']);
    expect(run("SELECT Name FROM Account WHERE Name LIKE '%r\\_s%'").records).toHaveLength(1);
    expect(run("SELECT Name FROM Account WHERE Name LIKE '%r\\%s%'").records).toHaveLength(0);
    expect(run("SELECT Name FROM Account WHERE Name = 'O\\'Brien & Sons'").records.map((r) => r.Name)).toEqual(["O'Brien & Sons"]);
    expect(run("SELECT Name FROM Account WHERE Name = 'The \\\"Quoted\\\" Company'").records.map((r) => r.Name)).toEqual(['The "Quoted" Company']);
    expect(run("SELECT Name FROM Account WHERE Name = 'Back\\\\slash Engineering'").records.map((r) => r.Name)).toEqual(['Back\\slash Engineering']);
    expect(run("SELECT Name FROM Account WHERE Name LIKE '%k\\\\s%'").records.map((r) => r.Name)).toEqual(['Back\\slash Engineering']);
  });

  it('matches accented and non-Latin names', () => {
    for (const name of ['Café Müller GmbH', '東京精密株式会社', 'Москва Трейдинг']) {
      expect(run(`SELECT Name FROM Account WHERE Name = ${lit(name)}`).records.map((r) => r.Name)).toEqual([name]);
    }
    expect(run("SELECT Name FROM Account WHERE Name LIKE '%москва%'").records).toHaveLength(1);
  });

  it('refuses an unknown escape, an unterminated string and LIKE on an id', () => {
    expect(fails("SELECT Id FROM Account WHERE Name = 'a\\qb'").errorCode).toBe('MALFORMED_QUERY');
    expect(fails("SELECT Id FROM Account WHERE Name = 'abc").errorCode).toBe('MALFORMED_QUERY');
    const e = fails("SELECT Id FROM Account WHERE Id LIKE '001%'");
    expect(e.errorCode).toBe('INVALID_QUERY_FILTER_OPERATOR');
    expect(e.message).toContain('invalid operator on id field');
  });
});

describe('SOQL interpreter: ORDER BY, LIMIT, OFFSET', () => {
  it('orders ignoring case, DESC, by parent fields, with NULLS FIRST / LAST', () => {
    const byName = [...sf.accounts].sort((a, b) => (a.Name.toLowerCase() < b.Name.toLowerCase() ? -1 : 1)).map((a) => a.Id);
    expect(ids('SELECT Id FROM Account ORDER BY Name')).toEqual(byName);
    expect(ids('SELECT Id FROM Account ORDER BY Name DESC')).toEqual([...byName].reverse());
    const tiers = run('SELECT Tier__c FROM Account ORDER BY Tier__c NULLS LAST').records.map((r) => r.Tier__c);
    expect(tiers[tiers.length - 1]).toBeNull();
    expect(tiers[0]).toBe('Bronze');
    expect(run('SELECT Tier__c FROM Account ORDER BY Tier__c').records[0]!.Tier__c).toBeNull(); // ASC → nulls first
    expect(run('SELECT Tier__c FROM Account ORDER BY Tier__c DESC').records[0]!.Tier__c).toBe('Silver'); // DESC → nulls last
    const owners = run('SELECT Owner.Name FROM Account ORDER BY Owner.Name DESC').records.map((r) => (r.Owner as { Name: string }).Name);
    expect(owners).toEqual([...owners].sort().reverse());
  });

  it('applies LIMIT and OFFSET after ordering; totalSize counts what the query returns', () => {
    const all = ids('SELECT Id FROM Account ORDER BY Id');
    const r = run('SELECT Id FROM Account ORDER BY Id LIMIT 5 OFFSET 10');
    expect(r.records.map((x) => x.Id)).toEqual(all.slice(10, 15));
    expect(r.totalSize).toBe(5);
    expect(fails('SELECT Id FROM Account LIMIT 5 OFFSET 2001').errorCode).toBe('NUMBER_OUTSIDE_VALID_RANGE');
  });
});

describe('SOQL interpreter: errors as Salesforce sends them', () => {
  it('unknown object → INVALID_TYPE with row and column', () => {
    const e = fails('SELECT Id FROM Acount');
    expect(e.errorCode).toBe('INVALID_TYPE');
    expect(e.message).toBe(
      "\nSELECT Id FROM Acount\n               ^\nERROR at Row:1:Column:16\nsObject type 'Acount' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.",
    );
  });

  it('unknown field or relationship → INVALID_FIELD; unknown child relationship → INVALID_TYPE', () => {
    const e = fails('SELECT Id, Tier FROM Account');
    expect(e.errorCode).toBe('INVALID_FIELD');
    expect(e.message).toContain("ERROR at Row:1:Column:12\nNo such column 'Tier' on entity 'Account'.");
    expect(fails('SELECT Id, Ownr.Name FROM Account').errorCode).toBe('INVALID_FIELD');
    expect(fails('SELECT Id, Owner.Nme FROM Account').message).toContain("No such column 'Nme' on entity 'User'");
    expect(fails("SELECT Id FROM Account WHERE Nam = 'x'").errorCode).toBe('INVALID_FIELD');
    expect(fails('SELECT Id, (SELECT Id FROM Contactz) FROM Account').errorCode).toBe('INVALID_TYPE');
  });

  it('syntax errors and unsupported clauses → MALFORMED_QUERY', () => {
    for (const q of [
      'SELECT FROM Account',
      'SELECT Id Account',
      'SELECT Id FROM Account WHERE',
      "SELECT Id FROM Account WHERE Name = 'a' LIMIT",
      'SELECT Id FROM Account a',
      'SELECT Industry FROM Account GROUP BY Industry',
      'SELECT COUNT(Id) FROM Account',
      'SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact)',
      'SELECT Id FROM Account WHERE Name = :name',
      'SELECT Id FROM Account WHERE Name = "double"',
      'SELECT Id, Name, name FROM Account',
      'SELECT Id, COUNT() FROM Account',
      'SELECT Id FROM Account;',
    ]) {
      expect(fails(q).errorCode, q).toBe('MALFORMED_QUERY');
    }
    expect(fails('SELECT Id FROM Account WHERE').message).toContain('unexpected token: <EOF>');
  });

  it('type mismatches in filters → INVALID_QUERY_FILTER_OPERATOR', () => {
    expect(fails("SELECT Id FROM Opportunity WHERE CloseDate = '2026-01-01'").message).toContain(
      "value of filter criterion for field 'CloseDate' must be of type date and should not be enclosed in quotes",
    );
    expect(fails("SELECT Id FROM Opportunity WHERE IsWon = 'true'").errorCode).toBe('INVALID_QUERY_FILTER_OPERATOR');
    expect(fails('SELECT Id FROM Account WHERE Name = 5').errorCode).toBe('INVALID_QUERY_FILTER_OPERATOR');
    expect(fails('SELECT Id FROM Account WHERE CreatedDate > 2026-01-01').errorCode).toBe('INVALID_QUERY_FILTER_OPERATOR');
    const e = fails("SELECT Id FROM Account WHERE Id = 'abc'");
    expect(e.errorCode).toBe('INVALID_QUERY_FILTER_OPERATOR');
    expect(e.message).toContain('invalid ID field: abc');
  });
});
