import { z } from 'zod';
import { envFragment, envValue, type FragmentValue } from '../../sources/kit/settings.js';

/** An origin as a browser sends it in `Origin`: scheme, host and port, nothing else. */
function originOf(value: string): string | null {
  try {
    const u = new URL(value);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
    if (u.pathname !== '/' || u.search || u.hash || u.username || u.password) return null;
    return u.origin;
  } catch {
    return null;
  }
}

/** Express's `trust proxy`: off, a number of hops, or addresses/subnets (and `loopback`, `uniquelocal`, …). */
const trustProxy = z
  .string()
  .optional()
  .transform((v, ctx): boolean | number | string[] => {
    const t = v?.trim() ?? '';
    if (t === '' || t === 'false') return false;
    if (/^\d{1,2}$/.test(t)) return Number(t);
    if (t === 'true') {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must name the proxies (e.g. loopback, 10.0.0.0/8) or their number of hops (1), not true: trusting every address lets any client choose its own' });
      return z.NEVER;
    }
    const list = t.split(',').map((s) => s.trim()).filter(Boolean);
    const bad = list.find((s) => !/^(loopback|linklocal|uniquelocal|[0-9a-fA-F:.]+(\/\d{1,3})?)$/.test(s));
    if (bad) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${bad.slice(0, 40)}" is not an address, a subnet (10.0.0.0/8) or one of loopback, linklocal, uniquelocal` });
      return z.NEVER;
    }
    return list;
  });

/** The web edge: which other origins may call /graphql, the per-person and per-address request limits, the proxy. */
export const edgeSettings = envFragment(
  z
    .object({
      /** Origins (scheme://host[:port]) whose pages may call /graphql with the viewer's cookie; empty: none but Panorama's own. */
      PANORAMA_CORS_ORIGINS: z
        .string()
        .optional()
        .transform((v, ctx) => {
          const list = (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);
          const origins: string[] = [];
          for (const entry of list) {
            const o = originOf(entry);
            if (!o || entry === '*') {
              ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['PANORAMA_CORS_ORIGINS'], message: `"${entry.slice(0, 60)}" is not an origin: list origins such as https://reports.acme.example, separated by commas (no paths, no *)` });
              return z.NEVER;
            }
            origins.push(o);
          }
          return origins;
        }),
      /** Requests a minute one signed-in person may send /graphql. */
      PANORAMA_RATE_LIMIT_GRAPHQL_PER_MINUTE: envValue.int(1, 1_000_000, 'requests a minute per person', 600),
      /** Requests a minute one client address may send the sign-in pages (/login, /auth/login, /auth/callback). */
      PANORAMA_RATE_LIMIT_SIGN_IN_PER_MINUTE: envValue.int(1, 1_000_000, 'requests a minute per client address', 120),
      PANORAMA_TRUST_PROXY: trustProxy,
    })
    .transform((env) => ({
      corsOrigins: env.PANORAMA_CORS_ORIGINS,
      graphqlPerMinute: env.PANORAMA_RATE_LIMIT_GRAPHQL_PER_MINUTE,
      signInPerMinute: env.PANORAMA_RATE_LIMIT_SIGN_IN_PER_MINUTE,
      trustProxy: env.PANORAMA_TRUST_PROXY,
    })),
);

export type EdgeSettings = FragmentValue<typeof edgeSettings>;
