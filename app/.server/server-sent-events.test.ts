import { describe, expect, it } from 'vitest';
import { serverSentEvents } from './graphql.js';

/** A body sending `text` in chunks of `size` bytes. */
function body(text: string, size: number): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, (at += size)));
    },
  });
}

const collect = async (b: ReadableStream<Uint8Array>) => {
  const out: unknown[] = [];
  for await (const p of serverSentEvents(b)) out.push(p);
  return out;
};

describe('serverSentEvents', () => {
  const big = 'x'.repeat(40_000);
  const text = `:\n\nevent: next\ndata: {"data":{"a":"ü${big}"},"hasNext":true}\n\nevent: next\ndata: {"incremental":[{"label":"b"}],"hasNext":false}\n\nevent: complete\ndata:\n\nevent: next\ndata: {"after":"complete"}\n\n`;
  const expected = [
    { data: { a: `ü${big}` }, hasNext: true },
    { incremental: [{ label: 'b' }], hasNext: false },
  ];

  it.each([1, 2, 3, 7, 16_384, 1_000_000])('yields each next event once, in order, up to complete, in chunks of %i bytes', async (size) => {
    expect(await collect(body(text, size))).toEqual(expected);
  });

  it('finds an event end split between two chunks ("\\n" | "\\n")', async () => {
    const first = 'event: next\ndata: {"n":1}\n';
    const chunks = [first, '\nevent: complete\n\n'].map((t) => new TextEncoder().encode(t));
    const split = new ReadableStream<Uint8Array>({
      start(c) {
        for (const ch of chunks) c.enqueue(ch);
        c.close();
      },
    });
    expect(await collect(split)).toEqual([{ n: 1 }]);
  });
});
