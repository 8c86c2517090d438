/**
 * Every request sent takes a point of its source's budget. A call (`SourceKit.upstream`) takes one for its first
 * request before anything is sent; a call that sends more (a search's further pages, a batch in chunks, the users
 * a sideload did not carry, a retry inside a client) takes one more before each of them. The meter travels with
 * the call's abort signal: each attempt's signal is registered with it, and each client asks for the point at its
 * one sending place with the signal it was given, so no loader counts its requests. A signal made from the
 * attempt's (to add the caller's, or to merge callers' reads) is made with `mergedSignal`, which carries it on. A
 * signal, not an AsyncLocalStorage: that would put a hook on every promise of the process (measured: ~15 % of a
 * warm page's time on Node 20).
 */
type Meter = { sent: number; spend: () => Promise<void> };

const meters = new WeakMap<AbortSignal, Meter>();

/** The attempt of a call whose signal this is: its first request is paid for; `spend` pays for each further one. */
export function meterRequests(signal: AbortSignal, spend: () => Promise<void>): void {
  meters.set(signal, { sent: 0, spend });
}

/** `to`, made from `from` (e.g. `AbortSignal.any([from, other])`), counts on `from`'s meter. */
export function carryMeter(to: AbortSignal, from: AbortSignal | undefined): AbortSignal {
  const meter = from && meters.get(from);
  if (meter) meters.set(to, meter);
  return to;
}

/** Before a request is sent with `signal`: free for a call's first, a budget point for every other (throws when none is left). */
export async function beforeRequest(signal: AbortSignal | undefined): Promise<void> {
  const meter = signal && meters.get(signal);
  if (meter && meter.sent++ > 0) await meter.spend();
}

/**
 * Signals as one (aborted when any is: an attempt's with its caller's, or a read merged for several callers),
 * counted on the first's meter: put the attempt's (or the first caller's) first.
 */
export function mergedSignal(callers: Iterable<AbortSignal>): AbortSignal {
  const all = [...callers];
  return carryMeter(AbortSignal.any(all), all[0]);
}
