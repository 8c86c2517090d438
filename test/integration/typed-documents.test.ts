/**
 * The pages' operations are typed documents (app/graphql.ts): tsc checks them against the schema's introspection
 * types, and here every one is also validated against the schema the server builds (`@defer` included).
 */
import { GraphQLDeferDirective, GraphQLStreamDirective } from '@graphql-tools/utils';
import { createRequire } from 'node:module';
import type { DocumentNode } from 'graphql';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { graphql, renamed, type ResultOf, type VariablesOf } from '../../app/graphql.js';
import { operationText } from '../../app/.server/graphql.js';
import { CUSTOMER_PAGE_QUERY } from '../../app/components/customer/query.js';
import { TIMELINE } from '../../app/.server/timeline-read.js';
import { MY_ACCOUNTS, MY_ACCOUNTS_EXPORT } from '../../app/routes/accounts.js';
import { SEARCH, SEARCH_EXPORT } from '../../app/routes/customers._index.js';
import { OVERDUE, OVERDUE_EXPORT } from '../../app/routes/finance.js';
import { URGENT, URGENT_EXPORT } from '../../app/routes/tickets.js';
import { createPanoramaSchema } from '../../graphql/schema.js';

// graphql as the server's schema was built with it (yoga loads it through require; an `import` here is another realm)
const { GraphQLSchema, validate } = createRequire(import.meta.url)('graphql') as typeof import('graphql');
const base = createPanoramaSchema();
// as the server serves it: yoga's defer-stream plugin adds `@defer` and `@stream`
const schema = new GraphQLSchema({ ...base.toConfig(), directives: [...base.getDirectives(), GraphQLDeferDirective, GraphQLStreamDirective] });

const DOCUMENTS = { CUSTOMER_PAGE_QUERY, TIMELINE, MY_ACCOUNTS, MY_ACCOUNTS_EXPORT, SEARCH, SEARCH_EXPORT, OVERDUE, OVERDUE_EXPORT, URGENT, URGENT_EXPORT };

describe('typed documents', () => {
  it.each(Object.entries(DOCUMENTS))('%s validates against the schema', (_name, doc) => {
    expect(validate(schema, doc as unknown as DocumentNode).map((e) => e.message)).toEqual([]);
  });

  it('keeps the export operations apart by name', () => {
    expect(operationText(URGENT_EXPORT)).toMatch(/^query UrgentTicketsExport\b/m);
    expect(operationText(OVERDUE_EXPORT)).toMatch(/^query OverdueInvoicesExport\b/m);
    expect(operationText(MY_ACCOUNTS_EXPORT)).toMatch(/^query MyAccountsExport\b/m);
    expect(operationText(SEARCH_EXPORT)).toMatch(/^query CustomerSearchExport\b/m);
    expect(operationText(renamed(TIMELINE, 'CustomerTimelineExport'))).toMatch(/^query CustomerTimelineExport\b/m);
    // renaming leaves the page's own document as it was
    expect(operationText(SEARCH)).toMatch(/^query CustomerSearch\b/m);
  });

  it('types results and variables from the schema; a field the schema lacks fails tsc', () => {
    const DOC = graphql(`
      query Probe($id: ID!) {
        customer(id: $id, refresh: false) { id name favouriteColour }
      }
    `);
    type R = NonNullable<ResultOf<typeof DOC>['customer']>;
    expectTypeOf<R['name']>().toEqualTypeOf<string>();
    const r = { id: '1', name: 'Acme', favouriteColour: 'teal' } as R;
    // @ts-expect-error `favouriteColour` is no field of Customer: it reads as unknown, never as a string
    const colour: string = r.favouriteColour;
    expect(colour).toBe('teal');
    // @ts-expect-error an ID is a string
    const v: VariablesOf<typeof DOC> = { id: 5 };
    expect(v.id).toBe(5);
    // and the server refuses it too
    expect(validate(schema, DOC as unknown as DocumentNode).map((e) => e.message)).toEqual(['Cannot query field "favouriteColour" on type "Customer".']);
  });

  it('types a deferred part as there or not yet, and an @include field as optional', () => {
    type Row = ResultOf<typeof MY_ACCOUNTS_EXPORT>['myAccountList']['rows'][number];
    expectTypeOf<NonNullable<Row['accounting']>['overdueBalance']>().toEqualTypeOf<number | null | undefined>();
    type Page = ResultOf<typeof URGENT>;
    // @ts-expect-error the list is deferred: it may not have landed
    expectTypeOf<Page['urgentTickets']>().not.toBeNever();
  });
});
