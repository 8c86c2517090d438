import { MapperKind, getDirective, mapSchema } from '@graphql-tools/utils';
import { defaultFieldResolver, type GraphQLSchema } from 'graphql';
import type { AccessGroup } from './policy.js';

/** What one answer actually returned: the customers any of whose fields resolved, and the field groups read. */
export type Reads = { customerIds: Set<string>; groups: Set<AccessGroup> };

/** Carries an executed answer's reads on the result, so an answer reused from the response cache keeps them. */
export const READS = Symbol.for('panorama.reads');

const byContext = new WeakMap<object, Reads>();

/** The reads gathered so far for the request whose context this is. */
export function readsOf(ctx: object): Reads {
  let r = byContext.get(ctx);
  if (!r) {
    r = { customerIds: new Set(), groups: new Set() };
    byContext.set(ctx, r);
  }
  return r;
}

/**
 * The customer an object of these types is about: a `Customer` is one, and a list row (an overdue invoice, an
 * urgent ticket, a record to review) belongs to one even when the operation asks none of the row's `customer`.
 */
const CUSTOMER_OF: Record<string, (source: unknown) => unknown> = {
  Customer: (s) => (s as { id?: unknown }).id,
  OverdueInvoiceRow: (s) => (s as { customer?: { id?: unknown } | null }).customer?.id,
  UrgentTicketRow: (s) => (s as { customer?: { id?: unknown } | null }).customer?.id,
  ReviewItem: (s) => (s as { accountId?: unknown }).accountId,
  LinkDecision: (s) => (s as { accountId?: unknown }).accountId,
};

/**
 * Wraps the schema so the audit learns from the answer itself, not from variable names: every field resolved on
 * a `Customer` (or a list row of one) records that customer's id, and every `@access` field that resolved
 * without a refusal records its field group. Wrap the policy-enforced schema, so a refused field records nothing.
 */
export function trackReads(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field, _fieldName, typeName) => {
      const access = getDirective(schema, field, 'access')?.[0] as { group: AccessGroup } | undefined;
      const customerOf = CUSTOMER_OF[typeName];
      if (!access && !customerOf) return field;
      const resolve = field.resolve ?? defaultFieldResolver;
      return {
        ...field,
        resolve: async (source, args, ctx: object, info) => {
          const value = await resolve(source, args, ctx, info);
          const reads = readsOf(ctx);
          if (customerOf) {
            const id = customerOf(source);
            if (typeof id === 'string' && id) reads.customerIds.add(id);
          }
          if (access && value !== null && value !== undefined) reads.groups.add(access.group);
          return value;
        },
      };
    },
  });
}
