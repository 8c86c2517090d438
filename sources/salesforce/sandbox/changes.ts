import type { RecordChange } from '../../quickbooks/sandbox/changes.js';
import type { SandboxState } from '../../sandbox/state.js';
import { RECYCLE_BIN_MS } from '../feed.js';
import { salesforceId } from './dataset.js';
import { forgetSalesforceDatabase } from './objects.js';
import type { SfAccount, SfRecord } from './records.js';

/** Salesforce's date-time as its REST API writes it: `2026-12-03T10:15:00.000+0000`. */
const sfTime = (ms: number) => new Date(ms).toISOString().replace(/Z$/, '+0000');

/**
 * The recycle bin: records of `object` deleted in the last 15 days (by the state's clock), IsDeleted true and
 * SystemModstamp the moment of deletion, as QueryAll returns them.
 */
export function recycleBin(state: SandboxState, object: string): SfRecord[] {
  const now = state.clock.now();
  return state.deletions.salesforce
    .filter((d) => d.entity === object && d.record && now - d.at <= RECYCLE_BIN_MS)
    .map((d) => ({ ...(d.record as SfRecord), IsDeleted: true, SystemModstamp: sfTime(d.at) }));
}

/**
 * Renames, creates or deletes a Salesforce account in the sandbox's world, stamped with the state's clock (its
 * LastModifiedDate and so its SystemModstamp); a deleted one goes to the recycle bin with its contacts and deals
 * left in place, as the sandbox needs no cascade for the account index. Answers the account's id, or why not.
 */
export function changeSalesforceAccount(state: SandboxState, change: RecordChange): { id: string } | string {
  const sf = state.world.salesforce;
  const now = state.clock.now();
  if (change.action === 'create') {
    const template = sf.accounts[0];
    if (!template) return 'the sandbox holds no Salesforce account to model a new one on';
    const id = salesforceId('001', 900_000 + sf.accounts.length + state.deletions.salesforce.length);
    const created: SfAccount = { ...template, Id: id, Name: change.name, Website: null, QuickBooks_Customer_Id__c: null, CreatedDate: sfTime(now), LastModifiedDate: sfTime(now) };
    sf.accounts = [...sf.accounts, created];
    forgetSalesforceDatabase(state.world);
    return { id };
  }
  const account = sf.accounts.find((a) => a.Id === change.id);
  if (!account) return `no Salesforce account ${change.id}`;
  if (change.action === 'update') {
    account.Name = change.name;
    account.LastModifiedDate = sfTime(now);
    return { id: account.Id };
  }
  sf.accounts = sf.accounts.filter((a) => a !== account);
  forgetSalesforceDatabase(state.world);
  state.deletions.salesforce.push({ entity: 'Account', id: account.Id, at: now, record: { ...account } });
  return { id: account.Id };
}
