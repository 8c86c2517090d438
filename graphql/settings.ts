import { isSupportedCountry, type CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { envFragment, envValue, parseFragments, type Env, type FragmentValue } from '../sources/kit/settings.js';

/** The GraphQL layer's settings: the response cache's bounds and the flag rules' thresholds. */
export const graphqlSettings = envFragment(
  z
    .object({
      /** Seconds a viewer's repeated all-cached answer is reused; 0 turns reuse off. */
      PANORAMA_RESPONSE_CACHE_SECONDS: envValue.number(0, 'seconds', 2),
      PANORAMA_RESPONSE_CACHE_MAX_ENTRIES: envValue.int(0, 1_000_000, 'answers', 200),
      PANORAMA_RESPONSE_CACHE_MAX_MB: envValue.number(0, 'megabytes', 20),
      /**
       * A view (one GraphQL request) answers within this many ms with the sections whose sources have answered;
       * the others say they are still being read (their reads go on and land in the cache).
       */
      PANORAMA_VIEW_DEADLINE_MS: envValue.int(500, 600_000, 'milliseconds', 10_000),
      /** Days a won deal may go without a project before it is flagged. */
      PANORAMA_WON_DEAL_GRACE_DAYS: envValue.int(0, 3650, 'days', 14),
      /** The region a phone number without a country code is read in, when numbers are compared across systems. */
      PANORAMA_DEFAULT_PHONE_REGION: z.preprocess(
        (v) => (v === '' || v === undefined ? undefined : typeof v === 'string' ? v.trim().toUpperCase() : v),
        z
          .string()
          .refine((v) => isSupportedCountry(v), { message: 'must be a two-letter ISO 3166 region code with a phone numbering plan (US, GB, DE …)' })
          .default('US'),
      ) as z.ZodType<string, z.ZodTypeDef, unknown>,
    })
    .transform((env) => ({
      responseCache: { seconds: env.PANORAMA_RESPONSE_CACHE_SECONDS, maxEntries: env.PANORAMA_RESPONSE_CACHE_MAX_ENTRIES, maxMb: env.PANORAMA_RESPONSE_CACHE_MAX_MB },
      wonDealGraceDays: env.PANORAMA_WON_DEAL_GRACE_DAYS,
      viewDeadlineMs: env.PANORAMA_VIEW_DEADLINE_MS,
      defaultPhoneRegion: env.PANORAMA_DEFAULT_PHONE_REGION as CountryCode,
    })),
);

export type GraphqlSettings = FragmentValue<typeof graphqlSettings>;

/** These variables parsed as the GraphQL layer's settings (a bad one throws ConfigError naming it). */
export const parseGraphqlSettings = (env: Env): GraphqlSettings => parseFragments({ graphql: graphqlSettings }, env).graphql;

/** The settings with every variable at its default. */
export const DEFAULT_GRAPHQL_SETTINGS: GraphqlSettings = parseGraphqlSettings({});
