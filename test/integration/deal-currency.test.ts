/**
 * Money in its own currency, through GraphQL: deals of a multi-currency org carry each its own currency (some in
 * euros); a single-currency org's deals carry the org's; QuickBooks records without CurrencyRef are in the
 * company's home currency. The org's currencies are learnt at start-up (describe, index warm-up).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SalesforceOrgVariant } from '../../sources/salesforce/sandbox/variant.js';
import type { QuickbooksCompanyVariant } from '../../sources/quickbooks/sandbox/variant.js';
import { createHarness, gql, viewerFor, type Harness } from '../support/graphql.js';

const DEALS = /* GraphQL */ `
  query ($id: ID!) {
    customer(id: $id) {
      crm { opportunities { id amount currency outcome } }
      timeline(first: 50) { events { type amount { amount currency } } }
    }
  }
`;
const BILLING = /* GraphQL */ `
  query ($id: ID!) {
    customer(id: $id) { accounting { currency invoices(first: 50) { currency } payments(first: 50) { currency } } }
  }
`;

let h: Harness | null = null;
afterEach(() => h?.sandbox.close());

async function harnessFor(org: SalesforceOrgVariant, company: QuickbooksCompanyVariant = {}) {
  h = createHarness({ size: 40, seed: 5 });
  h.sandbox.state.salesforceOrg = org;
  h.sandbox.state.quickbooksCompany = company;
  h.sandbox.listen();
  await h.runtime.warmIndexes();
  return h;
}

/** Accounts with several deals, in the world's order. */
const accountsWithDeals = (x: Harness) => {
  const sf = x.sandbox.state.world.salesforce;
  return sf.accounts.filter((a) => sf.opportunities.filter((o) => o.AccountId === a.Id).length >= 3).slice(0, 4).map((a) => a.Id);
};

async function deals(x: Harness, id: string) {
  const r = await gql<any>(x, viewerFor('account_manager'), DEALS, { id });
  expect(r.errors ?? []).toEqual([]);
  return r.data.customer;
}

describe('deal amounts in their currency', () => {
  it('a multi-currency org: each deal in its own currency, some in euros, on the page and the timeline', async () => {
    const x = await harnessFor({ multiCurrency: { dealCurrency: 'EUR' } });
    const seen = new Set<string | null>();
    for (const id of accountsWithDeals(x)) {
      const c = await deals(x, id);
      for (const o of c.crm.opportunities) seen.add(o.currency);
      for (const e of c.timeline.events.filter((e: any) => e.type === 'DEAL_WON' || e.type === 'DEAL_LOST')) {
        if (e.amount) expect(['USD', 'EUR']).toContain(e.amount.currency);
      }
    }
    expect(seen).toEqual(new Set(['USD', 'EUR']));
  });

  it("a single-currency org: every deal in the org's currency, CurrencyIsoCode never asked for", async () => {
    const x = await harnessFor({ currency: 'GBP' });
    for (const id of accountsWithDeals(x)) {
      const c = await deals(x, id);
      expect(c.crm.opportunities.length).toBeGreaterThan(0);
      expect(c.crm.opportunities.every((o: any) => o.currency === 'GBP')).toBe(true);
    }
    // (had a query named the field the org lacks, the sandbox would have refused it with 400 INVALID_FIELD, and
    // the CRM section would be empty)
  });
});

describe('QuickBooks records that name no currency', () => {
  it("are in the company's home currency from Preferences, not in US dollars", async () => {
    const x = await harnessFor({}, { homeCurrency: 'CAD', singleCurrency: true });
    const linked = x.sandbox.state.world.manifest.exactLinks.filter((l) => l.system === 'quickbooks').slice(0, 3);
    expect(linked.length).toBeGreaterThan(0);
    for (const l of linked) {
      const r = await gql<any>(x, viewerFor('finance'), BILLING, { id: l.accountId });
      expect(r.errors ?? []).toEqual([]);
      const a = r.data.customer.accounting;
      expect(a.currency).toBe('CAD');
      expect([...a.invoices, ...a.payments].every((m: any) => m.currency === 'CAD')).toBe(true);
    }
  });
});
