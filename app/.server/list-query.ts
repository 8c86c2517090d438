import { z } from 'zod';
import { TIMELINE_TYPES } from '../../graphql/timeline.js';
import { canRead, type Role } from '../../graphql/policy.js';
import type { System, VariablesOf } from '../graphql.js';
import type { MY_ACCOUNTS } from '../routes/accounts.js';
import type { SEARCH } from '../routes/customers._index.js';
import type { OVERDUE } from '../routes/finance.js';
import type { URGENT } from '../routes/tickets.js';
import type { TIMELINE } from './timeline-read.js';

/** A view's value as the schema's enum spells it (`most_overdue` → `MOST_OVERDUE`): tsc checks the enum has it. */
const upper = <S extends string>(s: S) => s.toUpperCase() as Uppercase<S>;
/** A system named in the address, as it came: the server refuses one its `System` enum does not know (a 400). */
const system = (s: string) => s as System;

/**
 * A list's view (filters, sort, page) as it stands in the URL, so a view can be bookmarked and shared. Unknown
 * values are the user's error: a 400 that names the parameter, never a guess.
 */
export const urgentTicketsView = z
  .object({
    assignee: z.enum(['any', 'unassigned', 'assigned']).default('any'),
    linked: z.enum(['', 'yes', 'no']).default(''),
    sort: z.enum(['newest', 'oldest', 'stalest']).default('newest'),
    per: z.enum(['10', '25', '50', '100']).default('50'),
    after: z.string().max(200).optional(),
  })
  .strict();
export type UrgentTicketsView = z.infer<typeof urgentTicketsView>;

export function viewOf<T extends z.ZodTypeAny>(schema: T, url: URL): z.infer<T> {
  const raw = Object.fromEntries([...url.searchParams].filter(([, v]) => v !== ''));
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = issue.path.join('.') || 'the address';
    const words = issue.code === 'unrecognized_keys' ? `unknown parameter ${issue.keys.join(', ')}` : `${name}: ${issue.message}`;
    throw new Response(`This list's address is not valid (${words}). Pick the filters again from the list.`, { status: 400 });
  }
  return parsed.data;
}

/** Customer search: the words, which system matched, the order, the page. */
export const customerSearchView = z
  .object({
    q: z.string().max(200, 'is longer than 200 characters').default(''),
    system: z.string().regex(/^[A-Z][A-Z0-9_]{0,39}$/, 'is not a system').optional(),
    sort: z.enum(['best_match', 'name']).default('best_match'),
    per: z.enum(['25', '50', '100']).default('25'),
    after: z.string().max(200).optional(),
  })
  .strict();
export type CustomerSearchView = z.infer<typeof customerSearchView>;

export function customerSearchVariables(v: CustomerSearchView, first = Number(v.per)): VariablesOf<typeof SEARCH> {
  return { search: v.q, first, after: v.after ?? null, filter: v.system ? { system: system(v.system) } : null, sort: upper(v.sort) };
}

/** The GraphQL variables of the urgent-tickets list for a view. */
export function urgentTicketsVariables(v: UrgentTicketsView, first = Number(v.per)): Omit<VariablesOf<typeof URGENT>, 'stream'> {
  return {
    first,
    after: v.after ?? null,
    filter: { assignee: upper(v.assignee), linked: v.linked === '' ? null : v.linked === 'yes' },
    sort: upper(v.sort),
  };
}

/** Finance's overdue list: how long past due, which currency, linked or not, the order, the page. */
export const overdueInvoicesView = z
  .object({
    days: z.enum(['1', '31', '61', '91']).optional(),
    currency: z.string().regex(/^[A-Za-z]{3}$/, 'is not a currency code such as EUR').optional(),
    linked: z.enum(['', 'yes', 'no']).default(''),
    sort: z.enum(['most_overdue', 'least_overdue', 'largest', 'customer']).default('most_overdue'),
    per: z.enum(['25', '50', '100', '200']).default('50'),
    after: z.string().max(200).optional(),
  })
  .strict();
export type OverdueInvoicesView = z.infer<typeof overdueInvoicesView>;

/** The GraphQL variables of the overdue list for a view. */
export function overdueInvoicesVariables(v: OverdueInvoicesView, first = Number(v.per)): Omit<VariablesOf<typeof OVERDUE>, 'stream'> {
  return {
    first,
    after: v.after ?? null,
    filter: { minDaysOverdue: v.days ? Number(v.days) : null, currency: v.currency?.toUpperCase() ?? null, linked: v.linked === '' ? null : v.linked === 'yes' },
    sort: upper(v.sort),
  };
}

/** A customer's whole timeline: one system and one kind of event at a time, or all. */
export const timelineView = z
  .object({
    system: z.string().regex(/^[A-Z][A-Z0-9_]{0,39}$/, 'is not a system').optional(),
    type: z.enum(TIMELINE_TYPES).optional(),
    per: z.enum(['25', '50', '100']).default('50'),
    after: z.string().max(200).optional(),
  })
  .strict();
export type TimelineView = z.infer<typeof timelineView>;

export function timelineVariables(id: string, v: TimelineView, first = Number(v.per)): VariablesOf<typeof TIMELINE> {
  return { id, first, after: v.after ?? null, systems: v.system ? [system(v.system)] : null, types: v.type ? [v.type] : null };
}

export { TIMELINE_TYPES };

const yesNo = (v: '' | 'yes' | 'no') => (v === '' ? null : v === 'yes');

/** An account manager's book: text in the name, tier, attention, health, overdue billing, the order, the page. */
export const myAccountsView = z
  .object({
    name: z.string().max(100).optional(),
    tier: z.string().max(40).optional(),
    attention: z.enum(['', 'yes', 'no']).default(''),
    health: z.enum(['good', 'fair', 'poor', 'incomplete']).optional(),
    overdue: z.enum(['', 'yes', 'no']).default(''),
    sort: z.enum(['least_healthy', 'name', 'most_overdue']).default('least_healthy'),
    per: z.enum(['10', '25', '50', '100']).default('50'),
    after: z.string().max(200).optional(),
  })
  .strict();
export type MyAccountsView = z.infer<typeof myAccountsView>;

/** The GraphQL variables of the my-accounts list for a view. */
export function myAccountsVariables(v: MyAccountsView, first = Number(v.per)): Omit<VariablesOf<typeof MY_ACCOUNTS>, 'stream' | 'deals' | 'billing'> {
  return {
    first,
    after: v.after ?? null,
    filter: { name: v.name?.trim() || null, tier: v.tier ?? null, needsAttention: yesNo(v.attention), health: v.health ? upper(v.health) : null, overdue: yesNo(v.overdue) },
    sort: upper(v.sort),
  };
}

/** The my-accounts operation's variables: the view's, and which groups of fields the role may read (deal and billing amounts). */
export function myAccountsOperation(role: Role, v: MyAccountsView, first?: number): Omit<VariablesOf<typeof MY_ACCOUNTS>, 'stream'> {
  return { ...myAccountsVariables(v, first), deals: canRead(role, 'DEALS'), billing: canRead(role, 'BILLING') };
}
