import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { errorsOf, mergePayload, tapStream, withErrors, type Payload } from './incremental.js';

async function* parts(...ps: Payload[]) {
  for (const p of ps) yield p;
}

describe('answers streamed in parts', () => {
  it('merges each deferred part into the answer at its path, errors included', () => {
    const into = { data: null, errors: [] as unknown[] };
    mergePayload(into, { data: { customer: { id: '1', name: 'Acme' } }, hasNext: true });
    mergePayload(into, { incremental: [{ data: { accounting: { balance: 5 } }, path: ['customer'], label: 'accounting', errors: [new GraphQLError('late')] }], hasNext: true });
    mergePayload(into, { incremental: [{ data: { support: null }, path: ['customer'], label: 'support' }], hasNext: false });
    expect(into.data).toEqual({ customer: { id: '1', name: 'Acme', accounting: { balance: 5 }, support: null } });
    expect(into.errors).toHaveLength(1);
  });

  it('puts added errors beside the first payload, or with the first part of a later one', () => {
    const e = new GraphQLError('stale');
    expect(withErrors<Payload>({ data: {} }, [e]).errors).toEqual([e]);
    const later = withErrors<Payload>({ incremental: [{ data: {}, path: [] }, { data: {}, path: [] }] }, [e]);
    expect(later.incremental![0]!.errors).toEqual([e]);
    expect(errorsOf(later)).toEqual([e]);
  });

  it('calls its end once, when the stream completes or its reader gives up', async () => {
    let ends = 0;
    const seen: Payload[] = [];
    for await (const p of tapStream(parts({ data: {} }, { hasNext: false }), (p) => void seen.push(p), () => ends++)) void p;
    expect([seen.length, ends]).toEqual([2, 1]);
    const early = tapStream(parts({ data: {} }, { hasNext: true }, { hasNext: false }), () => undefined, () => ends++);
    for await (const _ of early) break;
    expect(ends).toBe(2);
  });
});
