import type { SandboxState } from '../../sandbox/state.js';
import { qboTime } from './faults.js';
import type { QboCustomer } from './records.js';

/** A change to one record, made through the sandbox's control API (as someone working in the vendor's app would). */
export type RecordChange = { action: 'update'; id: string; name: string } | { action: 'create'; name: string } | { action: 'delete'; id: string };

/** Marks a customer changed now: its LastUpdatedTime (what CDC and `MetaData.LastUpdatedTime` queries read) and SyncToken move on. */
export function touchCustomer(c: QboCustomer, nowMs: number): void {
  c.MetaData = { ...c.MetaData, LastUpdatedTime: qboTime(nowMs) };
  c.SyncToken = String(Number(c.SyncToken) + 1);
}

/**
 * Renames, creates or deletes a QuickBooks customer in the sandbox's world, stamped with the state's clock; a
 * deletion is logged for Change Data Capture. Answers the customer's id, or why not.
 */
export function changeQuickbooksCustomer(state: SandboxState, change: RecordChange): { id: string } | string {
  const data = state.world.quickbooks;
  const now = state.clock.now();
  if (change.action === 'create') {
    const template = data.customers.find((c) => !c.Job);
    if (!template) return 'the sandbox holds no QuickBooks customer to model a new one on';
    const id = String(Math.max(0, ...data.customers.map((c) => Number(c.Id) || 0)) + 1);
    const { ParentRef: _p, Level: _l, ...base } = template;
    const created: QboCustomer = {
      ...base,
      Id: id,
      SyncToken: '0',
      MetaData: { CreateTime: qboTime(now), LastUpdatedTime: qboTime(now) },
      DisplayName: change.name,
      CompanyName: change.name,
      FullyQualifiedName: change.name,
      PrintOnCheckName: change.name,
      Balance: 0,
      BalanceWithJobs: 0,
      Active: true,
      Job: false,
      BillWithParent: false,
    };
    // a new array: the query interpreter's lookups are kept per table array
    data.customers = [...data.customers, created];
    return { id };
  }
  const c = data.customers.find((x) => x.Id === change.id);
  if (!c) return `no QuickBooks customer ${change.id}`;
  if (change.action === 'update') {
    // a company renamed: its display and company name both (a job keeps its company's)
    c.DisplayName = change.name;
    if (!c.Job) c.CompanyName = change.name;
    c.FullyQualifiedName = c.Job ? `${c.FullyQualifiedName.split(':').slice(0, -1).join(':')}:${change.name}` : change.name;
    touchCustomer(c, now);
    return { id: c.Id };
  }
  if (data.customers.some((x) => x.ParentRef?.value === c.Id)) return `QuickBooks customer ${c.Id} has sub-customers: QuickBooks deletes none with jobs`;
  data.customers = data.customers.filter((x) => x !== c);
  state.deletions.quickbooks.push({ entity: 'Customer', id: c.Id, at: now });
  return { id: c.Id };
}
