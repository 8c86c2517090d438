/**
 * A vendor's "bad request" is never the user's fault and never blanks the page: when QuickBooks, Asana or
 * Zendesk refuses Panorama's request (an unknown field, a query it will not run), only that section fails, as a
 * source error that names the problem for an admin, and the other three sections render.
 */
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, gql, viewerFor, type Harness } from '../support/graphql.js';

const PAGE = /* GraphQL */ `
  query ($id: ID!) {
    customer(id: $id) {
      id
      sections { system state code message }
      crm { status { state } }
      accounting { status { state } }
      projects { status { state } }
      support { status { state } }
    }
  }
`;

let h: Harness | null = null;
afterEach(() => h?.sandbox.close());

/** Each vendor's own shape of a refused request (from its documentation's samples). */
const REFUSALS = {
  QUICKBOOKS: {
    prefix: '/quickbooks',
    methods: ['get', 'post'] as const,
    answer: () =>
      HttpResponse.json(
        { Fault: { Error: [{ Message: 'Error parsing query', Detail: 'QueryParserError: Invalid content. Lexical error at line 1: Encountered: "Foo"', code: '4000' }], type: 'ValidationFault' }, time: '2026-01-01T00:00:00.000-08:00' },
        { status: 400 },
      ),
  },
  ASANA: {
    prefix: '/asana',
    methods: ['get', 'post'] as const,
    answer: () => HttpResponse.json({ errors: [{ message: 'opt_fields: Unknown field: current_status_update.status_type', help: 'For more information on API status codes and how to handle them, read the docs on errors: https://developers.asana.com/docs/errors' }] }, { status: 400 }),
  },
  ZENDESK: {
    prefix: '/zendesk',
    methods: ['get'] as const,
    answer: () => HttpResponse.json({ error: 'InvalidEndpoint', description: 'Not found' }, { status: 422 }),
  },
} as const;

describe.each(Object.keys(REFUSALS) as (keyof typeof REFUSALS)[])('%s refuses the request (400/422)', (system) => {
  it('fails that section alone, blames no user input, and the other sections render', async () => {
    h = createHarness({ size: 40, seed: 5 });
    h.sandbox.listen();
    await h.runtime.warmIndexes();
    const id = h.sandbox.state.world.manifest.exactLinks.find((l) => l.system === 'quickbooks')!.accountId;
    const r0 = REFUSALS[system];
    const base = `${h.sandbox.origin}${r0.prefix}`;
    // the token endpoints stay as they are: the refusal is of the data request, not of Panorama's credentials
    h.sandbox.server.use(...r0.methods.map((m) => http[m](new RegExp(`^${base.replace(/[.]/g, '\\.')}/(?!oauth|.*tokens).*`), () => r0.answer())));
    const r = await gql(h, viewerFor('admin'), PAGE, { id });
    expect(r.status).toBe(200);
    const c = r.data!.customer;
    expect(c.id).toBe(id);
    expect(c.sections).toHaveLength(4);
    const mine = c.sections.find((s: { system: string }) => s.system === system);
    expect(mine).toMatchObject({ state: 'FAILED', code: 'BAD_REQUEST' });
    expect(mine.message).not.toMatch(/not a valid|your input|you typed/i);
    for (const s of c.sections.filter((s: { system: string }) => s.system !== system)) expect(s.state).not.toBe('FAILED');
    for (const e of r.errors ?? []) expect(e.extensions?.code).not.toBe('BAD_USER_INPUT');
  });
});
