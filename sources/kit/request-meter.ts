import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Every request sent takes a point of its source's budget. A call (`SourceKit.upstream`) takes one for its first
 * request before anything is sent; a call that sends more (a search's further pages, a batch in chunks, the users
 * a sideload did not carry) takes one more before each of them. The call's meter travels with its async work, so
 * the HTTP layer (`fetchJson`) asks for the point itself and no loader has to count its requests.
 */
type Meter = { sent: number; spend: () => Promise<void> };

const meters = new AsyncLocalStorage<Meter>();

/** Runs one attempt of a call whose first request is paid for; `spend` pays for each further one. */
export function metered<T>(spend: () => Promise<void>, fn: () => Promise<T>): Promise<T> {
  return meters.run({ sent: 0, spend }, fn);
}

/** Before a request is sent: free for a call's first, a budget point for every other (throws when none is left). */
export async function beforeRequest(): Promise<void> {
  const meter = meters.getStore();
  if (meter && meter.sent++ > 0) await meter.spend();
}
