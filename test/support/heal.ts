/**
 * Clears every sandbox fault and waits until Panorama would ask each source again: a fault left by one browser
 * test opens that source's circuit breaker, and the next test (in this file or another) must not meet it.
 * Waits while a breaker is open or a rate-limit window is closed, at most `maxMs` (the breaker half-opens after
 * 10 s, and then the next read goes through).
 */
export async function healSources(sandboxOrigin: string, baseURL: string, maxMs = 12_000): Promise<void> {
  await fetch(`${sandboxOrigin}/__sandbox/faults`, { method: 'DELETE' });
  const until = Date.now() + maxMs;
  while (Date.now() < until) {
    const r = (await (await fetch(`${baseURL}/readyz`)).json()) as { sources: { breaker: string; closedUntil: string | null }[] };
    const blocked = r.sources.some((s) => s.breaker === 'open' || (s.closedUntil && Date.parse(s.closedUntil) > Date.now()));
    if (!blocked) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
