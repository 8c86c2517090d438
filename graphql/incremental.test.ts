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

  it('never changes an answer taken before a later part: each part gives a new root, sharing what it did not touch', () => {
    const into = { data: null as Record<string, unknown> | null, errors: [] as unknown[] };
    mergePayload(into, { data: { customer: { id: '1', projects: [{ id: 'p', tasks: null }] } }, hasNext: true });
    const before = into.data!;
    const taken = JSON.stringify(before);
    mergePayload(into, { incremental: [{ data: { accounting: { balance: 5 } }, path: ['customer'], label: 'accounting' }], hasNext: true });
    mergePayload(into, { incremental: [{ data: { tasks: [1] }, path: ['customer', 'projects', 0], label: 'tasks' }], hasNext: false });
    expect(JSON.stringify(before)).toBe(taken);
    expect(into.data).toEqual({ customer: { id: '1', projects: [{ id: 'p', tasks: [1] }], accounting: { balance: 5 } } });
    expect(Array.isArray((into.data!.customer as { projects: unknown }).projects)).toBe(true);
    // a part whose parent is gone (null) merges nothing
    mergePayload(into, { incremental: [{ data: { x: 1 }, path: ['customer', 'support'], label: 'support' }], hasNext: false });
    expect((into.data!.customer as Record<string, unknown>).support).toBeUndefined();
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
