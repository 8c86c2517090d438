/**
 * Clears every sandbox fault and brings each source back: a fault left by one browser test opens that source's
 * circuit breaker, and the next test (in this file or another) must not meet it. While a breaker is open, an
 * admin's "check now" (`sources(refreshSystems:)`) asks the source once; after the breaker's half-open delay
 * (10 s) that one call closes it again. Waits at most `maxMs`.
 */
export async function healSources(sandboxOrigin: string, baseURL: string, maxMs = 30_000): Promise<void> {
  await fetch(`${sandboxOrigin}/__sandbox/faults`, { method: 'DELETE' });
  const until = Date.now() + maxMs;
  let cookie: string | null = null;
  while (Date.now() < until) {
    const r = (await (await fetch(`${baseURL}/readyz`)).json()) as { sources: { source: string; breaker: string; closedUntil: string | null }[] };
    const blocked = r.sources.filter((s) => s.breaker !== 'closed' || (s.closedUntil && Date.parse(s.closedUntil) > Date.now()));
    if (!blocked.length) return;
    cookie ??= await adminCookie(baseURL);
    await fetch(`${baseURL}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ query: 'query ($s: [System!]) { sources(refreshSystems: $s) { system } }', variables: { s: blocked.map((b) => b.source.toUpperCase()) } }),
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** A demo admin's session on the built-in sandbox. */
async function adminCookie(baseURL: string): Promise<string> {
  const res = await fetch(`${baseURL}/login`, { method: 'POST', body: new URLSearchParams({ userId: 'demo-admin', redirectTo: '/' }), redirect: 'manual' });
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}
