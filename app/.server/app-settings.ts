import { z } from 'zod';
import { envFragment, envValue, type FragmentValue } from '../../sources/kit/settings.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The app's own settings: where it listens, how it signs sessions, and production or development. */
export const appSettings = envFragment(
  z
    .object({
      PORT: envValue.int(0, 65535, 'a TCP port', 3000),
      HOST: z.string().trim().min(1, 'must be an interface address such as 0.0.0.0 or 127.0.0.1').default('0.0.0.0'),
      LOG_LEVEL: z.enum(LOG_LEVELS, { errorMap: () => ({ message: `must be one of ${LOG_LEVELS.join(', ')}` }) }).default('info'),
      /** Production unless `npm run dev` (or this variable) says development: GraphiQL and random secrets need it. */
      PANORAMA_MODE: z.enum(['production', 'development'], { errorMap: () => ({ message: 'must be production or development' }) }).default('production'),
      SESSION_SECRET: envValue.text().pipe(z.string().min(32, 'must be at least 32 random characters').nullable()),
      PANORAMA_SECURE_COOKIES: envValue.flag(false),
      PANORAMA_METRICS_TOKEN: envValue.text(),
      /** GraphiQL on /graphql, for signed-in users only. @default true in development, false in production */
      PANORAMA_GRAPHIQL: envValue.flag(null),
    })
    .transform((env) => ({
      port: env.PORT,
      host: env.HOST,
      logLevel: env.LOG_LEVEL,
      production: env.PANORAMA_MODE === 'production',
      sessionSecret: env.SESSION_SECRET,
      secureCookies: env.PANORAMA_SECURE_COOKIES,
      metricsToken: env.PANORAMA_METRICS_TOKEN,
      graphiql: env.PANORAMA_GRAPHIQL ?? env.PANORAMA_MODE === 'development',
    })),
);

export type AppSettings = FragmentValue<typeof appSettings>;
